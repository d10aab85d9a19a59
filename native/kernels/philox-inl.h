// Philox4x32-10 (docs/rng.md §1) on this target's vectors: each lane computes its own block.
// Included only by native/targets/target.cc, inside the target's namespace.

struct Block {
  VU32 w0, w1, w2, w3;
};

inline Block philox(VU32 c0, VU32 c1, VU32 c2, VU32 c3, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    VU32 hi0, lo0, hi1, lo1;
    mulHiLo(c0, 0xD2511F53u, hi0, lo0);
    mulHiLo(c2, 0xCD9E8D57u, hi1, lo1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  return {c0, c1, c2, c3};
}

inline VU32 laneIndices() {
#if KINDLING_VECTOR_BYTES
  VU32 v;
  for (size_t i = 0; i < kLanes<VF>; ++i) v[i] = static_cast<uint32_t>(i);
  return v;
#else
  return 0;
#endif
}

// The blocks first, first + 1, ... (one per lane) of a draw's attempt: counters (lo32(b), hi32(b), attempt, 0).
inline Block philoxBlocks(uint64_t first, uint32_t attempt, uint32_t k0, uint32_t k1) {
  const uint32_t lo = static_cast<uint32_t>(first);
  const VU32 c0 = splat<VU32>(lo) + laneIndices();
  // A lane whose low word wrapped around carries into the high word.
  const VU32 c1 = splat<VU32>(static_cast<uint32_t>(first >> 32)) + (c0 < lo ? splat<VU32>(1) : splat<VU32>(0));
  return philox(c0, c1, splat<VU32>(attempt), splat<VU32>(0), k0, k1);
}
