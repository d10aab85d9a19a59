/**
 * The elementary functions behind the random distributions, ln, sin(2 pi u) and cos(2 pi u)
 * (lib/fallback/math.ts, twins of native/kernels/math-inl.h): special values, and the worst error
 * in ULP over dense sweeps, printed at the end. Float32 results are measured against double
 * precision (Math.log, Math.sin and Math.cos, about 2^-29 float32 ULP off); float64 results against
 * exact values computed in BigInt fixed point, since Math's own are up to about 1 ULP off.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cos2Pi32, cos2Pi64, log32, log64, sin2Pi32, sin2Pi64 } from '../lib/fallback/math.js';
import { type Dtype, bits32, randomFloat32Bits, randomFloat64Bits, sameValue, ulpError } from './helpers/numbers.js';

const f = Math.fround;

// Worst error seen per function and sweep, printed at the end.
const report: string[] = [];
afterAll(() => {
  if (report.length > 0) console.info(`worst error of ln, sin(2 pi u) and cos(2 pi u) (ULP):\n${report.join('\n')}`);
});

/** The worst error of fn over xs against reference(x) = [hi, lo] (a double-double), recorded. */
function worstError(
  label: string,
  xs: ArrayLike<number>,
  fn: (x: number) => number,
  reference: (x: number) => readonly [number, number],
  dtype: Dtype,
): number {
  let worst = 0;
  let worstAt = NaN;
  let worstAbsolute = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const [hi, lo] = reference(x);
    const actual = fn(x);
    const error = ulpError(actual, hi, lo, dtype);
    if (error > worst) [worst, worstAt] = [error, x];
    worstAbsolute = Math.max(worstAbsolute, Math.abs(actual - hi - lo));
  }
  const absolute = worstAbsolute.toPrecision(3);
  report.push(`  ${label}: ${worst.toFixed(4)} at ${worstAt} (absolute ${absolute}, ${xs.length} points)`);
  return worst;
}

// Exact references for float64: fixed point with 128 fractional bits. Products and quotients
// truncate toward zero, so each series is off by a few units of 2^-128 at most.
const BITS = 128n;
const ONE = 1n << BITS;
const mul = (a: bigint, b: bigint): bigint => (a * b) / ONE;

/** The sum of sign^k x^(2k+1)/(2k+1): atan(x) for sign -1, atanh(x) for sign 1 (|x| <= 1/3). */
function arcSeries(x: bigint, sign: bigint): bigint {
  const x2 = mul(x, x);
  let sum = 0n;
  for (let power = x, k = 1n; power !== 0n; power = sign * mul(power, x2), k += 2n) sum += power / k;
  return sum;
}

const PI = 16n * arcSeries(ONE / 5n, -1n) - 4n * arcSeries(ONE / 239n, -1n); // Machin's formula
const LN2 = 2n * arcSeries(ONE / 3n, 1n);

/** A fixed-point value as hi + lo, hi the nearest double (BigInt to Number rounds to nearest). */
function toDoubleDouble(value: bigint): [number, number] {
  const hi = Number(value);
  return [hi / 2 ** 128, Number(value - BigInt(hi)) / 2 ** 128];
}

const view = new DataView(new ArrayBuffer(8));

/** ln x for a positive finite double, as hi + lo: x = M 2^E, ln x = 2 atanh((m - 1)/(m + 1)) + (c + E) ln2. */
function exactLog(x: number): [number, number] {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const [m, e] = biased === 0 ? [fraction, -1074] : [fraction | (1n << 52n), biased - 1075];
  // m / 2^c in [sqrt(1/2), sqrt(2))
  let c = BigInt(m.toString(2).length - 1);
  if (m * m > 1n << (2n * c + 1n)) c += 1n;
  const s = ((m - (1n << c)) << BITS) / (m + (1n << c));
  return toDoubleDouble(2n * arcSeries(s, 1n) + (c + BigInt(e)) * LN2);
}

/** u = k/4 + r with |r| <= 1/8 (exact for the uniforms of both precisions), and k mod 4. */
function quarterTurns(u: number): [number, number] {
  const k = Math.round(4 * u);
  return [u - k / 4, ((k % 4) + 4) % 4];
}

/** sin(2 pi u) and cos(2 pi u) for u a multiple of 2^-53, as hi + lo pairs, by Taylor series. */
function exactSinCos2Pi(u: number): [[number, number], [number, number]] {
  const [r, quadrant] = quarterTurns(u);
  const x = (2n * PI * BigInt(r * 2 ** 53)) / (1n << 53n);
  const x2 = mul(x, x);
  let sin = 0n;
  for (let term = x, n = 1n; term !== 0n; term = -mul(term, x2) / ((n + 1n) * (n + 2n)), n += 2n) sin += term;
  let cos = 0n;
  for (let term = ONE, n = 0n; term !== 0n; term = -mul(term, x2) / ((n + 1n) * (n + 2n)), n += 2n) cos += term;
  const [s, c] = [[sin, cos, -sin, -cos][quadrant]!, [cos, -sin, -cos, sin][quadrant]!];
  return [toDoubleDouble(s), toDoubleDouble(c)];
}

