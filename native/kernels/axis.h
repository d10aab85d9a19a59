// Target-independent description of the activations along an axis (softmax, logSoftmax, softmin,
// glu): what every SIMD target provides. The kernels are in axis-inl.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kindling {

// One call: the input viewed as [outer, length, inner] and reduced (or, for glu, split) along
// `length`. Arrays of x's shape, except glu's output (forward) and gradOutput (backward), whose
// axis is length / 2.
template <typename T>
struct AxisArgs {
  const T* gradOutput;  // backward passes only
  const T* input;       // x, or y = f(x) for backwardFromOutput
  T* out;
  const uint8_t* mask;  // nonzero bytes take part; nullptr when every element does (never for glu)
  size_t outer;
  size_t length;
  size_t inner;
};

// Runs units [begin, end) of a call: rows (outer * inner of them) for the reductions, output
// elements (outer * length / 2 * inner) for glu. Units never share an output element, and every
// row gives the same bits whichever units run together, so calls split across threads freely.
template <typename T>
using AxisKernel = void (*)(const AxisArgs<T>& args, size_t begin, size_t end);

struct AxisKernels {
  AxisKernel<float> forward32;
  AxisKernel<double> forward64;
  AxisKernel<float> backward32;
  AxisKernel<double> backward64;
  // nullptr where the gradient is not offered from the output (glu)
  AxisKernel<float> backwardFromOutput32;
  AxisKernel<double> backwardFromOutput64;
  // true when units are output elements (glu), false when they are rows
  bool unitsAreElements;
};

}  // namespace kindling

// The kernels in kernel-id order: the name JavaScript knows, and the struct in axis-inl.h.
#define KINDLING_AXIS_ACTIVATIONS(X) \
  X(softmax, Softmax)                \
  X(logSoftmax, LogSoftmax)          \
  X(softmin, Softmin)                \
  X(glu, Glu)
