// SIMD levels: which ones this binary holds, which ones this CPU can run, and their kernels.
#pragma once

#include <cstddef>
#include <vector>

#include "targets/targets.h"

namespace kindling {

enum class SimdLevel { kScalar, kSse2, kAvx2, kAvx512, kNeon };

const char* nameOf(SimdLevel level);

// Levels compiled into this binary, lowest first.
std::vector<SimdLevel> compiledLevels();

// Whether this CPU and operating system can run the level (including the OS saving the
// AVX/AVX-512 register state on a context switch).
bool cpuSupports(SimdLevel level);

// The level's kernels, or nullptr when the level was not compiled into this binary.
const KernelTables* kernelTables(SimdLevel level);

}  // namespace kindling
