/**
 * The exponential group beyond the table-driven tests of activations.test.ts: expm1 itself (against
 * its high-precision references and dense float32 sweeps), the left branch at 0, parameters other
 * than the defaults, derivatives against central differences, and dense float32 sweeps of each row
 * against double-precision formulas on every backend. Worst errors are printed at the end.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FloatArray } from '../binding.js';
import { expm132, expm164 } from '../lib/fallback/activations/exponential.js';
import { type ActivationName, type ActivationSpec, activationSpecs } from '../lib/spec/activations.js';
import { type TestBackend, backends } from './helpers/backends.js';
import { type Dtype, randomFloat32Bits, sameValue, ulpError, uniformGrid } from './helpers/numbers.js';
import { loadReference } from './helpers/references.js';

const f = Math.fround;
const SCALE = 1.0507009873554805;
const SCALE_ALPHA = 1.7580993408473768;
const F32_MAX = 3.4028234663852886e38;

const report = new Map<string, number>();
function record(key: string, error: number): void {
  report.set(key, Math.max(report.get(key) ?? 0, error));
}
afterAll(() => {
  const rows = [...report.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (rows.length > 0) console.info(`worst error of the exponential group (ULP):\n${rows.map(([k, v]) => `  ${k}: ${v.toFixed(3)}`).join('\n')}`);
});

const make = (dtype: Dtype, values: ArrayLike<number>): FloatArray =>
  dtype === 'float32' ? new Float32Array(values) : new Float64Array(values);

function worstOver(xs: ArrayLike<number>, actual: ArrayLike<number>, reference: (x: number) => number, dtype: Dtype): [number, number] {
  let worst = 0;
  let at = NaN;
  for (let i = 0; i < xs.length; i++) {
    const error = ulpError(actual[i]!, reference(xs[i]!), 0, dtype);
    if (error > worst) [worst, at] = [error, xs[i]!];
  }
  return [worst, at];
}

const spec = (name: ActivationName): ActivationSpec => (activationSpecs as readonly ActivationSpec[]).find((row) => row.name === name)!;

describe('expm1 on x <= 0 (the fallback twins of the native expm1Of)', () => {
  it.each([
    ['float32', expm132, 1.1],
    ['float64', expm164, 1],
  ] as const)('%s is within %f ULP of the high-precision reference over its domain', (dtype, fn, budget) => {
    const reference = loadReference('expm1', 'forward', dtype);
    let worst = 0;
    let at = NaN;
    for (let i = 0; i < reference.x.length; i++) {
      if (!(reference.x[i]! <= 0)) continue;
      const error = ulpError(fn(reference.x[i]!), reference.hi[i]!, reference.lo[i]!, dtype);
      if (error > worst) [worst, at] = [error, reference.x[i]!];
    }
    record(`expm1 ${dtype} (references)`, worst);
    expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(budget);
  });

  it('float32 stays within 1.1 ULP on 2^22 points of [-20, 0] and 2^20 of [-2^-10, 0]', () => {
    for (const [low, high, n] of [
      [-20, 0, 1 << 22],
      [-(2 ** -10), 0, 1 << 20],
    ] as const) {
      const xs = uniformGrid(n, low, high, 'float32');
      const [worst, at] = worstOver(xs, Array.from(xs, expm132), Math.expm1, 'float32');
      record(`expm1 float32 on [${low}, ${high}] (dense)`, worst);
      expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(1.1);
    }
  });

  it.each([
    ['float32', expm132],
    ['float64', expm164],
  ] as const)('%s keeps signed zeros and subnormals exact and saturates at -1', (dtype, fn) => {
    // Below 2^-25 (float32) or 2^-54 (float64), x^2 / 2 is under half an ULP of x.
    const [tiny, small] = dtype === 'float32' ? [2 ** -149, 2 ** -30] : [2 ** -1074, 2 ** -60];
    for (const x of [0, -0, -tiny, -3 * tiny, -small]) {
      expect(sameValue(fn(x), x), `expm1(${x})`).toBe(true);
    }
    expect(fn(-Infinity)).toBe(-1);
    expect(fn(-1e4)).toBe(-1);
    expect(Number.isNaN(fn(NaN))).toBe(true);
  });
});

describe.each(backends)('$label', (backend: TestBackend) => {
  const api = backend.api;

  describe.each(['float32', 'float64'] as const)('%s', (dtype) => {
    const round = dtype === 'float32' ? f : (v: number) => v;

    it("takes the left branch at 0: elu'(0) = alpha, selu'(0) = scale alpha, celu'(0) = 1, for either zero", () => {
      const zeros = make(dtype, [0, -0]);
      for (const alpha of [0.5, 1, 2.5]) {
        expect(Array.from(api.elu.derivative(zeros, { alpha }))).toEqual([alpha, alpha]);
        expect(Array.from(api.celu.derivative(zeros, { alpha }))).toEqual([1, 1]);
      }
      expect(Array.from(api.selu.derivative(zeros))).toEqual([round(SCALE_ALPHA), round(SCALE_ALPHA)]);
      const y = api.elu(zeros, { alpha: 0.5 });
      expect(Object.is(y[0], 0) && Object.is(y[1], -0)).toBe(true);
      expect(Array.from(api.elu.backwardFromOutput(make(dtype, [3, 3]), y, { alpha: 0.5 }))).toEqual([1.5, 1.5]);
    });

    it('scales elu by a power-of-two alpha exactly, and matches alpha (e^x - 1) at other alphas', () => {
      const x = make(dtype, uniformGrid(4001, -20, 5, dtype));
      const one = api.elu(x);
      const half = api.elu(x, { alpha: 0.5 });
      expect(Array.from(half)).toEqual(Array.from(one, (v, i) => (x[i]! > 0 ? v : v * 0.5)));
      const alpha = round(1.7);
      const [worst, at] = worstOver(x, api.elu(x, { alpha }), (v) => (v > 0 ? v : alpha * Math.expm1(v)), dtype);
      record(`${backend.label} elu alpha 1.7 forward ${dtype}`, worst);
      expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(dtype === 'float32' ? 1.5 : 2);
      const slopes = api.elu.derivative(x, { alpha: 0 });
      expect(Array.from(slopes)).toEqual(Array.from(x, (v) => (v > 0 ? 1 : 0)));
    });

    it('computes celu at other alphas from x / alpha, rounded once', () => {
      const x = make(dtype, uniformGrid(4001, -20, 5, dtype));
      for (const alpha of [0.25, 2]) {
        const reference = (v: number) => (v > 0 ? v : alpha * Math.expm1(v / alpha));
        const [worst, at] = worstOver(x, api.celu(x, { alpha }), reference, dtype);
        record(`${backend.label} celu alpha ${alpha} forward ${dtype}`, worst);
        expect(worst, `alpha ${alpha}, worst at x = ${at}`).toBeLessThanOrEqual(dtype === 'float32' ? 1.5 : 2);
        const [worstSlope] = worstOver(x, api.celu.derivative(x, { alpha }), (v) => (v > 0 ? 1 : Math.exp(v / alpha)), dtype);
        expect(worstSlope).toBeLessThanOrEqual(dtype === 'float32' ? 1.5 : 2);
      }
      // Elsewhere x / alpha carries half an ULP of rounding, which e^(x / alpha) turns into a relative
      // error of |x / alpha| half-ULPs; the forward pass does not amplify it.
      const alpha = round(1.5);
      const [worst, at] = worstOver(x, api.celu(x, { alpha }), (v) => (v > 0 ? v : alpha * Math.expm1(v / alpha)), dtype);
      record(`${backend.label} celu alpha 1.5 forward ${dtype}`, worst);
      expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(dtype === 'float32' ? 2 : 2.5);
    });

    it('gives finite selu for every finite input whose exact value is finite', () => {
      const limit = (dtype === 'float32' ? F32_MAX : Number.MAX_VALUE) / SCALE;
      const x = make(dtype, dtype === 'float32' ? randomFloat32Bits(1 << 16, 0x5e1) : new Float64Array(randomFloat32Bits(1 << 16, 0x5e1)));
      const finite = make(dtype, Array.from(x).filter((v) => Math.abs(v) < limit));
      for (const result of [api.selu(finite), api.selu.derivative(finite)]) {
        const at = Array.from(result).findIndex((v) => !Number.isFinite(v));
        expect(at, `x = ${finite[at]}`).toBe(-1);
      }
    });
  });

  it('matches central differences of the float64 forward pass with each derivative', () => {
    const x = new Float64Array(uniformGrid(2001, -30, 8, 'float64')).filter((v) => Math.abs(v) > 1e-3);
    const cases: [ActivationName, object][] = [
      ['elu', { alpha: 0.7 }],
      ['selu', {}],
      ['celu', { alpha: 1.9 }],
      ['exponential', {}],
    ];
    for (const [name, options] of cases) {
      const activation = api[name] as unknown as {
        (x: Float64Array, options: object): Float64Array;
        derivative: (x: Float64Array, options: object) => Float64Array;
      };
      const h = x.map((v) => 2 ** -20 * Math.max(1, Math.abs(v)));
      const above = activation(x.map((v, i) => v + h[i]!), options);
      const below = activation(x.map((v, i) => v - h[i]!), options);
      const slopes = activation.derivative(x, options);
      const at = Array.from(slopes).findIndex((slope, i) => {
        const difference = (above[i]! - below[i]!) / (2 * h[i]!);
        return !(Math.abs(difference - slope) <= 1e-7 * Math.max(1, Math.abs(slope)));
      });
      expect(at, `${name}'(${x[at]}) = ${slopes[at]}`).toBe(-1);
    }
  });

  // Double-precision formulas at the default parameters, within about 2^-29 float32 ULP of exact.
  const DOUBLE_REFERENCE: Record<string, { forward: (x: number) => number; derivative: (x: number) => number }> = {
    elu: { forward: (x) => (x > 0 ? x : Math.expm1(x)), derivative: (x) => (x > 0 ? 1 : Math.exp(x)) },
    selu: {
      forward: (x) => (x > 0 ? SCALE * x : SCALE_ALPHA * Math.expm1(x)),
      derivative: (x) => (x > 0 ? SCALE : SCALE_ALPHA * Math.exp(x)),
    },
    celu: { forward: (x) => (x > 0 ? x : Math.expm1(x)), derivative: (x) => (x > 0 ? 1 : Math.exp(x)) },
    exponential: { forward: Math.exp, derivative: Math.exp },
  };

  it.each(Object.keys(DOUBLE_REFERENCE))('%s stays within its float32 budget on 2^20 points of [-104, 88.7]', (name) => {
    const row = spec(name as ActivationName);
    const x = uniformGrid(1 << 20, -104, 88.7, 'float32') as Float32Array;
    const activation = api[name as ActivationName] as unknown as {
      (x: Float32Array): Float32Array;
      derivative: (x: Float32Array) => Float32Array;
    };
    for (const pass of ['forward', 'derivative'] as const) {
      const result = pass === 'forward' ? activation(x) : activation.derivative(x);
      const [worst, at] = worstOver(x, result, DOUBLE_REFERENCE[name]![pass], 'float32');
      record(`${backend.label} ${name} ${pass} float32 (dense sweep)`, worst);
      expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(row.ulp.float32[pass] + 1e-6);
    }
  });
});
