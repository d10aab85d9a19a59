// CholeskyQR2 with a shifted first pass when needed (docs/orthogonal.md), the same algorithm as
// lib/fallback/linalg.ts, step for step. One pass: G = AᵀA, G = RᵀR (Cholesky), A = A·R⁻¹. Every
// element of G, R and A receives its terms one at a time with k ascending (the same sequence as the
// fallback's plain loops); blocking only reorders work between different elements, and threads only
// split independent output blocks, so the bits depend on nothing but the input.
#include "linalg.h"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "thread_pool.h"

namespace kindling {
namespace {

constexpr size_t kTile = 128;      // Gram and Cholesky trailing-update tiles (square)
constexpr size_t kPanel = 64;      // Cholesky panel rows; columns of a triangular-solve step
constexpr size_t kSolveRows = 128;  // rows of A per triangular-solve work item
constexpr int kMaxPasses = 8;
// A pass whose R is within this of the identity (every entry) started from a matrix orthonormal
// enough that its result is orthonormal to working precision: the loop stops after it.
constexpr double kConverged = 0.125;

// Upper-triangle tile pairs (bi <= bj) of an n × n matrix in kTile blocks.
std::vector<std::pair<size_t, size_t>> upperTiles(size_t n) {
  const size_t blocks = (n + kTile - 1) / kTile;
  std::vector<std::pair<size_t, size_t>> tiles;
  for (size_t bi = 0; bi < blocks; ++bi)
    for (size_t bj = bi; bj < blocks; ++bj) tiles.emplace_back(bi, bj);
  return tiles;
}

// g[p][q] = sum over i ascending of a[i][p] * a[i][q], for q >= p (and some q < p, unused).
void gram(const LinalgKernels& kernels, const double* a, size_t m, size_t n, double* g) {
  const auto tiles = upperTiles(n);
  parallelFor(tiles.size(), 1, 1, [&](size_t begin, size_t end) {
    for (size_t t = begin; t < end; ++t) {
      const size_t p0 = tiles[t].first * kTile, q0 = tiles[t].second * kTile;
      const size_t rows = std::min(kTile, n - p0), cols = std::min(kTile, n - q0);
      for (size_t r = 0; r < rows; ++r)
        for (size_t j = 0; j < cols; ++j) g[(p0 + r) * n + q0 + j] = 0.0;
      kernels.update(g + p0 * n + q0, n, rows, cols, a + p0, n, 1, a + q0, n, m, false);
    }
  });
}

// Upper Cholesky in place on g's upper triangle: x[j][l] receives -= r[k][j] * r[k][l] for k < j
// ascending, then r[j][j] = sqrt(x[j][j]), r[j][l] = x[j][l] / r[j][j]. False on breakdown.
bool cholesky(const LinalgKernels& kernels, double* g, size_t n) {
  for (size_t k0 = 0; k0 < n; k0 += kPanel) {
    const size_t k1 = std::min(n, k0 + kPanel);
    for (size_t j = k0; j < k1; ++j) {
      double* row = g + j * n;
      const double d = row[j];
      if (!(d > 0) || d == std::numeric_limits<double>::infinity()) return false;
      const double rjj = std::sqrt(d);
      row[j] = rjj;
      for (size_t l = j + 1; l < n; ++l) row[l] = row[l] / rjj;
      for (size_t jj = j + 1; jj < k1; ++jj) {
        const double r = row[jj];
        double* target = g + jj * n;
        for (size_t l = jj; l < n; ++l) target[l] = target[l] - r * row[l];
      }
    }
    if (k1 == n) break;
    const size_t rest = n - k1;
    const auto tiles = upperTiles(rest);
    parallelFor(tiles.size(), 1, 1, [&](size_t begin, size_t end) {
      for (size_t t = begin; t < end; ++t) {
        const size_t j0 = k1 + tiles[t].first * kTile, l0 = k1 + tiles[t].second * kTile;
        const size_t rows = std::min(kTile, n - j0), cols = std::min(kTile, n - l0);
        kernels.update(g + j0 * n + l0, n, rows, cols, g + k0 * n + j0, n, 1, g + k0 * n + l0, n, k1 - k0, true);
      }
    });
  }
  return true;
}

// a = a · r⁻¹ row by row: x[l] receives -= q[k] * r[k][l] for k < l ascending, then q[l] = x[l] / r[l][l].
void solve(const LinalgKernels& kernels, double* a, size_t m, size_t n, const double* r) {
  const size_t blocks = (m + kSolveRows - 1) / kSolveRows;
  parallelFor(blocks, 1, 1, [&](size_t begin, size_t end) {
    for (size_t b = begin; b < end; ++b) {
      const size_t i0 = b * kSolveRows, i1 = std::min(m, i0 + kSolveRows);
      for (size_t l0 = 0; l0 < n; l0 += kPanel) {
        const size_t l1 = std::min(n, l0 + kPanel);
        for (size_t i = i0; i < i1; ++i) {
          double* x = a + i * n;
          for (size_t k = l0; k < l1; ++k) {
            const double q = x[k] / r[k * n + k];
            x[k] = q;
            const double* rk = r + k * n;
            for (size_t l = k + 1; l < l1; ++l) x[l] = x[l] - q * rk[l];
          }
        }
        if (l1 < n) kernels.update(a + i0 * n + l1, n, i1 - i0, n - l1, a + i0 * n + l0, 1, n, r + l0 * n + l1, n, l1 - l0, true);
      }
    }
  });
}

// The largest |r[j][l] - (j == l)| over the upper triangle.
double distanceFromIdentity(const double* r, size_t n) {
  double distance = 0;
  for (size_t j = 0; j < n; ++j)
    for (size_t l = j; l < n; ++l) distance = std::max(distance, std::fabs(r[j * n + l] - (j == l ? 1.0 : 0.0)));
  return distance;
}

}  // namespace

bool orthonormalize(const LinalgKernels& kernels, double* a, size_t rows, size_t cols) {
  const size_t m = rows, n = cols;
  std::vector<double> g(n * n);
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    gram(kernels, a, m, n, g.data());
    bool shifted = false;
    if (!cholesky(kernels, g.data(), n)) {
      // Shifted CholeskyQR (Fukaya et al. 2020): G + sI with s = 11 (mn + n(n+1)) u ‖A‖²_F always
      // factors; its Q is better conditioned, and the unshifted passes that follow finish the job.
      gram(kernels, a, m, n, g.data());
      double trace = 0;
      for (size_t j = 0; j < n; ++j) trace = trace + g[j * n + j];
      const double shift = 11.0 * (static_cast<double>(m) * static_cast<double>(n) + static_cast<double>(n) * static_cast<double>(n + 1)) *
                           0x1p-53 * trace;
      for (size_t j = 0; j < n; ++j) g[j * n + j] = g[j * n + j] + shift;
      if (!cholesky(kernels, g.data(), n)) break;
      shifted = true;
    }
    solve(kernels, a, m, n, g.data());
    if (!shifted && distanceFromIdentity(g.data(), n) <= kConverged) return true;
  }
  for (size_t i = 0; i < m * n; ++i) a[i] = std::numeric_limits<double>::quiet_NaN();
  return false;
}

}  // namespace kindling
