/**
 * prelu on every backend: against a straightforward reference for shared and per-channel slopes
 * along every axis of 1- to 4-d shapes (channels-first and channels-last, long and short runs,
 * several tiles of the weight-gradient sum), the gradient of the weights against a float64 sum,
 * bit for bit with the fallback and across thread counts, special values, in place, views,
 * Promise forms, and validation.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Addon, FloatArray } from '../binding.js';
import { type Prelu, createPrelu } from '../lib/prelu.js';
import { type TestBackend, backends, fallback, native, nativeBackends } from './helpers/backends.js';
import { type Dtype, bits32, firstDifference, randomFloat32Bits, randomFloat64Bits, ulpAt } from './helpers/numbers.js';

const DTYPES: readonly Dtype[] = ['float32', 'float64'];
const make = (dtype: Dtype, values: ArrayLike<number> | number): FloatArray =>
  dtype === 'float32' ? new Float32Array(values as ArrayLike<number>) : new Float64Array(values as ArrayLike<number>);
const round = (dtype: Dtype) => (dtype === 'float32' ? Math.fround : (v: number) => v);
const productOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Finite values of both signs with full significands over many magnitudes (so that sums round and
 * their order shows), and exact zeros of both signs.
 */
function mixedValues(n: number, dtype: Dtype, seed: number): FloatArray {
  const source = bits32(seed);
  const out = make(dtype, n);
  for (let i = 0; i < n; i++) {
    const [word, fraction] = [source.next().value!, source.next().value! / 2 ** 32 + source.next().value! / 2 ** 64];
    const magnitude = (1 + fraction) * 2 ** ((word >>> 8) % 41 - 20);
    out[i] = word % 17 === 0 ? (word & 1 ? 0 : -0) : word & 0x80000000 ? -magnitude : magnitude;
  }
  return out;
}

interface Case {
  readonly shape: readonly number[];
  readonly channelAxis?: number;
  /** The slopes' count: 1 (shared) or the channel axis's size. */
  readonly shared: boolean;
}

/** The channel index of each element under PyTorch's rules, written out plainly. */
function channelIndex(shape: readonly number[], axis: number | undefined): (i: number) => number {
  if (axis === undefined) return () => 0;
  const inner = productOf(shape.slice(axis + 1));
  return (i) => Math.floor(i / inner) % shape[axis]!;
}

function resolvedAxis(c: Case): number | undefined {
  if (c.channelAxis === undefined) return c.shape.length >= 2 ? 1 : undefined;
  return c.channelAxis < 0 ? c.channelAxis + c.shape.length : c.channelAxis;
}

interface Reference {
  forward: number[];
  derivative: number[];
  gradInput: number[];
  gradWeight: number[];
  /** Sum of |x * gradOutput| per slope: the scale of the weight gradient's rounding. */
  magnitude: number[];
}

function reference(c: Case, x: FloatArray, g: FloatArray, w: FloatArray, dtype: Dtype): Reference {
  const r = round(dtype);
  const slopeOf = c.shared ? () => 0 : channelIndex(c.shape, resolvedAxis(c));
  const out: Reference = { forward: [], derivative: [], gradInput: [], gradWeight: [], magnitude: [] };
  const sums = Array.from({ length: w.length }, () => ({ sum: 0, compensation: 0, magnitude: 0 }));
  for (let i = 0; i < x.length; i++) {
    const [xi, gi, slope] = [x[i]!, g[i]!, w[slopeOf(i)]!];
    out.forward.push(xi > 0 ? xi : r(slope * xi));
    const d = Number.isNaN(xi) ? NaN : xi > 0 ? 1 : slope;
    out.derivative.push(d);
    out.gradInput.push(r(gi * d));
    if (!(xi > 0)) {
      // Neumaier's compensated sum: a reference far more accurate than the sum under test.
      const s = sums[slopeOf(i)]!;
      const term = xi * gi;
      const t = s.sum + term;
      s.compensation += Math.abs(s.sum) >= Math.abs(term) ? s.sum - t + term : term - t + s.sum;
      s.sum = t;
      s.magnitude += Math.abs(term);
    }
  }
  out.gradWeight = sums.map((s) => s.sum + s.compensation);
  out.magnitude = sums.map((s) => s.magnitude);
  return out;
}

