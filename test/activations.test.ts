/**
 * The activation kernels on every backend: special values, accuracy against high-precision
 * references (worst ULP reported), agreement bit for bit with the fallback, in-place and views,
 * every length, and the Promise forms.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FloatArray } from '../binding.js';
import { type ActivationSpec, activationSpecs, exampleOptions } from '../lib/spec/activations.js';
import { type TestBackend, backends, fallback, nativeBackends, skippedBackends } from './helpers/backends.js';
import {
  type Dtype,
  firstDifference,
  randomFloat32Bits,
  randomFloat64Bits,
  sameValue,
  ulpError,
  uniformGrid,
} from './helpers/numbers.js';
import { hasReference, loadReference } from './helpers/references.js';

const DTYPES: readonly Dtype[] = ['float32', 'float64'];
const make = (dtype: Dtype, values: ArrayLike<number> | number) =>
  dtype === 'float32' ? new Float32Array(values as ArrayLike<number>) : new Float64Array(values as ArrayLike<number>);

// Worst error seen per backend, activation, pass and precision, printed at the end.
const worstUlp = new Map<string, number>();
function recordUlp(key: string, error: number): void {
  worstUlp.set(key, Math.max(worstUlp.get(key) ?? 0, error));
}

afterAll(() => {
  const rows = [...worstUlp.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (rows.length > 0) console.info(`worst error against the high-precision references (ULP):\n${rows.map(([k, v]) => `  ${k}: ${v.toFixed(3)}`).join('\n')}`);
});

for (const skipped of skippedBackends) {
  describe.skip(`${skipped.label} (${skipped.reason})`, () => {
    it('runs every activation test', () => {});
  });
}

// The tests call every row through one shape: (x, options) with the row's example parameters.
type Unary = (x: FloatArray, options?: object) => FloatArray;
type Binary = (gradOutput: FloatArray, input: FloatArray, options?: object) => FloatArray;
interface Loose {
  (x: FloatArray, options?: object): FloatArray;
  derivative: Unary & { async: (x: FloatArray, options?: object) => Promise<FloatArray> };
  backward: Binary & { async: (g: FloatArray, x: FloatArray, options?: object) => Promise<FloatArray> };
  backwardFromOutput?: Binary & { async: (g: FloatArray, y: FloatArray, options?: object) => Promise<FloatArray> };
  async: (x: FloatArray, options?: object) => Promise<FloatArray>;
}

/** The row's activation on a backend with its example parameters bound, as `f(x)`, `f.derivative(x)`, …. */
function bound(backend: TestBackend, spec: ActivationSpec, params: object = exampleOptions(spec)): Loose {
  const raw = backend.api[spec.name as keyof typeof backend.api] as unknown as Loose;
  const withParams = (fn: (...args: never[]) => unknown, arity: number) =>
    (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args.slice(0, arity), { ...params, ...(args[arity] as object) });
  const unary = (fn: Unary & { async: Unary }) => Object.assign(withParams(fn, 1), { async: withParams(fn.async, 1) });
  const binary = (fn: Binary & { async: Binary }) => Object.assign(withParams(fn, 2), { async: withParams(fn.async, 2) });
  return Object.assign(unary(raw as never), {
    derivative: unary(raw.derivative as never),
    backward: binary(raw.backward as never),
    backwardFromOutput: raw.backwardFromOutput ? binary(raw.backwardFromOutput as never) : undefined,
  }) as unknown as Loose;
}

const EPSILON: Record<Dtype, number> = { float32: 2 ** -23, float64: 2 ** -52 };

