// Philox4x32-10 (docs/rng.md §1) on this target's vectors: each lane computes its own block.
// Included only by native/targets/target.cc, inside the target's namespace.

struct Block {
  VU32 w0, w1, w2, w3;
};

inline VU32 laneIndices() {
#if KINDLING_VECTOR_BYTES
  VU32 v;
  for (size_t i = 0; i < kLanes<VF>; ++i) v[i] = static_cast<uint32_t>(i);
  return v;
#else
  return 0;
#endif
}

// kCount vectors of consecutive blocks from `first` on (vector i holds blocks first + i L, ...,
// first + i L + L - 1), for one attempt: counters (lo32(b), hi32(b), attempt, 0). The rounds of
// the kCount vectors are interleaved: each round's multiplications wait several cycles for the
// previous round, and independent chains fill that time.
template <size_t kCount>
inline void philoxBlocks(uint64_t first, uint32_t attempt, uint32_t k0, uint32_t k1, Block (&blocks)[kCount]) {
  VU32 c0[kCount], c1[kCount], c2[kCount], c3[kCount];
  for (size_t i = 0; i < kCount; ++i) {
    const uint64_t start = first + i * kLanes<VU32>;
    const uint32_t lo = static_cast<uint32_t>(start);
    c0[i] = splat<VU32>(lo) + laneIndices();
    // A lane whose low word wrapped around carries into the high word.
    c1[i] = splat<VU32>(static_cast<uint32_t>(start >> 32)) + (c0[i] < lo ? splat<VU32>(1) : splat<VU32>(0));
    c2[i] = splat<VU32>(attempt);
    c3[i] = splat<VU32>(0);
  }
#if KINDLING_VECTOR_BYTES == 64
  // Each 32-bit vector is kept as two 64-bit vectors, its even and its odd lanes, each in the low
  // half of a 64-bit slot: a widening multiply of the even lanes then gives a round's high and low
  // words directly, with no recombining until the end (a quarter fewer instructions). The high
  // halves of the slots fill with garbage that the multiplies ignore and the final recombination
  // drops. It doubles the registers a chain needs, which only AVX-512's 32 registers can afford.
  VU64 even[4][kCount], odd[4][kCount];
  for (size_t i = 0; i < kCount; ++i) {
    const VU32* words[4] = {&c0[i], &c1[i], &c2[i], &c3[i]};
    for (size_t w = 0; w < 4; ++w) {
      even[w][i] = bitCast<VU64>(*words[w]);
      odd[w][i] = even[w][i] >> 32;
    }
  }
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    const auto roundOf = [k0, k1](VU64(&half)[4][kCount]) {
      for (size_t i = 0; i < kCount; ++i) {
        const VU64 product0 = mulEvenLanes(half[0][i], 0xD2511F53u);
        const VU64 product1 = mulEvenLanes(half[2][i], 0xCD9E8D57u);
        half[0][i] = (product1 >> 32) ^ half[1][i] ^ uint64_t{k0};
        half[1][i] = product1;
        half[2][i] = (product0 >> 32) ^ half[3][i] ^ uint64_t{k1};
        half[3][i] = product0;
      }
    };
    roundOf(even);
    roundOf(odd);
  }
  const auto join = [](VU64 evenLanes, VU64 oddLanes) {
    return bitCast<VU32>((evenLanes & uint64_t{0xffffffff}) | (oddLanes << 32));
  };
  for (size_t i = 0; i < kCount; ++i) {
    blocks[i] = {join(even[0][i], odd[0][i]), join(even[1][i], odd[1][i]), join(even[2][i], odd[2][i]),
                 join(even[3][i], odd[3][i])};
  }
#else
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    for (size_t i = 0; i < kCount; ++i) {
      VU32 hi0, lo0, hi1, lo1;
      mulHiLo(c0[i], 0xD2511F53u, hi0, lo0);
      mulHiLo(c2[i], 0xCD9E8D57u, hi1, lo1);
      c0[i] = hi1 ^ c1[i] ^ k0;
      c1[i] = lo1;
      c2[i] = hi0 ^ c3[i] ^ k1;
      c3[i] = lo0;
    }
  }
  for (size_t i = 0; i < kCount; ++i) blocks[i] = {c0[i], c1[i], c2[i], c3[i]};
#endif
}

// The blocks first, first + 1, ... (one per lane) of one attempt.
inline Block philoxBlocks(uint64_t first, uint32_t attempt, uint32_t k0, uint32_t k1) {
  Block blocks[1];
  philoxBlocks(first, attempt, k0, k1, blocks);
  return blocks[0];
}
