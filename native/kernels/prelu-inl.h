// prelu with learned slopes (one per channel, or one shared), written once on this target's
// vectors: the element-wise passes and the backward pass with its weight-gradient sum. The walk
// and the fixed order of the sum are in prelu-plan-inl.h; the fallback twin is
// lib/fallback/prelu.ts. Included only by native/targets/target.cc, inside the target's namespace,
// after activations-inl.h (whose LeakyRelu gives the element-wise formulas).

#include "kernels/prelu-plan-inl.h"

// The element-wise passes, on a slope vector w: prelu's forward and derivative (LeakyRelu's with
// the slope as its parameter: x if x > 0, else x * w; 1 if x > 0, else w, NaN at NaN) and the plain
// product x * w, which is rrelu's backward (gradOutput * noise).
struct PreluForward {
  template <typename V>
  static V apply(V x, V w) {
    return LeakyRelu::forward(x, Params<V>{w, w});
  }
};
struct PreluDerivative {
  template <typename V>
  static V apply(V x, V w) {
    return LeakyRelu::derivative(x, Params<V>{w, w});
  }
};
struct PreluScale {
  template <typename V>
  static V apply(V x, V w) {
    return x * w;
  }
};

// The first `count` slopes of pattern[phase], pattern[phase + 1], ... read modulo `period`; zeros
// in the other lanes. Only at a pattern's end or an array's tail: elsewhere a plain load serves.
template <typename V, typename T>
inline V loadWrapped(const T* pattern, size_t phase, size_t period, size_t count) {
  T lanes[kLanes<V>] = {};
  for (size_t l = 0; l < count; ++l) {
    const size_t j = phase + l;
    lanes[l] = pattern[j < period ? j : j - period];
  }
  return load<V>(lanes);
}

// Elements [begin, end) of one element-wise pass. With long runs (inner >= kPreluLongRun) the
// slopes are the weights, one per channel, splatted over each run; otherwise element i's slope is
// slopes[i % period] (period >= kPreluMinPeriod).
template <typename Op, typename T>
void preluWalk(const T* x, const T* slopes, size_t period, T* out, size_t begin, size_t end, size_t channels,
               size_t inner) {
  using V = typename Lanes<T>::V;
  constexpr size_t kStep = kLanes<V>;
  if (inner >= kPreluLongRun) {
    size_t i = begin;
    for (size_t run = begin / inner; i < end; ++run) {
      const size_t runEnd = end < (run + 1) * inner ? end : (run + 1) * inner;
      const V w = splat<V>(slopes[run % channels]);
      for (; i + kStep <= runEnd; i += kStep) store(out + i, Op::apply(load<V>(x + i), w));
      if (i < runEnd) {
        storePartial(out + i, Op::apply(loadPartial<V>(x + i, runEnd - i), w), runEnd - i);
        i = runEnd;
      }
    }
    return;
  }
  size_t phase = begin % period;
  size_t i = begin;
  for (; i + kStep <= end; i += kStep) {
    const V w = phase + kStep <= period ? load<V>(slopes + phase) : loadWrapped<V>(slopes, phase, period, kStep);
    store(out + i, Op::apply(load<V>(x + i), w));
    phase += kStep;
    if (phase >= period) phase -= period;
  }
  if (i < end) {
    const V w = loadWrapped<V>(slopes, phase, period, end - i);
    storePartial(out + i, Op::apply(loadPartial<V>(x + i, end - i), w), end - i);
  }
}

template <typename T>
void preluMap(int pass, const T* x, const T* slopes, size_t period, T* out, size_t begin, size_t end,
              size_t channels, size_t inner) {
  switch (pass) {
    case 0: return preluWalk<PreluForward>(x, slopes, period, out, begin, end, channels, inner);
    case 1: return preluWalk<PreluDerivative>(x, slopes, period, out, begin, end, channels, inner);
    default: return preluWalk<PreluScale>(x, slopes, period, out, begin, end, channels, inner);
  }
}

// ---- Backward: gradInput and the weight gradient's tile sums, in double vectors ----

constexpr size_t kWideLanes = kLanes<VD>;

// kWideLanes elements as doubles (exact for float).
inline VD loadWide(const double* p, size_t count) {
  return count == kWideLanes ? load<VD>(p) : loadPartial<VD>(p, count);
}
inline void storeNarrow(double* p, VD v, size_t count) {
  if (count == kWideLanes) store(p, v);
  else storePartial(p, v, count);
}
#if KINDLING_VECTOR_BYTES
inline VD loadWide(const float* p, size_t count) {
  const HalfVF half = count == kWideLanes ? load<HalfVF>(p) : loadPartial<HalfVF>(p, count);
  return toDouble(half);
}
// Each lane rounded once to float.
inline void storeNarrow(float* p, VD v, size_t count) {
  const HalfVF half = toFloat(v);
  if (count == kWideLanes) store(p, half);
  else storePartial(p, half, count);
}
#else
inline VD loadWide(const float* p, size_t) { return *p; }
inline void storeNarrow(float* p, VD v, size_t) { *p = static_cast<float>(v); }
#endif

// One vector of elements: gradInput = gradOutput * prelu'(x), which for float is the product of
// two floats, exact in double and then rounded once, so it equals the float product; and the
// weight-gradient terms x * gradOutput (0 where x > 0) added to `sums`. Lanes past `count` load as
// zeros and add +0, which changes no sum (a sum that starts at +0 is never -0).
template <typename T>
inline void preluBackwardStep(const T* g, const T* x, const VD w, T* gradInput, size_t count, VD& sums) {
  const VD xv = loadWide(x, count);
  const VD gv = loadWide(g, count);
  storeNarrow(gradInput, gv * PreluDerivative::apply(xv, w), count);
  sums += xv > 0.0 ? splat<VD>(0.0) : xv * gv;
}

