/**
 * Statistical quality of the random streams (docs/rng.md): moments, Kolmogorov-Smirnov and
 * chi-square fits, tail frequencies, bit balance, serial correlation and the independence of
 * derived streams, for every distribution.
 *
 * Every backend returns the same bits (test/random.test.ts), so these run on one: the fastest native
 * level, else the fallback. Seeds are fixed, so the outcome is deterministic; the significance level
 * says how surprising a failure would be for a good generator. EVERY CHECK REJECTS AT
 * ALPHA = 5.73e-7, the two-sided 5-sigma level:
 *   - z-scores (means, variances, skewness, kurtosis, frequencies, correlations): |z| < 5;
 *   - chi-square: both tails above ALPHA / 2 (a fit too good to be random fails too);
 *   - rare-event counts: two-sided exact Poisson p-value above ALPHA;
 *   - Kolmogorov-Smirnov: D (sqrt(n) + 0.12 + 0.11/sqrt(n)) below 2.745 (Stephens' form, asymptotic p > ALPHA).
 * The afterAll hook prints the number of checks and the family-wise bound (checks x ALPHA).
 * Checks that are not statistical (bounds, finiteness, exact values) are marked "exact".
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TruncatedProposal, truncatedNormalParams, truncatedStd } from '../lib/random/distributions.js';
import { Generator } from '../lib/random/generator.js';
import { fallback, nativeBackends } from './helpers/backends.js';
import {
  ALPHA,
  Z_CRITICAL,
  binomialZ,
  chiSquareTails,
  chiSquareTest,
  correlation,
  erfc,
  histogram,
  integratedMoments,
  kolmogorovSf,
  ksTest,
  lnGamma,
  moments,
  normalCdf,
  normalSf,
  poissonTails,
  poissonTest,
  truncatedNormal,
} from './helpers/statistics.js';

type Dtype = 'float32' | 'float64';
const DTYPES: readonly Dtype[] = ['float32', 'float64'];

const backend = nativeBackends.at(-1) ?? fallback;
const generator = (seed: number) => new Generator(seed, { kernels: backend.kernels });

let checks = 0;
/** A z-score check at ALPHA (|z| < 5). */
function expectZ(z: number, what: string): void {
  checks++;
  expect(Math.abs(z), `${what}: z = ${z}`).toBeLessThan(Z_CRITICAL);
}
/** A p-value check at ALPHA. */
function expectP(p: number, what: string): void {
  checks++;
  expect(p, `${what}: p = ${p}`).toBeGreaterThan(ALPHA);
}
function expectChiSquare(counts: ArrayLike<number>, what: string, expected?: ArrayLike<number>): void {
  const test = chiSquareTest(counts, expected);
  expectP(test.p, `${what} (chi-square ${test.statistic.toFixed(1)} on ${test.df} df)`);
}
function expectKs(sample: ArrayLike<number>, cdf: (x: number) => number, what: string): void {
  const test = ksTest(sample, cdf);
  expectP(test.p, `${what} (KS D = ${test.d}, D sqrt(n) = ${test.scaled.toFixed(3)})`);
}
/** A count of independent events of probability p in n trials: binomial z when common, exact Poisson when rare. */
function expectFrequency(count: number, n: number, p: number, what: string): void {
  if (n * p < 1000) expectP(poissonTest(count, n * p), `${what}: ${count} events, ${n * p} expected`);
  else expectZ(binomialZ(count, n, p), `${what}: ${count} of ${n}, ${n * p} expected`);
}
/** Sample correlation of independent streams: standard error 1/sqrt(n). */
function expectUncorrelated(r: number, n: number, what: string): void {
  expectZ(r * Math.sqrt(n), `${what}: r = ${r}`);
}

afterAll(() => {
  console.log(
    `random statistics on ${backend.label}: ${checks} checks at ALPHA = ${ALPHA.toExponential(3)} each; ` +
      `family-wise false-alarm probability <= ${(checks * ALPHA).toExponential(2)}`,
  );
});

const round = (dtype: Dtype) => (dtype === 'float32' ? Math.fround : (x: number) => x);

