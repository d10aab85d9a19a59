// The logistic group: swish (silu is swish at beta = 1), softplus, logSigmoid, mish and tanhShrink.
// The float64 kernels compute in double. The float32 derivatives (and tanhShrink) widen their lanes
// to double, run the float64 code and round once, within about half an ULP: float arithmetic could
// not keep relative accuracy near the zeros of silu' and mish'. The float32 forward pass of swish
// runs in float lanes with the sigmoid's exact error terms (logisticPartsOf, activations-inl.h);
// mish's takes e^-|x| from the float expOf and the rest in double. softplus and logSigmoid stay in
// float. The fallback twin is lib/fallback/activations/logistic.ts. Included by activations-inl.h,
// inside the target's namespace.

// f(params, lanes of each vector...) on float vectors, computed in double and rounded once to float.
template <typename F, typename... Vectors>
inline VF inDouble(const Params<VF>& p, F f, Vectors... vectors) {
#if KINDLING_VECTOR_BYTES
  const Params<VD> wide = {lowToDouble(p.a), lowToDouble(p.b)};  // every lane holds the parameter
  return fromDoubles(f(wide, lowToDouble(vectors)...), f(wide, highToDouble(vectors)...));
#else
  return toFloat(f(Params<VD>{p.a, p.b}, toDouble(vectors)...));
#endif
}

// The derivative and backward of a Body with a double derivative: float lanes go through
// inDouble, and backward is gradOutput times the derivative in the array's precision.
template <typename Body>
struct DerivativeInDouble {
  static constexpr size_t kGrain = size_t{1} << 13;

  static VD derivative(VD x, const Params<VD>& p) {
    return Body::derivative(x, p);
  }
  static VF derivative(VF x, const Params<VF>& p) {
    return inDouble(p, [](const Params<VD>& q, VD v) { return Body::derivative(v, q); }, x);
  }
};

// A kernel whose forward pass runs in the array's own precision.
template <typename Body>
struct ForwardInOwnPrecision : DerivativeInDouble<Body> {
  template <typename V>
  static V forward(V x, const Params<V>& p) {
    return Body::forward(x, p);
  }
};

// A kernel whose forward pass is all double code, for float lanes too.
template <typename Body>
struct ComputedInDouble : DerivativeInDouble<Body> {
  static VD forward(VD x, const Params<VD>& p) {
    return Body::forward(x, p);
  }
  static VF forward(VF x, const Params<VF>& p) {
    return inDouble(p, [](const Params<VD>& q, VD v) { return Body::forward(v, q); }, x);
  }
};

// ln(1 + t) for -1 < t <= 1. With u = 1 + t rounded, err = (1 + t) - u is exact (Fast2Sum, as
// |t| <= 1), and ln(1 + t) = ln u + ln(1 + err/u) = ln u + err/u to far below an ULP, since
// |err/u| <= 2^-53. Full relative accuracy for tiny t, where ln u alone would be 0.
inline VD log1pOf(VD t) {
  const VD u = t + 1.0;
  const VD err = t - (u - 1.0);
  return logOf(u) + err / u;
}

// The same in float, for the float32 softplus and logSigmoid: within 1.2 ULP (1.12 measured).
inline VF log1pOf(VF t) {
  const VF u = t + 1.0f;
  const VF err = t - (u - 1.0f);
  return logOf(u) + err / u;
}

// e^d - 1 for |d| < 1/2 with full relative accuracy: the Taylor series to degree 15, whose
// truncation error there is below 2^-58 relative.
inline VD expm1NearZero(VD d) {
  VD p = splat<VD>(1.0 / 1307674368000.0);  // 1/15!
  p = p * d + 1.0 / 87178291200.0;
  p = p * d + 1.0 / 6227020800.0;
  p = p * d + 1.0 / 479001600.0;
  p = p * d + 1.0 / 39916800.0;
  p = p * d + 1.0 / 3628800.0;
  p = p * d + 1.0 / 362880.0;
  p = p * d + 1.0 / 40320.0;
  p = p * d + 1.0 / 5040.0;
  p = p * d + 1.0 / 720.0;
  p = p * d + 1.0 / 120.0;
  p = p * d + 1.0 / 24.0;
  p = p * d + 1.0 / 6.0;
  p = p * d + 0.5;
  return d * d * p + d;
}

// How the double formulas of the forward passes divide: correctly rounded for float64 results,
// and more cheaply for float32 results, whose final rounding to float hides any error below 2^-40
// (a double division costs several float ones).
struct ForFloat64 {
  static VD quotient(VD numerator, VD denominator) {
    return numerator / denominator;
  }
};
struct ForFloat32 {
  // 1/denominator from a float division (relative error below 2^-23 for the denominators from 1 to
  // 5 met here), refined by one Newton step in double to below 2^-45.
  static VD quotient(VD numerator, VD denominator) {
    const VD r = toDouble(1.0f / toFloat(denominator));
    return numerator * (r + r * (1.0 - denominator * r));
  }
};

