// One SIMD level of every kernel. CMakeLists.txt compiles this file once per level, defining
// KINDLING_TARGET (the level's namespace), KINDLING_VECTOR_BYTES (0 for scalar code) and passing
// that level's -m flags. Everything but the exported table has internal linkage, so no function
// compiled for a higher level can stand in for a lower level's copy at link time.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#if KINDLING_VECTOR_BYTES && defined(__x86_64__)
#include <immintrin.h>  // always-inline intrinsics only: nothing of it is emitted out of line
#endif

#include "kernels/activation_list.h"
#include "kernels/axis.h"
#include "kernels/elementwise.h"
#include "kernels/linalg.h"
#include "kernels/random.h"
#include "targets/targets.h"

#ifndef KINDLING_TARGET
#error "KINDLING_TARGET must name the SIMD level this translation unit is compiled for"
#endif

namespace kindling {
namespace KINDLING_TARGET {
namespace {

#include "kernels/simd-inl.h"
#include "kernels/math-inl.h"
#include "kernels/activations-inl.h"
#include "kernels/philox-inl.h"
#include "kernels/random-inl.h"
#include "kernels/axis-inl.h"

// prelu and rrelu
#include "kernels/prelu-inl.h"

// orthogonal: the QR's update kernel
#include "kernels/linalg-inl.h"

constexpr ActivationKernels kActivations[] = {
#define KINDLING_KERNELS_OF(name, Kernel) kernelsOf<Kernel>(),
    KINDLING_ACTIVATIONS(KINDLING_KERNELS_OF)
#undef KINDLING_KERNELS_OF
};

}  // namespace

const KernelTables& kernelTables() {
  static constexpr KernelTables kTables = {
      kActivations,
      &kRandomKernels,
      // along an axis
      kAxisKernels,

      // prelu and rrelu
      kPreluKernels,

      // orthogonal
      &kLinalgKernels,
  };
  return kTables;
}

}  // namespace KINDLING_TARGET
}  // namespace kindling
