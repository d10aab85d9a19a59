// The activations along an axis: softmax, logSoftmax, softmin (softmax of -x) and glu, written
// once on this target's vectors. The input is viewed as [outer, length, inner] and each row (one
// outer and one inner index, `length` elements at stride inner) is reduced on its own. The fallback
// twin is lib/fallback/axis.ts; docs/numerics.md ("Along an axis") states the rules.
//
// Same bits on every SIMD level and thread count: each row's arithmetic is fixed whatever the
// vector width. Contiguous rows (inner == 1) are summed into 16 interleaved partials (element k into
// partial k mod 16) combined in a fixed pairwise tree; strided rows (inner > 1) lie side by side in
// the lanes of a vector and each is summed in order. Maxima need no order (NaN and -0 aside, which
// are made canonical). Float32 rows work in float32 up to e^(x - max), then in double: the sums, the
// normalisation and the final rounding. Float64 rows keep the rounding error of their sums
// (Knuth's two-sum), so long rows stay within a few ULP.
// Included only by native/targets/target.cc, inside the target's namespace, after
// activations-inl.h (glu uses its Sigmoid).

// Each entry point is compiled as one piece, everything it calls inlined (expOf included), so that
// a row's vectors stay in registers.
#define KINDLING_AXIS_ENTRY __attribute__((flatten))

// ---- Lanes, and float lanes as doubles ----

// The lanes of a step that take part: the first `count`, and of those the ones whose mask byte is
// nonzero (all of them without a mask).
template <typename V>
inline typename VectorOf<V>::I activeLanes(const uint8_t* mask, size_t count) {
  using I = typename VectorOf<V>::I;
#if KINDLING_VECTOR_BYTES
  constexpr size_t kCount = kLanes<V>;
  typedef int8_t Bytes __attribute__((vector_size(kCount)));
  if (mask) {
    Bytes bytes{};
    __builtin_memcpy(&bytes, mask, count);
    return __builtin_convertvector(bytes != Bytes{}, I);
  }
  if (count == kCount) return ~I{};
  I index, limit;
  for (size_t i = 0; i < kCount; ++i) {
    index[i] = i;
    limit[i] = count;
  }
  return index < limit;
#else
  return count > 0 && (!mask || mask[0] != 0) ? I(-1) : I(0);
#endif
}

#if KINDLING_VECTOR_BYTES
// A float vector's lanes as doubles, in two halves (lowToDouble, highToDouble: simd-inl.h).
struct WideF {
  VD lo;
  VD hi;
};
inline WideF operator+(WideF a, WideF b) { return {a.lo + b.lo, a.hi + b.hi}; }
inline WideF operator-(WideF a, WideF b) { return {a.lo - b.lo, a.hi - b.hi}; }
inline WideF operator*(WideF a, WideF b) { return {a.lo * b.lo, a.hi * b.hi}; }
inline WideF operator/(WideF a, WideF b) { return {a.lo / b.lo, a.hi / b.hi}; }
inline WideF logOf(WideF a) { return {logOf(a.lo), logOf(a.hi)}; }
#endif

// The precision a row of T is worked in after the exponentials: W holds V's lanes as doubles.
template <typename T>
struct Precision;