/** sin(2 pi u) and cos(2 pi u) in double precision from the exact reduction: for float32 results. */
function doubleSinCos2Pi(u: number): [number, number] {
  const [r, quadrant] = quarterTurns(u);
  const [sin, cos] = [Math.sin(2 * Math.PI * r), Math.cos(2 * Math.PI * r)];
  return [[sin, cos, -sin, -cos][quadrant]!, [cos, -sin, -cos, sin][quadrant]!];
}

/** n values from a deterministic stream of 32-bit words. */
function stream<T>(n: number, seed: number, make: (next: () => number) => T): T[] {
  const words = bits32(seed);
  const next = () => words.next().value!;
  return Array.from({ length: n }, () => make(next));
}

const positiveFinite = (values: Float32Array | Float64Array) =>
  Array.from(values, Math.abs).filter((x) => x > 0 && Number.isFinite(x));

/** The normal draws' u1: (w + 0.5) 2^-32 for float32, (k + 0.5) 2^-53 with a 53-bit k for float64. */
const openUniform32 = (next: () => number) => f((next() + 0.5) * 2 ** -32);
const openUniform64 = (next: () => number) => ((next() >>> 5) * 2 ** 26 + (next() >>> 6) + 0.5) * 2 ** -53;
/** The normal draws' u2: (w >> 8) 2^-24, and the float64 uniform k 2^-53. */
const uniform32 = (next: () => number) => (next() >>> 8) * 2 ** -24;
const uniform64 = (next: () => number) => ((next() >>> 5) * 2 ** 26 + (next() >>> 6)) * 2 ** -53;

/** Each centre and its `count` neighbours on each side, `step` apart, that lie in [0, 1). */
function neighbours(centres: readonly number[], count: number, step: number): number[] {
  const out: number[] = [];
  for (const centre of centres) {
    for (let i = -count; i <= count; i++) {
      const u = centre + i * step;
      if (u >= 0 && u < 1) out.push(u);
    }
  }
  return out;
}
const OCTANTS = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => i / 8);

it('computes its fixed-point references right', () => {
  expect(toDoubleDouble(PI)[0]).toBe(Math.PI);
  expect(toDoubleDouble(LN2)[0]).toBe(Math.LN2);
  expect(exactLog(Math.E)[0]).toBe(1);
  expect(exactSinCos2Pi(1 / 8)[0][0]).toBe(Math.SQRT1_2);
  expect(exactSinCos2Pi(3 / 8)[1][0]).toBe(-Math.SQRT1_2);
  const u = Math.round(0.3 * 2 ** 53) * 2 ** -53;
  expect(exactSinCos2Pi(u)[0][0]).toBeCloseTo(Math.sin(2 * Math.PI * u), 15);
  expect(exactSinCos2Pi(u)[1][0]).toBeCloseTo(Math.cos(2 * Math.PI * u), 15);
});

describe('ln', () => {
  it('gives the IEEE special values', () => {
    for (const log of [log32, log64]) {
      expect(Object.is(log(1), 0)).toBe(true);
      expect(log(0)).toBe(-Infinity);
      expect(log(-0)).toBe(-Infinity);
      expect(log(Infinity)).toBe(Infinity);
      for (const x of [NaN, -1, -Infinity, -(2 ** -149)]) expect(Number.isNaN(log(x)), `ln(${x})`).toBe(true);
    }
    expect(log32(2)).toBe(f(Math.LN2));
    expect(log64(2)).toBe(Math.LN2);
    expect(log32(0.5)).toBe(-f(Math.LN2));
    expect(log64(0.5)).toBe(-Math.LN2);
  });

  const LOG32_ULP = 0.84; // the worst over every positive float32 is 0.835
  const reference32 = (x: number) => [Math.log(x), 0] as const;

  it(`float32 is within ${LOG32_ULP} ULP on the normal draws' u1, down to 2^-33`, () => {
    const xs = [...stream(1 << 20, 1, openUniform32), 2 ** -33, f(1 - 2 ** -24), 1];
    expect(worstError('log32, u1 = (w + 0.5) 2^-32', xs, log32, reference32, 'float32')).toBeLessThanOrEqual(LOG32_ULP);
  });

  it(`float32 is within ${LOG32_ULP} ULP on every exponent, subnormals included, and next to 1`, () => {
    const xs = positiveFinite(randomFloat32Bits(1 << 20, 7));
    for (let i = -(1 << 16); i <= 1 << 16; i++) xs.push(f(1 + i * 2 ** -24));
    xs.push(2 ** -149, 2 ** -126 - 2 ** -149, 2 ** -126, 3.4028234663852886e38);
    expect(worstError('log32, any positive float', xs, log32, reference32, 'float32')).toBeLessThanOrEqual(LOG32_ULP);
  });

  const LOG64_ULP = 1;

  it(`float64 is within ${LOG64_ULP} ULP on the normal draws' u1, down to 2^-54`, () => {
    const xs = [...stream(1 << 15, 2, openUniform64), 2 ** -54, 1 - 2 ** -53, 1];
    expect(worstError('log64, u1 = (k + 0.5) 2^-53', xs, log64, exactLog, 'float64')).toBeLessThanOrEqual(LOG64_ULP);
    // For scale: V8's Math.log against the same references.
    worstError('Math.log on the same u1 (for comparison)', xs, Math.log, exactLog, 'float64');
  });

  it(`float64 is within ${LOG64_ULP} ULP on every exponent, subnormals included, and next to 1`, () => {
    const xs = positiveFinite(randomFloat64Bits(1 << 14, 8));
    for (let i = -(1 << 12); i <= 1 << 12; i++) xs.push(1 + i * 2 ** -53);
    xs.push(2 ** -1074, 2 ** -1022 - 2 ** -1074, 2 ** -1022, Number.MAX_VALUE, Math.SQRT2, Math.SQRT1_2);
    expect(worstError('log64, any positive double', xs, log64, exactLog, 'float64')).toBeLessThanOrEqual(LOG64_ULP);
  });
});

