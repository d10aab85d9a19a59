/**
 * Statistics for the random-stream tests: the normal distribution (Cody's erfc, accurate to about
 * 1e-15 relative), the truncated normal's exact moments and CDF, the regularized incomplete gamma
 * function (chi-square and Poisson tail probabilities), the Kolmogorov distribution, and sample
 * moments, KS statistics and correlations computed in float64.
 */

const SQRT_2 = Math.SQRT2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** exp(-x^2) with x^2 split exactly (as W. J. Cody's CALERF does): relative error ~1e-16 even for large x. */
function expMinusSquare(x: number): number {
  const head = Math.trunc(x * 16) / 16;
  const tail = (x - head) * (x + head);
  return Math.exp(-head * head) * Math.exp(-tail);
}

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631-638,
// as in his SPECFUN routine CALERF (netlib.org/specfun/erf): erf on [0, 0.46875], e^{x^2} erfc(x) on
// [0.46875, 4], and an asymptotic form in 1/x^2 beyond; relative error near 1e-16 in double precision.
const CODY_A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const CODY_B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const CODY_C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909, 1712.04761263407058,
  2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const CODY_D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963, 4362.61909014324716,
  3439.36767414372164, 1230.33935480374942,
];
const CODY_P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4,
  0.0163153871373020978,
];
const CODY_Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const ONE_OVER_SQRT_PI = 0.56418958354775628695;

/** The complementary error function (Cody's CALERF, with its loops written out). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  const [A, B, C, D, P, Q] = [CODY_A, CODY_B, CODY_C, CODY_D, CODY_P, CODY_Q];
  if (y <= 0.46875) {
    const z = y * y;
    const num = (((A[4]! * z + A[0]!) * z + A[1]!) * z + A[2]!) * z + A[3]!;
    const den = (((z + B[0]!) * z + B[1]!) * z + B[2]!) * z + B[3]!;
    return 1 - (x * num) / den;
  }
  let result: number;
  if (y <= 4) {
    const num = (((((((C[8]! * y + C[0]!) * y + C[1]!) * y + C[2]!) * y + C[3]!) * y + C[4]!) * y + C[5]!) * y + C[6]!) * y + C[7]!;
    const den = (((((((y + D[0]!) * y + D[1]!) * y + D[2]!) * y + D[3]!) * y + D[4]!) * y + D[5]!) * y + D[6]!) * y + D[7]!;
    result = (num / den) * expMinusSquare(y);
  } else if (y >= 26.55) {
    result = 0; // below the smallest double
  } else {
    const z = 1 / (y * y);
    const num = ((((P[5]! * z + P[0]!) * z + P[1]!) * z + P[2]!) * z + P[3]!) * z + P[4]!;
    const den = ((((z + Q[0]!) * z + Q[1]!) * z + Q[2]!) * z + Q[3]!) * z + Q[4]!;
    result = ((ONE_OVER_SQRT_PI - (z * num) / den) / y) * expMinusSquare(y);
  }
  return x < 0 ? 2 - result : result;
}

/** The significance level of every check: the two-sided 5-sigma level, 2 Q(5) = erfc(5 / sqrt 2) = 5.733e-7. */
export const ALPHA = erfc(5 / SQRT_2);
/** The |z| that a two-sided check at ALPHA rejects beyond. */
export const Z_CRITICAL = 5;

/** The standard normal density. */
export function normalPdf(z: number): number {
  return Number.isFinite(z) ? expMinusSquare(Math.abs(z) / SQRT_2) / SQRT_2PI : 0;
}

/** Phi(z) = P(Z <= z), accurate in relative terms in the lower tail. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT_2);
}

/** Q(z) = P(Z > z) = Phi(-z), accurate in relative terms in the upper tail. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / SQRT_2);
}

/** P(a <= Z <= b), without cancellation when [a, b] lies in one tail. */
export function normalMass(a: number, b: number): number {
  if (a >= 0) return normalSf(a) - normalSf(b);
  if (b <= 0) return normalCdf(b) - normalCdf(a);
  return 1 - normalCdf(a) - normalSf(b);
}

/** The standard normal truncated to [a, b] (a < b, either may be infinite). */
export interface TruncatedNormal {
  readonly a: number;
  readonly b: number;
  /** Its mean, by the closed form (phi(a) - phi(b)) / (Phi(b) - Phi(a)). */
  readonly mean: number;
  /** Its variance by the closed form 1 + (a phi(a) - b phi(b)) / Z - mean^2 (cancels badly in far tails and narrow intervals). */
  readonly closedFormVariance: number;
  /** Central moments 2, 3 and 4, by numerical integration in centred form (accurate everywhere). */
  readonly variance: number;
  readonly mu3: number;
  readonly mu4: number;
  readonly cdf: (z: number) => number;
}

