// Elementary functions on this target's vectors, built only from + - * / and bit operations so
// that the TypeScript fallback (lib/fallback/math.ts) repeats them operation for operation and
// gets the same bits. Keep the two files in step: the tests compare them bit for bit.
// Included only by native/targets/target.cc, inside the target's namespace.

// 2^m for integer lanes m in [-126, 127] (float) or [-1022, 1023] (double), by building the bits.
inline VF pow2(VI32 m) {
  return bitCast<VF>((bitCast<VU32>(m) + 127u) << 23);
}
inline VD pow2(VI64 m) {
  return bitCast<VD>((bitCast<VU64>(m) + uint64_t{1023}) << 52);
}

// y * 2^n for results anywhere from overflow down to the subnormals: 2^n is applied in two halves
// so each factor stays a normal number and only the last product rounds.
template <typename V, typename I>
inline V scaleByPow2(V y, I n) {
  const I half = n >> 1;
  return y * pow2(half) * pow2(n - half);
}

// y * 2^n, correctly rounded, for float y and n in [-252, 0], without a float operation that has
// a subnormal result: each costs a microcode assist (about 100 cycles) on x86. Vectors in which
// no lane can end below the normal range (y's biased exponent plus n at least 2, or n = 0) take
// the exact two-factor product. Otherwise subnormal results are built from their bits:
// |y| 2^(n+149) < 2^23 is exact, adding 2^23 rounds it to an integer (to nearest even, in the
// binade where floats are the integers), and that integer is the subnormal's bit pattern (2^23
// being the least normal's).
inline VF scaleByPow2Rounded(VF y, VI32 n) {
  const VI32 exponent = bitCast<VI32>(bitsOf(y) >> 23 & 0xffu);
  if (!anyLane((exponent + n < 2) & (n < 0))) return scaleByPow2(y, n);
  const VF scaledUp = absOf(y) * pow2(n + 149 >> 1) * pow2(n + 149 - (n + 149 >> 1));
  const auto subnormal = scaledUp < 8388608.0f;  // 2^23
  const VU32 bits = bitsOf(scaledUp + 8388608.0f) - bitsOf(splat<VF>(8388608.0f));
  const VF built = bitCast<VF>(bits | (bitsOf(y) & VectorOf<VF>::kSignBit));
  const VI32 normalN = subnormal ? splat<VI32>(0) : n;
  return subnormal ? built : scaleByPow2(subnormal ? splat<VF>(1.0f) : y, normalN);
}