describe('sin(2 pi u) and cos(2 pi u)', () => {
  it('are exact at the multiples of 1/4, with +0 for the zeros, and NaN for NaN and infinities', () => {
    const cases = [
      [0, 0, 1],
      [0.25, 1, 0],
      [0.5, 0, -1],
      [0.75, -1, 0],
    ] as const;
    for (const [sin, cos] of [
      [sin2Pi32, cos2Pi32],
      [sin2Pi64, cos2Pi64],
    ]) {
      for (const [u, s, c] of cases) {
        expect(sameValue(sin(u), s), `sin(2 pi ${u}) = ${sin(u)}`).toBe(true);
        expect(sameValue(cos(u), c), `cos(2 pi ${u}) = ${cos(u)}`).toBe(true);
      }
      for (const u of [NaN, Infinity, -Infinity]) {
        expect(Number.isNaN(sin(u)) && Number.isNaN(cos(u)), `u = ${u}`).toBe(true);
      }
    }
  });

  const SIN_COS_32_ULP = 0.9; // the worst over all 2^24 float32 uniforms is 0.891
  const SIN_COS_64_ULP = 1;

  // Next to the multiples of 1/8, where the quadrant and the polynomial change, and next to the
  // zeros (sin at 0 and 1/2, cos at 1/4 and 3/4), where the error stays relative since the
  // reduction is exact: their absolute errors are printed too.
  const sweeps = (count: number, step: number) =>
    [
      ['next to multiples of 1/8', neighbours(OCTANTS, count, step), neighbours(OCTANTS, count, step)],
      ['next to their zeros', neighbours([0, 0.5], count, step), neighbours([0.25, 0.75], count, step)],
    ] as const;

  it(`float32 is within ${SIN_COS_32_ULP} ULP on the uniforms, next to the zeros too`, () => {
    const us = stream(1 << 19, 3, uniform32);
    for (let i = 0; i < 1 << 19; i++) us.push(i * 2 ** -19);
    const sin = (u: number) => [doubleSinCos2Pi(u)[0], 0] as const;
    const cos = (u: number) => [doubleSinCos2Pi(u)[1], 0] as const;
    const errors = [
      worstError('sin2Pi32', us, sin2Pi32, sin, 'float32'),
      worstError('cos2Pi32', us, cos2Pi32, cos, 'float32'),
    ];
    for (const [where, sinAt, cosAt] of sweeps(1 << 12, 2 ** -24)) {
      errors.push(worstError(`sin2Pi32 ${where}`, sinAt, sin2Pi32, sin, 'float32'));
      errors.push(worstError(`cos2Pi32 ${where}`, cosAt, cos2Pi32, cos, 'float32'));
    }
    for (const error of errors) expect(error).toBeLessThanOrEqual(SIN_COS_32_ULP);
  });

  it(`float64 is within ${SIN_COS_64_ULP} ULP on the uniforms, next to the zeros too`, () => {
    const us = stream(1 << 14, 4, uniform64);
    const sin = (u: number) => exactSinCos2Pi(u)[0];
    const cos = (u: number) => exactSinCos2Pi(u)[1];
    const errors = [
      worstError('sin2Pi64', us, sin2Pi64, sin, 'float64'),
      worstError('cos2Pi64', us, cos2Pi64, cos, 'float64'),
    ];
    for (const [where, sinAt, cosAt] of sweeps(256, 2 ** -53)) {
      errors.push(worstError(`sin2Pi64 ${where}`, sinAt, sin2Pi64, sin, 'float64'));
      errors.push(worstError(`cos2Pi64 ${where}`, cosAt, cos2Pi64, cos, 'float64'));
    }
    for (const error of errors) expect(error).toBeLessThanOrEqual(SIN_COS_64_ULP);
  });
});
