// This target's vector types (KINDLING_VECTOR_BYTES wide, or plain scalars when it is 0) and the
// few helpers the kernels need beyond the arithmetic and comparison operators, which GCC and Clang
// vector extensions already give lane-wise. Included only by native/targets/target.cc, inside the
// target's namespace, so every helper here exists once per SIMD level and none can leak across.

#if KINDLING_VECTOR_BYTES
typedef float VF __attribute__((vector_size(KINDLING_VECTOR_BYTES)));
typedef double VD __attribute__((vector_size(KINDLING_VECTOR_BYTES)));
typedef uint32_t VU32 __attribute__((vector_size(KINDLING_VECTOR_BYTES)));
typedef int32_t VI32 __attribute__((vector_size(KINDLING_VECTOR_BYTES)));
typedef uint64_t VU64 __attribute__((vector_size(KINDLING_VECTOR_BYTES)));
typedef int64_t VI64 __attribute__((vector_size(KINDLING_VECTOR_BYTES)));
#else
typedef float VF;
typedef double VD;
typedef uint32_t VU32;
typedef int32_t VI32;
typedef uint64_t VU64;
typedef int64_t VI64;
#endif

// Maps a lane type to its vector type and back, with the integer vectors of the same shape.
template <typename T>
struct Lanes;
template <>
struct Lanes<float> {
  using V = VF;
};
template <>
struct Lanes<double> {
  using V = VD;
};

template <typename V>
struct VectorOf;
template <>
struct VectorOf<VF> {
  using T = float;
  using U = VU32;
  using I = VI32;
  static constexpr uint32_t kSignBit = 0x80000000u;
};
template <>
struct VectorOf<VD> {
  using T = double;
  using U = VU64;
  using I = VI64;
  static constexpr uint64_t kSignBit = 0x8000000000000000u;
};

template <typename V>
constexpr size_t kLanes = sizeof(V) / sizeof(typename VectorOf<V>::T);

template <typename V>
inline V splat(typename VectorOf<V>::T value) {
#if KINDLING_VECTOR_BYTES
  V v;
  for (size_t i = 0; i < kLanes<V>; ++i) v[i] = value;  // (V{} + value would turn -0 into +0)
  return v;
#else
  return value;
#endif
}

template <typename To, typename From>
inline To bitCast(From from) {
  static_assert(sizeof(To) == sizeof(From), "bitCast needs equal sizes");
  return __builtin_bit_cast(To, from);
}

template <typename V>
inline typename VectorOf<V>::U bitsOf(V v) {
  return bitCast<typename VectorOf<V>::U>(v);
}

template <typename V>
inline V absOf(V v) {
  return bitCast<V>(bitsOf(v) & ~VectorOf<V>::kSignBit);
}

// |magnitude| with the sign bit of sign.
template <typename V>
inline V copySign(V magnitude, V sign) {
  constexpr auto kSign = VectorOf<V>::kSignBit;
  return bitCast<V>((bitsOf(magnitude) & ~kSign) | (bitsOf(sign) & kSign));
}

template <typename V, typename T>
inline V load(const T* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

template <typename V, typename T>
inline void store(T* p, V v) {
  __builtin_memcpy(p, &v, sizeof v);
}

// The tail of an array goes through the same vector code as the body, padded with zeros, so an
// element's result never depends on where it sits in the array (or in a thread's chunk).
template <typename V, typename T>
inline V loadPartial(const T* p, size_t count) {
  V v{};
  __builtin_memcpy(&v, p, count * sizeof(T));
  return v;
}

template <typename V, typename T>
inline void storePartial(T* p, V v, size_t count) {
  __builtin_memcpy(p, &v, count * sizeof(T));
}
