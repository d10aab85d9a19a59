// The activation kernels, written once on this target's vectors. Each kernel struct gives f(x) and
// f'(x) for a vector of either precision, and optionally backward(gradOutput, x) where it is not
// gradOutput * f'(x), and backwardFromOutput(gradOutput, y) with y = f(x); the loops at the end of
// this file turn them into the ActivationKernels entry points. The groups beyond relu, sigmoid and
// tanh live in activations/*-inl.h, included below. Numerics (docs/numerics.md): NaN in gives NaN
// out, +-Inf give the limits, derivatives at kinks follow PyTorch. The fallback twin is
// lib/fallback/activations.ts. Included only by native/targets/target.cc, inside the target's
// namespace.

template <typename V>
struct Params {
  V a;
  V b;
};

// Each kernel also states the fewest elements worth handing to another thread (kGrain): a cheap,
// memory-bound kernel needs far larger chunks than one that evaluates exponentials.

struct Identity {
  static constexpr size_t kGrain = size_t{1} << 17;

  template <typename V>
  static V forward(V x, const Params<V>&) {
    return x;
  }
  // 1, and NaN at NaN (x == x is false only there).
  template <typename V>
  static V derivative(V x, const Params<V>&) {
    return x == x ? splat<V>(1) : x;
  }
  template <typename V>
  static V backward(V gradOutput, V x, const Params<V>&) {
    return x == x ? gradOutput : x;
  }
};

struct Relu {
  static constexpr size_t kGrain = size_t{1} << 17;

  // x <= 0 ? 0 : x, so NaN (for which every comparison is false) passes through and relu(-0) = +0.
  template <typename V>
  static V forward(V x, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    return x <= T(0) ? splat<V>(0) : x;
  }
  // relu'(0) = 0 as in PyTorch; NaN in, NaN out.
  template <typename V>
  static V derivative(V x, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    return x > T(0) ? splat<V>(1) : (x <= T(0) ? splat<V>(0) : x);
  }
  // A mask, as PyTorch's threshold_backward: where x <= 0 the gradient is 0 whatever gradOutput is.
  template <typename V>
  static V backward(V gradOutput, V x, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    return x > T(0) ? gradOutput : (x <= T(0) ? splat<V>(0) : x);
  }
  // y = relu(x) > 0 exactly when x > 0.
  template <typename V>
  static V backwardFromOutput(V gradOutput, V y, const Params<V>& p) {
    return backward(gradOutput, y, p);
  }
};

// The float sigmoid family (Sigmoid, Swish) in float lanes, faster than widening to double:
// e^-|z| = 2^k (u + v) and 1 + e^-|z| = s + t as unevaluated sums of floats, both exact, so that a
// quotient n/(1 + e^-|z|) rounds only in its division and its last correction (correctedQuotient).
struct LogisticParts {
  VF u, v;  // e^r = u + v, with e^-|z| = 2^k e^r
  VF s, t;  // 1 + e^-|z|, to 2^-40 relative
  VI32 n;   // k
};

// |z| is clamped to `largest`, past which the caller's results no longer change.
inline LogisticParts logisticPartsOf(VF z, float largest) {
  const VF magnitude = absOf(z);
  const Expm1Reduction e = expm1ReductionOf(-(magnitude > largest ? splat<VF>(largest) : magnitude));
  // e^r = 1 + p + pError, with p = r - d rounded and its error pError exact (|d| < |r|).
  const VF p = e.r - e.d;
  const VF pError = (e.r - p) - e.d;
  const VF u = p + 1.0f;
  const VF v = ((1.0f - u) + p) + pError;  // Fast2Sum
  // The denominator with k raised to -40 at least: below, e^-|z| changes it by less than 2^-40. So
  // no step meets a subnormal number, which costs a microcode assist on x86; the callers scale the
  // numerator by 2^k after the division.
  const VI32 denominatorK = e.n < -40 ? splat<VI32>(-40) : e.n;
  const VF eh = u * pow2(denominatorK);
  const VF el = v * pow2(denominatorK);
  const VF s = eh + 1.0f;
  return {u, v, s, ((1.0f - s) + eh) + el, e.n};  // Fast2Sum (eh <= 1)
}