describe('the table', () => {
  it.each(activationSpecs as readonly ActivationSpec[])('$name has references for every pass its budget is not exact for', (spec) => {
    for (const dtype of DTYPES) {
      for (const pass of ['forward', 'derivative'] as const) {
        if (spec.ulp[dtype][pass] > 0 && !spec.kernel) expect(hasReference(spec.name, pass, dtype), `${spec.name} ${pass} ${dtype}`).toBe(true);
      }
    }
  });

  it.each(activationSpecs as readonly ActivationSpec[])('$name lists each kink among its edges, with the same derivative', (spec) => {
    for (const kink of spec.kinks) {
      const edge = spec.edges.find(([x]) => Object.is(x, kink.at));
      expect(edge, `edge at ${kink.at}`).toBeDefined();
      expect(edge![2]).toBe(kink.derivative);
    }
  });
});

describe.each(backends)('$label', (backend: TestBackend) => {
  describe.each(activationSpecs as readonly ActivationSpec[])('$name', (spec) => {
    const activation = bound(backend, spec);

    describe.each(DTYPES)('%s', (dtype) => {
      it('gives the documented value at zeros, infinities, NaN, subnormals, kinks and huge inputs', () => {
        const x = make(dtype, spec.edges.map(([input]) => input));
        const forward = activation(x);
        const derivative = activation.derivative(x);
        spec.edges.forEach(([input, value, slope], i) => {
          const [f, d] = dtype === 'float32' ? [Math.fround(value), Math.fround(slope)] : [value, slope];
          expect(sameValue(forward[i]!, f), `${spec.name}(${input}) = ${forward[i]}, not ${f}`).toBe(true);
          expect(sameValue(derivative[i]!, d), `${spec.name}'(${input}) = ${derivative[i]}, not ${d}`).toBe(true);
        });
      });

      it('takes every kink at the documented derivative', () => {
        const at = make(dtype, spec.kinks.map((kink) => kink.at));
        const slopes = activation.derivative(at);
        const rounded = (value: number) => (dtype === 'float32' ? Math.fround(value) : value);
        spec.kinks.forEach((kink, i) => expect(slopes[i]).toBe(rounded(kink.derivative)));
      });

      it.runIf(spec.finiteForFinite)('gives finite values and derivatives for every finite input', () => {
        const x = (dtype === 'float32' ? randomFloat32Bits(1 << 16, 0xf1) : randomFloat64Bits(1 << 16, 0xf1)).filter(Number.isFinite);
        for (const [label, result] of [['forward', activation(x)], ['derivative', activation.derivative(x)]] as const) {
          const at = result.findIndex((value) => !Number.isFinite(value));
          expect(at, `${label} at x = ${x[at]} gave ${result[at]}`).toBe(-1);
        }
      });

      for (const pass of ['forward', 'derivative'] as const) {
        it.runIf(hasReference(spec.name, pass, dtype))(`${pass} is within ${spec.ulp[dtype][pass]} ULP of the high-precision reference`, () => {
          const reference = loadReference(spec.name, pass, dtype);
          const x = make(dtype, reference.x);
          const result = pass === 'forward' ? activation(x) : activation.derivative(x);
          let worst = 0;
          let worstAt = 0;
          for (let i = 0; i < x.length; i++) {
            const error = ulpError(result[i]!, reference.hi[i]!, reference.lo[i]!, dtype);
            if (error > worst) [worst, worstAt] = [error, x[i]!];
          }
          recordUlp(`${backend.label} ${spec.name} ${pass} ${dtype}`, worst);
          expect(worst, `worst at x = ${worstAt}`).toBeLessThanOrEqual(spec.ulp[dtype][pass]);
        });
      }

      it('computes backward as gradOutput times the derivative', () => {
        const x = make(dtype, uniformGrid(1001, spec.interestingRange[0], spec.interestingRange[1], dtype));
        const gradOutput = make(dtype, Array.from(x, (_, i) => ((i % 7) - 3) * 0.37));
        const derivative = activation.derivative(x);
        const expected = make(dtype, Array.from(x, (_, i) => gradOutput[i]! * derivative[i]!));
        const result = activation.backward(gradOutput, x);
        // === rather than sameValue: relu's mask gives +0 where gradOutput * 0 would give -0.
        const at = Array.from(result).findIndex((value, i) => value !== expected[i]);
        expect(at, `x = ${x[at]}`).toBe(-1);
      });

      it('has a derivative that matches central differences of its float64 forward, away from kinks', () => {
        if (dtype === 'float32') return; // the float64 forward is the sharper probe; float32 shares the formulas
        const [low, high] = spec.interestingRange;
        // An even count keeps the symmetric ranges' midpoint 0 off the grid: some rows (softsign) have f'' jump there.
        const points = Array.from({ length: 1000 }, (_, i) => low + ((high - low) * (i + 0.5)) / 1000).filter((x) =>
          spec.kinks.every((kink) => Math.abs(x - kink.at) > 1e-3 * Math.max(1, Math.abs(kink.at))),
        );
        const at = (values: number[]) => activation(Float64Array.from(values));
        const slopes = activation.derivative(Float64Array.from(points));
        // Richardson extrapolation of two central differences: error O(h^4) plus rounding ~1e-16/h.
        const h = points.map((x) => 2 ** -12 * Math.max(1, Math.abs(x) / 64));
        const [plus, minus, plusHalf, minusHalf] = [1, -1, 0.5, -0.5].map((k) => at(points.map((x, i) => x + k * h[i]!)));
        points.forEach((x, i) => {
          const wide = (plus[i]! - minus[i]!) / (2 * h[i]!);
          const narrow = (plusHalf[i]! - minusHalf[i]!) / h[i]!;
          const estimate = (4 * narrow - wide) / 3;
          expect(Math.abs(slopes[i]! - estimate), `${spec.name}'(${x}) = ${slopes[i]}, central differences ${estimate}`).toBeLessThanOrEqual(
            1e-7 * (1 + Math.abs(estimate)),
          );
        });
      });

      it.runIf(spec.fromOutput !== undefined)('computes backwardFromOutput from y = f(x) as backward does from x', () => {
        const x = make(dtype, uniformGrid(1001, spec.interestingRange[0], spec.interestingRange[1], dtype));
        const gradOutput = make(dtype, Array.from(x, (_, i) => ((i % 7) - 3) * 0.37));
        const y = activation(x);
        const fromInput = activation.backward(gradOutput, x);
        const fromOutput = activation.backwardFromOutput!(gradOutput, y);
        // f'(y) carries y's rounding error: a few epsilons of |y| (relative error is lost where f' is tiny).
        const ulps = spec.ulp[dtype].derivative + 4;
        const at = Array.from(fromOutput).findIndex((value, i) => {
          const tolerance = Math.abs(gradOutput[i]!) * ulps * EPSILON[dtype] * Math.max(1, Math.abs(y[i]!));
          return !(Math.abs(value - fromInput[i]!) <= tolerance + ulps * EPSILON[dtype] * Math.abs(fromInput[i]!));
        });
        expect(at, `x = ${x[at]}, y = ${y[at]}: ${fromOutput[at]} vs ${fromInput[at]}`).toBe(-1);
        const nan = activation.backwardFromOutput!(make(dtype, [NaN, 1]), make(dtype, [0.5, NaN]));
        expect(Number.isNaN(nan[0]!) && Number.isNaN(nan[1]!)).toBe(true);
      });

      it.runIf(spec.name === 'relu')('masks the gradient where x <= 0, whatever gradOutput is (as PyTorch)', () => {
        const x = make(dtype, [-1, -0, 0, -Infinity, 2]);
        const gradOutput = make(dtype, [Infinity, NaN, -Infinity, 5, -3]);
        expect(Array.from(activation.backward(gradOutput, x))).toEqual([0, 0, 0, 0, -3]);
      });

      it('propagates NaN through backward from either argument', () => {
        const x = make(dtype, [NaN, 1, -1, 0.5]);
        const gradOutput = make(dtype, [1, NaN, 2, NaN]);
        const result = activation.backward(gradOutput, x);
        expect(Number.isNaN(result[0]!)).toBe(true);
        expect(Number.isNaN(result[1]!)).toBe(true);
        expect(Number.isNaN(result[3]!)).toBe(true);
      });

      it('works in place, returning the very array it was given', () => {
        const x = make(dtype, uniformGrid(999, -12, 12, dtype));
        const expectedForward = activation(x);
        const expectedDerivative = activation.derivative(x);
        const gradOutput = make(dtype, Array.from(x, (v) => v * 0.5));
        const expectedBackward = activation.backward(gradOutput, x);

        const inPlace = x.slice();
        expect(activation(inPlace, { out: inPlace })).toBe(inPlace);
        expect(firstDifference(inPlace, expectedForward)).toBe(-1);
        const slopes = x.slice();
        expect(activation.derivative(slopes, { out: slopes })).toBe(slopes);
        expect(firstDifference(slopes, expectedDerivative)).toBe(-1);
        const grads = gradOutput.slice();
        expect(activation.backward(grads, x, { out: grads })).toBe(grads);
        expect(firstDifference(grads, expectedBackward)).toBe(-1);
        const inputs = x.slice();
        expect(activation.backward(gradOutput, inputs, { out: inputs })).toBe(inputs);
        expect(firstDifference(inputs, expectedBackward)).toBe(-1);
      });

      it.each([0, 1, 7, 1_000_003])('handles length %i, tail included, like element-by-element calls', (length) => {
        const x = make(dtype, length);
        for (let i = 0; i < length; i++) x[i] = ((i * 7919) % 2001) / 100 - 10;
        const result = activation(x);
        expect(result).toBeInstanceOf(x.constructor);
        expect(result.length).toBe(length);
        const probes = [0, 1, 2, 3, length - 3, length - 2, length - 1, length >> 1].filter((i) => i >= 0 && i < length);
        for (const i of probes) {
          const single = activation(make(dtype, [x[i]!]))[0]!;
          expect(sameValue(result[i]!, single), `element ${i}`).toBe(true);
        }
      });

      it('reads and writes subarray views at their byte offsets, and nothing around them', () => {
        const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
        const source = new Ctor(64).map((_, i) => (i - 32) / 4);
        const x = source.subarray(3, 3 + 37);
        const guard = -12345;
        const target = new Ctor(64).fill(guard);
        const out = target.subarray(5, 5 + 37);
        activation(x, { out });
        const expected = activation(x.slice());
        expect(firstDifference(out, expected)).toBe(-1);
        expect(Array.from(target.subarray(0, 5)).every((v) => v === guard)).toBe(true);
        expect(Array.from(target.subarray(42)).every((v) => v === guard)).toBe(true);
        expect(Array.from(source)).toEqual(Array.from(new Ctor(64).map((_, i) => (i - 32) / 4)));
      });

      it('gives the same results from the Promise forms', async () => {
        const x = make(dtype, uniformGrid(100_003, -15, 15, dtype));
        const gradOutput = make(dtype, Array.from(x, (v) => Math.cos(v)));
        expect(firstDifference(await activation.async(x), activation(x))).toBe(-1);
        expect(firstDifference(await activation.derivative.async(x), activation.derivative(x))).toBe(-1);
        expect(firstDifference(await activation.backward.async(gradOutput, x), activation.backward(gradOutput, x))).toBe(-1);
        const out = make(dtype, x.length);
        expect(await activation.async(x, { out })).toBe(out);
      });
    });
  });
});

