/**
 * The TypeScript twin of native/kernels/math-inl.h: the same operations in the same order, so the
 * fallback returns the same bits as every native SIMD level. Float32 arithmetic is emulated with
 * Math.fround after every operation, which is exact: a double result rounded to float32 equals
 * the correctly rounded float32 result for + - * / (doubles carry more than twice the bits).
 * Keep the two files in step: the tests compare them bit for bit.
 */
const f = Math.fround;

/** 2^m for every integer m in [from, to], built by exact doubling. */
function powersOfTwo(from: number, to: number): Float64Array {
  const table = new Float64Array(to - from + 1);
  let power = 1;
  for (let m = 0; m >= from; m--, power /= 2) table[m - from] = power;
  power = 1;
  for (let m = 0; m <= to; m++, power *= 2) table[m - from] = power;
  return table;
}

// The exponent halves scaleByPow2 can meet after the clamps below.
const POW2_32_MIN = -76;
const POW2_32 = powersOfTwo(POW2_32_MIN, 66);
const POW2_64_MIN = -540;
const POW2_64 = powersOfTwo(POW2_64_MIN, 514);

const SHIFT_32 = 12582912; // 1.5 * 2^23
const LOG2E_32 = f(1.44269504088896341);
const LN2_HI_32 = 0.693359375;
const LN2_LO_32 = f(-2.12194440e-4);
const EXP_32 = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1].map(f);

/** e^x in float32 arithmetic; x must be a float32 value. */
export function exp32(x: number): number {
  const clamped = x > 89 ? 89 : x < -104 ? -104 : x;
  const shifted = f(f(clamped * LOG2E_32) + SHIFT_32);
  const k = f(shifted - SHIFT_32);
  let r = f(clamped - f(k * LN2_HI_32));
  r = f(r - f(k * LN2_LO_32));
  const r2 = f(r * r);
  let p = EXP_32[0]!;
  for (let i = 1; i < EXP_32.length; i++) p = f(f(p * r) + EXP_32[i]!);
  const y = f(f(f(p * r2) + r) + 1);
  const half = k >> 1; // k is an integer (or NaN, when y is NaN too)
  return f(f(y * POW2_32[half - POW2_32_MIN]!) * POW2_32[k - half - POW2_32_MIN]!);
}

const SHIFT_64 = 6755399441055744; // 1.5 * 2^52
const LN2_HI_64 = 6.9314718036912381649e-1;
const LN2_LO_64 = 1.90821492927058770002e-10;
// 1/13!, 1/12!, ..., 1/2!: the Taylor series, highest degree first
const EXP_64 = [
  1 / 6227020800, 1 / 479001600, 1 / 39916800, 1 / 3628800, 1 / 362880, 1 / 40320, 1 / 5040, 1 / 720, 1 / 120, 1 / 24,
  1 / 6, 0.5,
];

/** e^x in float64 arithmetic. */
export function exp64(x: number): number {
  const clamped = x > 710 ? 710 : x < -746 ? -746 : x;
  const shifted = clamped * 1.4426950408889634 + SHIFT_64;
  const k = shifted - SHIFT_64;
  let r = clamped - k * LN2_HI_64;
  r = r - k * LN2_LO_64;
  const r2 = r * r;
  let p = EXP_64[0]!;
  for (let i = 1; i < EXP_64.length; i++) p = p * r + EXP_64[i]!;
  const y = p * r2 + r + 1;
  const half = k >> 1;
  return y * POW2_64[half - POW2_64_MIN]! * POW2_64[k - half - POW2_64_MIN]!;
}

const TANH_32 = [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1].map(f);

/** tanh(a) for float32 0 <= a < 0.625. */
export function tanhNearZero32(a: number): number {
  const a2 = f(a * a);
  let p = TANH_32[0]!;
  for (let i = 1; i < TANH_32.length; i++) p = f(f(p * a2) + TANH_32[i]!);
  return f(f(f(p * a2) * a) + a);
}

/** tanh(a) for 0 <= a < 0.625 in float64. */
export function tanhNearZero64(a: number): number {
  const a2 = a * a;
  let p = -9.64399179425052238628e-1;
  p = p * a2 - 9.92877231001918586564e1;
  p = p * a2 - 1.61468768441708447952e3;
  let q = a2 + 1.12811678491632931402e2;
  q = q * a2 + 2.23548839060100448583e3;
  q = q * a2 + 4.84406305325125486048e3;
  return ((a * a2 * p) / q) + a;
}

/** |magnitude| with the sign of `sign` (including -0); NaN stays NaN. */
export function copySign(magnitude: number, sign: number): number {
  const negative = sign < 0 || Object.is(sign, -0);
  return negative ? -Math.abs(magnitude) : Math.abs(magnitude);
}
