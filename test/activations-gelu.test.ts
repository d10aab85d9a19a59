/**
 * The gelu group beyond the table-driven tests (activations.test.ts): the approximate option's
 * routing and its errors, derivatives against central differences of the float64 forward, dense
 * float32 sweeps, the left tails, and the derivatives' signs and relative accuracy around their zeros.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { activationSpecs } from '../lib/spec/activations.js';
import { backends } from './helpers/backends.js';
import { firstDifference, ulpError, uniformGrid } from './helpers/numbers.js';

const worstUlp = new Map<string, number>();
afterAll(() => {
  const rows = [...worstUlp.entries()].map(([key, value]) => `  ${key}: ${value.toFixed(3)}`);
  if (rows.length > 0) console.info(`gelu dense float32 sweeps, worst error (ULP):\n${rows.join('\n')}`);
});

const specOf = (name: string) => activationSpecs.find((spec) => spec.name === name)!;

/** geluTanh in double from its definition, with 1 + tanh(u) = 2 e^2u/(1 + e^2u) on the left, where 1 + tanh(u) cancels. */
function geluTanhInDouble(x: number): number {
  const v = 2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
  if (v >= 0) return x / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return (x * e) / (1 + e);
}

function geluTanhDerivativeInDouble(x: number): number {
  const u = Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
  const sigma = 1 / (1 + Math.exp(-2 * u));
  const sech = 2 / (Math.exp(u) + Math.exp(-u));
  return sigma + (x / 2) * sech * sech * Math.sqrt(2 / Math.PI) * (1 + 3 * 0.044715 * x * x);
}

/**
 * The minima of gelu and geluTanh, where their derivatives cross zero, as double-doubles, with the
 * second and third derivatives there (mpmath, 40 digits).
 */
const MINIMA = {
  gelu: { high: -0.7517915246935645, low: 1.4956759177009883e-17, second: 0.43149399231404692, third: 0.77656996598110400 },
  geluTanh: { high: -0.7524614220710163, low: 3.635560509207687e-17, second: 0.43040009102485851, third: 0.77503689227157785 },
} as const;

