/**
 * rrelu's training mode on every backend: one uniform slope per element from the generator (the
 * same seed gives the same bits everywhere), the noise PyTorch keeps, the backward pass from it,
 * the statistics of the slopes, evaluation mode unchanged, Promise forms, and validation.
 */
import { describe, expect, it } from 'vitest';
import type { FloatArray } from '../binding.js';
import { createActivation } from '../lib/activations.js';
import { Generator } from '../lib/random/generator.js';
import { createRrelu } from '../lib/rrelu.js';
import { activationSpecs } from '../lib/spec/activations.js';
import type { ActivationSpec } from '../lib/spec/activations.js';
import { type TestBackend, backends, fallback } from './helpers/backends.js';
import { type Dtype, bits32, firstDifference, randomFloat32Bits, randomFloat64Bits } from './helpers/numbers.js';

const DTYPES: readonly Dtype[] = ['float32', 'float64'];
const make = (dtype: Dtype, values: ArrayLike<number> | number): FloatArray =>
  dtype === 'float32' ? new Float32Array(values as ArrayLike<number>) : new Float64Array(values as ArrayLike<number>);
const round = (dtype: Dtype) => (dtype === 'float32' ? Math.fround : (v: number) => v);
const exactlyEqual = (actual: ArrayLike<number>, expected: ArrayLike<number>) => expect(firstDifference(actual, expected)).toBe(-1);

const spec = (activationSpecs as readonly ActivationSpec[]).find((row) => row.name === 'rrelu')!;
// The evaluation-mode row through a signature that takes its options.
interface Loose {
  (x: FloatArray, options?: object): FloatArray;
  backward(gradOutput: FloatArray, x: FloatArray, options?: object): FloatArray;
}
const rreluOn = (backend: TestBackend) => createRrelu(backend.kernels, createActivation(backend.kernels, spec) as never);

/** Values of both signs, about a third of them negative, with zeros. */
function inputs(n: number, dtype: Dtype, seed: number): FloatArray {
  const source = bits32(seed);
  return make(dtype, Array.from({ length: n }, () => {
    const word = source.next().value!;
    return word % 11 === 0 ? 0 : ((word % 3 === 0 ? -1 : 1) * (word >>> 8)) / 2 ** 20;
  }));
}

const SEED = 20261123;

