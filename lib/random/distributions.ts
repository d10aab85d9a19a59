/**
 * The random distributions in one table (docs/rng.md §3): their names (matched by name against
 * the native addon's), how many values each block gives, and the derived parameters every backend
 * receives. Parameters are derived here, once per draw, so that no kernel repeats the arithmetic:
 * whatever is computed here is identical for the native kernels and the fallback by construction.
 */
import type { RandomArray } from '../../binding.js';
import { typedArrayKind } from '../validate.js';

export type Dtype = 'float32' | 'float64';

export const distributionNames = ['bits', 'uniform', 'normal', 'truncatedNormal', 'integers', 'bernoulli'] as const;
export type DistributionName = (typeof distributionNames)[number];

/** Values per block (docs/rng.md §2): a draw of n values uses 16 * ceil(n / (16 v)) blocks. */
export function valuesPerBlock(name: DistributionName, out: RandomArray): number {
  const is64 = typedArrayKind(out) === 'Float64Array'; // (instanceof would miss arrays of other realms)
  switch (name) {
    case 'bits':
      return 4;
    case 'uniform':
    case 'normal':
      return is64 ? 2 : 4;
    case 'bernoulli':
      return 2;
    case 'truncatedNormal':
    case 'integers':
      return 1;
  }
}

export const GROUP_BLOCKS = 16;

/** Blocks a draw of `size` values reserves. */
export function blocksFor(name: DistributionName, out: RandomArray, size: number): bigint {
  const perGroup = GROUP_BLOCKS * valuesPerBlock(name, out);
  return BigInt(GROUP_BLOCKS) * BigInt(Math.ceil(size / perGroup));
}

function rounder(dtype: Dtype): (x: number) => number {
  return dtype === 'float32' ? Math.fround : (x) => x;
}

/** The largest value of the dtype below x (x finite). */
export function nextDown(x: number, dtype: Dtype): number {
  const bytes = new DataView(new ArrayBuffer(8));
  if (dtype === 'float32') {
    bytes.setFloat32(0, x);
    const bits = bytes.getUint32(0);
    if (x === 0) return -(2 ** -149);
    bytes.setUint32(0, x > 0 ? bits - 1 : bits + 1);
    return bytes.getFloat32(0);
  }
  bytes.setFloat64(0, x);
  const bits = bytes.getBigUint64(0);
  if (x === 0) return -Number.MIN_VALUE;
  bytes.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n);
  return bytes.getFloat64(0);
}

/** uniform: low, high - low, high, the largest value below high, in the dtype. */
export function uniformParams(low: number, high: number, dtype: Dtype): number[] {
  const round = rounder(dtype);
  const [lo, hi] = [round(low), round(high)];
  return [lo, round(hi - lo), hi, nextDown(hi, dtype)];
}

/** normal: mean, std in the dtype. */
export function normalParams(mean: number, std: number, dtype: Dtype): number[] {
  const round = rounder(dtype);
  return [round(mean), round(std)];
}

export const TruncatedProposal = { normal: 0, uniform: 1, exponential: 2 } as const;

/**
 * The standard deviation of the standard normal truncated to [a, b] (a < b). Simpson's rule in
 * the offset t from o, the point of [a, b] nearest 0, with the density relative to its value at o,
 * exp(-t(2o + t)/2), which neither underflows nor loses the scale of narrow intervals; the
 * variance is taken about the mean in a second pass, so nothing cancels. The range is cut where
 * the relative density falls below e^-750. Accurate to about 1e-12 relative.
 */
export function truncatedStd(a: number, b: number): number {
  const origin = a > 0 ? a : b < 0 ? b : 0;
  const reach = Math.sqrt(origin * origin + 1500); // t(2o + t)/2 = 750 at t = -o +- reach
  const from = Math.max(a - origin, -origin - reach);
  const to = Math.min(b - origin, -origin + reach);
  const intervals = 20_000;
  const h = (to - from) / intervals;
  const weightAt = (i: number) => {
    const t = from + i * h;
    return [t, (i === 0 || i === intervals ? 1 : i % 2 === 1 ? 4 : 2) * Math.exp(-0.5 * t * (2 * origin + t))] as const;
  };
  let mass = 0;
  let first = 0;
  for (let i = 0; i <= intervals; i++) {
    const [t, weight] = weightAt(i);
    mass += weight;
    first += weight * t;
  }
  const mean = first / mass;
  let second = 0;
  for (let i = 0; i <= intervals; i++) {
    const [t, weight] = weightAt(i);
    second += weight * (t - mean) * (t - mean);
  }
  return Math.sqrt(second / mass);
}

/**
 * truncatedNormal (docs/rng.md §3), bounds a < b in standard deviations: proposal, a, b, mean,
 * scale, b - a, m^2, m, alpha, sign, far end, and the lowest and highest values allowed; chosen
 * and computed in float64, then rounded to the dtype. The value bounds are the given absolute
 * bounds, or the images of a and b, so that rounding can never put a value outside them.
 */
export function truncatedNormalParams(
  mean: number,
  std: number,
  a: number,
  b: number,
  preserveVariance: boolean,
  dtype: Dtype,
  absolute?: readonly [number, number],
): number[] {
  const round = rounder(dtype);
  const m = a > 0 ? a : b < 0 ? -b : 0;
  const width = b - a;
  const proposal =
    m === 0 && width >= 0.5
      ? TruncatedProposal.normal
      : 2 * m * width + width * width <= 2
        ? TruncatedProposal.uniform
        : TruncatedProposal.exponential;
  const alpha = (m + Math.sqrt(m * m + 4)) / 2;
  const sign = b <= 0 ? -1 : 1;
  const far = sign > 0 ? b : -a;
  const scale = round(preserveVariance ? std / truncatedStd(a, b) : std);
  const [meanT, aT, bT] = [round(mean), round(a), round(b)];
  const [lowest, highest] = absolute ?? [round(meanT + round(scale * aT)), round(meanT + round(scale * bT))];
  return [proposal, aT, bT, meanT, scale, round(width), round(m * m), round(m), round(alpha), sign, round(far), round(lowest), round(highest)];
}

/** integers in [low, high), high - low <= 2^32: low as a word, the range as a word (0 for 2^32), Lemire's threshold. */
export function integersParams(low: number, high: number): number[] {
  const range = high - low;
  const threshold = range === 2 ** 32 ? 0 : (2 ** 32 - range) % range;
  return [low >>> 0, range % 2 ** 32, threshold];
}

/** bernoulli: p. */
export function bernoulliParams(p: number): number[] {
  return [p];
}
