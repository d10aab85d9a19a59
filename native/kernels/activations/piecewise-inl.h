// The piecewise group: activations built from comparisons and a few exact or once-rounded
// operations. Derivatives at kinks and boundaries follow PyTorch's backward kernels (each struct
// says which), and NaN in gives NaN out in every pass. Twin: lib/fallback/activations/piecewise.ts.
// Included by activations-inl.h.

// x itself where x is NaN, else `value`: derivatives that are masks still propagate NaN.
template <typename V>
inline V nanOr(V x, V value) {
  return x == x ? value : x;
}

// x if x > 0, else slope * x (a = slope). leakyRelu'(0) = slope, as PyTorch's leaky_relu_backward.
struct LeakyRelu {
  static constexpr size_t kGrain = size_t{1} << 17;

  template <typename V>
  static V forward(V x, const Params<V>& p) {
    using T = typename VectorOf<V>::T;
    return x > T(0) ? x : x * p.a;
  }
  template <typename V>
  static V derivative(V x, const Params<V>& p) {
    using T = typename VectorOf<V>::T;
    return x > T(0) ? splat<V>(1) : nanOr(x, p.a);
  }
};

// Clamped to [a, b] = [minVal, maxVal]; NaN passes. The derivative is 1 strictly inside and 0 at
// and beyond the bounds (PyTorch's hardtanh_backward masks with min < x < max).
struct HardTanh {
  static constexpr size_t kGrain = size_t{1} << 17;

  template <typename V>
  static V forward(V x, const Params<V>& p) {
    return x <= p.a ? p.a : (x >= p.b ? p.b : x);  // inclusive, so relu6(-0) = +0
  }
  template <typename V>
  static V derivative(V x, const Params<V>& p) {
    return (x > p.a) & (x < p.b) ? splat<V>(1) : nanOr(x, splat<V>(0));
  }
};

// relu6(x + 3) / 6, as PyTorch's hardsigmoid; the derivative is 1/6 strictly inside (-3, 3), else 0.
struct HardSigmoid {
  static constexpr size_t kGrain = size_t{1} << 17;

  template <typename V>
  static V forward(V x, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    const V shifted = x + T(3);
    return (shifted <= T(0) ? splat<V>(0) : (shifted >= T(6) ? splat<V>(6) : shifted)) / T(6);
  }
  template <typename V>
  static V derivative(V x, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    return (x > T(-3)) & (x < T(3)) ? splat<V>(T(1) / T(6)) : nanOr(x, splat<V>(0));
  }
};

// x * (relu6(x + 3) / 6), and -0 for x <= -3: dividing first keeps x exact above 3 and cannot overflow. Derivative as PyTorch's hardswish_backward: 0 below -3, x/3 + 1/2 on
// [-3, 3] (so -1/2 at -3 and 3/2 at 3), 1 above; computed as (2x + 3)/6.
struct HardSwish {
  static constexpr size_t kGrain = size_t{1} << 17;

  template <typename V>
  static V forward(V x, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    const V shifted = x + T(3);
    const V clamped = shifted <= T(0) ? splat<V>(0) : (shifted >= T(6) ? splat<V>(6) : shifted);
    // -0 from -3 down, as x * 0 gives for finite x, and also at -Inf (where x * 0 would be NaN)
    return x <= T(-3) ? splat<V>(-0.0) : x * (clamped / T(6));
  }
  template <typename V>
  static V derivative(V x, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    const V inside = (x + x + T(3)) / T(6);  // not x/3 + 1/2, which cancels near x = -3/2
    return x < T(-3) ? splat<V>(0) : (x <= T(3) ? inside : nanOr(x, splat<V>(1)));
  }
};

// x - lambda above lambda, x + lambda below -lambda, else 0 (a = lambda >= 0); derivative 1 where
// |x| > lambda, else 0 (0 at +-lambda, as PyTorch's softshrink_backward).
struct SoftShrink {
  static constexpr size_t kGrain = size_t{1} << 17;

  template <typename V>
  static V forward(V x, const Params<V>& p) {
    return x > p.a ? x - p.a : (x < -p.a ? x + p.a : nanOr(x, splat<V>(0)));
  }
  template <typename V>
  static V derivative(V x, const Params<V>& p) {
    return (x > p.a) | (x < -p.a) ? splat<V>(1) : nanOr(x, splat<V>(0));
  }
};

// x where |x| > lambda, else 0 (a = lambda >= 0); derivative 1 there, else 0.
struct HardShrink {
  static constexpr size_t kGrain = size_t{1} << 17;

  template <typename V>
  static V forward(V x, const Params<V>& p) {
    return (x > p.a) | (x < -p.a) ? x : nanOr(x, splat<V>(0));
  }
  template <typename V>
  static V derivative(V x, const Params<V>& p) {
    return (x > p.a) | (x < -p.a) ? splat<V>(1) : nanOr(x, splat<V>(0));
  }
};

// x where x > threshold, else value (a = threshold, b = value); derivative 1 there, else 0, as
// PyTorch's threshold_backward.
struct Threshold {
  static constexpr size_t kGrain = size_t{1} << 17;

  template <typename V>
  static V forward(V x, const Params<V>& p) {
    return x > p.a ? x : nanOr(x, p.b);
  }
  template <typename V>
  static V derivative(V x, const Params<V>& p) {
    return x > p.a ? splat<V>(1) : nanOr(x, splat<V>(0));
  }
};

// x / (1 + |x|) and its derivative 1 / (1 + |x|)^2, which is squared after the division so that
// it underflows gracefully rather than overflowing to a false 0. Float works in double (where
// 1 + |x| and the square are exact or nearly so), so each float result is rounded about once.
struct Softsign {
  static constexpr size_t kGrain = size_t{1} << 16;

  template <typename V>
  static V forward(V x, const Params<V>&) {
    if constexpr (sizeof(typename VectorOf<V>::T) == 4) {
      return viaDouble(x, [](VD v) { return forwardOf(v); });
    } else {
      return forwardOf(x);
    }
  }
  template <typename V>
  static V derivative(V x, const Params<V>&) {
    if constexpr (sizeof(typename VectorOf<V>::T) == 4) {
      return viaDouble(x, [](VD v) { return derivativeOf(v); });
    } else {
      return derivativeOf(x);
    }
  }

 private:
  // +-1 at +-Inf, where x / (1 + |x|) would be Inf / Inf.
  static VD forwardOf(VD x) {
    const VD a = absOf(x);
    return a == __builtin_inf() ? copySign(splat<VD>(1.0), x) : x / (a + 1.0);
  }
  static VD derivativeOf(VD x) {
    const VD r = 1.0 / (absOf(x) + 1.0);
    return r * r;
  }
};
