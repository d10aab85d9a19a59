// The one kernel of the QR (native/linalg.cc): a packed, register-blocked update
// C ±= P·V (see kernels/linalg.h). A micro-tile keeps kMr rows × kNv vectors of C in registers,
// broadcasts one element of P per row and multiplies it by kNv vectors of a row of V: every
// element of C sees its terms one at a time, k ascending, as the scalar loop of the TypeScript
// fallback (lib/fallback/linalg.ts) does, so the vector width changes nothing but speed.
// Included by native/targets/target.cc inside the target's namespace.

constexpr size_t kLinalgMr = 4;                          // rows of C per micro-tile
// Vectors of C per micro-tile row: kLinalgMr × kLinalgNv accumulators, a broadcast, a product and
// the row of V must fit in the registers (16 below AVX-512, 32 there), or the tile spills.
constexpr size_t kLinalgNv = KINDLING_VECTOR_BYTES == 64 ? 3 : 2;
constexpr size_t kLinalgLanes = kLanes<VD>;
constexpr size_t kLinalgNr = kLinalgNv * kLinalgLanes;   // columns of C per micro-tile
constexpr size_t kLinalgKc = 256;                        // terms packed at a time

// The tile of C at `tile`, rows ldt apart.
template <bool kSubtract>
inline void linalgMicroTile(size_t depth, const double* packedP, const double* packedV, double* tile, size_t ldt) {
  VD acc[kLinalgMr][kLinalgNv];
  for (size_t r = 0; r < kLinalgMr; ++r)
    for (size_t j = 0; j < kLinalgNv; ++j) acc[r][j] = load<VD>(tile + r * ldt + j * kLinalgLanes);
  for (size_t k = 0; k < depth; ++k) {
    VD b[kLinalgNv];
    for (size_t j = 0; j < kLinalgNv; ++j) b[j] = load<VD>(packedV + k * kLinalgNr + j * kLinalgLanes);
    for (size_t r = 0; r < kLinalgMr; ++r) {
      const VD a = splat<VD>(packedP[k * kLinalgMr + r]);
      for (size_t j = 0; j < kLinalgNv; ++j) {
        const VD product = a * b[j];
        acc[r][j] = kSubtract ? acc[r][j] - product : acc[r][j] + product;
      }
    }
  }
  for (size_t r = 0; r < kLinalgMr; ++r)
    for (size_t j = 0; j < kLinalgNv; ++j) store(tile + r * ldt + j * kLinalgLanes, acc[r][j]);
}

void linalgUpdate(double* c, size_t ldc, size_t rows, size_t cols, const double* p, size_t pk, size_t pr,
                  const double* v, size_t ldv, size_t depth, bool subtract) {
  if (rows == 0 || cols == 0 || depth == 0) return;
  const size_t rowPanels = (rows + kLinalgMr - 1) / kLinalgMr;
  const size_t colPanels = (cols + kLinalgNr - 1) / kLinalgNr;
  const size_t kc = depth < kLinalgKc ? depth : kLinalgKc;
  // Packs padded with zeros: padded lanes compute values nobody stores. (malloc, not std::vector:
  // no template of the standard library is instantiated here for a higher level to stand in for.)
  const size_t packedPSize = rowPanels * kc * kLinalgMr;
  double* packed = static_cast<double*>(std::malloc((packedPSize + colPanels * kc * kLinalgNr) * sizeof(double)));
  if (packed == nullptr) throw std::bad_alloc();
  double* const packedP = packed;
  double* const packedV = packed + packedPSize;
  alignas(64) double tile[kLinalgMr * kLinalgNr];
  for (size_t k0 = 0; k0 < depth; k0 += kLinalgKc) {
    const size_t steps = depth - k0 < kLinalgKc ? depth - k0 : kLinalgKc;
    for (size_t panel = 0; panel < rowPanels; ++panel) {
      double* dst = packedP + panel * kc * kLinalgMr;
      for (size_t k = 0; k < steps; ++k)
        for (size_t r = 0; r < kLinalgMr; ++r) {
          const size_t row = panel * kLinalgMr + r;
          dst[k * kLinalgMr + r] = row < rows ? p[(k0 + k) * pk + row * pr] : 0.0;
        }
    }
    for (size_t panel = 0; panel < colPanels; ++panel) {
      double* dst = packedV + panel * kc * kLinalgNr;
      const size_t first = panel * kLinalgNr;
      const size_t width = cols - first < kLinalgNr ? cols - first : kLinalgNr;
      for (size_t k = 0; k < steps; ++k) {
        const double* src = v + (k0 + k) * ldv + first;
        if (width == kLinalgNr) {
          for (size_t j = 0; j < kLinalgNv; ++j) store(dst + k * kLinalgNr + j * kLinalgLanes, load<VD>(src + j * kLinalgLanes));
        } else {
          for (size_t j = 0; j < width; ++j) dst[k * kLinalgNr + j] = src[j];
          for (size_t j = width; j < kLinalgNr; ++j) dst[k * kLinalgNr + j] = 0.0;
        }
      }
    }
    for (size_t colPanel = 0; colPanel < colPanels; ++colPanel) {
      const size_t first = colPanel * kLinalgNr;
      const size_t width = cols - first < kLinalgNr ? cols - first : kLinalgNr;
      const double* panelV = packedV + colPanel * kc * kLinalgNr;
      for (size_t rowPanel = 0; rowPanel < rowPanels; ++rowPanel) {
        const size_t top = rowPanel * kLinalgMr;
        const size_t height = rows - top < kLinalgMr ? rows - top : kLinalgMr;
        const double* panelP = packedP + rowPanel * kc * kLinalgMr;
        if (height == kLinalgMr && width == kLinalgNr) {
          double* corner = c + top * ldc + first;
          if (subtract) linalgMicroTile<true>(steps, panelP, panelV, corner, ldc);
          else linalgMicroTile<false>(steps, panelP, panelV, corner, ldc);
          continue;
        }
        // An edge tile goes through a zero-padded copy.
        for (size_t r = 0; r < kLinalgMr; ++r)
          for (size_t j = 0; j < kLinalgNr; ++j)
            tile[r * kLinalgNr + j] = r < height && j < width ? c[(top + r) * ldc + first + j] : 0.0;
        if (subtract) linalgMicroTile<true>(steps, panelP, panelV, tile, kLinalgNr);
        else linalgMicroTile<false>(steps, panelP, panelV, tile, kLinalgNr);
        for (size_t r = 0; r < height; ++r)
          for (size_t j = 0; j < width; ++j) c[(top + r) * ldc + first + j] = tile[r * kLinalgNr + j];
      }
    }
  }
  std::free(packed);
}

constexpr LinalgKernels kLinalgKernels = {linalgUpdate};
