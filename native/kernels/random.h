// Target-independent description of the random kernels (docs/rng.md): what every SIMD level provides.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kindling {

// Blocks are used in groups of this many (docs/rng.md §2), the widest vector any level computes.
constexpr size_t kGroupBlocks = 16;

constexpr size_t kMaxDrawParams = 16;

// One draw: the generator's key and offset when it was made, and the distribution's parameters,
// already derived by the TypeScript side (lib/random/distributions.ts) in the output's precision,
// so that no kernel repeats that arithmetic.
struct Draw {
  uint32_t key0;
  uint32_t key1;
  uint64_t offset;
  double params[kMaxDrawParams];
};

// Each fills out[0, end - begin) with values [begin, end) of the draw.
template <typename T>
using RandomKernel = void (*)(const Draw& draw, T* out, uint64_t begin, uint64_t end);

struct RandomKernels {
  RandomKernel<uint32_t> bits;
  RandomKernel<float> uniform32;
  RandomKernel<double> uniform64;
  RandomKernel<float> normal32;
  RandomKernel<double> normal64;
  RandomKernel<float> truncatedNormal32;
  RandomKernel<double> truncatedNormal64;
  RandomKernel<uint32_t> integers;
  RandomKernel<uint8_t> bernoulli;
};

}  // namespace kindling