/** Double-precision formulas, accurate far beyond float32's resolution, for dense float32 sweeps (default parameters). */
const DOUBLE_REFERENCE: Partial<Record<string, { forward: (x: number) => number; derivative: (x: number) => number }>> = {
  relu: { forward: (x) => (x <= 0 ? 0 : x), derivative: (x) => (x > 0 ? 1 : 0) },
  sigmoid: {
    forward: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
    derivative: (x) => {
      const e = Math.exp(-Math.abs(x));
      return e / ((1 + e) * (1 + e));
    },
  },
  tanh: {
    forward: Math.tanh,
    derivative: (x) => {
      const e = Math.exp(-2 * Math.abs(x));
      return (4 * e) / ((1 + e) * (1 + e));
    },
  },
};

const swept = (activationSpecs as readonly ActivationSpec[]).filter((spec) => DOUBLE_REFERENCE[spec.name] !== undefined);

describe.each(backends)('$label, dense float32 sweep', (backend) => {
  it.each(swept)('$name stays within its float32 budget on 2^20 points across its range', (spec) => {
    const [low, high] = spec.interestingRange;
    const x = uniformGrid(1 << 20, low, high, 'float32') as Float32Array;
    const reference = DOUBLE_REFERENCE[spec.name]!;
    const activation = bound(backend, spec);
    for (const pass of ['forward', 'derivative'] as const) {
      const result = pass === 'forward' ? activation(x) : activation.derivative(x);
      let worst = 0;
      for (let i = 0; i < x.length; i++) {
        worst = Math.max(worst, ulpError(result[i]!, reference[pass](x[i]!), 0, 'float32'));
      }
      recordUlp(`${backend.label} ${spec.name} ${pass} float32 (dense sweep)`, worst);
      // The double reference itself carries about 2^-29 float32 ULP of error.
      expect(worst).toBeLessThanOrEqual(spec.ulp.float32[pass] + 1e-6);
    }
  });
});

