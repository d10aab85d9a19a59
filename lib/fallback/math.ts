/**
 * The TypeScript twin of native/kernels/math-inl.h: the same operations in the same order, so the
 * fallback returns the same bits as every native SIMD level. Float32 arithmetic is emulated with
 * Math.fround after every operation, which is exact: a double result rounded to float32 equals
 * the correctly rounded float32 result for + - * / (doubles carry more than twice the bits).
 * Keep the two files in step: the tests compare them bit for bit.
 */
const f = Math.fround;

/** 2^m for every integer m in [from, to] (index m - from), built by exact doubling and halving. */
export function powersOfTwo(from: number, to: number): Float64Array {
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

/**
 * e^(x + low) in float32 arithmetic (native expOf, and expOfSum when low is given); x must be a
 * float32 value and low below half its ULP. low joins the reduced argument, where adding 0 changes
 * no result.
 */
export function exp32(x: number, low = 0): number {
  const clamped = x > 89 ? 89 : x < -104 ? -104 : x;
  const shifted = f(f(clamped * LOG2E_32) + SHIFT_32);
  const k = f(shifted - SHIFT_32);
  let r = f(clamped - f(k * LN2_HI_32));
  r = f(f(r - f(k * LN2_LO_32)) + (x >= -104 && x <= 89 ? low : 0)); // past the clamps low no longer counts
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

/** e^x in float64 arithmetic, with the Taylor tail `series` (highest degree first) after the reduction. */
function expWithSeries(x: number, series: readonly number[]): number {
  const clamped = x > 710 ? 710 : x < -746 ? -746 : x;
  const shifted = clamped * 1.4426950408889634 + SHIFT_64;
  const k = shifted - SHIFT_64;
  let r = clamped - k * LN2_HI_64;
  r = r - k * LN2_LO_64;
  const r2 = r * r;
  let p = series[0]!;
  for (let i = 1; i < series.length; i++) p = p * r + series[i]!;
  const y = p * r2 + r + 1;
  const half = k >> 1;
  return y * POW2_64[half - POW2_64_MIN]! * POW2_64[k - half - POW2_64_MIN]!;
}

/** e^x in float64 arithmetic. */
export function exp64(x: number): number {
  return expWithSeries(x, EXP_64);
}

// 1/7!, ..., 1/2!: the series of expForFloat, highest degree first
const EXP_FOR_FLOAT = [1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5];

/** e^x in float64 arithmetic to about 2^-27 relative, for float32 kernels that work in double. */
export function expForFloat(x: number): number {
  return expWithSeries(x, EXP_FOR_FLOAT);
}

const LN2_HI_EXPM1_32 = 0.693145751953125; // 15 bits: k * LN2_HI_EXPM1_32 is exact
const LN2_LO_EXPM1_32 = f(1.4286068e-6);

/**
 * The float32 reduction of expm1 and the float32 sigmoid (native expm1ReductionOf), for x <= 0:
 * x = k ln2 + r - rExcess and e^(r - rExcess) - 1 = r - d. Returns k and leaves r and d in
 * `expm1Parts`, so that no object is made per element.
 */
export const expm1Parts = { r: 0, d: 0 };
export function expm1Reduction32(x: number): number {
  const shifted = f(f(x * LOG2E_32) + SHIFT_32);
  const k = f(shifted - SHIFT_32);
  const hi = f(x - f(k * LN2_HI_EXPM1_32));
  const lo = f(k * LN2_LO_EXPM1_32);
  const r = f(hi - lo);
  const rExcess = f(f(r - hi) + lo);
  let poly = EXP_32[0]!;
  for (let i = 1; i < EXP_32.length; i++) poly = f(f(poly * r) + EXP_32[i]!);
  expm1Parts.r = r;
  expm1Parts.d = f(f(rExcess + f(rExcess * r)) - f(poly * f(r * r)));
  return k;
}

// 2^k for the k in [-252, 0] of the float32 sigmoid family (its denominator takes k >= -40)
const POW2_LOGISTIC_MIN = -252;
const POW2_LOGISTIC = powersOfTwo(POW2_LOGISTIC_MIN, 0);

/** e^-|z| = 2^k (u + v) and 1 + e^-|z| = s + t, exact unevaluated float32 sums (native logisticPartsOf). */
export const logisticParts = { u: 0, v: 0, s: 0, t: 0, k: 0 };
export function logisticParts32(z: number, largest: number): void {
  const magnitude = Math.abs(z);
  const k = expm1Reduction32(-(magnitude > largest ? largest : magnitude));
  const { r, d } = expm1Parts;
  const p = f(r - d);
  const pError = f(f(r - p) - d);
  const u = f(p + 1);
  const v = f(f(f(1 - u) + p) + pError);
  const denominatorScale = POW2_LOGISTIC[(k < -40 ? -40 : k) - POW2_LOGISTIC_MIN]!;
  const eh = f(u * denominatorScale);
  const el = f(v * denominatorScale);
  const s = f(eh + 1);
  logisticParts.u = u;
  logisticParts.v = v;
  logisticParts.s = s;
  logisticParts.t = f(f(f(1 - s) + eh) + el);
  logisticParts.k = k;
}

/** (n + nLow)/(s + t) to first order, in float32 arithmetic (native correctedQuotient). */
export function correctedQuotient32(n: number, nLow: number, s: number, t: number): number {
  const q = f(n / s);
  return f(q - f(f(f(q * t) - nLow) * f(1 / s)));
}

/** y 2^k rounded once to float32 (native scaleByPow2InDouble): the double product is exact. */
export function scaleByPow2For32(y: number, k: number): number {
  return f(y * POW2_LOGISTIC[k - POW2_LOGISTIC_MIN]!);
}

/** The float32 sigmoid in float32 arithmetic (native Sigmoid::forward on float lanes). */
export function sigmoid32(x: number): number {
  logisticParts32(x, 104);
  const { u, v, s, t, k } = logisticParts;
  const negative = x < 0;
  const unscaled = correctedQuotient32(negative ? u : 1, negative ? v : 0, s, t);
  return negative ? scaleByPow2For32(unscaled, k) : unscaled; // k is an integer where x < 0
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

// Scratch words for reading the bits of a float: the three arrays share one buffer.
const SCRATCH = new ArrayBuffer(8);
const SCRATCH_F32 = new Float32Array(SCRATCH, 0, 1);
const SCRATCH_F64 = new Float64Array(SCRATCH);
const SCRATCH_U32 = new Uint32Array(SCRATCH);
/** The index in SCRATCH_U32 of a double's sign and exponent word: 1 on little-endian hosts. */
const HIGH = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

// 2^-e for the exponents e that log32 and log64 take out of x. The native logOf rebuilds
// m = x 2^-e from the bits; multiplying by the power is exact too, and faster in V8 than writing
// the bits back and reading them as a float.
const POW2_LOG_MIN = -1024;
const POW2_LOG = powersOfTwo(POW2_LOG_MIN, 1022);

// fdlibm's logf polynomial (FreeBSD e_logf.c, error < 2^-34.24)
const LG1_32 = f(6.6666662693e-1);
const LG2_32 = f(4.0000972152e-1);
const LG3_32 = f(2.8498786688e-1);
const LG4_32 = f(2.4279078841e-1);
const LN2_HI_LOG_32 = 0.693145751953125; // 15 bits: k * LN2_HI_LOG_32 is exact
const LN2_LO_LOG_32 = f(1.4286068e-6);

/** ln x in float32 arithmetic; x must be a float32 value. */
export function log32(x: number): number {
  if (!(x > 0 && x < Infinity)) return x === 0 ? -Infinity : x < 0 ? NaN : x;
  const tiny = x < 2 ** -126;
  const scaled = tiny ? x * 2 ** 25 : x;
  // x = 2^k m with m in [sqrt(1/2), sqrt(2)), the exponent taken from the bits as in the native logOf
  SCRATCH_F32[0] = scaled;
  const e = ((SCRATCH_U32[0]! + (0x3f800000 - 0x3f3504f3)) >>> 23) - 127;
  const m = scaled * POW2_LOG[-e - POW2_LOG_MIN]!; // exact
  const k = tiny ? e - 25 : e;
  const t = f(m - 1);
  const s = f(t / f(t + 2));
  const z = f(s * s);
  const w = f(z * z);
  const r = f(f(z * f(f(w * LG3_32) + LG1_32)) + f(w * f(f(w * LG4_32) + LG2_32)));
  const halfSquare = f(f(0.5 * t) * t);
  return f(f(f(f(f(s * f(halfSquare + r)) + f(k * LN2_LO_LOG_32)) - halfSquare) + t) + f(k * LN2_HI_LOG_32));
}

// fdlibm's log polynomial (e_log.c, error < 2^-58.45)
const LG1_64 = 6.666666666666735130e-1;
const LG2_64 = 3.999999999940941908e-1;
const LG3_64 = 2.857142874366239149e-1;
const LG4_64 = 2.222219843214978396e-1;
const LG5_64 = 1.818357216161805012e-1;
const LG6_64 = 1.531383769920937332e-1;
const LG7_64 = 1.479819860511658591e-1;

/** ln x in float64 arithmetic. */
export function log64(x: number): number {
  if (!(x > 0 && x < Infinity)) return x === 0 ? -Infinity : x < 0 ? NaN : x;
  const tiny = x < 2 ** -1022;
  const scaled = tiny ? x * 2 ** 54 : x;
  SCRATCH_F64[0] = scaled;
  const e = ((SCRATCH_U32[HIGH]! + (0x3ff00000 - 0x3fe6a09e)) >>> 20) - 1023;
  const m = scaled * POW2_LOG[-e - POW2_LOG_MIN]!;
  const k = tiny ? e - 54 : e;
  const t = m - 1;
  const s = t / (t + 2);
  const z = s * s;
  const w = z * z;
  const even = w * (w * (w * LG6_64 + LG4_64) + LG2_64);
  const odd = z * (w * (w * (w * LG7_64 + LG5_64) + LG3_64) + LG1_64);
  const r = odd + even;
  const halfSquare = 0.5 * t * t;
  return s * (halfSquare + r) + k * LN2_LO_64 - halfSquare + t + k * LN2_HI_64;
}

// Cephes sinf's and cosf's polynomials rewritten in r = x/(2 pi), highest degree first (see
// sinCos2Pi in native/kernels/math-inl.h): with z = r^2, sin(2 pi r) = 6r + r p(z), and
// cos(2 pi r) = 1 + bz + z q(z), b = -2 pi^2 rounded, summed so that 1 + bz's rounding error is kept.
const SIN_2PI_32 = [-75.44565, 81.59377, -41.341675, 0.2831853].map(f);
const COS_2PI_32 = [59.3497, -85.44714, 64.93936, -5.807432e-7].map(f);
const MINUS_2PI2_32 = f(-19.739208);

/** round(4u), the nearest quarter turn, for float32 |u| < 2^20. */
function quarterTurns32(u: number): number {
  return f(f(f(u * 4) + SHIFT_32) - SHIFT_32);
}

/** sin(2 pi r) for float32 |r| <= 1/8, a multiple of 2^-24. */
function sin2PiNearZero32(r: number): number {
  const z = f(r * r);
  let p = SIN_2PI_32[0]!;
  for (let i = 1; i < SIN_2PI_32.length; i++) p = f(f(p * z) + SIN_2PI_32[i]!);
  return f(f(r * 6) + f(r * p));
}

/** cos(2 pi r) for float32 |r| <= 1/8. */
function cos2PiNearZero32(r: number): number {
  const z = f(r * r);
  let q = COS_2PI_32[0]!;
  for (let i = 1; i < COS_2PI_32.length; i++) q = f(f(q * z) + COS_2PI_32[i]!);
  const a = f(z * MINUS_2PI2_32);
  const w = f(a + 1);
  return f(w + f(f(f(1 - w) + a) + f(z * q)));
}

/** sin(2 pi u) in float32 arithmetic, for u a multiple of 2^-24 with |u| < 2^20. */
export function sin2Pi32(u: number): number {
  const k = quarterTurns32(u);
  const r = f(u - f(k * 0.25));
  const v = k & 1 ? cos2PiNearZero32(r) : sin2PiNearZero32(r);
  return k & 2 ? f(0 - v) : v;
}

/** cos(2 pi u) in float32 arithmetic, for u a multiple of 2^-24 with |u| < 2^20. */
export function cos2Pi32(u: number): number {
  const k = quarterTurns32(u);
  const r = f(u - f(k * 0.25));
  const v = k & 1 ? sin2PiNearZero32(r) : cos2PiNearZero32(r);
  return (k + 1) & 2 ? f(0 - v) : v;
}

// fdlibm's __kernel_sin and __kernel_cos polynomials rewritten in r = x/(2 pi), the same way.
const SIN_2PI_64 = [
  3.7813859205893228, -15.093830287058815, 42.05868552483791, -76.7058597089433, 81.60524927596886, -41.34170224039968,
  0.28318530717958645,
];
const COS_2PI_64 = [
  -1.697786258825899, 7.90314500414306, -26.426252110769937, 60.2446413424593, -85.45681720660279, 64.9393940226682,
  -1.2530591017479423e-15,
];
const MINUS_2PI2_64 = -19.739208802178716;

/** round(4u) for |u| < 2^49. */
function quarterTurns64(u: number): number {
  return u * 4 + SHIFT_64 - SHIFT_64;
}

/** sin(2 pi r) for |r| <= 1/8, a multiple of 2^-53. */
function sin2PiNearZero64(r: number): number {
  const z = r * r;
  let p = SIN_2PI_64[0]!;
  for (let i = 1; i < SIN_2PI_64.length; i++) p = p * z + SIN_2PI_64[i]!;
  return r * 6 + r * p;
}

/** cos(2 pi r) for |r| <= 1/8. */
function cos2PiNearZero64(r: number): number {
  const z = r * r;
  let q = COS_2PI_64[0]!;
  for (let i = 1; i < COS_2PI_64.length; i++) q = q * z + COS_2PI_64[i]!;
  const a = z * MINUS_2PI2_64;
  const w = a + 1;
  return w + ((1 - w + a) + z * q);
}

/** sin(2 pi u) in float64 arithmetic, for u a multiple of 2^-53 with |u| < 2^49. */
export function sin2Pi64(u: number): number {
  const k = quarterTurns64(u);
  const r = u - k * 0.25;
  const v = k & 1 ? cos2PiNearZero64(r) : sin2PiNearZero64(r);
  return k & 2 ? 0 - v : v;
}

/** cos(2 pi u) in float64 arithmetic, for u a multiple of 2^-53 with |u| < 2^49. */
export function cos2Pi64(u: number): number {
  const k = quarterTurns64(u);
  const r = u - k * 0.25;
  const v = k & 1 ? sin2PiNearZero64(r) : cos2PiNearZero64(r);
  return (k + 1) & 2 ? 0 - v : v;
}
