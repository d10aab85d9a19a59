/** Bit-level helpers for comparing floating-point results. */

const view = new DataView(new ArrayBuffer(8));

/** Unbiased binary exponent of a finite nonzero double. */
function exponentOf(value: number): number {
  view.setFloat64(0, value);
  const biased = (view.getUint16(0) >> 4) & 0x7ff;
  if (biased !== 0) return biased - 1023;
  return Math.floor(Math.log2(Math.abs(value))); // subnormal double
}

export type Dtype = 'float32' | 'float64';

/** The spacing of `dtype` values at `reference`'s magnitude (the unit in the last place). */
export function ulpAt(reference: number, dtype: Dtype): number {
  const [mantissaBits, minExponent] = dtype === 'float32' ? [23, -126] : [52, -1022];
  const exponent = reference === 0 || !Number.isFinite(reference) ? minExponent : Math.max(exponentOf(reference), minExponent);
  return 2 ** (exponent - mantissaBits);
}

/**
 * Error of `actual` against the exact value hi + lo (a double-double), in ULPs of `dtype`.
 * Subtracting hi first is exact whenever actual is near it, so float64 errors are measured to
 * a small fraction of an ULP.
 */
export function ulpError(actual: number, hi: number, lo: number, dtype: Dtype): number {
  if (Number.isNaN(actual) || Number.isNaN(hi)) return Number.isNaN(actual) && Number.isNaN(hi) ? 0 : Infinity;
  if (actual === hi && lo === 0) return 0;
  if (!Number.isFinite(actual) || !Number.isFinite(hi)) return actual === hi ? 0 : Infinity;
  return Math.abs(actual - hi - lo) / ulpAt(hi, dtype);
}

/** Same value: NaN equals NaN (payloads may differ), and +0 differs from -0. */
export function sameValue(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** The first index where two arrays differ (by sameValue), or -1. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i]!, b[i]!)) return i;
  return -1;
}

/** Deterministic pseudo-random 32-bit integers (xorshift32), for test inputs. */
export function* bits32(seed: number): Generator<number> {
  let state = seed >>> 0 || 1;
  for (;;) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    yield state;
  }
}

/** n float32 values from random bit patterns: every exponent, both signs, NaNs and infinities included. */
export function randomFloat32Bits(n: number, seed: number): Float32Array {
  const words = new Uint32Array(n);
  const source = bits32(seed);
  for (let i = 0; i < n; i++) words[i] = source.next().value!;
  return new Float32Array(words.buffer);
}

/** n float64 values from random bit patterns. */
export function randomFloat64Bits(n: number, seed: number): Float64Array {
  const words = new Uint32Array(2 * n);
  const source = bits32(seed);
  for (let i = 0; i < 2 * n; i++) words[i] = source.next().value!;
  return new Float64Array(words.buffer);
}

/** n values spread uniformly over [low, high] in the given precision. */
export function uniformGrid(n: number, low: number, high: number, dtype: Dtype): Float32Array | Float64Array {
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = low + ((high - low) * i) / (n - 1);
  return out;
}
