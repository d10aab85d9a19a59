// The entry point each compiled SIMD level exports: its kernel tables. Only the levels CMake
// compiled for this architecture exist.
#pragma once

#include "kernels/elementwise.h"
#include "kernels/linalg.h"
#include "kernels/random.h"

namespace kindling {

struct KernelTables {
  const ActivationKernels* activations;  // indexed in the order of KINDLING_ACTIVATIONS
  const RandomKernels* random;
  // along an axis
  const struct AxisKernels* axis;  // kernels/axis.h, in the order of KINDLING_AXIS_ACTIVATIONS

  // prelu and rrelu
  // prelu's kernels (native/kernels/prelu-inl.h) on x seen as shape (outer, channels, inner); the
  // walk, the work items and the order of the weight-gradient sum are in prelu-plan-inl.h.
  struct Prelu {
    // out[i] for elements [begin, end): pass 0 prelu(x), 1 prelu'(x), 2 x * slope. `slopes` are the
    // weights when inner >= kPreluLongRun, else element i's slope is slopes[i % period].
    void (*map32)(int pass, const float* x, const float* slopes, size_t period, float* out, size_t begin,
                  size_t end, size_t channels, size_t inner);
    void (*map64)(int pass, const double* x, const double* slopes, size_t period, double* out, size_t begin,
                  size_t end, size_t channels, size_t inner);
    // gradInput for the elements of work items [firstItem, lastItem) and their tiles' values in
    // tileSums[c * tiles + rowBlock * segments + segment].
    void (*backward32)(const float* gradOutput, const float* x, const float* slopes, float* gradInput,
                       double* tileSums, size_t firstItem, size_t lastItem, size_t outer, size_t channels,
                       size_t inner);
    void (*backward64)(const double* gradOutput, const double* x, const double* slopes, double* gradInput,
                       double* tileSums, size_t firstItem, size_t lastItem, size_t outer, size_t channels,
                       size_t inner);
  };
  Prelu prelu;

  // orthogonal: the update kernel the QR (native/linalg.cc) runs on
  const LinalgKernels* linalg;
};

}  // namespace kindling

#define KINDLING_DECLARE_TARGET(level) \
  namespace level {                    \
  const KernelTables& kernelTables();  \
  }

namespace kindling {
KINDLING_DECLARE_TARGET(scalar)
#if KINDLING_HAVE_SSE2
KINDLING_DECLARE_TARGET(sse2)
#endif
#if KINDLING_HAVE_AVX2
KINDLING_DECLARE_TARGET(avx2)
#endif
#if KINDLING_HAVE_AVX512
KINDLING_DECLARE_TARGET(avx512)
#endif
#if KINDLING_HAVE_NEON
KINDLING_DECLARE_TARGET(neon)
#endif
}  // namespace kindling

#undef KINDLING_DECLARE_TARGET
