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

template <>
struct VectorOf<VU32> {
  using T = uint32_t;
};
template <>
struct VectorOf<VI32> {
  using T = int32_t;
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

// The lane indices of a float vector's low and high halves, for __builtin_shufflevector.
#if KINDLING_VECTOR_BYTES == 16
#define KINDLING_LOW_LANES 0, 1
#define KINDLING_HIGH_LANES 2, 3
#elif KINDLING_VECTOR_BYTES == 32
#define KINDLING_LOW_LANES 0, 1, 2, 3
#define KINDLING_HIGH_LANES 4, 5, 6, 7
#elif KINDLING_VECTOR_BYTES == 64
#define KINDLING_LOW_LANES 0, 1, 2, 3, 4, 5, 6, 7
#define KINDLING_HIGH_LANES 8, 9, 10, 11, 12, 13, 14, 15
#endif

// Half a float or 32-bit integer vector: as many lanes as a VD (the one lane in scalar code).
#if KINDLING_VECTOR_BYTES
typedef float HalfVF __attribute__((vector_size(KINDLING_VECTOR_BYTES / 2)));
typedef int32_t HalfVI32 __attribute__((vector_size(KINDLING_VECTOR_BYTES / 2)));
#else
typedef float HalfVF;
typedef int32_t HalfVI32;
#endif

// Lanes to double (exact) and back to float (each rounded once). g++ 12 splits a widening
// __builtin_convertvector into 128-bit pieces and joins them again, four instructions for one
// (GCC bug 85048), so the AVX levels name the instruction.
inline VD toDouble(HalfVF v) {
#if KINDLING_VECTOR_BYTES == 64 && defined(__x86_64__)
  return bitCast<VD>(_mm512_cvtps_pd(bitCast<__m256>(v)));
#elif KINDLING_VECTOR_BYTES == 32 && defined(__x86_64__)
  return bitCast<VD>(_mm256_cvtps_pd(bitCast<__m128>(v)));
#elif KINDLING_VECTOR_BYTES
  return __builtin_convertvector(v, VD);
#else
  return v;
#endif
}

inline VD toDouble(HalfVI32 v) {
#if KINDLING_VECTOR_BYTES == 64 && defined(__x86_64__)
  return bitCast<VD>(_mm512_cvtepi32_pd(bitCast<__m256i>(v)));
#elif KINDLING_VECTOR_BYTES == 32 && defined(__x86_64__)
  return bitCast<VD>(_mm256_cvtepi32_pd(bitCast<__m128i>(v)));
#elif KINDLING_VECTOR_BYTES
  return __builtin_convertvector(v, VD);
#else
  return v;
#endif
}

inline HalfVF toFloat(VD v) {
#if KINDLING_VECTOR_BYTES
  return __builtin_convertvector(v, HalfVF);
#else
  return static_cast<float>(v);
#endif
}

#if KINDLING_VECTOR_BYTES
// A float vector's low and high halves as doubles, and two halves rounded back into one vector.
// Split and joined by shuffles in registers: a round trip through memory would stall store
// forwarding. (Scalar code has one lane and no halves.)
inline VD lowToDouble(VF v) {
  return toDouble(__builtin_shufflevector(v, v, KINDLING_LOW_LANES));
}

inline VD highToDouble(VF v) {
  return toDouble(__builtin_shufflevector(v, v, KINDLING_HIGH_LANES));
}

inline VF fromDoubles(VD low, VD high) {
  return __builtin_shufflevector(toFloat(low), toFloat(high), KINDLING_LOW_LANES, KINDLING_HIGH_LANES);
}
#endif

// The lanes [first, first + kLanes<VD>) of a 32-bit integer vector (values below 2^31), as doubles.
inline VD lanesToDouble(VU32 v, size_t first) {
#if KINDLING_VECTOR_BYTES
  HalfVI32 half;
  __builtin_memcpy(&half, reinterpret_cast<const char*>(&v) + first * sizeof(int32_t), sizeof half);
  return toDouble(half);
#else
  (void)first;
  return static_cast<double>(static_cast<int32_t>(v));
#endif
}

// f applied to a float vector's lanes in double precision, each result rounded once to float:
// for float kernels whose accuracy needs double intermediates. f takes and returns a VD, which has
// half the lanes of a VF, so it runs on the two halves in turn (on the one lane in scalar code).
template <typename F>
inline VF viaDouble(VF x, F f) {
#if KINDLING_VECTOR_BYTES
  return fromDoubles(f(lowToDouble(x)), f(highToDouble(x)));
#else
  return toFloat(f(toDouble(x)));
#endif
}

// Whether any lane of a comparison's mask is set: a branch around work that rare lanes need.
#if KINDLING_VECTOR_BYTES && defined(__x86_64__)
inline bool anyLane(VI32 mask) {
#if KINDLING_VECTOR_BYTES == 16
  return _mm_movemask_ps(bitCast<__m128>(mask)) != 0;
#elif KINDLING_VECTOR_BYTES == 32
  return _mm256_movemask_ps(bitCast<__m256>(mask)) != 0;
#else
  return _mm512_test_epi32_mask(bitCast<__m512i>(mask), bitCast<__m512i>(mask)) != 0;
#endif
}
#elif KINDLING_VECTOR_BYTES
inline bool anyLane(VI32 mask) {
  for (size_t i = 0; i < kLanes<VF>; i++) {
    if (mask[i]) return true;
  }
  return false;
}
#else
inline bool anyLane(bool mask) {
  return mask;
}
#endif

// 32 x 32 -> 64-bit products of every lane with a constant, split into high and low words: the
// core of Philox. x86 multiplies the even 32-bit lanes into 64-bit products in one instruction
// (pmuludq), which GCC does not find by itself from vector code, so it is called by name there.
#if KINDLING_VECTOR_BYTES && defined(__x86_64__)
inline VU64 mulEvenLanes(VU64 a, uint32_t b) {
#if KINDLING_VECTOR_BYTES == 16
  return bitCast<VU64>(_mm_mul_epu32(bitCast<__m128i>(a), _mm_set1_epi64x(b)));
#elif KINDLING_VECTOR_BYTES == 32
  return bitCast<VU64>(_mm256_mul_epu32(bitCast<__m256i>(a), _mm256_set1_epi64x(b)));
#else
  return bitCast<VU64>(_mm512_mul_epu32(bitCast<__m512i>(a), _mm512_set1_epi64(b)));
#endif
}
#elif KINDLING_VECTOR_BYTES
inline VU64 mulEvenLanes(VU64 a, uint32_t b) {
  return (a & uint64_t{0xffffffff}) * uint64_t{b};
}
#endif

inline void mulHiLo(VU32 a, uint32_t b, VU32& hi, VU32& lo) {
#if KINDLING_VECTOR_BYTES
  constexpr uint64_t kLow = 0xffffffff;
  const VU64 a64 = bitCast<VU64>(a);
  const VU64 even = mulEvenLanes(a64, b);       // lanes 0, 2, 4, ...
  const VU64 odd = mulEvenLanes(a64 >> 32, b);  // lanes 1, 3, 5, ...
  hi = bitCast<VU32>((even >> 32) | (odd & ~kLow));
  lo = bitCast<VU32>((even & kLow) | (odd << 32));
#else
  const uint64_t product = uint64_t{a} * b;
  hi = static_cast<uint32_t>(product >> 32);
  lo = static_cast<uint32_t>(product);
#endif
}

// Correctly rounded square roots, lane by lane (the compiler emits sqrtps/sqrtpd; CMake passes
// -fno-math-errno so that no libm call is kept for negative inputs).
inline VF sqrtOf(VF v) {
#if KINDLING_VECTOR_BYTES
  for (size_t i = 0; i < kLanes<VF>; ++i) v[i] = __builtin_sqrtf(v[i]);
  return v;
#else
  return __builtin_sqrtf(v);
#endif
}

inline VD sqrtOf(VD v) {
#if KINDLING_VECTOR_BYTES
  for (size_t i = 0; i < kLanes<VD>; ++i) v[i] = __builtin_sqrt(v[i]);
  return v;
#else
  return __builtin_sqrt(v);
#endif
}