// e^z for z <= 0 as mantissa * scale, with mantissa a normal number wherever e^z is not yet 0:
// below -652, where e^z nears the subnormals and would carry few bits into a product like x e^z,
// mantissa = e^(z + 652) and scale = e^-652, which a double holds to 2^-64 relative. (z + 652 is
// exact: 652 is a multiple of z's ULP, and the sum is smaller than z.) Products take the scale last.
struct SplitExp {
  VD mantissa;
  VD scale;
};

inline SplitExp splitExpOf(VD z) {
  const auto tail = z < -652.0;
  return {expOf(tail ? z + 652.0 : z), tail ? splat<VD>(6.918274648626584e-284) : splat<VD>(1.0)};
}

// The same split for float z, with the float expOf, whose results stay normal down to -87: the
// float mantissa, and the double scale from z widened.
inline VF floatSplitMantissaOf(VF z) {
  return expOf(z < -87.0f ? z + 87.0f : z);
}
inline VD floatSplitScaleOf(VD z) {
  return z < -87.0 ? splat<VD>(1.6458114310822737e-38) : splat<VD>(1.0);  // e^-87
}

// The kernels built on e^-|z|, z = zOf(x): Body gives zOf, the forward pass as a double formula of
// x, z and e^-|z| split as above, and the derivative in double. The float32 forward pass, where
// speed counts, takes z and e^-|z| from float arithmetic (the float expOf: within 1 ULP) and the
// rest in double; the float32 derivative is double throughout.
template <typename Body>
struct FromExpOfMinusAbs : DerivativeInDouble<Body> {
  static VD forward(VD x, const Params<VD>& p) {
    const VD z = Body::zOf(x, p);
    return Body::template formula<ForFloat64>(x, z, splitExpOf(-absOf(z)), p);
  }
  static VF forward(VF x, const Params<VF>& p) {
    const VF z = Body::zOf(x, p);
    const VF mantissa = floatSplitMantissaOf(-absOf(z));
    const auto formula = [](const Params<VD>& q, VD xd, VD zd, VD m) {
      return Body::template formula<ForFloat32>(xd, zd, SplitExp{m, floatSplitScaleOf(-absOf(zd))}, q);
    };
    return inDouble(p, formula, x, z, mantissa);
  }
};

// x where it is finite, +-the largest double where it is infinite: x e^z then gives +-0 rather
// than NaN when e^z underflows to 0.
inline VD finiteOf(VD x) {
  return absOf(x) == __builtin_inf() ? copySign(splat<VD>(1.7976931348623157e308), x) : x;
}

// z clamped to [-2000, 2000] (NaN stays NaN): beyond, e^-|z| is 0 and the derivatives their limits.
inline VD clampMagnitude(VD z) {
  return z < -2000.0 ? splat<VD>(-2000.0) : (z > 2000.0 ? splat<VD>(2000.0) : z);
}