// (n + nLow)/(s + t) = q - (q t - nLow)/s to first order, with q = n/s rounded.
inline VF correctedQuotient(VF n, VF nLow, VF s, VF t) {
  const VF q = n / s;
  return q - (q * t - nLow) * (1.0f / s);
}

struct Sigmoid {
  static constexpr size_t kGrain = size_t{1} << 14;

  // 1/(1 + e^-|x|) or e^-|x|/(1 + e^-|x|): e^-|x| never overflows, and the negative side keeps
  // full relative accuracy down to the subnormals.
  static VD forward(VD x, const Params<VD>&) {
    return forwardOf(x, expOf(-absOf(x)));
  }
  // The same in float lanes, within 1.11 ULP (1.104 the worst over every float): the numerator is
  // 1, or e^-|x| = 2^k (u + v) with 2^k applied after the division (scaleByPow2Rounded: a subnormal
  // result rounds once and costs no assist).
  static VF forward(VF x, const Params<VF>&) {
    // Past 104, e^-|x| is below half the least subnormal: sigmoid(-Inf) = 0 and sigmoid(+Inf) = 1.
    const LogisticParts e = logisticPartsOf(x, 104.0f);
    const auto negative = x < 0.0f;
    const VF unscaled = correctedQuotient(negative ? e.u : splat<VF>(1.0f), negative ? e.v : splat<VF>(0.0f), e.s, e.t);
    return scaleByPow2Rounded(unscaled, negative ? e.n : splat<VI32>(0));
  }
  // sigmoid(x) * sigmoid(-x) = e^-|x| / (1 + e^-|x|)^2, with no cancellation in 1 - sigmoid(x).
  template <typename V>
  static V derivative(V x, const Params<V>&) {
    if constexpr (sizeof(typename VectorOf<V>::T) == 4) {
      return viaDouble(x, [](VD v) { return derivativeOf(expForFloat(-absOf(v))); });
    } else {
      return derivativeOf(expOf(-absOf(x)));
    }
  }
  template <typename V>
  static V backwardFromOutput(V gradOutput, V y, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    return gradOutput * (y * (T(1) - y));
  }

 private:
  // From e = e^-|x|.
  template <typename V>
  static V forwardOf(V x, V e) {
    using T = typename VectorOf<V>::T;
    return (x >= T(0) ? splat<V>(1) : e) / (e + T(1));  // one division for both sides
  }
  template <typename V>
  static V derivativeOf(V e) {
    using T = typename VectorOf<V>::T;
    const V d = e + T(1);
    return e / (d * d);
  }
};

struct Tanh {
  static constexpr size_t kGrain = size_t{1} << 14;

  // Odd: computed on |x| and given x's sign, so tanh(-0) = -0.
  template <typename V>
  static V forward(V x, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    const V a = absOf(x);
    const V far = T(1) - T(2) / (expOf(a + a) + T(1));
    return copySign(a < T(0.625) ? tanhNearZero(a) : far, x);
  }
  // 1 - tanh(x)^2 = 4e^-2|x| / (1 + e^-2|x|)^2, which keeps its relative accuracy in the tails;
  // float works in double lanes, as sigmoid does.
  template <typename V>
  static V derivative(V x, const Params<V>&) {
    if constexpr (sizeof(typename VectorOf<V>::T) == 4) {
      return viaDouble(x, [](VD v) {
        const VD a = absOf(v);
        return derivativeOf(expForFloat(-(a + a)));
      });
    } else {
      const V a = absOf(x);
      return derivativeOf(expOf(-(a + a)));
    }
  }
  // (1 - y)(1 + y) rather than 1 - y^2: exact products near |y| = 1, where 1 - y^2 cancels.
  template <typename V>
  static V backwardFromOutput(V gradOutput, V y, const Params<V>&) {
    using T = typename VectorOf<V>::T;
    return gradOutput * ((T(1) - y) * (T(1) + y));
  }

 private:
  // From e = e^-2|x|.
  template <typename V>
  static V derivativeOf(V e) {
    using T = typename VectorOf<V>::T;
    const V d = e + T(1);
    return e * T(4) / (d * d);
  }
};

// Each group's kernels, in its own file (its fallback twin is lib/fallback/activations/<group>.ts).
// piecewise linear
#include "activations/piecewise-inl.h"

// logistic
#include "kernels/activations/logistic-inl.h"

// exponential
#include "activations/exponential-inl.h"

// gelu
#include "activations/gelu-inl.h"