template <>
struct Precision<float> {
  using V = VF;
  static constexpr bool kCompensated = false;  // double sums of float terms need no more
#if KINDLING_VECTOR_BYTES
  using W = WideF;
  static W widen(V v) { return {lowToDouble(v), highToDouble(v)}; }
  static V narrow(W w) { return fromDoubles(w.lo, w.hi); }
  static W wide(double value) { return {splat<VD>(value), splat<VD>(value)}; }
  // Each half of w with its index: partial slots are numbered in lane order.
  template <typename F>
  static void forHalves(const W& w, F f) {
    f(w.lo, 0);
    f(w.hi, 1);
  }
  template <typename F>
  static W mapHalves(const W& a, const W& b, F f) {
    return {f(a.lo, b.lo), f(a.hi, b.hi)};
  }
  static void storeWide(double* p, const W& w) {
    store(p, w.lo);
    store(p + kLanes<VD>, w.hi);
  }
  static W loadWide(const double* p) { return {load<VD>(p), load<VD>(p + kLanes<VD>)}; }
#else
  using W = double;
  static W widen(V v) { return v; }
  static V narrow(W w) { return static_cast<float>(w); }
  static W wide(double value) { return value; }
  template <typename F>
  static void forHalves(const W& w, F f) {
    f(w, 0);
  }
  template <typename F>
  static W mapHalves(const W& a, const W& b, F f) {
    return f(a, b);
  }
  static void storeWide(double* p, const W& w) { store(p, w); }
  static W loadWide(const double* p) { return load<W>(p); }
#endif
  // e^(x - m) for x - m = high + low in two steps: the part kept in T (a long row's stash in out),
  // and from it the value in W that the sums and the last pass take. Float folds low into its
  // exponential's reduction, so the first step is all of it, exact when widened.
  static V stashedExp(V high, V low) { return expOfSum(high, low); }
  static W fullExp(V stashed, V) { return widen(stashed); }
};

template <>
struct Precision<double> {
  using V = VD;
  using W = VD;
  static constexpr bool kCompensated = true;
  static W widen(V v) { return v; }
  static V narrow(W w) { return w; }
  static W wide(double value) { return splat<VD>(value); }
  template <typename F>
  static void forHalves(const W& w, F f) {
    f(w, 0);
  }
  template <typename F>
  static W mapHalves(const W& a, const W& b, F f) {
    return f(a, b);
  }
  static void storeWide(double* p, const W& w) { store(p, w); }
  static W loadWide(const double* p) { return load<W>(p); }
  // Double multiplies e^high by (1 + low) in the second step.
  static V stashedExp(V high, V) { return expOf(high); }
  static W fullExp(V stashed, V low) { return stashed * (1.0 + low); }
};