function weightsFor(c: Case, dtype: Dtype): FloatArray {
  const axis = resolvedAxis(c);
  const count = c.shared || axis === undefined ? 1 : c.shape[axis]!;
  return make(dtype, Array.from({ length: count }, (_, i) => (i % 5 === 4 ? -0.5 : 0.03125 * (i + 1) + 0.001 * i)));
}

const exactlyEqual = (actual: ArrayLike<number>, expected: ArrayLike<number>) => expect(firstDifference(actual, expected)).toBe(-1);

// Shapes with long runs (inner >= 16) and short ones, channels-last, segments beyond 4096 along
// inner, more rows than one tile holds, and tails that fill no vector.
const CASES: Case[] = [
  { shape: [37], shared: true },
  { shape: [37], channelAxis: 0, shared: false },
  { shape: [5, 7], shared: false },
  { shape: [300, 70], shared: false },
  { shape: [300, 70], channelAxis: 0, shared: false },
  { shape: [300, 70], shared: true },
  { shape: [9000, 3], channelAxis: -1, shared: false },
  for3d(0),
  for3d(1),
  for3d(2),
  for3d(-1),
  { shape: [3, 4, 5], channelAxis: -2, shared: true },
  ...[0, 1, 2, 3, -1].map((axis) => ({ shape: [3, 5, 4, 17], channelAxis: axis, shared: false })),
  { shape: [2, 6, 9, 9], shared: false },
  { shape: [2, 3, 9000], shared: false },
  { shape: [1, 2, 20000], channelAxis: 1, shared: false },
  { shape: [20000, 1, 2], channelAxis: 1, shared: false },
  { shape: [5, 3, 1, 1], shared: false },
  { shape: [0, 4], shared: false },
  { shape: [0, 4], shared: true },
];

const ASYNC_CASES: Case[] = [
  { shape: [300, 70], shared: false },
  { shape: [9000, 3], channelAxis: -1, shared: false },
  { shape: [20000, 1, 2], channelAxis: 1, shared: false },
];

function for3d(axis: number): Case {
  return { shape: [6, 7, 23], channelAxis: axis, shared: false };
}

const label = (c: Case) => `[${c.shape.join(', ')}] axis ${c.channelAxis ?? 'default'}${c.shared ? ', shared slope' : ''}`;

