// The exponential group: elu, selu, celu and exponential, with expm1 (e^x - 1 at full relative
// accuracy near 0), which the first three need on their negative side. The fallback twin is
// lib/fallback/activations/exponential.ts, operation for operation.
// Included by activations-inl.h, inside the target's namespace.

// e^x - 1 for x <= 0, float: the only side elu, selu and celu need (positive x give values they
// discard). With expm1ReductionOf (math-inl.h), e^x - 1 = 2^k (expm1(r) - (2^-k - 1)), summed so
// that nothing cancels (as in fdlibm's s_expm1f.c); where 2^-k - 1 is not a float (k < -24) the sum
// is (expm1(r) + 1) - 2^-k instead. Within 1.02 ULP (the worst measured, on 2^22 points of [-20, 0]
// and the mpmath references); -Inf gives -1, NaN propagates.
inline VF expm1Of(VF x) {
  const VF clamped = x < -25.0f ? splat<VF>(-25.0f) : x;  // below -25 the result is -1 in float
  const Expm1Reduction e = expm1ReductionOf(clamped);
  const VF p = e.r - e.d;
  // k is in [-37, 0], so 2^-k and 2^k are normal numbers and each applies in one product.
  const VF twoToMinusK = pow2(-e.n);
  const VF sum = e.k < -24.0f ? (p + 1.0f) - twoToMinusK : p - (twoToMinusK - 1.0f);
  return sum * pow2(e.n);
}

// e^x - 1 for x <= 0, double: the same with expOf's ln2 split (fdlibm's, low part positive) and
// Taylor series, and 2^-k - 1 exact for k >= -53. Within 0.79 ULP (the worst measured against the
// mpmath references).
inline VD expm1Of(VD x) {
  constexpr double kRoundingShift = 6755399441055744.0;  // 1.5 * 2^52
  const VD clamped = x < -40.0 ? splat<VD>(-40.0) : x;  // below -40 the result is -1 in double
  const VD shifted = clamped * 1.4426950408889634 + kRoundingShift;
  const VD k = shifted - kRoundingShift;
  const VI64 n = bitCast<VI64>(bitsOf(shifted) - bitsOf(splat<VD>(kRoundingShift)));
  const VD hi = clamped - k * 6.93147180369123816490e-01;
  const VD lo = k * 1.90821492927058770002e-10;
  const VD r = hi - lo;
  const VD rExcess = (r - hi) + lo;
  VD poly = splat<VD>(1.0 / 6227020800.0);  // 1/13!
  poly = poly * r + 1.0 / 479001600.0;
  poly = poly * r + 1.0 / 39916800.0;
  poly = poly * r + 1.0 / 3628800.0;
  poly = poly * r + 1.0 / 362880.0;
  poly = poly * r + 1.0 / 40320.0;
  poly = poly * r + 1.0 / 5040.0;
  poly = poly * r + 1.0 / 720.0;
  poly = poly * r + 1.0 / 120.0;
  poly = poly * r + 1.0 / 24.0;
  poly = poly * r + 1.0 / 6.0;
  poly = poly * r + 0.5;
  const VD d = (rExcess + rExcess * r) - poly * (r * r);
  const VD p = r - d;
  const VD twoToMinusK = pow2(-n);  // k in [-58, 0]
  const VD sum = k < -53.0 ? (p + 1.0) - twoToMinusK : p - (twoToMinusK - 1.0);
  return sum * pow2(n);
}

// alpha (e^x - 1) for x <= 0, x above: PyTorch's elu. At 0 the left branch, as PyTorch:
// elu'(0) = alpha. alpha >= 0 (the table's domain), so elu(-0) = -0 and y > 0 exactly when x > 0.
struct Elu {
  static constexpr size_t kGrain = size_t{1} << 14;

  template <typename V>
  static V forward(V x, const Params<V>& p) {
    using T = typename VectorOf<V>::T;
    return x > T(0) ? x : p.a * expm1Of(x);
  }
  template <typename V>
  static V derivative(V x, const Params<V>& p) {
    using T = typename VectorOf<V>::T;
    return x > T(0) ? splat<V>(1) : p.a * expOf(x);
  }
  // alpha e^x = y + alpha on the left branch: PyTorch's elu_backward with is_result.
  template <typename V>
  static V backwardFromOutput(V gradOutput, V y, const Params<V>& p) {
    using T = typename VectorOf<V>::T;
    return gradOutput * (y > T(0) ? splat<V>(1) : y + p.a);
  }
};

// SELU's constants in each precision: scale, and scale * alpha rounded once from the exact product.
template <typename T>
struct SeluConstants;
template <>
struct SeluConstants<float> {
  static constexpr float kScale = 1.05070102214813232421875f;
  static constexpr float kScaleAlpha = 1.7580993175506591796875f;
};
template <>
struct SeluConstants<double> {
  static constexpr double kScale = 1.0507009873554804934193349852946;
  static constexpr double kScaleAlpha = 1.7580993408473768599402175208123;
};

// scale * elu(x, alpha) with PyTorch's constants; selu'(0) = scale * alpha, the left branch.
struct Selu {
  static constexpr size_t kGrain = size_t{1} << 14;

  template <typename V>
  static V forward(V x, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    using C = SeluConstants<T>;
    return x > T(0) ? x * C::kScale : expm1Of(x) * C::kScaleAlpha;
  }
  template <typename V>
  static V derivative(V x, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    using C = SeluConstants<T>;
    return x > T(0) ? splat<V>(C::kScale) : expOf(x) * C::kScaleAlpha;
  }
};

// max(0, x) + min(0, alpha (e^(x/alpha) - 1)) for alpha > 0: x above 0, alpha expm1(x/alpha) below
// (PyTorch's celu, with x/alpha rounded once where PyTorch multiplies by a rounded 1/alpha).
// celu'(0) = 1 from both sides. At an alpha other than a power of 2, the rounding of x/alpha
// (half an ULP of it) becomes a relative error of up to |x/alpha| half-ULPs in e^(x/alpha).
struct Celu {
  static constexpr size_t kGrain = size_t{1} << 14;

  template <typename V>
  static V forward(V x, const Params<V>& p) {
    using T = typename VectorOf<V>::T;
    return x > T(0) ? x : p.a * expm1Of(x / p.a);
  }
  template <typename V>
  static V derivative(V x, const Params<V>& p) {
    using T = typename VectorOf<V>::T;
    return x > T(0) ? splat<V>(1) : expOf(x / p.a);
  }
};

// e^x (Keras's "exponential"): its own derivative, so backward from y = e^x is gradOutput * y.
// Overflows to +Inf above about 88.72 (float) or 709.78 (double).
struct Exponential {
  static constexpr size_t kGrain = size_t{1} << 14;

  template <typename V>
  static V forward(V x, const Params<V>&) {
    return expOf(x);
  }
  template <typename V>
  static V derivative(V x, const Params<V>&) {
    return expOf(x);
  }
  template <typename V>
  static V backwardFromOutput(V gradOutput, V y, const Params<V>&) {
    return gradOutput * y;
  }
};
