/**
 * The logistic group (silu, swish, softplus, logSigmoid, mish, tanhShrink) beyond the table-driven
 * tests of activations.test.ts, on every backend: overflow safety with other parameters, softplus's
 * switch at beta x == threshold, the derivatives against central differences of the float64
 * forward, and dense float32 sweeps against double-precision formulas (worst errors printed).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FloatArray } from '../binding.js';
import { type ActivationSpec, activationSpecs, exampleOptions } from '../lib/spec/activations.js';
import { expm1NearZero64, log1p32, log1p64 } from '../lib/fallback/activations/logistic.js';
import { type TestBackend, backends } from './helpers/backends.js';
import { type Dtype, firstDifference, randomFloat32Bits, sameValue, ulpError, uniformGrid } from './helpers/numbers.js';

const DTYPES: readonly Dtype[] = ['float32', 'float64'];
const make = (dtype: Dtype, values: ArrayLike<number>): FloatArray =>
  dtype === 'float32' ? new Float32Array(values) : new Float64Array(values);
const specOf = (name: string) => (activationSpecs as readonly ActivationSpec[]).find((spec) => spec.name === name)!;

type Unary = (x: FloatArray, options?: object) => FloatArray;
interface Loose extends Unary {
  derivative: Unary;
  backward: (gradOutput: FloatArray, x: FloatArray, options?: object) => FloatArray;
}
const activation = (backend: TestBackend, name: string) => backend.api[name as keyof typeof backend.api] as unknown as Loose;

const worstUlp = new Map<string, number>();
afterAll(() => {
  const rows = [...worstUlp.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (rows.length > 0) console.info(`logistic group, dense float32 sweeps (worst ULP):\n${rows.map(([k, v]) => `  ${k}: ${v.toFixed(3)}`).join('\n')}`);
});

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

/** x - tanh(x) in double: the series where the difference cancels (|x| < 0.01: error far below 2^-60 relative). */
function tanhShrink(x: number): number {
  if (Math.abs(x) >= 0.01) return x - Math.tanh(x);
  const x2 = x * x;
  return x * x2 * (1 / 3 - x2 * (2 / 15 - (x2 * 17) / 315));
}

/** Double-precision formulas at the example parameters (swish at beta = 2), far beyond float32's resolution. */
const DOUBLE_REFERENCE: Record<string, { forward: (x: number) => number; derivative: (x: number) => number }> = {
  silu: { forward: (x) => x * sigmoid(x), derivative: (x) => sigmoid(x) * (1 + x * sigmoid(-x)) },
  swish: { forward: (x) => x * sigmoid(2 * x), derivative: (x) => sigmoid(2 * x) * (1 + 2 * x * sigmoid(-2 * x)) },
  softplus: { forward: (x) => (x > 20 ? x : softplus(x)), derivative: (x) => (x > 20 ? 1 : sigmoid(x)) },
  logSigmoid: { forward: (x) => -softplus(-x), derivative: (x) => sigmoid(-x) },
  mish: {
    forward: (x) => x * Math.tanh(softplus(x)),
    derivative: (x) => {
      const t = Math.tanh(softplus(x));
      return t + x * (1 - t * t) * sigmoid(x);
    },
  },
  tanhShrink: { forward: tanhShrink, derivative: (x) => Math.tanh(x) ** 2 },
};
const NAMES = Object.keys(DOUBLE_REFERENCE);

describe('the helpers behind the kernels (fallback twins of the native ones, which the bit-for-bit tests tie them to)', () => {
  // Math.log1p and Math.expm1 are within about 1 ULP in double: far finer than float32, and a check on float64.
  const ts = [...uniformGrid(1 << 14, 0, 1, 'float64'), ...Array.from({ length: 200 }, (_, i) => 2 ** -(i * 5 + 1))];
  it('log1p32 keeps within 1.2 ULP of ln(1 + t) (1.12 measured), down to the smallest t', () => {
    let worst = 0;
    for (const t of ts.map(Math.fround)) worst = Math.max(worst, ulpError(log1p32(t), Math.log1p(t), 0, 'float32'));
    expect(worst).toBeLessThanOrEqual(1.2);
  });
  it('log1p64 and expm1NearZero64 keep double precision, down to the smallest arguments', () => {
    for (const t of ts) {
      expect(ulpError(log1p64(t), Math.log1p(t), 0, 'float64'), `log1p(${t})`).toBeLessThanOrEqual(2.5);
      if (t < 0.5) {
        expect(ulpError(expm1NearZero64(t), Math.expm1(t), 0, 'float64'), `expm1(${t})`).toBeLessThanOrEqual(2.5);
        expect(ulpError(expm1NearZero64(-t), Math.expm1(-t), 0, 'float64'), `expm1(${-t})`).toBeLessThanOrEqual(2.5);
      }
    }
  });
});