describe.each(backends)('prelu on $label', (backend: TestBackend) => {
  const prelu = createPrelu(backend.kernels);
  const fallbackPrelu = createPrelu(fallback.kernels);

  describe.each(DTYPES)('%s', (dtype) => {
    it.each(CASES)('matches the reference for $shape (case %#)', (c) => {
      const n = productOf(c.shape);
      const x = mixedValues(n, dtype, n + 1);
      const g = mixedValues(n, dtype, n + 2);
      const w = weightsFor(c, dtype);
      const options = { shape: c.shape, channelAxis: c.channelAxis };
      const expected = reference(c, x, g, w, dtype);
      exactlyEqual(prelu(x, w, options), expected.forward);
      exactlyEqual(prelu.derivative(x, w, options), expected.derivative);
      const { gradInput, gradWeight } = prelu.backward(g, x, w, options);
      exactlyEqual(gradInput, expected.gradInput);
      expect(gradWeight.length).toBe(w.length);
      for (let j = 0; j < w.length; j++) {
        const tolerance = ulpAt(expected.gradWeight[j]!, dtype) + 1e-12 * expected.magnitude[j]!;
        expect(Math.abs(gradWeight[j]! - expected.gradWeight[j]!), `${label(c)} slope ${j}`).toBeLessThanOrEqual(tolerance);
      }
      // bit for bit with the fallback, the weight gradient included
      const fromFallback = fallbackPrelu.backward(g, x, w, options);
      exactlyEqual(gradWeight, fromFallback.gradWeight);
    });

    it('gives the slope as the derivative at +-0, NaN at NaN, and the limits at +-Inf', () => {
      const x = make(dtype, [0, -0, NaN, Infinity, -Infinity, -2, 3]);
      const w = make(dtype, [0.25]);
      exactlyEqual(prelu(x, w), [0, -0, NaN, Infinity, -Infinity, -0.5, 3]);
      exactlyEqual(prelu.derivative(x, w), [0.25, 0.25, NaN, 1, 0.25, 0.25, 1]);
      const g = make(dtype, [2, 2, 2, 2, 2, 2, 2]);
      const { gradInput, gradWeight } = prelu.backward(g, x, w);
      exactlyEqual(gradInput, [0.5, 0.5, NaN, 2, 0.5, 0.5, 2]);
      expect(gradWeight[0]).toBeNaN();
      // without the NaN and the infinities: 0 * 2 + -0 * 2 + -2 * 2
      expect(prelu.backward(g.subarray(0, 2), x.subarray(0, 2), w).gradWeight[0]).toBe(0);
      expect(prelu.backward(make(dtype, [1, 5]), make(dtype, [-2, 7]), w).gradWeight[0]).toBe(-2);
      expect(prelu.backward(make(dtype, [1]), make(dtype, [-Infinity]), w).gradWeight[0]).toBe(-Infinity);
    });

    it('works in place and writes the weight gradient over the weights', () => {
      const c: Case = { shape: [4, 6, 20], shared: false };
      const x = mixedValues(480, dtype, 3);
      const g = mixedValues(480, dtype, 4);
      const w = weightsFor(c, dtype);
      const expected = prelu.backward(g, x, w, { shape: c.shape });
      const forward = prelu(x, w, { shape: c.shape });
      const inPlace = x.slice();
      expect(prelu(inPlace, w, { shape: c.shape, out: inPlace })).toBe(inPlace);
      exactlyEqual(inPlace, forward);
      const [gradCopy, weightCopy] = [g.slice(), w.slice()];
      const result = prelu.backward(gradCopy, x, weightCopy, { shape: c.shape, out: gradCopy, weightOut: weightCopy });
      expect(result.gradInput).toBe(gradCopy);
      expect(result.gradWeight).toBe(weightCopy);
      exactlyEqual(gradCopy, expected.gradInput);
      exactlyEqual(weightCopy, expected.gradWeight);
    });

    it('reads and writes subarray views at their byte offsets, and nothing around them', () => {
      const guard = -12345;
      const shape = [3, 4, 19];
      const n = productOf(shape);
      const source = mixedValues(n + 10, dtype, 5);
      const x = source.subarray(3, 3 + n);
      const g = mixedValues(n + 10, dtype, 6).subarray(7, 7 + n);
      const w = make(dtype, [guard, 0.5, -0.25, 2, 0.125, guard]).subarray(1, 5);
      const expected = prelu.backward(g.slice(), x.slice(), w.slice(), { shape });
      const target = make(dtype, n + 9).fill(guard);
      const weightTarget = make(dtype, 9).fill(guard);
      const out = target.subarray(4, 4 + n);
      prelu.backward(g, x, w, { shape, out, weightOut: weightTarget.subarray(2, 6) });
      exactlyEqual(out, expected.gradInput);
      exactlyEqual(weightTarget.subarray(2, 6), expected.gradWeight);
      for (const [array, from, to] of [[target, 4, 4 + n], [weightTarget, 2, 6]] as const) {
        expect(Array.from(array).every((v, i) => (i >= from && i < to) || v === guard)).toBe(true);
      }
      prelu(x, w, { shape, out });
      exactlyEqual(out, prelu(x.slice(), w.slice(), { shape }));
      expect(Array.from(target).every((v, i) => (i >= 4 && i < 4 + n) || v === guard)).toBe(true);
    });

    it('gives the same results from the Promise forms', async () => {
      for (const c of ASYNC_CASES) {
        const n = productOf(c.shape);
        const [x, g, w] = [mixedValues(n, dtype, 8), mixedValues(n, dtype, 9), weightsFor(c, dtype)];
        const options = { shape: c.shape, channelAxis: c.channelAxis };
        exactlyEqual(await prelu.async(x, w, options), prelu(x, w, options));
        exactlyEqual(await prelu.derivative.async(x, w, options), prelu.derivative(x, w, options));
        const [sync, promised] = [prelu.backward(g, x, w, options), await prelu.backward.async(g, x, w, options)];
        exactlyEqual(promised.gradInput, sync.gradInput);
        exactlyEqual(promised.gradWeight, sync.gradWeight);
      }
    });

    it('reads inputs as they were at a Promise call', async () => {
      const [x, g, w] = [mixedValues(1000, dtype, 10), mixedValues(1000, dtype, 11), make(dtype, [0.5, 0.25])];
      const options = { shape: [10, 2, 50] };
      const expected = prelu.backward(g, x, w, options);
      const pending = prelu.backward.async(g, x, w, options);
      x.fill(-1);
      w.fill(3);
      const result = await pending;
      exactlyEqual(result.gradInput, expected.gradInput);
      exactlyEqual(result.gradWeight, expected.gradWeight);
    });
  });

  it('agrees bit for bit with the fallback on random bit patterns (NaN, Inf, subnormals)', () => {
    for (const dtype of DTYPES) {
      for (const c of CASES) {
        const n = productOf(c.shape);
        const bits = dtype === 'float32' ? randomFloat32Bits : randomFloat64Bits;
        const [x, g, w] = [bits(n, 21), bits(n, 22), weightsFor(c, dtype)];
        const options = { shape: c.shape, channelAxis: c.channelAxis };
        exactlyEqual(prelu(x, w, options), fallbackPrelu(x, w, options));
        exactlyEqual(prelu.derivative(x, w, options), fallbackPrelu.derivative(x, w, options));
        const [ours, theirs] = [prelu.backward(g, x, w, options), fallbackPrelu.backward(g, x, w, options)];
        exactlyEqual(ours.gradInput, theirs.gradInput);
        exactlyEqual(ours.gradWeight, theirs.gradWeight);
      }
    }
  });
});

