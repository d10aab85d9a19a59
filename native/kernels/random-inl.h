// The distributions of docs/rng.md §3 on this target's vectors. Values come in groups of 16
// blocks; at each position of a group the 16 values are 16 consecutive blocks' words, so every
// SIMD width stores them as whole vectors and computes exactly the same bits. The TypeScript twin
// is lib/random/distributions.ts. Included only by native/targets/target.cc, inside the target's
// namespace.

inline VF toFloat(VU32 w) {  // w < 2^31
#if KINDLING_VECTOR_BYTES
  return __builtin_convertvector(bitCast<VI32>(w), VF);
#else
  return static_cast<float>(static_cast<int32_t>(w));
#endif
}

template <typename M>
inline bool allSet(M mask) {
#if KINDLING_VECTOR_BYTES
  for (size_t i = 0; i < sizeof(mask) / sizeof(mask[0]); ++i) {
    if (!mask[i]) return false;
  }
  return true;
#else
  return mask;
#endif
}

// The uniforms of docs/rng.md: 24-bit float32 values k 2^-24, and 53-bit float64 values from a
// pair of words, both in [0, 1); the open (0, 1) variants add half a step, for logarithms.
inline VF uniform24(VU32 w) { return toFloat(w >> 8) * 0x1p-24f; }
inline VF openUniform32(VU32 w) {
  // w + 0.5 needs 33 bits: (w >> 1) + 0.5 * (w & 1) + 0.25, all exact, then one rounding.
  return (toFloat(w >> 1) * 2.0f + (toFloat(w & 1u) + 0.5f)) * 0x1p-32f;
}
inline VD uniform53(VU32 high, VU32 low, size_t lane) {
  return (lanesToDouble(high >> 5, lane) * 67108864.0 + lanesToDouble(low >> 6, lane)) * 0x1p-53;
}
inline VD openUniform53(VU32 high, VU32 low, size_t lane) {
  return (lanesToDouble(high >> 5, lane) * 67108864.0 + lanesToDouble(low >> 6, lane) + 0.5) * 0x1p-53;
}

// Copies values [from, to) of a group computed into `scratch` (whose first value is value `first`
// of the draw) to where they belong in out (whose first value is value `begin`).
template <typename T>
inline void copyPart(const T* scratch, uint64_t first, uint64_t count, T* out, uint64_t begin, uint64_t end) {
  const uint64_t from = first > begin ? first : begin;
  const uint64_t to = first + count < end ? first + count : end;
  __builtin_memcpy(out + (from - begin), scratch + (from - first), (to - from) * sizeof(T));
}

// Vectors of blocks per group, and groups computed together so that at least two independent
// Philox chains run side by side (a 512-bit vector holds a whole group).
constexpr size_t kVectorsPerGroup = kGroupBlocks / kLanes<VU32>;
constexpr size_t kGroupsPerBatch = kVectorsPerGroup >= 2 ? 1 : 2;

// Fills out with values [begin, end) of a draw that never rejects and takes kPerBlock values from
// each block: emit(block, lane, target) writes the values of the vector of blocks starting at
// `lane` of a group, position k at target[16 k + lane ...]. Whole groups are written in place;
// partial ones (at the ends) go through a scratch group.
template <typename T, size_t kPerBlock, typename Emit>
inline void fillGroups(const Draw& draw, T* out, uint64_t begin, uint64_t end, Emit emit) {
  constexpr uint64_t kGroupValues = kGroupBlocks * kPerBlock;
  T scratch[kGroupValues];
  for (uint64_t group = begin / kGroupValues; group * kGroupValues < end; group += kGroupsPerBatch) {
    Block blocks[kGroupsPerBatch * kVectorsPerGroup];
    philoxBlocks(draw.offset + group * kGroupBlocks, 0, draw.key0, draw.key1, blocks);
    for (size_t g = 0; g < kGroupsPerBatch; ++g) {
      const uint64_t first = (group + g) * kGroupValues;
      if (first >= end) break;
      const bool whole = first >= begin && first + kGroupValues <= end;
      T* target = whole ? out + (first - begin) : scratch;
      for (size_t v = 0; v < kVectorsPerGroup; ++v) emit(blocks[g * kVectorsPerGroup + v], v * kLanes<VU32>, target);
      if (!whole) copyPart(scratch, first, kGroupValues, out, begin, end);
    }
  }
}

void bitsKernel(const Draw& draw, uint32_t* out, uint64_t begin, uint64_t end) {
  fillGroups<uint32_t, 4>(draw, out, begin, end, [](const Block& b, size_t lane, uint32_t* target) {
    store(target + lane, b.w0);
    store(target + 16 + lane, b.w1);
    store(target + 32 + lane, b.w2);
    store(target + 48 + lane, b.w3);
  });
}