// Long runs: one item is a tile (row block, segment) of a group of channels, walked in memory
// order, with 16 partial sums per channel.
template <typename T>
void preluBackwardLongRuns(const PreluPlan& plan, const T* g, const T* x, const T* weight, T* gradInput,
                           double* tileSums, size_t item) {
  constexpr size_t kVectors = kPreluLanes / kWideLanes;
  const size_t groups = (plan.channels + plan.channelsPerItem - 1) / plan.channelsPerItem;
  const size_t segment = item % plan.segments, group = item / plan.segments % groups;
  const size_t block = item / plan.segments / groups;
  const size_t cBegin = group * plan.channelsPerItem;
  const size_t cEnd = plan.channels < cBegin + plan.channelsPerItem ? plan.channels : cBegin + plan.channelsPerItem;
  const size_t kBegin = segment * kPreluSegment;
  const size_t kEnd = plan.inner < kBegin + kPreluSegment ? plan.inner : kBegin + kPreluSegment;
  const size_t oBegin = block * plan.rowsPerBlock;
  const size_t oEnd = plan.outer < oBegin + plan.rowsPerBlock ? plan.outer : oBegin + plan.rowsPerBlock;
  VD sums[kPreluItemChannels][kVectors] = {};
  for (size_t o = oBegin; o < oEnd; ++o) {
    for (size_t c = cBegin; c < cEnd; ++c) {
      const size_t base = (o * plan.channels + c) * plan.inner;
      const VD w = splat<VD>(weight[c]);
      VD* channelSums = sums[c - cBegin];
      size_t k = kBegin;
      for (; k + kPreluLanes <= kEnd; k += kPreluLanes) {
        for (size_t v = 0; v < kVectors; ++v) {
          const size_t j = base + k + v * kWideLanes;
          preluBackwardStep(g + j, x + j, w, gradInput + j, kWideLanes, channelSums[v]);
        }
      }
      for (size_t v = 0; k + v * kWideLanes < kEnd; ++v) {  // the run's last, partial group of 16
        const size_t j = k + v * kWideLanes;
        const size_t count = kEnd - j < kWideLanes ? kEnd - j : kWideLanes;
        preluBackwardStep(g + base + j, x + base + j, w, gradInput + base + j, count, channelSums[v]);
      }
    }
  }
  for (size_t c = cBegin; c < cEnd; ++c) {
    double lanes[kPreluLanes];
    __builtin_memcpy(lanes, sums[c - cBegin], sizeof lanes);
    tileSums[c * plan.tiles() + block * plan.segments + segment] = preluTree(lanes);
  }
}

// Short runs: one item is a block of rows times a group of whole channels, whose positions in a
// row (c * inner + k) are contiguous; position p's slope is slopes[p], and each position is one
// partial sum (k < inner < 16 is its lane).
template <typename T>
void preluBackwardShortRuns(const PreluPlan& plan, const T* g, const T* x, const T* slopes, T* gradInput,
                            double* tileSums, size_t item) {
  constexpr size_t kVectors = (kPreluItemPositions + kWideLanes - 1) / kWideLanes;
  const size_t groups = (plan.channels + plan.channelsPerItem - 1) / plan.channelsPerItem;
  const size_t block = item / groups;
  const size_t cBegin = item % groups * plan.channelsPerItem;
  const size_t cEnd = plan.channels < cBegin + plan.channelsPerItem ? plan.channels : cBegin + plan.channelsPerItem;
  const size_t rowLength = plan.channels * plan.inner;
  const size_t first = cBegin * plan.inner, positions = (cEnd - cBegin) * plan.inner;
  const size_t oBegin = block * plan.rowsPerBlock;
  const size_t oEnd = plan.outer < oBegin + plan.rowsPerBlock ? plan.outer : oBegin + plan.rowsPerBlock;
  VD sums[kVectors] = {};
  for (size_t o = oBegin; o < oEnd; ++o) {
    const size_t base = o * rowLength + first;
    for (size_t p = 0; p < positions; p += kWideLanes) {
      const size_t count = positions - p < kWideLanes ? positions - p : kWideLanes;
      const VD w = loadWide(slopes + first + p, count);
      preluBackwardStep(g + base + p, x + base + p, w, gradInput + base + p, count, sums[p / kWideLanes]);
    }
  }
  double partial[kVectors * kWideLanes];
  __builtin_memcpy(partial, sums, sizeof partial);
  for (size_t c = cBegin; c < cEnd; ++c) {
    double lanes[kPreluLanes] = {};
    for (size_t k = 0; k < plan.inner; ++k) lanes[k] = partial[(c - cBegin) * plan.inner + k];
    tileSums[c * plan.tiles() + block] = preluTree(lanes);
  }
}

// Work items [firstItem, lastItem) of the backward pass (see PreluPlan). `slopes` is as for
// preluWalk, with period >= channels * inner for short runs.
template <typename T>
void preluBackward(const T* g, const T* x, const T* slopes, T* gradInput, double* tileSums, size_t firstItem,
                   size_t lastItem, size_t outer, size_t channels, size_t inner) {
  const PreluPlan plan = preluPlan(outer, channels, inner);
  for (size_t item = firstItem; item < lastItem; ++item) {
    if (plan.longRuns) preluBackwardLongRuns(plan, g, x, slopes, gradInput, tileSums, item);
    else preluBackwardShortRuns(plan, g, x, slopes, gradInput, tileSums, item);
  }
}

constexpr KernelTables::Prelu kPreluKernels = {
    &preluMap<float>,
    &preluMap<double>,
    &preluBackward<float>,
    &preluBackward<double>,
};