export function truncatedNormal(a: number, b: number): TruncatedNormal {
  const mass = normalMass(a, b);
  const [pa, pb] = [normalPdf(a), normalPdf(b)];
  const mean = (pa - pb) / mass;
  const [apa, bpb] = [Number.isFinite(a) ? a * pa : 0, Number.isFinite(b) ? b * pb : 0];
  const closedFormVariance = 1 + (apa - bpb) / mass - mean * mean;
  const integrated = integratedMoments(a, b);
  // One erfc per value: the tail function on the side of 0 where [a, b] lies, so that tails keep their digits.
  const cdf =
    a >= 0
      ? ((qa) => (z: number) => (z <= a ? 0 : z >= b ? 1 : Math.min(1, (qa - normalSf(z)) / mass)))(normalSf(a))
      : ((pa) => (z: number) => (z <= a ? 0 : z >= b ? 1 : Math.min(1, (normalCdf(z) - pa) / mass)))(normalCdf(a));
  return { a, b, mean, closedFormVariance, variance: integrated.variance, mu3: integrated.mu3, mu4: integrated.mu4, cdf };
}

/**
 * Moments of the standard normal truncated to [a, b] by composite Gauss-Legendre quadrature (8 points
 * on each of 4000 panels) over [a, b] clipped to 40 standard deviations beyond the end nearer the mode:
 * mean and central moments 2..4, centred before powering (no cancellation).
 */
export function integratedMoments(a: number, b: number): { mean: number; variance: number; mu3: number; mu4: number } {
  const near = a > 0 ? a : b < 0 ? b : 0;
  const from = Math.max(a, near - 40);
  const to = Math.min(b, near + 40);
  // Integrate w(z) = exp(-(z^2 - near^2)/2), scaled so that it is 1 at the mode of the interval.
  const weight = (z: number) => Math.exp(-0.5 * (z - near) * (z + near));
  const sum = (f: (z: number) => number) => {
    const panels = 4000;
    const h = (to - from) / panels;
    let total = 0;
    for (let p = 0; p < panels; p++) {
      const mid = from + (p + 0.5) * h;
      for (let i = 0; i < GL_NODES.length; i++) {
        const z = mid + 0.5 * h * GL_NODES[i]!;
        total += GL_WEIGHTS[i]! * f(z) * weight(z);
      }
    }
    return 0.5 * h * total;
  };
  const mass = sum(() => 1);
  const mean = sum((z) => z) / mass;
  const central = (k: number) => sum((z) => (z - mean) ** k) / mass;
  return { mean, variance: central(2), mu3: central(3), mu4: central(4) };
}

const GL_NODES = [
  -0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498, 0.1834346424956498, 0.525532409916329,
  0.7966664774136267, 0.9602898564975363,
];
const GL_WEIGHTS = [
  0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362, 0.3137066458778873,
  0.2223810344533745, 0.1012285362903763,
];

/** ln Gamma(x) for x > 0 (Lanczos, g = 7, n = 9: relative error ~1e-15). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const y = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The regularized lower incomplete gamma function P(s, x) and its complement Q(s, x) = 1 - P(s, x). */
export function gammaPQ(s: number, x: number): { p: number; q: number } {
  if (x <= 0) return { p: 0, q: 1 };
  const logPrefix = s * Math.log(x) - x - lnGamma(s);
  if (x < s + 1) {
    // Series: P = x^s e^-x / Gamma(s+1) * sum x^n / ((s+1)...(s+n)).
    let term = 1 / s;
    let sum = term;
    for (let n = 1; n < 100_000; n++) {
      term *= x / (s + n);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const p = sum * Math.exp(logPrefix);
    return { p, q: 1 - p };
  }
  // Continued fraction for Q (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - s;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const q = Math.exp(logPrefix) * h;
  return { p: 1 - q, q };
}

/** Pearson's statistic of observed counts against expected counts. */
export function chiSquareStatistic(observed: ArrayLike<number>, expected: ArrayLike<number> | number): number {
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = typeof expected === 'number' ? expected : expected[i]!;
    statistic += (observed[i]! - e) ** 2 / e;
  }
  return statistic;
}

/** P(chi2_df >= statistic) and P(chi2_df <= statistic). */
export function chiSquareTails(statistic: number, df: number): { upper: number; lower: number } {
  const { p, q } = gammaPQ(df / 2, statistic / 2);
  return { upper: q, lower: p };
}

/**
 * A chi-square test of counts against equal (or given) expectations, df = bins - 1: the smaller of the two
 * tails, doubled, so that a fit too good (a stratified, non-random stream) also fails.
 */
export function chiSquareTest(observed: ArrayLike<number>, expected?: ArrayLike<number>) {
  let total = 0;
  for (let i = 0; i < observed.length; i++) total += observed[i]!;
  const equal = total / observed.length;
  const statistic = chiSquareStatistic(observed, expected ?? equal);
  const df = observed.length - 1;
  const { upper, lower } = chiSquareTails(statistic, df);
  return { statistic, df, p: Math.min(1, 2 * Math.min(upper, lower)), upper, lower };
}

