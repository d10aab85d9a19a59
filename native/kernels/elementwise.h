// Target-independent description of the element-wise kernels: what every SIMD target provides.
#pragma once

#include <cstddef>

namespace kindling {

// Parameters travel as two doubles for every activation (unused ones are ignored), so one
// signature serves the whole family.
template <typename T>
using UnaryKernel = void (*)(const T* x, T* out, size_t n, double a, double b);
template <typename T>
using BinaryKernel = void (*)(const T* gradOutput, const T* x, T* out, size_t n, double a, double b);

// One activation at one SIMD level: f(x), f'(x), gradOutput * f'(x) and, where f' is a function of
// the output y = f(x), gradOutput * f'(x) computed from y, in both precisions.
struct ActivationKernels {
  UnaryKernel<float> forward32;
  UnaryKernel<double> forward64;
  UnaryKernel<float> derivative32;
  UnaryKernel<double> derivative64;
  BinaryKernel<float> backward32;
  BinaryKernel<double> backward64;
  // nullptr for activations whose derivative is not a function of their output
  BinaryKernel<float> backwardFromOutput32;
  BinaryKernel<double> backwardFromOutput64;
  // Fewest elements worth a thread of their own (see activations-inl.h).
  size_t grain;
};

}  // namespace kindling
