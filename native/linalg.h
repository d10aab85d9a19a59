// The QR behind orthogonal initialization (docs/orthogonal.md): the Q factor, with a positive
// diagonal R, of a tall matrix, computed so that every SIMD level, thread count and the TypeScript
// fallback (lib/fallback/linalg.ts) give the same bits.
#pragma once

#include <cstddef>

#include "kernels/linalg.h"

namespace kindling {

// Replaces a (rows × cols, row-major, rows >= cols >= 1) by Q of its QR with R's diagonal positive.
// Returns false, with a filled with NaN, when a is numerically rank-deficient (or holds NaN or an
// infinity). Large matrices are split across the thread pool.
bool orthonormalize(const LinalgKernels& kernels, double* a, size_t rows, size_t cols);

}  // namespace kindling