describe.each(backends)('rrelu training mode on $label', (backend) => {
  const rrelu = rreluOn(backend);
  const generatorOf = (seed = SEED) => new Generator(seed, { kernels: backend.kernels });

  describe.each(DTYPES)('%s', (dtype) => {
    it('draws one slope per element in element order from [lower, upper), and keeps it as noise', () => {
      const n = 10_007;
      const x = inputs(n, dtype, 1);
      const [lower, upper] = [0.1, 0.3];
      const noise = make(dtype, n);
      const out = rrelu(x, { training: true, lower, upper, generator: generatorOf(), noise });
      const slopes = generatorOf().uniform(n, { low: lower, high: upper, dtype });
      const r = round(dtype);
      for (let i = 0; i < n; i++) {
        const xi = x[i]!;
        expect(noise[i]).toBe(xi > 0 ? 1 : slopes[i]);
        expect(out[i]).toBe(xi > 0 ? xi : r(slopes[i]! * xi));
        if (!(xi > 0)) expect(slopes[i]! >= r(lower) && slopes[i]! < r(upper)).toBe(true);
      }
    });

    it('gives the same output and noise for the same seed, and advances the generator as a draw does', () => {
      const x = inputs(5000, dtype, 2);
      const [first, second] = [generatorOf(), generatorOf()];
      const [noiseA, noiseB] = [make(dtype, 5000), make(dtype, 5000)];
      exactlyEqual(rrelu(x, { training: true, generator: first, noise: noiseA }), rrelu(x, { training: true, generator: second, noise: noiseB }));
      exactlyEqual(noiseA, noiseB);
      const reference = generatorOf();
      reference.uniform(5000, { dtype });
      expect(first.offset).toBe(reference.offset);
      const next = rrelu(x, { training: true, generator: first });
      expect(firstDifference(next, rrelu(x, { training: true, generator: generatorOf() }))).not.toBe(-1);
    });

    it('has slopes whose mean is (lower + upper) / 2 (5 standard errors)', () => {
      const n = 200_000;
      const x = make(dtype, n).fill(-1);
      const [lower, upper] = [0.125, 1 / 3];
      const out = rrelu(x, { training: true, lower, upper, generator: generatorOf(7) });
      const mean = -Array.from(out).reduce((a, b) => a + b, 0) / n;
      const standardError = (upper - lower) / Math.sqrt(12 * n);
      expect(Math.abs(mean - (lower + upper) / 2)).toBeLessThan(5 * standardError);
    });

    it('equals the evaluation-mode row without training or with training: false', () => {
      const x = inputs(1000, dtype, 3);
      const row = createActivation(backend.kernels, spec) as ReturnType<typeof createActivation> & Loose;
      const expected = row(x, { lower: 0.2, upper: 0.4 });
      exactlyEqual(rrelu(x, { lower: 0.2, upper: 0.4 }), expected);
      exactlyEqual(rrelu(x, { lower: 0.2, upper: 0.4, training: false }), expected);
      const g = inputs(1000, dtype, 4);
      exactlyEqual(rrelu.backward(g, x, { lower: 0.2, upper: 0.4, training: false }), row.backward(g, x, { lower: 0.2, upper: 0.4 }));
      exactlyEqual(rrelu.derivative(x), row.derivative(x));
    });

    it('computes the backward pass as gradOutput * noise', () => {
      const x = inputs(3001, dtype, 5);
      const g = inputs(3001, dtype, 6);
      const noise = make(dtype, 3001);
      rrelu(x, { training: true, generator: generatorOf(), noise });
      const r = round(dtype);
      exactlyEqual(rrelu.backward(g, x, { training: true, noise }), Array.from(g, (gi, i) => r(gi * noise[i]!)));
    });

    it('keeps NaN in, NaN out, -0 and the infinities', () => {
      const x = make(dtype, [NaN, -0, 0, Infinity, -Infinity]);
      const noise = make(dtype, 5);
      const out = rrelu(x, { training: true, lower: 0.25, upper: 0.25, generator: generatorOf(), noise });
      exactlyEqual(out, [NaN, -0, 0, Infinity, -Infinity]);
      exactlyEqual(noise, [NaN, 0.25, 0.25, 1, 0.25]);
      exactlyEqual(rrelu.backward(make(dtype, [1, 1, 1, 1, 1]), x, { training: true, noise }), [NaN, 0.25, 0.25, 1, 0.25]);
    });

    it('works in place on x and on gradOutput', () => {
      const x = inputs(777, dtype, 8);
      const expected = rrelu(x, { training: true, generator: generatorOf() });
      const inPlace = x.slice();
      const noise = make(dtype, 777);
      expect(rrelu(inPlace, { training: true, generator: generatorOf(), out: inPlace, noise })).toBe(inPlace);
      exactlyEqual(inPlace, expected);
      const g = inputs(777, dtype, 9);
      const gradient = rrelu.backward(g, x, { training: true, noise });
      expect(rrelu.backward(g, x, { training: true, noise, out: g })).toBe(g);
      exactlyEqual(g, gradient);
    });

    it('gives the same results from the Promise forms, and reserves its values at the call', async () => {
      const x = inputs(70_001, dtype, 10);
      const [noise, noiseAsync] = [make(dtype, 70_001), make(dtype, 70_001)];
      const expected = rrelu(x, { training: true, generator: generatorOf(), noise });
      const generator = generatorOf();
      const pending = rrelu.async(x, { training: true, generator, noise: noiseAsync });
      const reference = generatorOf();
      reference.uniform(70_001, { dtype });
      expect(generator.offset).toBe(reference.offset);
      x.fill(-5); // the call reads x as it was
      exactlyEqual(await pending, expected);
      exactlyEqual(noiseAsync, noise);
      const g = inputs(70_001, dtype, 11);
      exactlyEqual(await rrelu.backward.async(g, x, { training: true, noise }), rrelu.backward(g, x, { training: true, noise }));
      exactlyEqual(await rrelu.async(x, { upper: 0.5 }), rrelu(x, { upper: 0.5 }));
    });

    it('agrees bit for bit with the fallback, on every bit pattern', () => {
      const n = 4099;
      const x = dtype === 'float32' ? randomFloat32Bits(n, 12) : randomFloat64Bits(n, 12);
      const g = dtype === 'float32' ? randomFloat32Bits(n, 13) : randomFloat64Bits(n, 13);
      const fallbackRrelu = rreluOn(fallback);
      const [noise, fallbackNoise] = [make(dtype, n), make(dtype, n)];
      const options = { training: true, lower: -0.5, upper: 2.5 };
      exactlyEqual(
        rrelu(x, { ...options, generator: generatorOf(), noise }),
        fallbackRrelu(x, { ...options, generator: new Generator(SEED, { kernels: fallback.kernels }), noise: fallbackNoise }),
      );
      exactlyEqual(noise, fallbackNoise);
      exactlyEqual(rrelu.backward(g, x, { training: true, noise }), fallbackRrelu.backward(g, x, { training: true, noise }));
    });
  });

  describe('validation', () => {
    const x = new Float32Array(8).fill(-1);
    const cases: [string, () => unknown, ErrorConstructor, string][] = [
      ['noise without training', () => rrelu(x, { noise: new Float32Array(8) }), TypeError,
        'Expected undefined (it is used only with training: true) for rrelu option noise but received a Float32Array of length 8'],
      ['a generator with training: false', () => rrelu(x, { training: false, generator: generatorOf() }), TypeError,
        'Expected undefined (it is used only with training: true) for rrelu option generator but received a Generator'],
      ['training that is no boolean', () => rrelu(x, { training: 1 as never }), TypeError,
        'Expected a boolean for rrelu option training but received 1'],
      ['a generator that is no Generator', () => rrelu(x, { training: true, generator: 42 as never }), TypeError,
        'Expected a Generator for rrelu option generator but received 42'],
      ['lower above upper', () => rrelu(x, { training: true, lower: 0.5, upper: 0.25 }), RangeError,
        'Expected lower <= upper for rrelu options but received lower = 0.5, upper = 0.25'],
      ['bounds too far apart for float32', () => rrelu(x, { training: true, lower: -3e38, upper: 3e38 }), RangeError,
        'Expected bounds whose difference is finite in float32 for rrelu options but received lower = -3e+38, upper = 3e+38'],
      ['noise of another type', () => rrelu(x, { training: true, noise: new Float64Array(8) as never }), TypeError,
        'Expected a Float32Array (like x) for noise but received a Float64Array of length 8'],
      ['noise that is x', () => rrelu(x, { training: true, noise: x }), RangeError,
        'Expected an array sharing no memory with x for noise but received one sharing memory with x'],
      ['noise that is out', () => {
        const out = new Float32Array(8);
        return rrelu(x, { training: true, noise: out, out });
      }, RangeError, 'Expected an array sharing no memory with out for noise but received one sharing memory with out'],
      ['an unknown option', () => rrelu(x, { training: true, seed: 1 } as never), TypeError,
        'Expected one of out, lower, upper, training, generator, noise for rrelu options but received an unknown option "seed"'],
      ['a training backward pass without noise', () => rrelu.backward(x, x, { training: true }), TypeError,
        'Expected a Float32Array (like x; required with training: true) for rrelu.backward option noise but received undefined'],
      ['noise in an evaluation backward pass', () => rrelu.backward(x, x, { noise: x }), TypeError,
        'Expected undefined (it is used only with training: true) for rrelu.backward option noise but received a Float32Array of length 8'],
      ['noise of a wrong length', () => rrelu.backward(x, x, { training: true, noise: new Float32Array(7) }), RangeError,
        'Expected a Float32Array of length 8 (like x) for noise but received a Float32Array of length 7'],
    ];

    it.each(cases)('rejects %s', (_name, call, kind, text) => {
      expect(call).toThrow(kind);
      expect(call).toThrow(text);
    });

    it('neither advances the generator nor writes anything when it rejects a call', async () => {
      const generator = generatorOf();
      const [out, noise] = [new Float32Array(8).fill(3), new Float32Array(8).fill(3)];
      expect(() => rrelu(x, { training: true, lower: 2, upper: 1, generator, out, noise })).toThrow(RangeError);
      await expect(rrelu.async(x, { training: true, generator, out, noise: out })).rejects.toThrow(RangeError);
      expect(generator.offset).toBe(0n);
      expect([...out, ...noise].every((v) => v === 3)).toBe(true);
    });
  });
});