const detach = (array: FloatArray) => structuredClone(array.buffer, { transfer: [array.buffer as ArrayBuffer] });

describe.each(backends)('prelu Promise calls with arrays changed meanwhile on $label', (backend) => {
  const prelu = createPrelu(backend.kernels);
  // Larger than one fallback slice, so the fallback is still running when the detach happens.
  const shape = [3, 4, 25_001];
  const n = productOf(shape);

  it('computes from the inputs as they were when they are detached meanwhile', async () => {
    const [x, g, w] = [mixedValues(n, 'float32', 41), mixedValues(n, 'float32', 42), weightsFor({ shape, shared: false }, 'float32')];
    const expected = prelu.backward(g, x, w, { shape });
    const pending = prelu.backward.async(g, x, w, { shape });
    for (const array of [x, g, w]) detach(array);
    const result = await pending;
    exactlyEqual(result.gradInput, expected.gradInput);
    exactlyEqual(result.gradWeight, expected.gradWeight);
  });

  it('rejects with a TypeError when an output is detached before the call settles', async () => {
    const [x, w] = [mixedValues(n, 'float64', 43), weightsFor({ shape, shared: false }, 'float64')];
    const weightOut = make('float64', 4);
    const pending = prelu.backward.async(x, x, w, { shape, weightOut });
    detach(weightOut);
    await expect(pending).rejects.toThrow(TypeError);
    await expect(pending).rejects.toThrow(/detached or resized/);
    const out = make('float64', n);
    const forward = prelu.async(x, w, { shape, out });
    detach(out);
    await expect(forward).rejects.toThrow(/out .*detached or resized/);
  });

  it('writes nothing, and does not throw, into detached outputs with no elements', async () => {
    // The fallback once called set() on them, which V8 refuses on a detached array even when empty.
    const [x, w] = [make('float32', 0), make('float32', 0)];
    const [weightOut, out] = [make('float32', 0), make('float32', 0)];
    for (const array of [weightOut, out]) detach(array);
    expect(prelu.backward(x, x, w, { shape: [2, 0, 3], out, weightOut }).gradWeight.length).toBe(0);
    expect((await prelu.backward.async(x, x, w, { shape: [2, 0, 3], out, weightOut })).gradWeight.length).toBe(0);
  });

  it('works in place on SharedArrayBuffer views', async () => {
    const shared = (values: FloatArray) => {
      const array = new Float32Array(new SharedArrayBuffer(4 * values.length));
      array.set(values);
      return array;
    };
    const [x, g, w] = [mixedValues(n, 'float32', 44), mixedValues(n, 'float32', 45), weightsFor({ shape, shared: false }, 'float32')];
    const expected = prelu.backward(g, x, w, { shape });
    const [gradShared, weightShared] = [shared(g), shared(w)];
    const result = await prelu.backward.async(gradShared, x, weightShared, { shape, out: gradShared, weightOut: weightShared });
    expect(result.gradInput).toBe(gradShared);
    exactlyEqual(gradShared, expected.gradInput);
    exactlyEqual(weightShared, expected.gradWeight);
  });
});