describe.each(backends)('$label', (backend) => {
  const { gelu, geluTanh } = backend.api;
  const x32 = uniformGrid(4099, -12, 12, 'float32') as Float32Array;
  const x64 = uniformGrid(4099, -12, 12, 'float64') as Float64Array;

  describe('the approximate option', () => {
    it("runs geluTanh for 'tanh' and gelu itself for 'none', in every pass and both precisions", async () => {
      for (const x of [x32, x64]) {
        const g = x.map((v) => Math.cos(v));
        expect(firstDifference(gelu(x, { approximate: 'tanh' }), geluTanh(x))).toBe(-1);
        expect(firstDifference(gelu.derivative(x, { approximate: 'tanh' }), geluTanh.derivative(x))).toBe(-1);
        expect(firstDifference(gelu.backward(g, x, { approximate: 'tanh' }), geluTanh.backward(g, x))).toBe(-1);
        expect(firstDifference(await gelu.async(x, { approximate: 'tanh' }), geluTanh(x))).toBe(-1);
        expect(firstDifference(gelu(x, { approximate: 'none' }), gelu(x))).toBe(-1);
        expect(firstDifference(gelu.derivative(x, { approximate: 'none' }), gelu.derivative(x))).toBe(-1);
      }
      // The two really differ: by up to about 5e-4 near x = -2.
      const difference = gelu(x64, { approximate: 'tanh' }).map((v, i) => Math.abs(v - gelu(x64)[i]!));
      expect(Math.max(...difference)).toBeGreaterThan(1e-4);
      expect(Math.max(...difference)).toBeLessThan(1e-3);
    });

    it('rejects other values with the error grammar, before writing anything', () => {
      const out = new Float64Array(x64.length).fill(7);
      expect(() => gelu(x64, { out, approximate: 'fast' as never })).toThrow(
        new RangeError('Expected one of "none", "tanh" for gelu option approximate but received "fast"'),
      );
      expect(() => gelu.derivative(x64, { approximate: true as never })).toThrow(
        new TypeError('Expected one of "none", "tanh" for gelu.derivative option approximate but received true'),
      );
      expect(() => gelu.backward(x64, x64, { approximate: null as never })).toThrow(TypeError);
      expect(out.every((v) => v === 7)).toBe(true);
    });

    it('is not an option of geluTanh itself', () => {
      expect(() => geluTanh(x32, { approximate: 'tanh' } as never)).toThrow(/unknown option "approximate"/);
    });
  });

  it.each(['gelu', 'geluTanh'] as const)('%s: the derivative matches central differences of the float64 forward', (name) => {
    const activation = backend.api[name];
    const x = uniformGrid(2001, -9, 9, 'float64') as Float64Array;
    const h = 2 ** -17;
    const derivative = activation.derivative(x);
    const above = activation(x.map((v) => v + h));
    const below = activation(x.map((v) => v - h));
    // Truncation error h^2 |f'''|/6 < 1e-11, rounding about 1e-16 |x| / h < 2e-10.
    const at = Array.from(x).findIndex((_, i) => !(Math.abs((above[i]! - below[i]!) / (2 * h) - derivative[i]!) < 1e-9));
    expect(at, `x = ${x[at]}`).toBe(-1);
  });

  describe.each(['gelu', 'geluTanh'] as const)('%s, dense float32 sweep', (name) => {
    const activation = backend.api[name];
    const spec = specOf(name);
    // gelu's reference is the float64 kernel (within 4 ULP of mpmath, so within 2^-29 float32 ULP).
    const reference =
      name === 'gelu'
        ? { forward: (x: Float64Array) => activation(x), derivative: (x: Float64Array) => activation.derivative(x) }
        : { forward: (x: Float64Array) => x.map(geluTanhInDouble), derivative: (x: Float64Array) => x.map(geluTanhDerivativeInDouble) };

    it.each(['forward', 'derivative'] as const)('%s stays within the float32 budget on 2^20 points of its range, tails included', (pass) => {
      const [low, high] = spec.interestingRange;
      const x = uniformGrid(1 << 20, low, high, 'float32') as Float32Array;
      const result = pass === 'forward' ? activation(x) : activation.derivative(x);
      const expected = reference[pass](Float64Array.from(x));
      let worst = 0;
      let worstAt = 0;
      for (let i = 0; i < x.length; i++) {
        const error = ulpError(result[i]!, expected[i]!, 0, 'float32');
        if (error > worst) [worst, worstAt] = [error, x[i]!];
      }
      worstUlp.set(`${backend.label} ${name} ${pass}`, worst);
      expect(worst, `worst at x = ${worstAt}`).toBeLessThanOrEqual(spec.ulp.float32[pass] + 1e-6);
    });
  });

  describe('left tails', () => {
    it('gelu follows the asymptotic series -phi(x) (1 - 1/x^2 + 3/x^4 - 15/x^6 + 105/x^8) far out, to 1e-9', () => {
      // -20 ... -38: x^2/2 is exact, and the next term, 945/x^10, below 1e-10.
      const x = Float64Array.from({ length: 19 }, (_, i) => -20 - i);
      const result = gelu(x);
      x.forEach((v, i) => {
        const s = 1 / (v * v);
        const series = -(Math.exp((-v * v) / 2) / Math.sqrt(2 * Math.PI)) * (1 - s + 3 * s * s - 15 * s ** 3 + 105 * s ** 4);
        expect(Math.abs(result[i]! / series - 1), `x = ${v}`).toBeLessThan(1e-9);
      });
    });

    it('gelu underflows gradually to -0, in float32 past x = -14.3 and in float64 past x = -38.6', () => {
      const y32 = gelu(new Float32Array([-14, -14.3, -14.5, -20, -1e4]));
      expect(y32[0]).toBeLessThan(-1e-43);
      expect(y32[1]).toBeLessThan(0);
      expect(Array.from(y32.subarray(2)).every((v) => Object.is(v, -0))).toBe(true);
      const y64 = gelu(new Float64Array([-38, -38.5, -38.7, -40, -1e300]));
      expect(y64[0]).toBeLessThan(-1e-315);
      expect(y64[1]).toBeLessThan(0);
      expect(Array.from(y64.subarray(2)).every((v) => Object.is(v, -0))).toBe(true);
    });

    it.each(['gelu', 'geluTanh'] as const)('%s rises to 0 monotonically along the tail, x from -3 to -35', (name) => {
      const activation = backend.api[name];
      const x = Float64Array.from({ length: 321 }, (_, i) => -3 - i / 10);
      const result = activation(x);
      const slope = activation.derivative(x);
      for (let i = 1; i < x.length; i++) {
        expect(result[i - 1]! <= result[i]! && result[i]! <= 0, `x = ${x[i]}`).toBe(true);
        expect(slope[i]! <= 0, `x = ${x[i]}`).toBe(true);
      }
    });

    it('geluTanh keeps its relative accuracy down the tail', () => {
      const x = Float64Array.from({ length: 321 }, (_, i) => -3 - i / 10);
      const result = geluTanh(x);
      // The double formula itself is off by up to |2u| 2^-53 relative (2^-42 where it underflows), and
      // by 16 subnormal steps where x e^2u is subnormal.
      x.forEach((v, i) => {
        const expected = geluTanhInDouble(v);
        expect(Math.abs(result[i]! - expected) <= 2 ** -40 * Math.abs(expected) + 2 ** -1070, `x = ${v}: ${result[i]} vs ${expected}`).toBe(true);
      });
    });
  });

  describe.each(['gelu', 'geluTanh'] as const)('%s around its minimum', (name) => {
    const activation = backend.api[name];
    const minimum = MINIMA[name];


    it.each(['float32', 'float64'] as const)('%s: the derivative keeps its relative accuracy where it crosses zero', (dtype) => {
      const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
      const center = new Ctor([minimum.high])[0]!;
      const step = dtype === 'float32' ? 2 ** -24 : 2 ** -53;
      const x = new Ctor(401).map((_, i) => center + (i - 200) * step);
      const slopes = activation.derivative(x);
      // f'(x) = f''(x0) d + f'''(x0) d^2/2 + O(d^3), d = x - x0: the model is good to 1e-10 relative
      // this close, far below the budgets (2 ULP, 2^-22 relative, in float32; 4 ULP, 2^-50, in float64).
      const tolerance = dtype === 'float32' ? 2 ** -22 : 2 ** -49;
      let negative = 0;
      for (let i = 0; i < x.length; i++) {
        const d = x[i]! - minimum.high - minimum.low;
        const model = minimum.second * d + (minimum.third / 2) * d * d;
        expect(Math.abs(slopes[i]! - model), `x = ${x[i]}: ${slopes[i]} vs ${model}`).toBeLessThanOrEqual(Math.abs(model) * tolerance);
        if (slopes[i]! < 0) negative++;
      }
      expect(negative).toBe(x.findIndex((v) => v > minimum.high + minimum.low));
    });
  });
});
