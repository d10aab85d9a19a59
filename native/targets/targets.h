// The entry point each compiled SIMD level exports: its kernel tables. Only the levels CMake
// compiled for this architecture exist.
#pragma once

#include "kernels/elementwise.h"
#include "kernels/random.h"

namespace kindling {

struct KernelTables {
  const ActivationKernels* activations;  // indexed in the order of KINDLING_ACTIVATIONS
  const RandomKernels* random;
  // @axis
  const struct AxisKernels* axis;  // kernels/axis.h, in the order of KINDLING_AXIS_ACTIVATIONS

  // @prelu
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