describe.each(backends)('$label', (backend) => {
  describe.each(DTYPES)('%s', (dtype) => {
    it('never overflows on the way, whatever the parameters', () => {
      const x = make(dtype, [1e4, -1e4, 3e38, -3e38, 88.5, -88.5, 710, -710]);
      const cases: [string, object][] = [
        ['swish', { beta: -3 }],
        ['swish', { beta: 0.5 }],
        ['swish', { beta: 1e30 }],
        ['softplus', { beta: 0.5, threshold: 1e4 }],
        ['softplus', { beta: 3, threshold: 1e30 }],
        ['softplus', { beta: 1e-3, threshold: -5 }],
      ];
      for (const [name, options] of cases) {
        const f = activation(backend, name);
        for (const [label, result] of [['forward', f(x, options)], ['derivative', f.derivative(x, options)]] as const) {
          const at = Array.from(result).findIndex((value) => !Number.isFinite(value));
          expect(at, `${name} ${JSON.stringify(options)} ${label} at x = ${x[at]} gave ${result[at]}`).toBe(-1);
        }
      }
      // softplus with a huge threshold is ln(1 + e^(beta x)) / beta even at 1e4: x itself, not Inf.
      expect(Array.from(activation(backend, 'softplus')(make(dtype, [1e4, -1e4]), { beta: 1, threshold: 1e30 }))).toEqual([1e4, 0]);
    });

    it('gives the limits of swish at beta = 0 (x / 2) and of a negative beta', () => {
      const swish = activation(backend, 'swish');
      const x = make(dtype, [Infinity, -Infinity, 3, NaN]);
      expect(Array.from(swish(x, { beta: 0 }))).toEqual([Infinity, -Infinity, 1.5, NaN]);
      expect(Array.from(swish.derivative(x, { beta: 0 }))).toEqual([0.5, 0.5, 0.5, NaN]);
      const flipped = swish(make(dtype, [Infinity, -Infinity]), { beta: -2 });
      expect(sameValue(flipped[0]!, 0) && sameValue(flipped[1]!, -Infinity)).toBe(true);
    });

    it('runs silu as swish at beta = 1, bit for bit', () => {
      const x = dtype === 'float32' ? randomFloat32Bits(1 << 14, 0x511) : make(dtype, uniformGrid(1 << 14, -50, 50, dtype));
      const [silu, swish] = [activation(backend, 'silu'), activation(backend, 'swish')];
      expect(firstDifference(silu(x), swish(x, { beta: 1 }))).toBe(-1);
      expect(firstDifference(silu.derivative(x), swish.derivative(x, { beta: 1 }))).toBe(-1);
    });

    it('switches softplus to x exactly where beta x > threshold, as PyTorch', () => {
      const softplusOf = activation(backend, 'softplus');
      const options = { beta: 2, threshold: 4 };
      const above = dtype === 'float32' ? 2 + 2 ** -22 : 2 + 2 ** -51; // the next value after 2
      const x = make(dtype, [2, above]);
      const epsilon = dtype === 'float32' ? 2 ** -23 : 2 ** -52;
      const [atThreshold, past] = softplusOf(x, options);
      expect(Math.abs(atThreshold! - softplus(4) / 2)).toBeLessThanOrEqual(2 * epsilon * 2);
      expect(past).toBe(above);
      const [slopeAt, slopePast] = softplusOf.derivative(x, options);
      expect(Math.abs(slopeAt! - sigmoid(4))).toBeLessThanOrEqual(2 * epsilon);
      expect(slopePast).toBe(1);
    });

    it.each([
      // root = hi + lo; the derivative there is slope * d + curve * d^2 (d = x - root) to far below an ULP for these d
      { name: 'silu', hi: -1.2784645427610737, lo: -1.0946994183093437e-16, slope: 0.2178117057198001, curve: 0.1466487969969469 },
      { name: 'mish', hi: -1.1924312145154952, lo: -4.8484829848031044e-17, slope: 0.2669479140495345, curve: 0.20473126408010586 },
    ])('$name: keeps its derivative within budget next to its zero, where the textbook formula cancels', ({ name, hi, lo, slope, curve }) => {
      const step = dtype === 'float32' ? 2 ** -23 : 2 ** -52; // the spacing of values near the root
      const offsets = Array.from({ length: 201 }, (_, i) => i - 100).filter((k) => k !== 0);
      const x = make(dtype, offsets.map((k) => hi + k * step));
      const slopes = activation(backend, name).derivative(x);
      const budget = specOf(name).ulp[dtype].derivative;
      for (let i = 0; i < x.length; i++) {
        const d = x[i]! - hi - lo;
        // The reference itself is off by about 1 float64 ULP (the rounding of slope and of the products).
        const allowance = dtype === 'float64' ? 1 : 1e-6;
        expect(ulpError(slopes[i]!, slope * d + curve * d * d, 0, dtype), `${name}'(${x[i]})`).toBeLessThanOrEqual(budget + allowance);
      }
    });

    it.each(NAMES)('%s: the derivative matches central differences of the float64 forward', (name) => {
      if (dtype === 'float32') return; // the differences need float64's resolution
      const f = activation(backend, name);
      const options = exampleOptions(specOf(name));
      const x = uniformGrid(997, -12, 12, dtype);
      const h = 2 ** -20;
      const forwardAt = (shift: number) => f(make(dtype, Array.from(x, (v) => v + shift)), options);
      const [ahead, behind] = [forwardAt(h), forwardAt(-h)];
      const slopes = f.derivative(x, options);
      for (let i = 0; i < x.length; i++) {
        const difference = (ahead[i]! - behind[i]!) / (2 * h);
        expect(Math.abs(difference - slopes[i]!), `${name}'(${x[i]})`).toBeLessThan(1e-8 * Math.max(1, Math.abs(x[i]!)));
      }
    });
  });

  it.each(NAMES)('%s stays within its float32 budget on 2^20 points across its range', (name) => {
    const spec = specOf(name);
    const [low, high] = spec.interestingRange;
    const x = uniformGrid(1 << 20, low, high, 'float32');
    const reference = DOUBLE_REFERENCE[name]!;
    const f = activation(backend, name);
    const options = exampleOptions(spec);
    for (const pass of ['forward', 'derivative'] as const) {
      const result = pass === 'forward' ? f(x, options) : f.derivative(x, options);
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, ulpError(result[i]!, reference[pass](x[i]!), 0, 'float32'));
      worstUlp.set(`${backend.label} ${name} ${pass}`, worst);
      // The double formula itself carries about 2^-29 float32 ULP of error.
      expect(worst).toBeLessThanOrEqual(spec.ulp.float32[pass] + 1e-6);
    }
  });
});
