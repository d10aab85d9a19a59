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

// e^x, float: Cody-Waite reduction x = k ln2 + r, |r| <= ln2/2, then a degree-7 polynomial
// (Cephes expf coefficients). Inputs are clamped just past the overflow and underflow thresholds
// so +-Inf give +Inf and 0 through ordinary rounding; NaN propagates through the arithmetic.
inline VF expOf(VF x) {
  constexpr float kRoundingShift = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const VF clamped = x > 89.0f ? splat<VF>(89.0f) : (x < -104.0f ? splat<VF>(-104.0f) : x);
  const VF shifted = clamped * 1.44269504088896341f + kRoundingShift;
  const VF k = shifted - kRoundingShift;
  const VI32 n = bitCast<VI32>(bitsOf(shifted) - bitsOf(splat<VF>(kRoundingShift)));
  VF r = clamped - k * 0.693359375f;  // ln2 split so that k * 0.693359375 is exact
  r = r - k * -2.12194440e-4f;
  const VF r2 = r * r;
  VF p = splat<VF>(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const VF y = p * r2 + r + 1.0f;
  return scaleByPow2(y, n);
}

// e^x, double: the same reduction with ln2 split as in fdlibm, then the Taylor series to degree 13,
// whose truncation error on |r| <= ln2/2 is below 2^-60.
inline VD expOf(VD x) {
  constexpr double kRoundingShift = 6755399441055744.0;  // 1.5 * 2^52
  const VD clamped = x > 710.0 ? splat<VD>(710.0) : (x < -746.0 ? splat<VD>(-746.0) : x);
  const VD shifted = clamped * 1.4426950408889634 + kRoundingShift;
  const VD k = shifted - kRoundingShift;
  const VI64 n = bitCast<VI64>(bitsOf(shifted) - bitsOf(splat<VD>(kRoundingShift)));
  VD r = clamped - k * 6.93147180369123816490e-01;
  r = r - k * 1.90821492927058770002e-10;
  const VD r2 = r * r;
  VD p = splat<VD>(1.0 / 6227020800.0);  // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  const VD y = p * r2 + r + 1.0;
  return scaleByPow2(y, n);
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