describe.runIf(native)('prelu across thread counts', () => {
  const addon = native?.addon as Addon;
  const original = addon?.threads();
  afterAll(() => addon?.setThreads(original));

  it.each(nativeBackends)('$label gives the same bits with 1, 2 and 3 threads', (backend) => {
    const prelu: Prelu = createPrelu(backend.kernels);
    const cases: Case[] = [
      { shape: [16, 64, 1000], shared: false },
      { shape: [15625, 64], channelAxis: -1, shared: false },
      { shape: [1, 1_000_000], shared: true },
      { shape: [200_000, 3, 2], shared: false },
    ];
    for (const c of cases) {
      const n = productOf(c.shape);
      const [x, g, w] = [mixedValues(n, 'float32', 31), mixedValues(n, 'float32', 32), weightsFor(c, 'float32')];
      const options = { shape: c.shape, channelAxis: c.channelAxis };
      const results: FloatArray[][] = [];
      for (const threads of [1, 2, 3]) {
        addon.setThreads(threads);
        const { gradInput, gradWeight } = prelu.backward(g, x, w, options);
        results.push([prelu(x, w, options), prelu.derivative(x, w, options), gradInput, gradWeight]);
      }
      for (const result of results.slice(1)) result.forEach((array, i) => exactlyEqual(array, results[0]![i]!));
      const fromFallback = createPrelu(fallback.kernels).backward(g, x, w, options);
      exactlyEqual(results[0]![3]!, fromFallback.gradWeight);
    }
  });
});