// params: low, high - low, high, the largest value below high (all in float32).
void uniform32Kernel(const Draw& draw, float* out, uint64_t begin, uint64_t end) {
  const float low = static_cast<float>(draw.params[0]), width = static_cast<float>(draw.params[1]);
  const VF high = splat<VF>(static_cast<float>(draw.params[2]));
  const VF below = splat<VF>(static_cast<float>(draw.params[3]));
  const auto scale = [&](VU32 w) {
    const VF value = low + width * uniform24(w);
    return value >= high ? below : value;
  };
  fillGroups<float, 4>(draw, out, begin, end, [&](const Block& b, size_t lane, float* target) {
    store(target + lane, scale(b.w0));
    store(target + 16 + lane, scale(b.w1));
    store(target + 32 + lane, scale(b.w2));
    store(target + 48 + lane, scale(b.w3));
  });
}

// params as uniform32Kernel, in float64.
void uniform64Kernel(const Draw& draw, double* out, uint64_t begin, uint64_t end) {
  const double low = draw.params[0], width = draw.params[1];
  const VD high = splat<VD>(draw.params[2]), below = splat<VD>(draw.params[3]);
  const auto scale = [&](VD u) {
    const VD value = low + width * u;
    return value >= high ? below : value;
  };
  fillGroups<double, 2>(draw, out, begin, end, [&](const Block& b, size_t lane, double* target) {
    for (size_t half = 0; half < kLanes<VU32>; half += kLanes<VD>) {
      store(target + lane + half, scale(uniform53(b.w0, b.w1, half)));
      store(target + 16 + lane + half, scale(uniform53(b.w2, b.w3, half)));
    }
  });
}

// params: p (float64). Each value is 1 with probability p, from a 53-bit uniform.
void bernoulliKernel(const Draw& draw, uint8_t* out, uint64_t begin, uint64_t end) {
  const double p = draw.params[0];
  fillGroups<uint8_t, 2>(draw, out, begin, end, [&](const Block& b, size_t lane, uint8_t* target) {
    for (size_t half = 0; half < kLanes<VU32>; half += kLanes<VD>) {
      const VD u0 = uniform53(b.w0, b.w1, half), u1 = uniform53(b.w2, b.w3, half);
      for (size_t i = 0; i < kLanes<VD>; ++i) {
#if KINDLING_VECTOR_BYTES
        target[lane + half + i] = u0[i] < p;
        target[16 + lane + half + i] = u1[i] < p;
#else
        target[lane + half + i] = u0 < p;
        target[16 + lane + half + i] = u1 < p;
#endif
      }
    }
  });
}

// Fills out with values [begin, end) of a draw that rejects, one value per block: value(firstBlock)
// gives the vector of values of blocks firstBlock, firstBlock + 1, ...
template <typename T, typename V, typename Value>
inline void fillRejecting(const Draw& draw, T* out, uint64_t begin, uint64_t end, Value value) {
  T scratch[kGroupBlocks];
  for (uint64_t group = begin / kGroupBlocks; group * kGroupBlocks < end; ++group) {
    const uint64_t first = group * kGroupBlocks;
    const bool whole = first >= begin && first + kGroupBlocks <= end;
    T* target = whole ? out + (first - begin) : scratch;
    for (size_t lane = 0; lane < kGroupBlocks; lane += kLanes<V>) store(target + lane, value(draw.offset + first + lane));
    if (!whole) copyPart(scratch, first, kGroupBlocks, out, begin, end);
  }
}

// Distributions that reject take one block per value and retry with the attempt number in the
// counter (docs/rng.md §2). attempt(block, accept) gives a candidate per lane for one attempt and
// sets accept where it stands; each lane keeps its first accepted candidate, and the loop ends
// when every lane has one. The lanes are blocks firstBlock, firstBlock + 1, ... (a double vector
// uses the first half of the block vector's lanes).
template <typename V, typename Attempt>
inline V firstAccepted(uint64_t firstBlock, const Draw& draw, Attempt attempt) {
  using Mask = decltype(V{} < V{});
  V result{};
  Mask done = V{} != V{};
  for (uint32_t t = 0;; ++t) {
    const Block b = philoxBlocks(firstBlock, t, draw.key0, draw.key1);
    Mask accept = done;
    const V candidate = attempt(b, accept);
    result = done ? result : (accept ? candidate : result);
    done = done | accept;
    if (allSet(done)) return result;
  }
}

// params: low as a uint32, the range high - low (0 for 2^32), and (2^32 - range) mod range.
// Lemire's multiply-and-reject: unbiased, and one attempt almost always suffices.
void integersKernel(const Draw& draw, uint32_t* out, uint64_t begin, uint64_t end) {
  const uint32_t low = static_cast<uint32_t>(draw.params[0]);
  const uint32_t range = static_cast<uint32_t>(draw.params[1]);
  const uint32_t threshold = static_cast<uint32_t>(draw.params[2]);
  fillRejecting<uint32_t, VU32>(draw, out, begin, end, [&](uint64_t firstBlock) {
    return firstAccepted<VU32>(firstBlock, draw, [&](const Block& b, auto& accept) {
      if (range == 0) {
        accept = b.w0 == b.w0;
        return b.w0 + low;
      }
      VU32 high, product;
      mulHiLo(b.w0, range, high, product);
      accept = product >= threshold;
      return high + low;
    });
  });
}