/** P(X <= k) and P(X >= k) for X ~ Poisson(lambda). */
export function poissonTails(k: number, lambda: number): { atMost: number; atLeast: number } {
  return {
    atMost: gammaPQ(k + 1, lambda).q,
    atLeast: k <= 0 ? 1 : gammaPQ(k, lambda).p,
  };
}

/** Two-sided p-value of a count k of rare events with mean lambda (Poisson). */
export function poissonTest(k: number, lambda: number): number {
  const { atMost, atLeast } = poissonTails(k, lambda);
  return Math.min(1, 2 * Math.min(atMost, atLeast));
}

/** z-score of a count of successes in n trials of probability p. */
export function binomialZ(count: number, n: number, p: number): number {
  return (count - n * p) / Math.sqrt(n * p * (1 - p));
}

/** The Kolmogorov distribution's survival function P(K > x) = 2 sum_{k>=1} (-1)^{k-1} e^{-2 k^2 x^2}. */
export function kolmogorovSf(x: number): number {
  if (x <= 0) return 1;
  if (x < 0.3) return 1; // the series converges slowly and the answer is 1 to double precision
  let sum = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-18) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * The KS distance D_n of a sample from a continuous CDF: the sample is mapped through the CDF and the
 * results sorted by buckets (n buckets of width 1/n, then each bucket sorted), in O(n) for a good fit.
 */
export function ksStatistic(sample: ArrayLike<number>, cdf: (x: number) => number): number {
  const n = sample.length;
  const u = new Float64Array(n);
  const bucketOf = new Int32Array(n);
  const starts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const value = cdf(sample[i]!);
    if (!(value >= 0 && value <= 1)) throw new RangeError(`CDF(${sample[i]}) = ${value}`);
    u[i] = value;
    const bucket = Math.min(n - 1, Math.floor(value * n));
    bucketOf[i] = bucket;
    starts[bucket + 1]++;
  }
  for (let b = 1; b <= n; b++) starts[b]! += starts[b - 1]!;
  const next = starts.slice(0, n);
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[next[bucketOf[i]!]!++] = u[i]!;
  for (let b = 0; b < n; b++) {
    const [from, to] = [starts[b]!, starts[b + 1]!];
    if (to - from > 16) sorted.subarray(from, to).sort();
    else {
      for (let i = from + 1; i < to; i++) {
        const value = sorted[i]!;
        let j = i - 1;
        for (; j >= from && sorted[j]! > value; j--) sorted[j + 1] = sorted[j]!;
        sorted[j + 1] = value;
      }
    }
  }
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = sorted[i]!;
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** KS test: the distance, its scaled form with Stephens' correction, and the asymptotic p-value. */
export function ksTest(sample: ArrayLike<number>, cdf: (x: number) => number) {
  const d = ksStatistic(sample, cdf);
  const rootN = Math.sqrt(sample.length);
  const scaled = (rootN + 0.12 + 0.11 / rootN) * d;
  return { d, scaled, p: kolmogorovSf(scaled) };
}

export interface Moments {
  readonly n: number;
  readonly mean: number;
  /** Central moments (divided by n). */
  readonly m2: number;
  readonly m3: number;
  readonly m4: number;
  /** Unbiased variance. */
  readonly variance: number;
  readonly skewness: number;
  readonly excessKurtosis: number;
}

/** Sample moments in float64, in two passes (mean first, then centred powers). */
export function moments(sample: ArrayLike<number>): Moments {
  const n = sample.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sample[i]!;
  const mean = sum / n;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = sample[i]! - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  const [m2, m3, m4] = [s2 / n, s3 / n, s4 / n];
  return { n, mean, m2, m3, m4, variance: s2 / (n - 1), skewness: m3 / m2 ** 1.5, excessKurtosis: m4 / (m2 * m2) - 3 };
}

/** Pearson's correlation of x[i] and y[i + lag] over the common range. */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>, lag = 0): number {
  const n = Math.min(x.length, y.length - lag);
  let [sx, sy] = [0, 0];
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i + lag]!;
  }
  const [mx, my] = [sx / n, sy / n];
  let [sxx, syy, sxy] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i + lag]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Counts of values in `bins` equal bins over [low, high). Values outside throw. */
export function histogram(sample: ArrayLike<number>, low: number, high: number, bins: number): Float64Array {
  const counts = new Float64Array(bins);
  const scale = bins / (high - low);
  for (let i = 0; i < sample.length; i++) {
    const value = sample[i]!;
    let bin = Math.floor((value - low) * scale);
    if (bin === bins && value < high) bin = bins - 1; // rounding just below high
    if (!(bin >= 0 && bin < bins)) throw new RangeError(`value ${value} outside [${low}, ${high})`);
    counts[bin]++;
  }
  return counts;
}