describe('the statistics helpers (exact)', () => {
  it('Phi and erfc match high-precision values to 1e-12 relative', () => {
    // mpmath at 30 digits.
    const phi: [number, number][] = [
      [0, 0.5],
      [-0.5, 0.30853753872598689636],
      [-1, 0.15865525393145705141],
      [-2, 0.0227501319481792072],
      [-3, 0.0013498980316300945267],
      [-3.5, 0.00023262907903552503635],
      [-5, 2.8665157187919391167e-7],
      [-6, 9.865876450376981407e-10],
      [-8, 6.2209605742717841235e-16],
      [-10, 7.619853024160526066e-24],
      [-20, 2.7536241186062336951e-89],
      [-37, 5.7255712225245768227e-300],
      [1, 0.84134474606854294859],
      [2.5, 0.99379033467422386483],
    ];
    for (const [z, expected] of phi) {
      expect(Math.abs(normalCdf(z) - expected) / expected, `Phi(${z})`).toBeLessThan(1e-12);
      expect(Math.abs(normalSf(-z) - expected) / expected, `Q(${-z})`).toBeLessThan(1e-12);
    }
    const erfcValues: [number, number][] = [
      [0.1, 0.8875370839817151016],
      [0.5, 0.47950012218695346232],
      [1, 0.15729920705028513066],
      [2, 0.0046777349810472658379],
      [2.5, 0.00040695201744495893956],
      [3, 0.000022090496998585441373],
      [5, 1.5374597944280348502e-12],
      [10, 2.088487583762544757e-45],
      [26, 5.6631924088561428465e-296],
    ];
    for (const [x, expected] of erfcValues) {
      expect(Math.abs(erfc(x) - expected) / expected, `erfc(${x})`).toBeLessThan(1e-12);
      expect(Math.abs(erfc(-x) - (2 - expected)), `erfc(${-x})`).toBeLessThan(1e-15);
    }
    // Continuity where the series hands over to the continued fraction.
    expect(Math.abs(erfc(2 - 1e-12) / erfc(2) - 1)).toBeLessThan(1e-10);
    expect(ALPHA / (2 * normalSf(5)) - 1).toBeLessThan(1e-12);
  });

  it('chi-square, Poisson, Kolmogorov and log-gamma match closed forms', () => {
    expect(Math.abs(lnGamma(10) - Math.log(362880))).toBeLessThan(1e-13);
    expect(Math.abs(lnGamma(0.5) - 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    for (const x of [0.01, 0.5, 2, 10, 50]) {
      // df = 2: P(chi2 > x) = e^{-x/2}; df = 1: P(chi2 > x) = erfc(sqrt(x/2)).
      expect(Math.abs(chiSquareTails(x, 2).upper / Math.exp(-x / 2) - 1), `df 2, ${x}`).toBeLessThan(1e-12);
      expect(Math.abs(chiSquareTails(x, 1).upper / erfc(Math.sqrt(x / 2)) - 1), `df 1, ${x}`).toBeLessThan(1e-11);
    }
    // Poisson tails against direct sums.
    for (const lambda of [0.5, 5.73, 633.4]) {
      const pmf = (k: number) => Math.exp(k * Math.log(lambda) - lambda - lnGamma(k + 1));
      for (const k of [0, 1, 3, Math.round(lambda), Math.round(lambda * 2 + 10)]) {
        let atMost = 0;
        for (let i = 0; i <= k; i++) atMost += pmf(i);
        const tails = poissonTails(k, lambda);
        expect(Math.abs(tails.atMost - atMost), `P(X <= ${k}), lambda ${lambda}`).toBeLessThan(1e-12 + 1e-9 * atMost);
        expect(Math.abs(tails.atLeast - (1 - atMost + pmf(k))), `P(X >= ${k}), lambda ${lambda}`).toBeLessThan(1e-12);
      }
    }
    // Kolmogorov: the 5 % and 1 % points, and the critical value at ALPHA.
    expect(Math.abs(kolmogorovSf(1.3581) - 0.05)).toBeLessThan(1e-4);
    expect(Math.abs(kolmogorovSf(1.6276) - 0.01)).toBeLessThan(1e-4);
    expect(kolmogorovSf(2.745)).toBeLessThan(ALPHA * 1.01);
    expect(kolmogorovSf(2.74)).toBeGreaterThan(ALPHA);
  });

  it('the truncated normal: closed forms, numerical integration and high-precision values agree; so does truncatedStd', () => {
    for (const { a, b } of TRUNCATIONS) {
      const exact = truncatedNormal(a, b);
      const integrated = integratedMoments(a, b);
      expect(Math.abs(exact.mean - integrated.mean), `mean [${a}, ${b}]`).toBeLessThan(1e-12 * Math.max(1, Math.abs(exact.mean)));
      expect(Math.abs(exact.closedFormVariance / exact.variance - 1), `variance [${a}, ${b}]`).toBeLessThan(1e-10);
      // The library's Simpson rule on [a, 40] (its comment claims about 1e-13) is off by 4.8e-11 on [3, inf) and
      // 1.2e-10 on (-inf, -4]; 1e-9 is ample for the statistical checks of preserveVariance below.
      expect(Math.abs(truncatedStd(a, b) / Math.sqrt(exact.variance) - 1), `truncatedStd(${a}, ${b})`).toBeLessThan(1e-9);
      expect(exact.cdf(a)).toBe(0);
      expect(exact.cdf(b)).toBe(1);
    }
    // Standard deviations from mpmath (50 digits, closed forms or quadrature), including far tails and a narrow interval.
    const std: [number, number, number][] = [
      [-2, 2, 0.87962566103423975041],
      [0, 0.3, 0.086468325503402860023],
      [3, Infinity, 0.26562979272903127585],
      [-Infinity, -4, 0.21603897425562506861],
      [10, Infinity, 0.097187333668828785109],
      [30, Infinity, 0.033223056931746828663],
      [50, Infinity, 0.019976065348408818917],
      [1, 1 + 1e-6, 2.8867513459480085412e-7],
    ];
    for (const [a, b, expected] of std) {
      expect(Math.abs(Math.sqrt(truncatedNormal(a, b).variance) / expected - 1), `std of [${a}, ${b}]`).toBeLessThan(1e-9);
    }
    // The whole line: the moments of N(0, 1).
    const full = truncatedNormal(-Infinity, Infinity);
    expect(full.mean).toBe(0);
    expect(Math.abs(full.variance - 1)).toBeLessThan(1e-14);
    expect(Math.abs(full.mu4 - 3)).toBeLessThan(1e-12);
  });
});

describe(`uniform on ${backend.label}`, () => {
  const n = 1_000_000;
  describe.each(DTYPES)('%s', (dtype) => {
    it.each([
      [0, 1, 11],
      [-3, 5, 12],
    ])('[%d, %d): in range (exact), mean, variance, KS and 256-bin chi-square (each at ALPHA)', (low, high, seed) => {
      const x = generator(seed * 10 + (dtype === 'float32' ? 1 : 2)).uniform(n, { dtype, low, high });
      expect(x).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
      const width = high - low;
      let outside = 0;
      let [min, max] = [Infinity, -Infinity];
      for (const value of x) {
        if (!(value >= low && value < high)) outside++;
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
      expect(outside, 'values outside [low, high) (exact)').toBe(0);
      // Both ends are approached: P(min - low > 2e-5 w) = (1 - 2e-5)^1e6 = e^-20 < ALPHA.
      checks += 2;
      expect(min - low).toBeLessThan(2e-5 * width);
      expect(high - max).toBeLessThan(2e-5 * width);

      const m = moments(x);
      expectZ((m.mean - (low + high) / 2) / (width / Math.sqrt(12 * n)), 'mean');
      // Var(s^2) = (mu4 - sigma^4) / n = w^4 (1/80 - 1/144) / n = w^4 / (180 n).
      expectZ((m.variance - width ** 2 / 12) / (width ** 2 / Math.sqrt(180 * n)), 'variance');
      expectKs(x, (v) => (v - low) / width, 'KS against the uniform CDF');
      expectChiSquare(histogram(x, low, high, 256), '256 equal bins');
    });
  });
});

describe(`normal on ${backend.label}`, () => {
  const n = 10_000_000;
  // The largest |z| the stream can give (docs/rng.md §3): r = sqrt(-2 ln u1) at the smallest u1.
  const MAX_Z = { float32: Math.sqrt(-2 * Math.log(2 ** -33)), float64: Math.sqrt(-2 * Math.log(2 ** -54)) };

  describe.each(DTYPES)('%s', (dtype) => {
    it.each([
      [0, 1, 21],
      [3, 0.5, 22],
    ])(
      'mean %d, std %d: finite (exact), moments, KS, tails P(|Z| > 1..5), extremes, Box-Muller pairs (each at ALPHA)',
      (mean, std, seed) => {
        const x = generator(seed * 10 + (dtype === 'float32' ? 1 : 2)).normal(n, { dtype, mean, std });
        let nonFinite = 0;
        let maxAbsZ = 0;
        const tails = new Float64Array(6);
        for (const value of x) {
          if (!Number.isFinite(value)) nonFinite++;
          const absZ = Math.abs((value - mean) / std);
          if (absZ > maxAbsZ) maxAbsZ = absZ;
          for (let t = 1; t <= 5 && absZ > t; t++) tails[t]++;
        }
        expect(nonFinite, 'NaN or infinite values (exact)').toBe(0);

        const m = moments(x);
        expectZ((m.mean - mean) / (std / Math.sqrt(n)), 'mean');
        expectZ((m.variance / std ** 2 - 1) / Math.sqrt(2 / n), 'variance');
        expectZ(m.skewness / Math.sqrt(6 / n), 'skewness');
        expectZ(m.excessKurtosis / Math.sqrt(24 / n), 'excess kurtosis');

        expectKs(x.subarray(0, 1_000_000), (v) => normalCdf((v - mean) / std), 'KS against Phi, first 1e6 values');

        // P(|Z| > t) = erfc(t / sqrt 2); t = 4 and 5 (633 and 5.7 expected) by the exact Poisson tails.
        for (let t = 1; t <= 5; t++) expectFrequency(tails[t]!, n, erfc(t / Math.SQRT2), `P(|Z| > ${t})`);

        // The extremes: |z| <= r_max = sqrt(-2 ln u1_min) (exact, up to the polynomials' rounding), and the
        // sample maximum is large: P(max |Z| <= 4.5 over 1e7 draws) = (1 - 6.8e-6)^1e7 = e^-68.
        expect(maxAbsZ, `max |z| within the stream's range ${MAX_Z[dtype]}`).toBeLessThanOrEqual(MAX_Z[dtype] * (1 + 1e-6));
        checks++;
        expect(maxAbsZ, 'max |z| over 1e7 draws').toBeGreaterThan(4.5);

        // Box-Muller: values j and j + 16 at positions (0, 1) (and (2, 3) for float32) of one block are the cos and
        // sin of one pair (u1, u2): for a correct transform they are independent normals, so the angle
        // atan2(sin, cos) is uniform on (-pi, pi] and 1 - e^{-r^2/2} (= 1 - u1) is uniform on (0, 1).
        const pairs = pairedValues(x.subarray(0, 2_000_000), dtype, mean, std);
        const angleCounts = new Float64Array(64);
        const radii = new Float64Array(pairs.cos.length);
        for (let i = 0; i < pairs.cos.length; i++) {
          const [c, s] = [pairs.cos[i]!, pairs.sin[i]!];
          angleCounts[Math.min(63, Math.floor(((Math.atan2(s, c) + Math.PI) / (2 * Math.PI)) * 64))]++;
          radii[i] = -Math.expm1(-(c * c + s * s) / 2);
        }
        expectChiSquare(angleCounts, `Box-Muller angle, 64 bins, ${pairs.cos.length} pairs`);
        expectKs(radii, (v) => v, `Box-Muller radius: 1 - exp(-r^2/2) uniform, ${radii.length} pairs`);
        const squares = new Float64Array(2_000_000);
        for (let i = 0; i < squares.length; i++) squares[i] = ((x[i]! - mean) / std) ** 2;
        expectUncorrelated(correlation(squares, squares, 16), squares.length - 16, 'z_j^2 and z_{j+16}^2');
      },
    );
  });
});

/**
 * The Box-Muller pairs of a normal draw, standardized: value j at position 0 of its block (and 2, for
 * float32) is r cos(2 pi u2), and value j + 16, at the next position, r sin(2 pi u2) of the same (u1, u2).
 */
function pairedValues(x: ArrayLike<number>, dtype: Dtype, mean: number, std: number) {
  const period = dtype === 'float32' ? 64 : 32; // 16 blocks x values per block
  const pairs = Math.floor(x.length / period) * (period / 32) * 16;
  const cos = new Float64Array(pairs);
  const sin = new Float64Array(pairs);
  let count = 0;
  for (let group = 0; group + period <= x.length; group += period) {
    for (let first = group; first < group + period; first += 32) {
      for (let j = first; j < first + 16; j++) {
        cos[count] = (x[j]! - mean) / std;
        sin[count] = (x[j + 16]! - mean) / std;
        count++;
      }
    }
  }
  return { cos, sin };
}

/** Truncations covering every proposal of docs/rng.md §3, in both tails. */
const TRUNCATIONS = [
  { a: -2, b: 2, proposal: 'normal' },
  { a: 0, b: 0.5, proposal: 'normal' }, // the lowest acceptance (19 %)
  { a: 0, b: 0.3, proposal: 'uniform' },
  { a: 1, b: 1.5, proposal: 'uniform' },
  { a: -1.5, b: -1, proposal: 'uniform' },
  { a: 3, b: Infinity, proposal: 'exponential' },
  { a: -Infinity, b: -4, proposal: 'exponential' },
  { a: 2.5, b: 6, proposal: 'exponential' },
  { a: -6, b: -2.5, proposal: 'exponential' },
] as const;

describe(`truncatedNormal on ${backend.label}`, () => {
  const n = 1_000_000;
  const KS_SIZE = 500_000;
  const cases = TRUNCATIONS.flatMap((t, i) =>
    DTYPES.flatMap((dtype) =>
      (['std', 'absolute'] as const).map((mode) => {
        const seed = 3000 + 10 * i + (dtype === 'float32' ? 0 : 2) + (mode === 'std' ? 0 : 1);
        return { ...t, dtype, mode, seed };
      }),
    ),
  );

  it.each(cases)(
    '[$a, $b] ($proposal proposal) $dtype, $mode bounds: within bounds (exact), mean, variance, KS (each at ALPHA)',
    ({ a, b, proposal, dtype, mode, seed }) => {
      // Non-trivial location and scale: bounds in standard deviations, or values converted as the library does.
      const [mean, std] = mode === 'std' ? [0.5, 2] : [-1.3, 0.7];
      const [lo, hi] = [mean + std * a, mean + std * b];
      const [za, zb] = mode === 'std' ? [a, b] : [(lo - mean) / std, (hi - mean) / std];
      const params = truncatedNormalParams(mean, std, za, zb, false, dtype);
      expect(params[0], 'the proposal the test means to cover').toBe(TruncatedProposal[proposal]);

      const [first, last] = mode === 'std' ? [a, b] : [lo, hi];
      const x = generator(seed).truncatedNormal(n, { dtype, mean, std, a: first, b: last, bounds: mode });
      expect(x).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);

      // Bounds (exact): with bounds in standard deviations, mean + std * a and mean + std * b computed in the dtype
      // from the rounded parameters, as the stream does; with absolute bounds, lo and hi as the dtype represents them.
      const r = round(dtype);
      const [minOut, maxOut] =
        mode === 'std'
          ? [r(r(params[3]!) + r(params[4]! * params[1]!)), r(r(params[3]!) + r(params[4]! * params[2]!))]
          : [r(lo), r(hi)];
      let crossed = 0;
      for (const value of x) if (!(value >= minOut && value <= maxOut)) crossed++;
      expect(crossed, `values outside [${minOut}, ${maxOut}] (exact)`).toBe(0);

      const exact = truncatedNormal(za, zb);
      const m = moments(x);
      expectZ((m.mean - (mean + std * exact.mean)) / (std * Math.sqrt(exact.variance / n)), 'mean');
      expectZ((m.variance - std ** 2 * exact.variance) / (std ** 2 * Math.sqrt((exact.mu4 - exact.variance ** 2) / n)), 'variance');
      expectKs(x.subarray(0, KS_SIZE), (v) => exact.cdf((v - mean) / std), `KS against the truncated CDF, first ${KS_SIZE} values`);
    },
  );

  it.each(TRUNCATIONS.flatMap((t, i) => DTYPES.map((dtype) => ({ ...t, dtype, seed: 3500 + 2 * i + (dtype === 'float32' ? 0 : 1) }))))(
    '[$a, $b] $dtype, preserveVariance: variance std^2 and the scaled mean (each at ALPHA), bounds (exact)',
    ({ a, b, dtype, seed }) => {
      const [mean, std] = [-0.4, 1.7];
      const x = generator(seed).truncatedNormal(n, { dtype, mean, std, a, b, preserveVariance: true });
      const exact = truncatedNormal(a, b);
      const scale = std / Math.sqrt(exact.variance);
      const m = moments(x);
      expectZ((m.mean - (mean + scale * exact.mean)) / (std / Math.sqrt(n)), 'mean');
      // Var(s^2) = (mu4 - sigma^4) / n, with the kurtosis of the truncated normal.
      expectZ((m.variance / std ** 2 - 1) / Math.sqrt((exact.mu4 / exact.variance ** 2 - 1) / n), 'variance');

      const params = truncatedNormalParams(mean, std, a, b, true, dtype);
      const r = round(dtype);
      const [minOut, maxOut] = [r(r(params[3]!) + r(params[4]! * params[1]!)), r(r(params[3]!) + r(params[4]! * params[2]!))];
      let crossed = 0;
      for (const value of x) if (!(value >= minOut && value <= maxOut)) crossed++;
      expect(crossed, `values outside [${minOut}, ${maxOut}] (exact)`).toBe(0);
    },
  );
});

/**
 * Edge cases these tests once caught: values are clamped to the bounds in the output dtype (rounding of
 * mean + std * z could cross them by an ulp), and the truncated standard deviation behind preserveVariance
 * stays exact for narrow intervals and far tails.
 */
describe(`truncatedNormal edge cases on ${backend.label}`, () => {
  it('float32, absolute bounds [1.7, 1.7000005] (mean -1.3, std 0.7): every value within them', () => {
    const [mean, std, lo, hi] = [-1.3, 0.7, 1.7, 1.7000005];
    const x = generator(3602).truncatedNormal(10_000, { dtype: 'float32', mean, std, a: lo, b: hi, bounds: 'absolute' });
    let outside = 0;
    for (const value of x) if (!(value >= Math.fround(lo) && value <= Math.fround(hi))) outside++;
    expect(outside).toBe(0);
  });

  it('float64, absolute bounds [1.7, 1.7 + 16 ulp] (mean -1.3, std 0.7): no value below 1.7', () => {
    const [mean, std, lo, hi] = [-1.3, 0.7, 1.7, 1.7 + 16 * 2 ** -52];
    const x = generator(3603).truncatedNormal(10_000, { dtype: 'float64', mean, std, a: lo, b: hi, bounds: 'absolute' });
    let outside = 0;
    for (const value of x) if (!(value >= lo && value <= hi)) outside++;
    expect(outside).toBe(0);
  });

  it('preserveVariance on the narrow [1, 1 + 1e-6]: standard deviation std', () => {
    const x = generator(3600).truncatedNormal(100_000, { dtype: 'float64', a: 1, b: 1 + 1e-6, preserveVariance: true });
    expect(Math.abs(Math.sqrt(moments(x).variance) - 1)).toBeLessThan(0.05);
  });

  it('preserveVariance on [39, inf): finite values', () => {
    const x = generator(3601).truncatedNormal(1000, { dtype: 'float64', a: 39, b: Infinity, preserveVariance: true });
    expect(x.every(Number.isFinite)).toBe(true);
  });
});

describe(`integers on ${backend.label}`, () => {
  const n = 1_000_000;

  it.each([
    [0, 10, 41],
    [-5, 7, 42],
    [0, 3, 43],
  ])('[%d, %d): in range (exact), chi-square over the values (at ALPHA)', (low, high, seed) => {
    const x = generator(seed).integers(n, { low, high });
    expect(x).toBeInstanceOf(Int32Array);
    const counts = new Float64Array(high - low);
    let outside = 0;
    for (const value of x) {
      if (value >= low && value < high) counts[value - low]++;
      else outside++;
    }
    expect(outside, 'values outside [low, high) (exact)').toBe(0);
    expectChiSquare(counts, `${high - low} values`);
  });

  it('[0, 3 * 2^30) uint32: unbiased where a plain multiply-shift would be (value mod 3, chi-square at ALPHA)', () => {
    // Without Lemire's rejection, hi32(w * 3 * 2^30) takes multiples of 3 twice as often as other values.
    const high = 3 * 2 ** 30;
    const x = generator(44).integers(n, { low: 0, high });
    expect(x).toBeInstanceOf(Uint32Array);
    const residues = new Float64Array(3);
    const quarters = new Float64Array(4);
    let outside = 0;
    for (const value of x) {
      if (!(value < high)) outside++;
      residues[value % 3]++;
      quarters[Math.min(3, Math.floor(value / (high / 4)))]++;
    }
    expect(outside, 'values at or above high (exact)').toBe(0);
    expectChiSquare(residues, 'value mod 3');
    expectChiSquare(quarters, 'four equal quarters of the range');
  });

  it.each([
    [0, 2 ** 32, 'uint32', 45],
    [-(2 ** 31), 2 ** 31, 'int32', 46],
  ] as const)('[%d, %d) %s: mean and every bit balanced (each at ALPHA)', (low, high, dtype, seed) => {
    const x = generator(seed).integers(n, { low, high, dtype });
    expect(x).toBeInstanceOf(dtype === 'uint32' ? Uint32Array : Int32Array);
    const m = moments(x);
    const width = high - low;
    // Discrete uniform on width values: variance (width^2 - 1) / 12.
    expectZ((m.mean - (low + high - 1) / 2) / Math.sqrt((width ** 2 - 1) / 12 / n), 'mean');
    const ones = new Float64Array(32);
    for (const value of x) for (let bit = 0; bit < 32; bit++) ones[bit] += (value >>> bit) & 1;
    for (let bit = 0; bit < 32; bit++) expectZ(binomialZ(ones[bit]!, n, 0.5), `bit ${bit}`);
    if (dtype === 'int32') {
      let negative = 0;
      for (const value of x) if (value < 0) negative++;
      expectZ(binomialZ(negative, n, 0.5), 'negative values');
    }
  });
});

describe(`bernoulli on ${backend.label}`, () => {
  const n = 1_000_000;
  it.each([
    [0.5, 51],
    [0.01, 52],
    [0.3, 53],
  ])('p = %d: frequency of ones within binomial bounds (at ALPHA)', (p, seed) => {
    const x = generator(seed).bernoulli(n, { p });
    expect(x).toBeInstanceOf(Uint8Array);
    let ones = 0;
    let other = 0;
    for (const value of x) {
      if (value === 1) ones++;
      else if (value !== 0) other++;
    }
    expect(other, 'values other than 0 and 1 (exact)').toBe(0);
    expectFrequency(ones, n, p, `p = ${p}`);
  });

  it.each([
    [0, 0],
    [1, 1],
  ])('p = %d gives only %d (exact)', (p, only) => {
    const x = generator(54 + p).bernoulli(n, { p });
    expect(x.every((value) => value === only)).toBe(true);
  });
});

describe(`permutation on ${backend.label}`, () => {
  const isPermutation = (order: Int32Array, n: number) => {
    if (order.length !== n) return false;
    const seen = new Uint8Array(n);
    for (const index of order) {
      if (!(index >= 0 && index < n) || seen[index]) return false;
      seen[index] = 1;
    }
    return true;
  };

  it('n = 5: every draw a permutation (exact); the 120 orderings equally frequent over 120 000 draws (chi-square at ALPHA)', () => {
    const draws = 120_000;
    const g = generator(61);
    const counts = new Float64Array(120);
    const factorial = [24, 6, 2, 1, 1];
    let invalid = 0;
    for (let d = 0; d < draws; d++) {
      const order = g.permutation(5);
      if (!isPermutation(order, 5)) invalid++;
      // Lehmer code: the rank of the ordering among the 120.
      let rank = 0;
      for (let i = 0; i < 5; i++) {
        let smaller = 0;
        for (let j = i + 1; j < 5; j++) if (order[j]! < order[i]!) smaller++;
        rank += smaller * factorial[i]!;
      }
      counts[rank]++;
    }
    expect(invalid).toBe(0);
    expectChiSquare(counts, '120 orderings');
  });

  it('n = 1000: every draw a permutation (exact); positions of elements 0 and 999 uniform over 3000 draws (chi-square, 25 bins, at ALPHA)', () => {
    const [n, draws] = [1000, 3000];
    const g = generator(62);
    const first = new Float64Array(25);
    const last = new Float64Array(25);
    let invalid = 0;
    for (let d = 0; d < draws; d++) {
      const order = g.permutation(n);
      if (!isPermutation(order, n)) invalid++;
      first[Math.floor(order.indexOf(0) / 40)]++;
      last[Math.floor(order.indexOf(n - 1) / 40)]++;
    }
    expect(invalid).toBe(0);
    expectChiSquare(first, 'position of element 0');
    expectChiSquare(last, 'position of element 999');
  });

  it('n = 0 and n = 1 (exact)', () => {
    const g = generator(63);
    expect(g.permutation(0)).toEqual(new Int32Array(0));
    expect(g.permutation(1)).toEqual(new Int32Array([0]));
  });
});

describe(`bits on ${backend.label}`, () => {
  it('each of the 32 bit positions is balanced, bytes uniform, and words serially uncorrelated at lags 1, 16, 64 (each at ALPHA)', () => {
    const n = 1_000_000;
    const x = generator(71).bits(n);
    expect(x).toBeInstanceOf(Uint32Array);
    const ones = new Float64Array(32);
    const lowBytes = new Float64Array(256);
    const highBytes = new Float64Array(256);
    for (const word of x) {
      for (let bit = 0; bit < 32; bit++) ones[bit] += (word >>> bit) & 1;
      lowBytes[word & 0xff]++;
      highBytes[word >>> 24]++;
    }
    for (let bit = 0; bit < 32; bit++) expectZ(binomialZ(ones[bit]!, n, 0.5), `bit ${bit}`);
    expectChiSquare(lowBytes, 'low byte');
    expectChiSquare(highBytes, 'high byte');
    // Lag 1: the same word of consecutive blocks; lag 16: the next word of the same block; lag 64: the next group.
    const u = Float64Array.from(x, (word) => word / 2 ** 32);
    for (const lag of [1, 16, 64]) expectUncorrelated(correlation(u, u, lag), n - lag, `lag ${lag}`);
  });
});

describe(`independence of derived streams on ${backend.label}`, () => {
  const n = 1_000_000;
  const pairwise = (streams: Float64Array[], what: string) => {
    for (let i = 0; i < streams.length; i++) {
      for (let j = i + 1; j < streams.length; j++) {
        expectUncorrelated(correlation(streams[i]!, streams[j]!), n, `${what} ${i} and ${j}`);
      }
    }
  };
  const draw = (g: Generator) => g.uniform(n, { dtype: 'float64' }) as Float64Array;

  it('split(4) children, a second split, and the parent: pairwise |r| < 5/sqrt(n) (each at ALPHA)', () => {
    const parent = generator(81);
    const children = parent.split(4);
    const again = parent.split(1);
    pairwise([...children, ...again, parent].map(draw), 'streams');
  });

  it('foldIn(0..3) and the parent: pairwise |r| < 5/sqrt(n) (each at ALPHA)', () => {
    const parent = generator(82);
    pairwise([0, 1, 2, 3].map((d) => draw(parent.foldIn(d))).concat(draw(parent)), 'streams');
  });

  it('nearby seeds 0, 1, 2, 3: pairwise |r| < 5/sqrt(n), and a lag-1 cross-correlation (each at ALPHA)', () => {
    const streams = [0, 1, 2, 3].map((seed) => draw(generator(seed)));
    pairwise(streams, 'seeds');
    for (let i = 0; i + 1 < streams.length; i++) {
      expectUncorrelated(correlation(streams[i]!, streams[i + 1]!, 1), n - 1, `seeds ${i} and ${i + 1} at lag 1`);
    }
  });
});