// Box-Muller: the pair (r cos 2 pi u2, r sin 2 pi u2) with r = sqrt(-2 ln u1).
template <typename V>
inline void boxMuller(V u1, V u2, V& even, V& odd) {
  using T = typename VectorOf<V>::T;
  const V r = sqrtOf(T(-2) * logOf(u1));
  V sine, cosine;
  sinCos2Pi(u2, &sine, &cosine);
  even = r * cosine;
  odd = r * sine;
}

// params: mean, std.
void normal32Kernel(const Draw& draw, float* out, uint64_t begin, uint64_t end) {
  const float mean = static_cast<float>(draw.params[0]), stddev = static_cast<float>(draw.params[1]);
  fillGroups<float, 4>(draw, out, begin, end, [&](const Block& b, size_t lane, float* target) {
    VF z0, z1, z2, z3;
    boxMuller(openUniform32(b.w0), uniform24(b.w1), z0, z1);
    boxMuller(openUniform32(b.w2), uniform24(b.w3), z2, z3);
    store(target + lane, mean + stddev * z0);
    store(target + 16 + lane, mean + stddev * z1);
    store(target + 32 + lane, mean + stddev * z2);
    store(target + 48 + lane, mean + stddev * z3);
  });
}

void normal64Kernel(const Draw& draw, double* out, uint64_t begin, uint64_t end) {
  const double mean = draw.params[0], stddev = draw.params[1];
  fillGroups<double, 2>(draw, out, begin, end, [&](const Block& b, size_t lane, double* target) {
    for (size_t half = 0; half < kLanes<VU32>; half += kLanes<VD>) {
      VD z0, z1;
      boxMuller(openUniform53(b.w0, b.w1, half), uniform53(b.w2, b.w3, half), z0, z1);
      store(target + lane + half, mean + stddev * z0);
      store(target + 16 + lane + half, mean + stddev * z1);
    }
  });
}

enum TruncatedProposal { kNormalProposal = 0, kUniformProposal = 1, kExponentialProposal = 2 };

// params (docs/rng.md §3, in the output's precision): proposal, a, b, mean, scale, b - a, m^2, m,
// alpha, sign, far end, lowest and highest value. u and v are a candidate's two uniforms from its
// attempt's block, in (0, 1) for the ones that take a logarithm.
template <typename V>
struct TruncatedNormal {
  using T = typename VectorOf<V>::T;
  int proposal;
  T a, b, mean, scale, width, mSquared, m, alpha, sign, far, lowest, highest;

  explicit TruncatedNormal(const double* p)
      : proposal(static_cast<int>(p[0])), a(T(p[1])), b(T(p[2])), mean(T(p[3])), scale(T(p[4])), width(T(p[5])),
        mSquared(T(p[6])), m(T(p[7])), alpha(T(p[8])), sign(T(p[9])), far(T(p[10])), lowest(T(p[11])),
        highest(T(p[12])) {}

  // mean + scale z, kept within the value bounds that rounding could otherwise cross by an ulp.
  V value(V z) const {
    const V v = mean + scale * z;
    return v < lowest ? splat<V>(lowest) : (v > highest ? splat<V>(highest) : v);
  }

  template <typename Mask>
  V candidate(V openU, V u, V v, Mask& accept) const {
    switch (proposal) {
      case kNormalProposal: {
        V z, unused;
        boxMuller(openU, v, z, unused);
        accept = (z >= a) & (z <= b);
        return z;
      }
      case kUniformProposal: {
        const V z = a + width * u;
        accept = v <= expOf((mSquared - z * z) * T(0.5));
        return z;
      }
      default: {
        const V z = m - logOf(openU) / alpha;
        const V excess = z - alpha;
        accept = (z <= far) & (v <= expOf(-(excess * excess) * T(0.5)));
        return sign * z;
      }
    }
  }
};

void truncatedNormal32Kernel(const Draw& draw, float* out, uint64_t begin, uint64_t end) {
  const TruncatedNormal<VF> sampler(draw.params);
  fillRejecting<float, VF>(draw, out, begin, end, [&](uint64_t firstBlock) {
    return sampler.value(firstAccepted<VF>(firstBlock, draw, [&](const Block& b, auto& accept) {
      return sampler.candidate(openUniform32(b.w0), uniform24(b.w0), uniform24(b.w1), accept);
    }));
  });
}

void truncatedNormal64Kernel(const Draw& draw, double* out, uint64_t begin, uint64_t end) {
  const TruncatedNormal<VD> sampler(draw.params);
  fillRejecting<double, VD>(draw, out, begin, end, [&](uint64_t firstBlock) {
    return sampler.value(firstAccepted<VD>(firstBlock, draw, [&](const Block& b, auto& accept) {
      return sampler.candidate(openUniform53(b.w0, b.w1, 0), uniform53(b.w0, b.w1, 0), uniform53(b.w2, b.w3, 0), accept);
    }));
  });
}

constexpr RandomKernels kRandomKernels = {
    &bitsKernel,        &uniform32Kernel,         &uniform64Kernel,         &normal32Kernel, &normal64Kernel,
    &truncatedNormal32Kernel, &truncatedNormal64Kernel, &integersKernel, &bernoulliKernel,
};