// swish(x) = x sigmoid(z), z = beta x: x / (1 + e^-z) for z >= 0 and x e^z / (1 + e^z) below.
// swish'(x) = silu'(z) = sigmoid(z) (1 + z sigmoid(-z)), which is
//   (1 + e (1 + z)) / (1 + e)^2 with e = e^-z for z >= 0 (all terms positive), and
//   e N / (1 + e)^2 with e = e^z and N = 1 + z + e for z < 0.
// N vanishes at z0 = -1.27846 (where 1 + z0 + e^z0 = 0), so near it N is computed from
// d = z - z0 as N = d + e^z0 (e^d - 1): both terms have d's sign, so nothing cancels.
// beta x is rounded like any product (exact at beta = 1 or a power of two, and in the float32
// derivative): for other betas its rounding, amplified by |beta x| in the far left tail, adds to
// the error there, as in PyTorch and TensorFlow, which compute beta * x the same way.
struct SwishBody {
  template <typename V>
  static V zOf(V x, const Params<V>& p) {
    using T = typename VectorOf<V>::T;
    return p.a == T(0) ? splat<V>(0) : p.a * x;  // beta = 0 gives x / 2, even at x = +-Inf
  }
  template <typename Path>
  static VD formula(VD x, VD z, SplitExp e, const Params<VD>&) {
    const auto negative = z < 0.0;
    const VD numerator = negative ? finiteOf(x) * e.mantissa : x;
    return Path::quotient(numerator, e.mantissa * e.scale + 1.0) * (negative ? e.scale : splat<VD>(1.0));
  }
  static VD derivative(VD x, const Params<VD>& p) {
    constexpr double kRootHi = -1.2784645427610737;  // z0 = kRootHi + kRootLo
    constexpr double kRootLo = -1.0946994183093437e-16;
    constexpr double kExpRoot = 0.2784645427610738;  // e^z0 = -(1 + z0)
    const VD z = clampMagnitude(zOf(x, p));
    const auto negative = z < 0.0;
    const SplitExp split = splitExpOf(-absOf(z));
    const VD e = split.mantissa * split.scale;
    const VD d = (z - kRootHi) - kRootLo;
    const VD n = absOf(d) < 0.5 ? kExpRoot * expm1NearZero(d) + d : (z + 1.0) + e;
    const VD sum = e + 1.0;
    const VD slope = (negative ? split.mantissa * n : e * (z + 1.0) + 1.0) / (sum * sum) *
                     (negative ? split.scale : splat<VD>(1.0));
    return x == x ? slope : x;
  }
};
// The float32 forward pass in float lanes (logisticPartsOf, activations-inl.h): x / (s + t) for
// z >= 0 and x (u + v) 2^k / (s + t) below, with 2^k applied after the division. For k < 0 the
// numerator takes (u + v)/2 and 2^(k+1), so x u never overflows (u <= 1 when k = 0). Below
// z = -174 the result is a zero of x's sign: |x| e^-174 is below half the least subnormal for
// every |x| < 2^101, and larger |x| give z far below -174 unless |beta| < 1e-28. Infinite x where
// z >= 0, and zeros, are their own results.
struct Swish : FromExpOfMinusAbs<SwishBody> {
  using FromExpOfMinusAbs<SwishBody>::forward;
  static VF forward(VF x, const Params<VF>& p) {
    const VF z = SwishBody::zOf(x, p);
    const LogisticParts e = logisticPartsOf(z, 174.0f);
    const auto negative = z < 0.0f;
    const auto halved = e.n < 0;
    const VF u = halved ? e.u * 0.5f : e.u;
    const VF v = halved ? e.v * 0.5f : e.v;
    const VF unscaled = correctedQuotient(negative ? x * u : x, negative ? x * v : splat<VF>(0.0f), e.s, e.t);
    const VF y = scaleByPow2Rounded(unscaled, negative ? (halved ? e.n + 1 : e.n) : splat<VI32>(0));
    const auto passThrough = (absOf(x) == __builtin_inff()) | (x == 0.0f);  // +-Inf where z >= 0, and +-0
    return z < -174.0f ? copySign(splat<VF>(0.0f), x) : (passThrough ? x : y);
  }
};

// softplus(x) = x where z = beta x > threshold (as PyTorch), else ln(1 + e^z) / beta, computed as
// (max(z, 0) + ln(1 + e^-|z|)) / beta so that nothing overflows whatever the threshold. The float32
// forward pass is float arithmetic (ln(1 + e) has no product to lose bits in, so float reaches
// the target, and faster). softplus'(x) = 1 where z > threshold, else sigmoid(z).
struct SoftplusBody {
  template <typename V>
  static V forward(V x, const Params<V>& p) {
    using T = typename VectorOf<V>::T;
    const V z = p.a * x;
    const V soft = ((z > T(0) ? z : splat<V>(0)) + log1pOf(expOf(-absOf(z)))) / p.a;
    return z > p.b ? x : soft;
  }
  static VD derivative(VD x, const Params<VD>& p) {
    const VD z = p.a * x;
    return z > p.b ? splat<VD>(1.0) : Sigmoid::forward(z, p);
  }
};
struct Softplus : ForwardInOwnPrecision<SoftplusBody> {};

// logSigmoid(x) = -softplus(-x) = min(x, 0) - ln(1 + e^-|x|): no overflow either way, and -0
// rather than +0 where x is so large that ln(1 + e^-x) is 0; float arithmetic for float32, as
// softplus. logSigmoid'(x) = sigmoid(-x).
struct LogSigmoidBody {
  template <typename V>
  static V forward(V x, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    const V softplusOfMinusAbs = log1pOf(expOf(-absOf(x)));
    return x < T(0) ? x - softplusOfMinusAbs : -softplusOfMinusAbs;
  }
  static VD derivative(VD x, const Params<VD>& p) {
    return Sigmoid::forward(-x, p);
  }
};
struct LogSigmoid : ForwardInOwnPrecision<LogSigmoidBody> {};