template <typename T, typename F>
inline void mapUnary(const T* x, T* out, size_t n, F f) {
  using V = typename Lanes<T>::V;
  constexpr size_t kStep = kLanes<V>;
  size_t i = 0;
  for (; i + kStep <= n; i += kStep) store(out + i, f(load<V>(x + i)));
  if (i < n) storePartial(out + i, f(loadPartial<V>(x + i, n - i)), n - i);
}

template <typename T, typename F>
inline void mapBinary(const T* g, const T* x, T* out, size_t n, F f) {
  using V = typename Lanes<T>::V;
  constexpr size_t kStep = kLanes<V>;
  size_t i = 0;
  for (; i + kStep <= n; i += kStep) store(out + i, f(load<V>(g + i), load<V>(x + i)));
  if (i < n) {
    storePartial(out + i, f(loadPartial<V>(g + i, n - i), loadPartial<V>(x + i, n - i)), n - i);
  }
}

// Parameters arrive as doubles and are rounded once to the kernel's precision, as the fallback does.
template <typename T>
inline Params<typename Lanes<T>::V> paramsOf(double a, double b) {
  using V = typename Lanes<T>::V;
  return {splat<V>(static_cast<T>(a)), splat<V>(static_cast<T>(b))};
}

template <typename Kernel, typename T>
void forwardLoop(const T* x, T* out, size_t n, double a, double b) {
  const auto p = paramsOf<T>(a, b);
  mapUnary(x, out, n, [&p](auto v) { return Kernel::forward(v, p); });
}

template <typename Kernel, typename T>
void derivativeLoop(const T* x, T* out, size_t n, double a, double b) {
  const auto p = paramsOf<T>(a, b);
  mapUnary(x, out, n, [&p](auto v) { return Kernel::derivative(v, p); });
}

// Whether Kernel has a backward of its own (detected on float vectors): most do not, and their
// backward is the chain rule, gradOutput * f'(x) rounded to the array's precision.
template <typename Kernel, typename = void>
struct HasBackward {
  static constexpr bool value = false;
};
template <typename Kernel>
struct HasBackward<Kernel, decltype(void(Kernel::backward(VF{}, VF{}, Params<VF>{})))> {
  static constexpr bool value = true;
};

template <typename Kernel, typename T>
void backwardLoop(const T* g, const T* x, T* out, size_t n, double a, double b) {
  const auto p = paramsOf<T>(a, b);
  mapBinary(g, x, out, n, [&p](auto gv, auto xv) {
    if constexpr (HasBackward<Kernel>::value) {
      return Kernel::backward(gv, xv, p);
    } else {
      return gv * Kernel::derivative(xv, p);
    }
  });
}

template <typename Kernel, typename T>
void backwardFromOutputLoop(const T* g, const T* y, T* out, size_t n, double a, double b) {
  const auto p = paramsOf<T>(a, b);
  mapBinary(g, y, out, n, [&p](auto gv, auto yv) { return Kernel::backwardFromOutput(gv, yv, p); });
}

// Whether Kernel has backwardFromOutput (detected on float vectors).
template <typename Kernel, typename = void>
struct HasBackwardFromOutput {
  static constexpr bool value = false;
};
template <typename Kernel>
struct HasBackwardFromOutput<Kernel, decltype(void(Kernel::backwardFromOutput(VF{}, VF{}, Params<VF>{})))> {
  static constexpr bool value = true;
};

template <typename Kernel>
constexpr ActivationKernels kernelsOf() {
  if constexpr (HasBackwardFromOutput<Kernel>::value) {
    return {&forwardLoop<Kernel, float>,    &forwardLoop<Kernel, double>,
            &derivativeLoop<Kernel, float>, &derivativeLoop<Kernel, double>,
            &backwardLoop<Kernel, float>,   &backwardLoop<Kernel, double>,
            &backwardFromOutputLoop<Kernel, float>, &backwardFromOutputLoop<Kernel, double>,
            Kernel::kGrain};
  } else {
    return {&forwardLoop<Kernel, float>,    &forwardLoop<Kernel, double>,
            &derivativeLoop<Kernel, float>, &derivativeLoop<Kernel, double>,
            &backwardLoop<Kernel, float>,   &backwardLoop<Kernel, double>,
            nullptr, nullptr, Kernel::kGrain};
  }
}