// P(r) with e^r = 1 + r + r^2 P(r) for |r| <= ln2/2 (Cephes expf's coefficients), shared by expOf
// and expm1ReductionOf.
inline VF expPolynomialOf(VF r) {
  VF p = splat<VF>(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  return p * r + 5.0000001201e-1f;
}

// The float reduction of expOf: x = k ln2 + r, |r| <= ln2/2.
struct ExpReduction {
  VF r;
  VI32 n;  // k
};

inline ExpReduction expReductionOf(VF x) {
  constexpr float kRoundingShift = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const VF clamped = x > 89.0f ? splat<VF>(89.0f) : (x < -104.0f ? splat<VF>(-104.0f) : x);
  const VF shifted = clamped * 1.44269504088896341f + kRoundingShift;
  const VF k = shifted - kRoundingShift;
  const VI32 n = bitCast<VI32>(bitsOf(shifted) - bitsOf(splat<VF>(kRoundingShift)));
  const VF r = clamped - k * 0.693359375f;  // ln2 split so that k * 0.693359375 is exact
  return {r - k * -2.12194440e-4f, n};
}

// e^r 2^n: 2^n in one product while it is a normal float in every lane (the same bits as
// scaleByPow2's two, which only results past the normal range need).
inline VF expOfReduced(VF r, VI32 n) {
  const VF y = expPolynomialOf(r) * (r * r) + r + 1.0f;
  return anyLane((n < -126) | (n > 127)) ? scaleByPow2(y, n) : y * pow2(n);
}

// e^x, float: Cody-Waite reduction x = k ln2 + r, |r| <= ln2/2, then a degree-7 polynomial
// (Cephes expf coefficients). Inputs are clamped just past the overflow and underflow thresholds
// so +-Inf give +Inf and 0 through ordinary rounding; NaN propagates through the arithmetic.
inline VF expOf(VF x) {
  const ExpReduction e = expReductionOf(x);
  return expOfReduced(e.r, e.n);
}

// e^(high + low), float, for low below half an ULP of high (the rounding error of the difference
// that gave high): low joins the reduced argument, where its digits still count, for one more
// rounding of at most 2^-26 relative (a quarter to half an ULP of the result).
inline VF expOfSum(VF high, VF low) {
  const ExpReduction e = expReductionOf(high);
  // Past the clamps low no longer counts, and beside a huge high it can be huge too.
  const auto inRange = (high >= -104.0f) & (high <= 89.0f);
  return expOfReduced(e.r + (inRange ? low : splat<VF>(0.0f)), e.n);
}

// The float reduction of expm1Of (activations/exponential-inl.h) and the float sigmoid, for z <= 0:
// z = k ln2 + r - rExcess with ln2 split so that its low part is positive (r keeps the sign of a
// zero z) and k times its 15-bit high part exact, and e^(r - rExcess) - 1 = r - d to well below a
// float ULP, with expPolynomialOf's P: d = rExcess e^r - r^2 P(r) (e^r ~ 1 + r is enough for so
// small a term), whose error is relative to r^2 P, so tiny |r| (subnormals included) come out exact.
struct Expm1Reduction {
  VF k;    // k as a float
  VI32 n;  // k as an integer
  VF r;
  VF d;
};

inline Expm1Reduction expm1ReductionOf(VF z) {
  constexpr float kRoundingShift = 12582912.0f;  // 1.5 * 2^23
  const VF shifted = z * 1.44269504088896341f + kRoundingShift;
  const VF k = shifted - kRoundingShift;
  const VI32 n = bitCast<VI32>(bitsOf(shifted) - bitsOf(splat<VF>(kRoundingShift)));
  // ln2 = 0.693145751953125 (15 bits: k times it is exact, and so is the subtraction) + 1.4286068e-6
  const VF hi = z - k * 0.693145751953125f;
  const VF lo = k * 1.4286068e-6f;
  const VF r = hi - lo;
  const VF rExcess = (r - hi) + lo;  // r less the exact hi - lo
  return {k, n, r, (rExcess + rExcess * r) - expPolynomialOf(r) * (r * r)};
}

// e^x in double lanes: the reduction of the float expOf with ln2 split as in fdlibm, then
// 1 + r + r^2 p(r) for a Taylor tail p given highest degree first, and 2^k applied in halves.
template <size_t N>
inline VD expWithSeries(VD x, const double (&series)[N]) {
  constexpr double kRoundingShift = 6755399441055744.0;  // 1.5 * 2^52
  const VD clamped = x > 710.0 ? splat<VD>(710.0) : (x < -746.0 ? splat<VD>(-746.0) : x);
  const VD shifted = clamped * 1.4426950408889634 + kRoundingShift;
  const VD k = shifted - kRoundingShift;
  const VI64 n = bitCast<VI64>(bitsOf(shifted) - bitsOf(splat<VD>(kRoundingShift)));
  VD r = clamped - k * 6.93147180369123816490e-01;
  r = r - k * 1.90821492927058770002e-10;
  const VD r2 = r * r;
  VD p = splat<VD>(series[0]);
  for (size_t i = 1; i < N; i++) p = p * r + series[i];
  const VD y = p * r2 + r + 1.0;
  return scaleByPow2(y, n);
}

// 1/13!, ..., 1/2!: truncation error below 2^-60 on |r| <= ln2/2.
constexpr double kExpSeries[] = {1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0,
                                 1.0 / 362880.0,     1.0 / 40320.0,     1.0 / 5040.0,     1.0 / 720.0,
                                 1.0 / 120.0,        1.0 / 24.0,        1.0 / 6.0,        0.5};
// 1/7!, ..., 1/2!: truncation error below 2^-27.4, a tenth of a float ULP.
constexpr double kExpSeriesForFloat[] = {1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5};

// e^x, double.
inline VD expOf(VD x) {
  return expWithSeries(x, kExpSeries);
}

// e^x in double lanes to about 2^-27 relative, for float kernels that work in double, at about
// half the cost of expOf.
inline VD expForFloat(VD x) {
  return expWithSeries(x, kExpSeriesForFloat);
}

// tanh(|x|) for |x| < 0.625, where 1 - 2/(e^2x + 1) would cancel: an odd polynomial (Cephes tanhf).
inline VF tanhNearZero(VF a) {
  const VF a2 = a * a;
  VF p = splat<VF>(-5.70498872745e-3f);
  p = p * a2 + 2.06390887954e-2f;
  p = p * a2 - 5.37397155531e-2f;
  p = p * a2 + 1.33314422036e-1f;
  p = p * a2 - 3.33332819422e-1f;
  return p * a2 * a + a;
}

// The same for double: a rational approximation (Cephes tanh).
inline VD tanhNearZero(VD a) {
  const VD a2 = a * a;
  VD p = splat<VD>(-9.64399179425052238628e-1);
  p = p * a2 - 9.92877231001918586564e1;
  p = p * a2 - 1.61468768441708447952e3;
  VD q = a2 + 1.12811678491632931402e2;
  q = q * a2 + 2.23548839060100448583e3;
  q = q * a2 + 4.84406305325125486048e3;
  return a * a2 * p / q + a;
}

// ln x, float: the bits give x = 2^k m with m in [sqrt(1/2), sqrt(2)); with t = m - 1 and
// s = t/(2 + t), ln m = t - t^2/2 + s(t^2/2 + R), R an even polynomial in s from fdlibm's logf
// (FreeBSD e_logf.c: |(ln(1+s) - ln(1-s))/s - 2 - R| < 2^-34.24); k ln2 is added last, split so
// that k * ln2Hi is exact. Subnormals are scaled by 2^25 first. Within 0.84 ULP for every positive
// float; ln(+-0) = -Inf, ln(+Inf) = +Inf, NaN for NaN and x < 0.
inline VF logOf(VF x) {
  const auto tiny = x < 1.17549435e-38f;
  const VF scaled = tiny ? x * 33554432.0f : x;
  // Adding 1 - sqrt(1/2)'s significand carries into the exponent exactly when the significand is at
  // least sqrt(2); k is then the exponent field, and the low bits rebuilt on sqrt(1/2) are m.
  const VU32 bits = bitsOf(scaled) + (0x3f800000u - 0x3f3504f3u);
  const VF m = bitCast<VF>((bits & 0x007fffffu) + 0x3f3504f3u);
  // 2^23 + the exponent field, as a float, less 2^23 + the bias (and the 25 of the scaling): exact.
  const VF k = bitCast<VF>((bits >> 23) | 0x4b000000u) -
               (tiny ? splat<VF>(8388760.0f) : splat<VF>(8388735.0f));
  const VF t = m - 1.0f;
  const VF s = t / (t + 2.0f);
  const VF z = s * s;
  const VF w = z * z;
  const VF r = z * (w * 2.8498786688e-1f + 6.6666662693e-1f) + w * (w * 2.4279078841e-1f + 4.0000972152e-1f);
  const VF halfSquare = 0.5f * t * t;
  // ln2 = 0.693145751953125 (15 bits, so k * it is exact for every k here) + 1.4286068e-6
  const VF y = s * (halfSquare + r) + k * 1.4286068e-6f - halfSquare + t + k * 0.693145751953125f;
  const VF special = x == 0.0f ? splat<VF>(-__builtin_inff()) : (x < 0.0f ? splat<VF>(__builtin_nanf("")) : x);
  return (x > 0.0f) & (x < __builtin_inff()) ? y : special;
}

// ln x, double: the same with fdlibm's log polynomial (e_log.c: error < 2^-58.45) and its ln2
// split (k * ln2Hi is exact for |k| < 2^21); subnormals are scaled by 2^54. Within 1 ULP (0.83 the
// worst measured, on 2^26 random inputs).
inline VD logOf(VD x) {
  const auto tiny = x < 2.2250738585072014e-308;
  const VD scaled = tiny ? x * 18014398509481984.0 : x;
  const VU64 bits = bitsOf(scaled) + (uint64_t{0x3ff00000 - 0x3fe6a09e} << 32);
  const VD m = bitCast<VD>((bits & 0x000fffffffffffffu) + (uint64_t{0x3fe6a09e} << 32));
  const VD k = bitCast<VD>((bits >> 52) | 0x4330000000000000u) -
               (tiny ? splat<VD>(4503599627371573.0) : splat<VD>(4503599627371519.0));
  const VD t = m - 1.0;
  const VD s = t / (t + 2.0);
  const VD z = s * s;
  const VD w = z * z;
  const VD even = w * (w * (w * 1.531383769920937332e-1 + 2.222219843214978396e-1) + 3.999999999940941908e-1);
  const VD odd = z * (w * (w * (w * 1.479819860511658591e-1 + 1.818357216161805012e-1) + 2.857142874366239149e-1) +
                      6.666666666666735130e-1);
  const VD r = odd + even;
  const VD halfSquare = 0.5 * t * t;
  const VD y = s * (halfSquare + r) + k * 1.90821492927058770002e-10 - halfSquare + t + k * 6.93147180369123816490e-1;
  const VD special = x == 0.0 ? splat<VD>(-__builtin_inf()) : (x < 0.0 ? splat<VD>(__builtin_nan("")) : x);
  return (x > 0.0) & (x < __builtin_inf()) ? y : special;
}

// sin(2 pi u) and cos(2 pi u), float, for u a multiple of 2^-24 with |u| < 2^20 (the uniforms in
// [0, 1) are). The reduction is exact on u: k = round(4u), r = u - k/4 in [-1/8, 1/8]. Cephes
// sinf's and cosf's polynomials on [-pi/4, pi/4], rewritten in r (the coefficient of x^n times
// (2 pi)^n), give sin(2 pi r) = 6r + r(2 pi - 6 + z S(z)) with z = r^2 and 6r exact, and
// cos(2 pi r) = 1 + bz + z C(z), b = -2 pi^2 rounded, with the rounding error of 1 + bz recovered
// exactly (as in fdlibm's __kernel_cos). The quadrant k mod 4 swaps and negates, as 0 - v so that
// every exact zero (sin at u = 0 and 1/2, cos at 1/4 and 3/4) is +0. Within 0.9 ULP for every
// uniform, zeros and their neighbours included (r is exact); NaN and +-Inf give NaN.
inline void sinCos2Pi(VF u, VF* sine, VF* cosine) {
  constexpr float kRoundingShift = 12582912.0f;  // 1.5 * 2^23
  const VF shifted = u * 4.0f + kRoundingShift;
  const VI32 k = bitCast<VI32>(bitsOf(shifted) - bitsOf(splat<VF>(kRoundingShift)));
  const VF r = u - (shifted - kRoundingShift) * 0.25f;
  const VF z = r * r;
  VF p = splat<VF>(-75.44565f);
  p = p * z + 81.59377f;
  p = p * z - 41.341675f;
  p = p * z + 0.2831853f;  // 2 pi - 6
  const VF sinR = r * 6.0f + r * p;
  VF q = splat<VF>(59.3497f);
  q = q * z - 85.44714f;
  q = q * z + 64.93936f;
  q = q * z - 5.807432e-7f;  // -2 pi^2 - b
  const VF a = z * -19.739208f;  // b z, b = -2 pi^2 rounded
  const VF w = a + 1.0f;
  const VF cosR = w + ((1.0f - w + a) + z * q);  // 1 - w + a: the rounding error of w, exactly
  const VF s = (k & 1) != 0 ? cosR : sinR;
  const VF c = (k & 1) != 0 ? sinR : cosR;
  *sine = (k & 2) != 0 ? 0.0f - s : s;
  *cosine = ((k + 1) & 2) != 0 ? 0.0f - c : c;
}

// The same for double, for u a multiple of 2^-53 with |u| < 2^49, with fdlibm's __kernel_sin and
// __kernel_cos polynomials (errors below 2^-58 on [-pi/4, pi/4]) rewritten in r. Within 1 ULP (0.92
// the worst measured, on 2^24 random uniforms).
inline void sinCos2Pi(VD u, VD* sine, VD* cosine) {
  constexpr double kRoundingShift = 6755399441055744.0;  // 1.5 * 2^52
  const VD shifted = u * 4.0 + kRoundingShift;
  const VI64 k = bitCast<VI64>(bitsOf(shifted) - bitsOf(splat<VD>(kRoundingShift)));
  const VD r = u - (shifted - kRoundingShift) * 0.25;
  const VD z = r * r;
  VD p = splat<VD>(3.7813859205893228);
  p = p * z - 15.093830287058815;
  p = p * z + 42.05868552483791;
  p = p * z - 76.7058597089433;
  p = p * z + 81.60524927596886;
  p = p * z - 41.34170224039968;
  p = p * z + 0.28318530717958645;  // 2 pi - 6
  const VD sinR = r * 6.0 + r * p;
  VD q = splat<VD>(-1.697786258825899);
  q = q * z + 7.90314500414306;
  q = q * z - 26.426252110769937;
  q = q * z + 60.2446413424593;
  q = q * z - 85.45681720660279;
  q = q * z + 64.9393940226682;
  q = q * z - 1.2530591017479423e-15;
  const VD a = z * -19.739208802178716;
  const VD w = a + 1.0;
  const VD cosR = w + ((1.0 - w + a) + z * q);
  const VD s = (k & 1) != 0 ? cosR : sinR;
  const VD c = (k & 1) != 0 ? sinR : cosR;
  *sine = (k & 2) != 0 ? 0.0 - s : s;
  *cosine = ((k + 1) & 2) != 0 ? 0.0 - c : c;
}