describe.each(backends)('prelu validation on $label', (backend) => {
  const prelu = createPrelu(backend.kernels);
  const x = new Float32Array(24);
  const w = new Float32Array(3);

  const cases: [string, () => unknown, ErrorConstructor, string][] = [
    ['x not a float array', () => prelu([1, 2] as never, w), TypeError, 'Expected a Float32Array or Float64Array for x but received an Array of length 2'],
    ['weight of another type', () => prelu(x, new Float64Array(3) as never, { shape: [2, 3, 4] }), TypeError,
      'Expected a Float32Array (like x) for weight but received a Float64Array of length 3'],
    ['weight of a wrong length', () => prelu(x, new Float32Array(4), { shape: [2, 3, 4] }), RangeError,
      'Expected a Float32Array of length 1 or 3 (the size of axis 1 of shape [2, 3, 4]) for weight but received a Float32Array of length 4'],
    ['per-channel weight without a channel axis', () => prelu(x, w), RangeError,
      'Expected a Float32Array of length 1 (shape [24] has no channel axis) for weight but received a Float32Array of length 3'],
    ['a shape of another size', () => prelu(x, w, { shape: [2, 3, 5] }), RangeError,
      'Expected a shape of 24 elements (the length of x) for prelu option shape but received [2, 3, 5] (30 elements)'],
    ['a shape with a negative size', () => prelu(x, w, { shape: [-2, 3, -4] }), RangeError,
      'Expected an array of non-negative integers for prelu option shape but received [-2, 3, -4]'],
    ['a shape that is no array', () => prelu(x, w, { shape: 24 as never }), TypeError,
      'Expected an array of non-negative integers for prelu option shape but received 24'],
    ['a channelAxis out of range', () => prelu(x, w, { shape: [2, 3, 4], channelAxis: 3 }), RangeError,
      'Expected an integer from -3 to 2 for prelu option channelAxis but received 3'],
    ['a channelAxis below range', () => prelu.derivative(x, w, { shape: [2, 3, 4], channelAxis: -4 }), RangeError,
      'Expected an integer from -3 to 2 for prelu.derivative option channelAxis but received -4'],
    ['a channelAxis that is no number', () => prelu(x, w, { shape: [2, 3, 4], channelAxis: '1' as never }), TypeError,
      'Expected an integer from -3 to 2 for prelu option channelAxis but received "1"'],
    ['an unknown option', () => prelu(x, w, { shape: [2, 3, 4], axis: 1 } as never), TypeError,
      'Expected one of shape, channelAxis, out for prelu options but received an unknown option "axis"'],
    ['an out of the wrong length', () => prelu(x, w, { shape: [2, 3, 4], out: new Float32Array(23) }), RangeError,
      'Expected a Float32Array of length 24 (like x) for out but received a Float32Array of length 23'],
    ['gradOutput and x of different lengths', () => prelu.backward(new Float32Array(23), x, w, { shape: [2, 3, 4] }), RangeError,
      'Expected a Float32Array of length 23 (like gradOutput) for x but received a Float32Array of length 24'],
    ['a weightOut of the wrong length', () => prelu.backward(x, x, w, { shape: [2, 3, 4], weightOut: new Float32Array(2) }), RangeError,
      'Expected a Float32Array of length 3 (like weight) for weightOut but received a Float32Array of length 2'],
    ['a weightOut inside out', () => {
      const out = new Float32Array(24);
      return prelu.backward(x, x, w, { shape: [2, 3, 4], out, weightOut: out.subarray(5, 8) });
    }, RangeError, 'Expected an array sharing no memory with out for weightOut but received one sharing memory with out'],
    ['a backward option it does not know', () => prelu.backward(x, x, w, { noise: x } as never), TypeError,
      'Expected one of shape, channelAxis, out, weightOut for prelu.backward options but received an unknown option "noise"'],
  ];

  it.each(cases)('rejects %s, writing nothing', (_name, call, kind, text) => {
    expect(call).toThrow(kind);
    expect(call).toThrow(text);
  });

  it('rejects from the Promise forms instead of throwing', async () => {
    await expect(prelu.async(x, w, { shape: [2, 3, 5] })).rejects.toThrow(RangeError);
    await expect(prelu.backward.async(x, x, new Float32Array(4), { shape: [2, 3, 4] })).rejects.toThrow(RangeError);
  });

  it('leaves out untouched when the options are bad', () => {
    const out = new Float32Array(24).fill(7);
    expect(() => prelu(new Float32Array(24).fill(-1), w, { shape: [2, 3, 4], out, channelAxis: 9 })).toThrow(RangeError);
    expect(out.every((v) => v === 7)).toBe(true);
  });

  it('has kernels that refuse layouts that do not fit the arrays', () => {
    const k = backend.kernels;
    expect(() => k.prelu(0, x, w, x, 2, 3, 5)).toThrow('Expected outer * channels * inner to be the length of x (24)');
    expect(() => k.prelu(0, x, new Float32Array(2), x, 2, 3, 4)).toThrow('Expected weight to have `channels` (3) elements but received length 2');
    expect(() => k.prelu(3 as never, x, w, x, 2, 3, 4)).toThrow(RangeError);
    expect(() => k.prelu(0, x, w, new Float32Array(23), 2, 3, 4)).toThrow(RangeError);
    expect(() => k.prelu(0, x, w, x, 2 ** 26, 2 ** 26, 2 ** 26)).toThrow(RangeError);
    expect(() => k.prelu(0, x, w, x, -1, 3, 4)).toThrow(RangeError);
    expect(() => k.preluBackward(x, x, w, x, new Float32Array(2), 2, 3, 4)).toThrow(
      'Expected gradWeight to have the element type and length of weight',
    );
  });
});
