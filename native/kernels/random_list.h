// The random distributions of docs/rng.md §3 the addon draws, in id order. The TypeScript side
// (lib/random/distributions.ts) matches them by name when the addon loads.
#pragma once

#define KINDLING_DISTRIBUTIONS(X) \
  X(bits)                         \
  X(uniform)                      \
  X(normal)                       \
  X(truncatedNormal)              \
  X(integers)                     \
  X(bernoulli)