// mish(x) = x tanh(softplus(x)). With n = e^x (e^x + 2), tanh(ln(1 + e^x)) = n / (n + 2), so
//   mish(x) = x (1 + 2e) / (1 + 2e + 2e^2) with e = e^-x for x >= 0, and
//   mish(x) = x e (e + 2) / (e (e + 2) + 2) with e = e^x below: no logarithm, no overflow.
// mish'(x) = tanh(sp) + x sech^2(sp) sigmoid(x), sp = softplus(x), which is
//   ((1 + 2e) D + 4x e^2 (1 + e)) / D^2 with e = e^-x, D = 1 + 2e + 2e^2 for x >= 0, and
//   e H / (n + 2)^2 with e = e^x and H = (e + 2)(e^2 + 2e + 2) + 4x (1 + e) below.
// H vanishes at x0 = -1.19243. With u = 1 + e, H = u (q(u) + 4x) for q(u) = u^2 + u + 1 + 1/u, and
// q(u0) = -4 x0, so H = (u - u0)(u (u + u0 + 1) - 1/u0) + 4u (x - x0) with u - u0 = e^x0 (e^d - 1),
// d = x - x0: both terms have d's sign, so nothing cancels.
struct MishBody {
  template <typename V>
  static V zOf(V x, const Params<V>&) {
    return x;
  }
  template <typename Path>
  static VD formula(VD x, VD, SplitExp split, const Params<VD>&) {
    const auto negative = x < 0.0;
    const VD e = split.mantissa * split.scale;
    const VD twice = e + e;
    const VD one = twice + 1.0;
    const VD numerator = negative ? finiteOf(x) * split.mantissa * (e + 2.0) : x * one;
    const VD denominator = negative ? e * (e + 2.0) + 2.0 : one + twice * e;
    return Path::quotient(numerator, denominator) * (negative ? split.scale : splat<VD>(1.0));
  }
  static VD derivative(VD x, const Params<VD>&) {
    constexpr double kRootHi = -1.1924312145154952;  // x0 = kRootHi + kRootLo
    constexpr double kRootLo = -4.8484829848031044e-17;
    constexpr double kExpRoot = 0.3034825352815289;  // e^x0
    constexpr double kURoot = 1.303482535281529;     // u0 = 1 + e^x0
    constexpr double kURootInverse = 0.7671756029964896;
    const VD c = clampMagnitude(x);
    const auto negative = c < 0.0;
    const SplitExp split = splitExpOf(-absOf(c));
    const VD e = split.mantissa * split.scale;
    // x >= 0
    const VD one = e + e + 1.0;
    const VD big = one + (e + e) * e;
    const VD positive = (one * big + c * 4.0 * (e * e) * (e + 1.0)) / (big * big);
    // x < 0
    const VD u = e + 1.0;
    const VD d = (c - kRootHi) - kRootLo;
    const VD uMinusRoot = absOf(d) < 0.5 ? kExpRoot * expm1NearZero(d) : e - kExpRoot;
    const VD h = uMinusRoot * (u * (u + (kURoot + 1.0)) - kURootInverse) + u * 4.0 * d;
    const VD n2 = e * (e + 2.0) + 2.0;
    const VD negativeSlope = split.mantissa * h / (n2 * n2) * split.scale;
    return negative ? negativeSlope : positive;
  }
};
struct Mish : FromExpOfMinusAbs<MishBody> {};

// tanhShrink(x) = x - tanh(x), odd, computed on a = |x|: for a < 1, where the difference cancels
// (to a^3/3 near 0), as a w P(w) with w = a^2 and P a degree-15 polynomial fitted to
// (a - tanh a) / a^3 on [0, 1] (Chebyshev, relative error below 2^-54); from 1 on as
// (a - 1) + 2 / (e^2a + 1), two terms >= 0. tanhShrink'(x) = tanh(x)^2.
struct TanhShrinkBody {
  static VD forward(VD x, const Params<VD>&) {
    const VD a = absOf(x);
    const VD w = a * a;
    VD p = splat<VD>(-2.5155023659382105e-08);
    p = p * w + 2.6330772232959337e-07;
    p = p * w - 1.3791814499083342e-06;
    p = p * w + 4.987760317520347e-06;
    p = p * w - 1.4606131676715378e-05;
    p = p * w + 3.8389607893147334e-05;
    p = p * w - 9.646277743313181e-05;
    p = p * w + 0.00023895705228738225;
    p = p * w - 0.0005899792946300052;
    p = p * w + 0.0014558246920964941;
    p = p * w - 0.003592126679366341;
    p = p * w + 0.008863235404578283;
    p = p * w - 0.02186948852912909;
    p = p * w + 0.05396825396804637;
    p = p * w - 0.1333333333333309;
    p = p * w + 0.3333333333333333;
    const VD far = (a - 1.0) + 2.0 / (expOf(a + a) + 1.0);
    return copySign(a < 1.0 ? a * (w * p) : far, x);
  }
  static VD derivative(VD x, const Params<VD>& p) {
    const VD t = Tanh::forward(x, p);
    return t * t;
  }
};
struct TanhShrink : ComputedInDouble<TanhShrinkBody> {};