// The rounding error of s = a + b, exactly (Knuth's two-sum; any magnitudes, barring overflow).
template <typename V>
inline V twoSumError(V a, V b, V s) {
  const V bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

template <typename V>
inline V minusInfinity() {
  return splat<V>(-__builtin_inf());
}

// The larger of m and x, and NaN once either is NaN.
template <typename V>
inline V nanMax(V m, V x) {
  return (x > m) | (x != x) ? x : m;
}

// ---- Rows ----

// One step along a row: elements at `at`, `count` of them (lanes), and k, the row position of the
// first modulo 16 (for strided rows, the row position).
struct Step {
  size_t at;
  size_t count;
  size_t k;
};

template <typename V, typename T>
inline V loadStep(const T* p, const Step& step) {
  return step.count == kLanes<V> ? load<V>(p + step.at) : loadPartial<V>(p + step.at, step.count);
}

template <typename V, typename T>
inline void storeStep(T* p, const Step& step, V v) {
  if (step.count == kLanes<V>) {
    store(p + step.at, v);
  } else {
    storePartial(p + step.at, v, step.count);
  }
}

// A sum over a contiguous row: 16 partials, element k into partial k mod 16, each summed in order.
template <typename T, bool kCompensated>
struct ContiguousSum {
  using W = typename Precision<T>::W;
  static constexpr size_t kSlots = 16 / kLanes<VD>;
  VD hi[kSlots] = {};
  VD lo[kSlots] = {};  // rounding errors, when compensated

  void add(const W& term, size_t k) {
    const size_t slot = k % 16 / kLanes<VD>;
    Precision<T>::forHalves(term, [&](VD v, size_t half) {
      VD& sum = hi[slot + half];
      if constexpr (kCompensated) {
        const VD s = sum + v;
        lo[slot + half] = lo[slot + half] + twoSumError(sum, v, s);
        sum = s;
      } else {
        sum = sum + v;
      }
    });
  }

  // The partials added pairwise, p[i] + p[i + 8], then + 4, + 2, + 1: the total and its error.
  void total(W* sum, W* error) const {
    double h[16], l[16];
    __builtin_memcpy(h, hi, sizeof h);
    __builtin_memcpy(l, lo, sizeof l);
    for (size_t width = 8; width > 0; width /= 2) {
      for (size_t i = 0; i < width; ++i) {
        const double s = h[i] + h[i + width];
        if constexpr (kCompensated) l[i] = (l[i] + l[i + width]) + twoSumError(h[i], h[i + width], s);
        h[i] = s;
      }
    }
    *sum = Precision<T>::wide(h[0]);
    *error = Precision<T>::wide(l[0]);
  }
};

// Sums over rows side by side in the lanes: each in order.
template <typename T, bool kCompensated>
struct LaneSum {
  using W = typename Precision<T>::W;
  W hi = Precision<T>::wide(0);
  W lo = Precision<T>::wide(0);

  void add(const W& term, size_t) {
    if constexpr (kCompensated) {
      const W s = hi + term;
      lo = lo + twoSumError(hi, term, s);
      hi = s;
    } else {
      hi = hi + term;
    }
  }

  void total(W* sum, W* error) const {
    *sum = hi;
    *error = lo;
  }
};

// Softmax's e^(x - m) waits between its passes, so that the last computes no exponential, in
// double on the stack for contiguous rows up to this length.
constexpr size_t kStashLength = 2048;

// One row of contiguous elements (inner == 1): statistics end up the same in every lane.
template <typename T>
struct ContiguousRow {
  using V = typename Precision<T>::V;
  template <bool kCompensated>
  using Sum = ContiguousSum<T, kCompensated>;

  size_t start;
  size_t length;

  size_t first() const { return start; }
  bool stashable() const { return length <= kStashLength; }

  // Blocks of 32 elements unrolled, so that each step's partial slots are known when compiling
  // and the partials stay in registers, and so that even 16-lane vectors have two independent
  // exponentials in flight (one is a long chain of dependent operations).
  template <typename F>
  void forEach(F f) const {
    constexpr size_t kStep = kLanes<V>;
    size_t k = 0;
    for (; k + 32 <= length; k += 32) {
#pragma GCC unroll 32
      for (size_t j = 0; j < 32; j += kStep) f(Step{start + k + j, kStep, j});
    }
    for (; k + kStep <= length; k += kStep) f(Step{start + k, kStep, k});
    if (k < length) f(Step{start + k, length - k, k});
  }

  // The largest of f(step) over the row: four chains side by side, since a maximum needs no order.
  template <typename F>
  V maximum(F f) const {
    constexpr size_t kStep = kLanes<V>;
    V m[4] = {minusInfinity<V>(), minusInfinity<V>(), minusInfinity<V>(), minusInfinity<V>()};
    size_t k = 0;
    for (; k + 4 * kStep <= length; k += 4 * kStep) {
      for (size_t u = 0; u < 4; ++u) m[u] = nanMax(m[u], f(Step{start + k + u * kStep, kStep, 0}));
    }
    for (; k < length; k += kStep) m[0] = nanMax(m[0], f(Step{start + k, length - k < kStep ? length - k : kStep, 0}));
    return finishMax(nanMax(nanMax(m[0], m[1]), nanMax(m[2], m[3])));
  }

  static V finishMax(V m) {
#if KINDLING_VECTOR_BYTES
    typename VectorOf<V>::T all = m[0];
    for (size_t i = 1; i < kLanes<V>; ++i) all = nanMax(all, m[i]);
    return splat<V>(all);
#else
    return m;
#endif
  }
};

// Up to a vector's lanes of strided rows (inner > 1), one per lane: element k of the row in lane i
// is at start + i + k * inner.
template <typename T>
struct StridedRows {
  using V = typename Precision<T>::V;
  template <bool kCompensated>
  using Sum = LaneSum<T, kCompensated>;

  size_t start;
  size_t length;
  size_t inner;
  size_t lanes;

  size_t first() const { return start; }
  bool stashable() const { return false; }

  template <typename F>
  void forEach(F f) const {
    for (size_t k = 0; k < length; ++k) f(Step{start + k * inner, lanes, k});
  }

  template <typename F>
  V maximum(F f) const {
    V m = minusInfinity<V>();
    forEach([&](const Step& step) { m = nanMax(m, f(step)); });
    return m;
  }

  static V finishMax(V m) { return m; }
};

// Calls body(row) for rows [begin, end) of outer * inner, grouping strided rows into vectors.
template <typename T, typename Body>
inline void forEachRow(const AxisArgs<T>& a, size_t begin, size_t end, Body body) {
  if (a.inner == 1) {
    for (size_t r = begin; r < end; ++r) body(ContiguousRow<T>{r * a.length, a.length});
    return;
  }
  constexpr size_t kStep = kLanes<typename Precision<T>::V>;
  for (size_t r = begin; r < end;) {
    const size_t o = r / a.inner, i = r % a.inner;
    size_t lanes = a.inner - i < kStep ? a.inner - i : kStep;
    if (end - r < lanes) lanes = end - r;
    body(StridedRows<T>{o * a.length * a.inner + i, a.length, a.inner, lanes});
    r += lanes;
  }
}

// ---- softmax, softmin, logSoftmax ----

// x - m as high + low exactly, with x == m (ties, +Inf at a +Inf maximum) giving exactly 0 and an
// overflowing or infinite difference no error term.
template <typename V>
struct Shifted {
  V high;
  V low;
  typename VectorOf<V>::I tie;
};

template <typename V>
inline Shifted<V> shiftByMax(V x, V m) {
  const V s = x - m;
  const V low = twoSumError(x, -m, s);
  Shifted<V> shifted;
  shifted.tie = x == m;
  shifted.high = shifted.tie ? splat<V>(0) : s;
  shifted.low = shifted.tie ? splat<V>(0) : (s == minusInfinity<V>() ? splat<V>(0) : low);
  return shifted;
}

// e^(x - m) in W.
template <typename T>
inline typename Precision<T>::W expShifted(const Shifted<typename Precision<T>::V>& d) {
  using P = Precision<T>;
  return P::fullExp(P::stashedExp(d.high, d.low), d.low);
}

// What a row's normalisation needs: its maximum m, and its sum of e^(x - m) as ties (the elements
// equal to m, each contributing exactly 1) + rest + restError. gradSum: the sum of gradOutput.
template <typename T>
struct RowStats {
  using V = typename Precision<T>::V;
  using W = typename Precision<T>::W;
  V max;
  W ties;
  W rest;
  W restError;
  W gradSum;
  W gradError;

  // A row with no element above -Inf (or none taking part).
  typename VectorOf<V>::I empty() const { return max == minusInfinity<V>(); }
  // 1 / sum.
  W reciprocal() const { return Precision<T>::wide(1) / ((ties + rest) + restError); }
  // ln(sum): ties + rest kept as u + error, so that ln(1 + tiny) keeps tiny's digits.
  W logSum() const {
    const W u = ties + rest;
    const W error = twoSumError(ties, rest, u) + restError;
    return logOf(u) + error / u;
  }
};

template <bool kNegate, typename V, typename T>
inline V loadInput(const T* p, const Step& step) {
  const V x = loadStep<V>(p, step);
  return kNegate ? -x : x;
}

// Where softmax keeps e^(x - m) between passes: exactly, in double (`wide`, indexed from the row's
// first element), or its part in T (`exps`: Precision::stashedExp; out when out is not x), or nowhere.
template <typename T>
struct Stash {
  double* wide;
  size_t first;
  T* exps;
};

// Softmax sums e^(x - m) in one (ties = 0) and leaves it in the stash; logSoftmax keeps the elements
// below the maximum (rest) apart from the count of those at it (ties).
template <bool kNegate, bool kSumGrad, bool kSplitTies, typename T, typename Row>
inline RowStats<T> rowStats(const AxisArgs<T>& a, const Row& row, const Stash<T>& stash = {}) {
  using P = Precision<T>;
  using V = typename P::V;
  using W = typename P::W;
  const V minusInf = minusInfinity<V>();
  const V m = row.maximum([&](const Step& step) {
    const auto active = activeLanes<V>(a.mask ? a.mask + step.at : nullptr, step.count);
    return active ? loadInput<kNegate, V>(a.input, step) : minusInf;
  });
  RowStats<T> stats;
  stats.max = m + T(0);  // a maximum of -0 becomes +0 whichever zero came first
  typename Row::template Sum<P::kCompensated> rest, grads;
  typename Row::template Sum<false> ties;
  const V zero = splat<V>(0), one = splat<V>(1);
  row.forEach([&](const Step& step) {
    const auto active = activeLanes<V>(a.mask ? a.mask + step.at : nullptr, step.count);
    const Shifted<V> d = shiftByMax(loadInput<kNegate, V>(a.input, step), stats.max);
    if constexpr (kSplitTies) {
      Shifted<V> others = d;  // the elements below the maximum that take part
      others.high = d.tie ? minusInf : (active ? d.high : minusInf);
      others.low = d.tie ? zero : (active ? d.low : zero);
      rest.add(expShifted<T>(others), step.k);
      ties.add(P::widen(d.tie ? (active ? one : zero) : zero), step.k);
    } else {
      const V e = P::stashedExp(d.high, d.low);
      const W shifted = P::fullExp(active ? e : zero, active ? d.low : zero);
      rest.add(shifted, step.k);
      if (stash.wide) {
        P::storeWide(stash.wide + (step.at - stash.first), shifted);
      } else if (stash.exps) {
        storeStep(stash.exps, step, e);
      }
    }
    if constexpr (kSumGrad) grads.add(P::widen(active ? loadStep<V>(a.gradOutput, step) : zero), step.k);
  });
  rest.total(&stats.rest, &stats.restError);
  W unused;
  ties.total(&stats.ties, &unused);
  if constexpr (kSumGrad) {
    grads.total(&stats.gradSum, &stats.gradError);
  } else {
    stats.gradSum = stats.gradError = P::wide(0);
  }
  return stats;
}

// The softmax of x (of -x for softmin) at one step, as written by forward: 0 where the element
// does not take part and throughout an empty row; e^(x - m) from the stash that rowStats filled.
template <bool kNegate, typename T>
inline typename Precision<T>::V softmaxAt(const AxisArgs<T>& a, const RowStats<T>& stats,
                                          const typename Precision<T>::W& reciprocal, const Step& step,
                                          const Stash<T>& stash) {
  using P = Precision<T>;
  using V = typename P::V;
  const auto active = activeLanes<V>(a.mask ? a.mask + step.at : nullptr, step.count);
  typename P::W shifted;
  if (stash.wide) {
    shifted = P::loadWide(stash.wide + (step.at - stash.first));
  } else {
    const Shifted<V> d = shiftByMax(loadInput<kNegate, V>(a.input, step), stats.max);
    shifted = P::fullExp(stash.exps ? loadStep<V>(stash.exps, step) : P::stashedExp(d.high, d.low), d.low);
  }
  const V y = P::narrow(shifted * reciprocal);
  return stats.empty() ? splat<V>(0) : (active ? y : splat<V>(0));
}

// Softmax's gradient y (g - sum(g y)) (softmin's: y (sum(g y) - g)), given y at each step: 0 where
// the element does not take part and throughout an empty row (one whose y are all 0).
template <bool kNegate, typename T, typename Row, typename YAt>
inline void softmaxBackwardRow(const AxisArgs<T>& a, const Row& row, YAt yAt) {
  using P = Precision<T>;
  using V = typename P::V;
  using W = typename P::W;
  const V zero = splat<V>(0), minusInf = minusInfinity<V>();
  typename Row::template Sum<P::kCompensated> products;
  V maxY = minusInf;
  row.forEach([&](const Step& step) {
    const auto active = activeLanes<V>(a.mask ? a.mask + step.at : nullptr, step.count);
    const V y = active ? yAt(step) : zero;
    const V g = active ? loadStep<V>(a.gradOutput, step) : zero;
    products.add(P::widen(g) * P::widen(y), step.k);
    maxY = nanMax(maxY, active ? y : minusInf);
  });
  maxY = Row::finishMax(maxY);
  W sum, error;
  products.total(&sum, &error);
  sum = sum + error;
  const auto empty = (maxY == zero) | (maxY == minusInf);
  row.forEach([&](const Step& step) {
    const auto active = activeLanes<V>(a.mask ? a.mask + step.at : nullptr, step.count);
    const W y = P::widen(yAt(step)), g = P::widen(loadStep<V>(a.gradOutput, step));
    const V grad = P::narrow(kNegate ? y * (sum - g) : y * (g - sum));
    storeStep(a.out, step, empty ? zero : (active ? grad : zero));
  });
}

template <bool kNegate>
struct SoftmaxOf {
  static constexpr bool kUnitsAreElements = false;
  static constexpr bool kFromOutput = true;

  template <typename T>
  KINDLING_AXIS_ENTRY static void forward(const AxisArgs<T>& args, size_t begin, size_t end) {
    const AxisArgs<T> a = args;  // a copy, which no store through out can change: its fields stay in registers
    forEachRow(a, begin, end, [&](const auto& row) {
      // Beyond the stack, e^high waits in out, unless out is x, which the last pass still reads.
      alignas(64) double wide[kStashLength + 16];
      const Stash<T> stash = row.stashable() ? Stash<T>{wide, row.first(), nullptr}
                                             : Stash<T>{nullptr, 0, a.out != a.input ? a.out : nullptr};
      const RowStats<T> stats = rowStats<kNegate, false, false>(a, row, stash);
      const auto reciprocal = stats.reciprocal();
      row.forEach([&](const Step& step) { storeStep(a.out, step, softmaxAt<kNegate>(a, stats, reciprocal, step, stash)); });
    });
  }

  // From x: y recomputed exactly as forward gives it, so this equals backwardFromOutput(g, forward(x)).
  template <typename T>
  KINDLING_AXIS_ENTRY static void backward(const AxisArgs<T>& args, size_t begin, size_t end) {
    const AxisArgs<T> a = args;  // a copy, which no store through out can change: its fields stay in registers
    forEachRow(a, begin, end, [&](const auto& row) {
      alignas(64) double wide[kStashLength + 16];
      const Stash<T> stash{row.stashable() ? wide : nullptr, row.first(), nullptr};
      const RowStats<T> stats = rowStats<kNegate, false, false>(a, row, stash);
      const auto reciprocal = stats.reciprocal();
      softmaxBackwardRow<kNegate>(a, row, [&](const Step& step) { return softmaxAt<kNegate>(a, stats, reciprocal, step, stash); });
    });
  }

  template <typename T>
  KINDLING_AXIS_ENTRY static void backwardFromOutput(const AxisArgs<T>& args, size_t begin, size_t end) {
    const AxisArgs<T> a = args;  // a copy, which no store through out can change: its fields stay in registers
    using V = typename Precision<T>::V;
    forEachRow(a, begin, end, [&](const auto& row) {
      softmaxBackwardRow<kNegate>(a, row, [&](const Step& step) { return loadStep<V>(a.input, step); });
    });
  }
};

using Softmax = SoftmaxOf<false>;
using Softmin = SoftmaxOf<true>;

struct LogSoftmax {
  static constexpr bool kUnitsAreElements = false;
  static constexpr bool kFromOutput = true;

  // (x - m) - ln(sum), with x - m exact as high + low: both terms have one sign, so nothing cancels.
  // -Inf where the element does not take part and throughout an empty row.
  template <typename T>
  KINDLING_AXIS_ENTRY static void forward(const AxisArgs<T>& args, size_t begin, size_t end) {
    const AxisArgs<T> a = args;  // a copy, which no store through out can change: its fields stay in registers
    using P = Precision<T>;
    using V = typename P::V;
    forEachRow(a, begin, end, [&](const auto& row) {
      const RowStats<T> stats = rowStats<false, false, true>(a, row);
      const auto logSum = stats.logSum();
      const auto empty = stats.empty();
      const V minusInf = minusInfinity<V>();
      row.forEach([&](const Step& step) {
        const auto active = activeLanes<V>(a.mask ? a.mask + step.at : nullptr, step.count);
        const Shifted<V> d = shiftByMax(loadStep<V>(a.input, step), stats.max);
        const V y = P::narrow((P::widen(d.high) - logSum) + P::widen(d.low));
        storeStep(a.out, step, empty ? minusInf : (active ? y : minusInf));
      });
    });
  }

  // g - softmax(x) sum(g), with softmax(x) = e^(x - m) / sum unrounded.
  template <typename T>
  KINDLING_AXIS_ENTRY static void backward(const AxisArgs<T>& args, size_t begin, size_t end) {
    const AxisArgs<T> a = args;  // a copy, which no store through out can change: its fields stay in registers
    using P = Precision<T>;
    using V = typename P::V;
    forEachRow(a, begin, end, [&](const auto& row) {
      const RowStats<T> stats = rowStats<false, true, true>(a, row);
      const auto reciprocal = stats.reciprocal();
      const auto gradSum = stats.gradSum + stats.gradError;
      const auto empty = stats.empty();
      const V zero = splat<V>(0);
      row.forEach([&](const Step& step) {
        const auto active = activeLanes<V>(a.mask ? a.mask + step.at : nullptr, step.count);
        const Shifted<V> d = shiftByMax(loadStep<V>(a.input, step), stats.max);
        const auto g = P::widen(loadStep<V>(a.gradOutput, step));
        const V grad = P::narrow(g - expShifted<T>(d) * reciprocal * gradSum);
        storeStep(a.out, step, empty ? zero : (active ? grad : zero));
      });
    });
  }

  // g - e^y sum(g); an empty row is one whose y are all -Inf.
  template <typename T>
  KINDLING_AXIS_ENTRY static void backwardFromOutput(const AxisArgs<T>& args, size_t begin, size_t end) {
    const AxisArgs<T> a = args;  // a copy, which no store through out can change: its fields stay in registers
    forEachRow(a, begin, end, [&](const auto& row) { fromOutputRow(a, row); });
  }

  template <typename T, typename Row>
  static void fromOutputRow(const AxisArgs<T>& a, const Row& row) {
    using P = Precision<T>;
    using V = typename P::V;
    using W = typename P::W;
    const V zero = splat<V>(0), minusInf = minusInfinity<V>();
    typename Row::template Sum<P::kCompensated> grads;
    V maxY = minusInf;
    row.forEach([&](const Step& step) {
      const auto active = activeLanes<V>(a.mask ? a.mask + step.at : nullptr, step.count);
      grads.add(P::widen(active ? loadStep<V>(a.gradOutput, step) : zero), step.k);
      maxY = nanMax(maxY, active ? loadStep<V>(a.input, step) : minusInf);
    });
    maxY = Row::finishMax(maxY);
    W gradSum, error;
    grads.total(&gradSum, &error);
    gradSum = gradSum + error;
    const auto empty = maxY == minusInf;
    row.forEach([&](const Step& step) {
      const auto active = activeLanes<V>(a.mask ? a.mask + step.at : nullptr, step.count);
      const auto g = P::widen(loadStep<V>(a.gradOutput, step));
      const V grad = P::narrow(g - P::widen(expOf(loadStep<V>(a.input, step))) * gradSum);
      storeStep(a.out, step, empty ? zero : (active ? grad : zero));
    });
  }
};

// ---- glu ----

// a * sigmoid(b) for x split along the axis into a | b; units are output elements.
struct Glu {
  static constexpr bool kUnitsAreElements = true;
  static constexpr bool kFromOutput = false;

  // Calls f(a, b, j, count) for runs of output elements [j, j + count) in [begin, end), with a and b
  // pointing at their first halves' elements.
  template <typename T, typename F>
  static void forEachRun(const AxisArgs<T>& a, size_t begin, size_t end, F f) {
    const size_t half = a.length / 2 * a.inner;  // elements of each half for one outer index
    for (size_t j = begin; j < end;) {
      const size_t o = j / half, within = j % half;
      const size_t count = half - within < end - j ? half - within : end - j;
      const size_t first = o * 2 * half + within;
      f(first, first + half, j, count);
      j += count;
    }
  }

  // a / (1 + e^-b) for b >= 0, a e^b / (1 + e^b) below (e^-|b| never overflows), in double for
  // float32 too, so that an e^b far below float32's range still scales a huge a. In float64, e^b is
  // subnormal below b = -708, and a e^(b/2) e^(b/2) keeps the digits it would lose.
  template <bool kSplitTiny>
  static VD gated(VD a, VD b) {
    const VD e = expOf(-absOf(b));
    VD numerator = b >= 0.0 ? a : a * e;
    if constexpr (kSplitTiny) {
      const VD h = expOf(b * 0.5);
      numerator = b < -708.0 ? (a * h) * h : numerator;
    }
    return numerator / (e + 1.0);
  }

  template <typename T>
  KINDLING_AXIS_ENTRY static void forward(const AxisArgs<T>& args, size_t begin, size_t end) {
    const AxisArgs<T> a = args;  // a copy, which no store through out can change: its fields stay in registers
    using P = Precision<T>;
    using V = typename P::V;
    forEachRun(a, begin, end, [&](size_t first, size_t second, size_t j, size_t count) {
      mapBinary(a.input + first, a.input + second, a.out + j, count, [](V x, V b) {
        return P::narrow(P::mapHalves(P::widen(x), P::widen(b), [](VD wa, VD wb) { return gated<sizeof(T) == 8>(wa, wb); }));
      });
    });
  }

  // d/da = g sigmoid(b), d/db = g a sigmoid'(b), written to the two halves of out (x's shape).
  template <typename T>
  KINDLING_AXIS_ENTRY static void backward(const AxisArgs<T>& args, size_t begin, size_t end) {
    const AxisArgs<T> a = args;  // a copy, which no store through out can change: its fields stay in registers
    using V = typename Precision<T>::V;
    constexpr size_t kStep = kLanes<V>;
    forEachRun(a, begin, end, [&](size_t first, size_t second, size_t j, size_t count) {
      for (size_t i = 0; i < count; i += kStep) {
        const Step step{i, count - i < kStep ? count - i : kStep, 0};
        const V x = loadStep<V>(a.input + first, step), b = loadStep<V>(a.input + second, step);
        const V g = loadStep<V>(a.gradOutput + j, step);
        const V gradFirst = g * Sigmoid::forward(b, Params<V>{});
        const V gradSecond = g * x * Sigmoid::derivative(b, Params<V>{});
        storeStep(a.out + first, step, gradFirst);
        storeStep(a.out + second, step, gradSecond);
      }
    });
  }
};

template <typename Kernel>
constexpr AxisKernels axisKernelsOf() {
  if constexpr (Kernel::kFromOutput) {
    return {&Kernel::template forward<float>,  &Kernel::template forward<double>,
            &Kernel::template backward<float>, &Kernel::template backward<double>,
            &Kernel::template backwardFromOutput<float>, &Kernel::template backwardFromOutput<double>,
            Kernel::kUnitsAreElements};
  } else {
    return {&Kernel::template forward<float>,  &Kernel::template forward<double>,
            &Kernel::template backward<float>, &Kernel::template backward<double>,
            nullptr, nullptr, Kernel::kUnitsAreElements};
  }
}

constexpr AxisKernels kAxisKernels[] = {
#define KINDLING_AXIS_KERNELS_OF(name, Kernel) axisKernelsOf<Kernel>(),
    KINDLING_AXIS_ACTIVATIONS(KINDLING_AXIS_KERNELS_OF)
#undef KINDLING_AXIS_KERNELS_OF
};