describe.runIf(nativeBackends.length > 0)('native kernels agree with the fallback bit for bit', () => {
  const inputs: Record<Dtype, FloatArray> = {
    float32: randomFloat32Bits(1 << 20, 0x5eed),
    float64: randomFloat64Bits(1 << 18, 0x5eed),
  };
  // Random bit patterns are mostly huge or tiny; add the range where the functions curve.
  const curved: Record<Dtype, FloatArray> = {
    float32: uniformGrid(1 << 18, -30, 30, 'float32'),
    float64: uniformGrid(1 << 18, -30, 30, 'float64'),
  };
  describe.each(nativeBackends)('$label', (backend) => {
    describe.each(activationSpecs as readonly ActivationSpec[])('$name', (spec) => {
      // The example parameters, and others, each moved away from the example in its own direction.
      const variations = [exampleOptions(spec)];
      if (spec.params.length > 0) {
        variations.push(Object.fromEntries(Object.entries(exampleOptions(spec)).map(([name, value], i) => [name, value === 0 ? 0.375 * (i + 1) : value * (1.75 + i / 4)])));
      }
      it.each(DTYPES)('%s: forward, derivative, backward and backwardFromOutput', (dtype) => {
        for (const params of variations) {
          const ours = bound(backend, spec, params);
          const twin = bound(fallback, spec, params);
          for (const x of [inputs[dtype], curved[dtype]]) {
            const gradOutput = x.slice().reverse();
            const results: [string, FloatArray, FloatArray][] = [
              ['forward', ours(x), twin(x)],
              ['derivative', ours.derivative(x), twin.derivative(x)],
              ['backward', ours.backward(gradOutput, x), twin.backward(gradOutput, x)],
            ];
            if (spec.fromOutput) {
              const y = twin(x);
              results.push(['backwardFromOutput', ours.backwardFromOutput!(gradOutput, y), twin.backwardFromOutput!(gradOutput, y)]);
            }
            for (const [label, a, b] of results) {
              const at = firstDifference(a, b);
              expect(at, `${label} ${JSON.stringify(params)} differs at x = ${x[at]}: ${a[at]} vs ${b[at]}`).toBe(-1);
            }
          }
        }
      });
    });
  });
});
