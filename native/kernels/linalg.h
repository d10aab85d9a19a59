// Target-independent description of the linear-algebra kernel the QR (native/linalg.cc) is built
// on: what every SIMD level provides.
#pragma once

#include <cstddef>

namespace kindling {

struct LinalgKernels {
  // c[r * ldc + j] for r < rows, j < cols, updated by depth terms in strictly ascending k:
  //   c = c + p(k, r) * v[k * ldv + j]   (or c - p(k, r) * v[k * ldv + j] when subtract),
  // one rounded product and one rounded sum per term (no FMA), with p(k, r) = p[k * pk + r * pr].
  // Each element's arithmetic is the same sequence at every SIMD level, so results are bit-identical;
  // the vectors run across j (independent outputs), never across k.
  void (*update)(double* c, size_t ldc, size_t rows, size_t cols, const double* p, size_t pk, size_t pr,
                 const double* v, size_t ldv, size_t depth, bool subtract);
};

}  // namespace kindling
