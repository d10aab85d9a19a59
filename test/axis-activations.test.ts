/**
 * The activations along an axis (softmax, logSoftmax, softmin, glu) on every backend: accuracy
 * against high-precision references (worst ULP reported), every axis of 1- to 4-d shapes against a
 * straightforward reference, masks, rows of -Inf, +Inf and NaN, gradients against central
 * differences, in place, views, Promise forms, validation, thread counts, and the native kernels
 * against the fallback bit for bit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Addon, FloatArray } from '../binding.js';
import { type AxisActivations, createAxisActivations } from '../lib/axis-activations.js';
import { type AxisActivationSpec, axisActivationSpecs } from '../lib/spec/axis-activations.js';
import { backends, fallback, native, nativeBackends, skippedBackends } from './helpers/backends.js';
import { type Dtype, firstDifference, randomFloat32Bits, randomFloat64Bits, sameValue, ulpError } from './helpers/numbers.js';

const DTYPES: readonly Dtype[] = ['float32', 'float64'];
const EPSILON: Record<Dtype, number> = { float32: 2 ** -23, float64: 2 ** -52 };
const make = (dtype: Dtype, values: ArrayLike<number> | number): FloatArray =>
  dtype === 'float32' ? new Float32Array(values as ArrayLike<number>) : new Float64Array(values as ArrayLike<number>);
const specs = axisActivationSpecs as readonly AxisActivationSpec[];
const reductions = specs.filter((spec) => !spec.halvesAxis);

// A loose call shape for every row: (x, options) and (gradOutput, input, options).
interface Loose {
  (x: FloatArray, options?: object): FloatArray;
  async(x: FloatArray, options?: object): Promise<FloatArray>;
  backward: ((g: FloatArray, x: FloatArray, options?: object) => FloatArray) & {
    async(g: FloatArray, x: FloatArray, options?: object): Promise<FloatArray>;
  };
  backwardFromOutput?: (g: FloatArray, y: FloatArray, options?: object) => FloatArray;
}
const apiOf = (kernels: Parameters<typeof createAxisActivations>[0]) => createAxisActivations(kernels);
const loose = (api: AxisActivations, name: string) => api[name as keyof AxisActivations] as unknown as Loose;

const worstUlp = new Map<string, number>();
afterAll(() => {
  const rows = [...worstUlp.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (rows.length > 0) console.info(`worst error against the high-precision references (ULP):\n${rows.map(([k, v]) => `  ${k}: ${v.toFixed(3)}`).join('\n')}`);
});

for (const skipped of skippedBackends) {
  describe.skip(`${skipped.label} (${skipped.reason})`, () => {
    it('runs every along-axis test', () => {});
  });
}

/** Deterministic values in [-scale, scale). */
function values(n: number, seed: number, scale: number): number[] {
  let state = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 * scale;
  });
}

/** [outer, length, inner] of a shape along an axis. */
function viewOf(shape: readonly number[], axis: number): [number, number, number] {
  const a = axis < 0 ? axis + shape.length : axis;
  const product = (sizes: readonly number[]) => sizes.reduce((p, s) => p * s, 1);
  return [product(shape.slice(0, a)), shape[a]!, product(shape.slice(a + 1))];
}

/** The straightforward definitions in double, row by row, for rows with a finite maximum. */
function reference(name: string, x: ArrayLike<number>, shape: readonly number[], axis: number, mask?: Uint8Array): number[] {
  const [outer, length, inner] = viewOf(shape, axis);
  if (name === 'glu') {
    const half = length / 2;
    const out: number[] = [];
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < half; k++) {
        for (let i = 0; i < inner; i++) {
          const a = x[(o * length + k) * inner + i]!;
          const b = x[(o * length + k + half) * inner + i]!;
          out.push(a / (1 + Math.exp(-b)));
        }
      }
    }
    return out;
  }
  const out = new Array<number>(x.length);
  const sign = name === 'softmin' ? -1 : 1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * length + k) * inner + i;
      const on = (k: number) => !mask || mask[at(k)] !== 0;
      let m = -Infinity;
      for (let k = 0; k < length; k++) if (on(k)) m = Math.max(m, sign * x[at(k)]!);
      let sum = 0;
      for (let k = 0; k < length; k++) if (on(k)) sum += Math.exp(sign * x[at(k)]! - m);
      for (let k = 0; k < length; k++) {
        const d = sign * x[at(k)]! - m;
        if (name === 'logSoftmax') out[at(k)] = on(k) ? d - Math.log(sum) : -Infinity;
        else out[at(k)] = on(k) ? Math.exp(d) / sum : 0;
      }
    }
  }
  return out;
}

/** Within 16 epsilons, relative (or absolute, where the double reference itself cancels: logSoftmax near 0). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, dtype: Dtype, label: string, absolute = false): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i]!, expected[i]!];
    const ok = a === e || Math.abs(a - e) <= 16 * EPSILON[dtype] * Math.max(Math.abs(e), absolute ? 1 : 1e-30);
    if (!ok) expect.fail(`${label}: element ${i} is ${a}, expected ${e}`);
  }
}

interface FixtureRow {
  readonly x: Float64Array;
  readonly hi: Float64Array;
  readonly lo: Float64Array;
}

function loadFixture(name: string, dtype: Dtype): FixtureRow[] {
  const bytes = readFileSync(join(__dirname, 'fixtures', `axis-${name}-${dtype}.f64`));
  const data = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const rows: FixtureRow[] = [];
  for (let at = 0; at < data.length; ) {
    const n = data[at++]!;
    const x = data.slice(at, at + n);
    at += n;
    const m = data[at++]!;
    const hi = new Float64Array(m);
    const lo = new Float64Array(m);
    for (let j = 0; j < m; j++, at += 2) [hi[j], lo[j]] = [data[at]!, data[at + 1]!];
    rows.push({ x, hi, lo });
  }
  return rows;
}

/** Every axis of shapes from 1 to 4 dimensions, with odd and vector-straddling sizes. */
const SHAPES: readonly (readonly number[])[] = [[37], [5, 19], [3, 4, 17], [2, 3, 5, 9], [1, 33, 2], [6, 1, 10]];

describe('the table', () => {
  it('names every kernel the backends provide, in their order', () => {
    for (const backend of backends) expect(backend.kernels.axisActivationNames()).toEqual(specs.map((spec) => spec.name));
  });
});

describe.each(backends)('$label', (backend) => {
  const api = apiOf(backend.kernels);

  describe.each(specs)('$name', (spec) => {
    const f = loose(api, spec.name);
    const evenShape = (shape: readonly number[], axis: number) =>
      shape.map((size, i) => (i === (axis < 0 ? axis + shape.length : axis) ? 2 * size : size));

    describe.each(DTYPES)('%s', (dtype) => {
      it(`is within ${spec.ulp[dtype]} ULP of the high-precision reference, along contiguous and strided rows`, () => {
        let worst = 0;
        let worstAt = '';
        for (const row of loadFixture(spec.name, dtype)) {
          const n = row.x.length;
          // The row alone, and as column 1 of an [n, 3] array (the other columns hold other values).
          const strided = make(dtype, 3 * n);
          for (let k = 0; k < n; k++) [strided[3 * k], strided[3 * k + 1], strided[3 * k + 2]] = [-row.x[k]!, row.x[k]!, k];
          const results = [f(make(dtype, row.x)), f(strided, { shape: [n, 3], axis: 0 })];
          const m = row.hi.length;
          for (const [layout, result] of results.entries()) {
            for (let j = 0; j < m; j++) {
              const value = layout === 0 ? result[j]! : result[3 * j + 1]!;
              const error = ulpError(value, row.hi[j]!, row.lo[j]!, dtype);
              if (error > worst) [worst, worstAt] = [error, `row of ${n} from ${row.x[0]}, output ${j}: ${value} vs ${row.hi[j]}`];
            }
          }
        }
        worstUlp.set(`${backend.label} ${spec.name} ${dtype}`, worst);
        expect(worst, worstAt).toBeLessThanOrEqual(spec.ulp[dtype]);
      });

      it('agrees with the straightforward definition along every axis of 1- to 4-d arrays', () => {
        for (const base of SHAPES) {
          for (let axis = -base.length; axis < base.length; axis++) {
            const shape = spec.halvesAxis ? evenShape(base, axis) : base;
            const size = shape.reduce((p, s) => p * s, 1);
            const x = make(dtype, values(size, size + axis + 7, 6));
            expectClose(f(x, { shape, axis }), reference(spec.name, x, shape, axis), dtype, `shape [${shape}] axis ${axis}`, spec.name === 'logSoftmax');
          }
        }
      });

      it('stays finite for values near the largest finite', () => {
        const big = dtype === 'float32' ? 3.4e38 : 1.7e308;
        const x = make(dtype, [big, -big, big * 0.5, 0, -big * 0.9, big]);
        const y = f(x, spec.halvesAxis ? {} : { shape: [2, 3] });
        expect(Array.from(y).every((v) => Number.isFinite(v) || (spec.name === 'logSoftmax' && v === -Infinity))).toBe(true);
        if (spec.name === 'softmax') expect(Array.from(y)).toEqual([1, 0, 0, 0, 0, 1]);
      });

      it('gives the gradient of sum(gradOutput * f(x)) (central differences in float64)', () => {
        const cases: [number[], number][] = spec.halvesAxis
          ? [[[6, 3, 2], 0], [[3, 6, 2], 1], [[3, 3, 4], -1]]
          : [[[3, 5, 2], 0], [[3, 5, 2], 1], [[3, 5, 2], -1]];
        for (const [shape, axis] of cases) {
          const size = shape.reduce((p, s) => p * s, 1);
          const x = make(dtype, values(size, 11 + axis, 2));
          const g = make(dtype, values(spec.halvesAxis ? size / 2 : size, 3 + axis, 1));
          const gradient = f.backward(g, x, { shape, axis });
          // The exact gradient at these (float32) inputs, from float64 central differences.
          const [x64, g64] = [new Float64Array(x), new Float64Array(g)];
          const objective = (input: Float64Array) => Array.from(f(input, { shape, axis })).reduce((sum, y, i) => sum + g64[i]! * y, 0);
          const h = 1e-6;
          for (let k = 0; k < size; k++) {
            const [up, down] = [x64.slice(), x64.slice()];
            up[k]! += h;
            down[k]! -= h;
            const estimate = (objective(up) - objective(down)) / (2 * h);
            const tolerance = dtype === 'float32' ? 1e-5 : 1e-7;
            expect(Math.abs(gradient[k]! - estimate), `axis ${axis} element ${k}`).toBeLessThan(tolerance * Math.max(1, Math.abs(estimate)));
          }
        }
      });

      it.runIf(spec.fromOutput !== undefined)('computes backwardFromOutput from y = f(x) as backward does from x', () => {
        const shape = [4, 33];
        const x = make(dtype, values(132, 5, 8));
        const g = make(dtype, values(132, 9, 2));
        const y = f(x, { shape });
        const fromInput = f.backward(g, x, { shape });
        const fromOutput = f.backwardFromOutput!(g, y, { shape });
        if (spec.name === 'logSoftmax') {
          // e^y carries y's rounding error, |y| epsilons of it.
          fromOutput.forEach((v, i) => expect(Math.abs(v - fromInput[i]!)).toBeLessThanOrEqual(64 * EPSILON[dtype] * (Math.abs(fromInput[i]!) + 8)));
        } else {
          expect(firstDifference(fromOutput, fromInput), 'softmax gradients from y and from x are the same bits').toBe(-1);
        }
      });

      it('works in place, returning the very array it was given', () => {
        const shape = spec.halvesAxis ? [6, 8] : [6, 7];
        const x = make(dtype, values(shape[0]! * shape[1]!, 21, 5));
        const outSize = spec.halvesAxis ? x.length / 2 : x.length;
        const g = make(dtype, values(outSize, 22, 1));
        const expectedBackward = f.backward(g, x, { shape, axis: 0 });
        const inputs = x.slice();
        expect(f.backward(g, inputs, { shape, axis: 0, out: inputs })).toBe(inputs);
        expect(firstDifference(inputs, expectedBackward)).toBe(-1);
        if (spec.halvesAxis) return;
        const expected = f(x, { shape, axis: 0 });
        const inPlace = x.slice();
        expect(f(inPlace, { shape, axis: 0, out: inPlace })).toBe(inPlace);
        expect(firstDifference(inPlace, expected)).toBe(-1);
        const grads = g.slice();
        expect(f.backward(grads, x, { shape, axis: 0, out: grads })).toBe(grads);
        expect(firstDifference(grads, expectedBackward)).toBe(-1);
        if (f.backwardFromOutput) {
          const y = f(x, { shape, axis: 0 });
          const expectedFromOutput = f.backwardFromOutput(g, y, { shape, axis: 0 });
          const ys = y.slice();
          expect(f.backwardFromOutput(g, ys, { shape, axis: 0, out: ys })).toBe(ys);
          expect(firstDifference(ys, expectedFromOutput)).toBe(-1);
        }
      });

      it('reads and writes views at their byte offsets, and nothing around them', () => {
        const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
        const shape = [3, 14];
        const source = new Ctor(60).map((_, i) => Math.sin(i) * 7);
        const x = source.subarray(5, 47);
        const outSize = spec.halvesAxis ? 21 : 42;
        const guard = -12345;
        const target = new Ctor(outSize + 10).fill(guard);
        const out = target.subarray(3, 3 + outSize);
        f(x, { shape, out });
        expect(firstDifference(out, f(x.slice(), { shape }))).toBe(-1);
        expect(Array.from(target.subarray(0, 3)).every((v) => v === guard)).toBe(true);
        expect(Array.from(target.subarray(3 + outSize)).every((v) => v === guard)).toBe(true);
        const grads = new Ctor(52).fill(guard);
        const gradOut = grads.subarray(4, 46);
        f.backward(make(dtype, values(outSize, 3, 1)), x, { shape, out: gradOut });
        expect(Array.from(grads.subarray(0, 4)).every((v) => v === guard)).toBe(true);
        expect(Array.from(grads.subarray(46)).every((v) => v === guard)).toBe(true);
        expect(Array.from(source)).toEqual(Array.from(new Ctor(60).map((_, i) => Math.sin(i) * 7)));
      });

      it('gives the same results from the Promise forms', async () => {
        const shape = [300, spec.halvesAxis ? 64 : 67];
        const x = make(dtype, values(shape[0]! * shape[1]!, 31, 10));
        const g = make(dtype, values(spec.halvesAxis ? x.length / 2 : x.length, 32, 1));
        expect(firstDifference(await f.async(x, { shape }), f(x, { shape }))).toBe(-1);
        expect(firstDifference(await f.async(x, { shape, axis: 0 }), f(x, { shape, axis: 0 }))).toBe(-1);
        expect(firstDifference(await f.backward.async(g, x, { shape }), f.backward(g, x, { shape }))).toBe(-1);
        const out = make(dtype, spec.halvesAxis ? x.length / 2 : x.length);
        expect(await f.async(x, { shape, out })).toBe(out);
      });
    });
  });

  describe.each(reductions)('$name: masks and special rows', (spec) => {
    const f = loose(api, spec.name);
    const isLog = spec.name === 'logSoftmax';
    const off = isLog ? -Infinity : 0;
    const sign = spec.name === 'softmin' ? -1 : 1;

    describe.each(DTYPES)('%s', (dtype) => {
      it('leaves masked elements out: 0 (-Inf for logSoftmax) there, the rest as if they were absent, zero gradient', () => {
        for (const [shape, axis] of [[[4, 21], -1], [[21, 4], 0], [[3, 17, 5], 1]] as const) {
          const size = shape.reduce((p: number, s: number) => p * s, 1);
          const x = make(dtype, values(size, 41, 6));
          const mask = new Uint8Array(size).map((_, i) => ((i * 7) % 5 === 0 ? 0 : 1 + (i % 3)));
          for (let i = 0; i < size; i += 9) if (mask[i] === 0) x[i] = NaN; // masked NaN takes no part either
          const y = f(x, { shape, axis, mask });
          expectClose(y, reference(spec.name, x, shape, axis, mask), dtype, `masked, shape [${shape}] axis ${axis}`, isLog);
          const g = make(dtype, values(size, 42, 1));
          const grad = f.backward(g, x, { shape, axis, mask });
          const fromOutput = f.backwardFromOutput!(g, y, { shape, axis, mask });
          mask.forEach((on, i) => {
            if (on === 0) {
              expect(sameValue(y[i]!, off), `y[${i}]`).toBe(true);
              expect(sameValue(grad[i]!, 0) && sameValue(fromOutput[i]!, 0), `gradient at ${i}`).toBe(true);
            } else {
              expect(Number.isFinite(grad[i]!), `gradient at ${i}`).toBe(true);
            }
          });
        }
      });

      it('gives an empty row (all excluded values, or fully masked) 0 (-Inf for logSoftmax) and gradient +0', () => {
        const excluded = -sign * Infinity;
        const x = make(dtype, [excluded, excluded, excluded, 1, 2, 3, 4, 5, 6]);
        const mask = new Uint8Array([1, 1, 1, 0, 0, 0, 1, 1, 1]);
        const g = make(dtype, [1, -2, 3, 4, -5, 6, 1, 1, 1]);
        // The first row is all excluded values; with the mask, the second row is fully masked too.
        for (const [options, emptyUpTo] of [[{ shape: [3, 3] }, 3], [{ shape: [3, 3], mask }, 6]] as const) {
          const y = f(x, options);
          for (let i = 0; i < emptyUpTo; i++) expect(sameValue(y[i]!, off), `y[${i}] = ${y[i]}`).toBe(true);
          for (const grad of [f.backward(g, x, options), f.backwardFromOutput!(g, y, options)]) {
            for (let i = 0; i < emptyUpTo; i++) expect(sameValue(grad[i]!, 0), `gradient ${i} = ${grad[i]}`).toBe(true);
          }
        }
        const strided = f(make(dtype, [excluded, 1, excluded, 2]), { shape: [2, 2], axis: 0 });
        expect(sameValue(strided[0]!, off) && sameValue(strided[2]!, off)).toBe(true);
      });

      it('makes a row with a NaN NaN throughout, and leaves other rows alone', () => {
        const x = make(dtype, [1, NaN, 3, 1, 2, 3]);
        const y = f(x, { shape: [2, 3] });
        expect(y.slice(0, 3).every(Number.isNaN)).toBe(true);
        expect(y.slice(3).every(Number.isFinite)).toBe(true);
        const g = make(dtype, [1, 1, 1, 1, NaN, 1]);
        const grad = f.backward(g, make(dtype, [1, 2, 3, 1, 2, 3]), { shape: [2, 3] });
        expect(grad.slice(0, 3).every(Number.isFinite)).toBe(true);
        expect(grad.slice(3).every(Number.isNaN)).toBe(true);
        expect(f.backward(g, x, { shape: [2, 3] }).slice(0, 3).every(Number.isNaN)).toBe(true);
      });

      it('shares the whole mass equally among the entries at the dominant infinity', () => {
        const top = sign * Infinity;
        const x = make(dtype, [top, 1, top, top, 5, top, -2, -top]);
        const y = f(x, { shape: [2, 4] });
        const share = isLog ? Math.log(1 / 3) : 1 / 3;
        const expected = [share, off, share, share, off, isLog ? 0 : 1, off, off];
        expected.forEach((v, i) => {
          const value = dtype === 'float32' ? Math.fround(v) : v;
          expect(Math.abs(y[i]! - value) <= 2 * EPSILON[dtype] * Math.abs(value) || sameValue(y[i]!, value), `y[${i}] = ${y[i]}`).toBe(true);
        });
        const grad = f.backward(make(dtype, [1, 2, 3, 4, 5, 6, 7, 8]), x, { shape: [2, 4] });
        expect(grad.every(Number.isFinite)).toBe(true);
      });

      it('keeps the digits of ln(1 + tiny) next to a dominant entry', () => {
        const y = loose(api, 'logSoftmax')(make(dtype, [0, -40, -60]));
        const tiny = Math.exp(-40) + Math.exp(-60);
        expect(Math.abs(y[0]! + tiny)).toBeLessThanOrEqual(2 * EPSILON[dtype] * tiny);
      });
    });
  });

  describe('validation', () => {
    const x = new Float32Array([1, 2, 3, 4]);
    const cases: [string, () => unknown, typeof TypeError | typeof RangeError, string][] = [
      ['x', () => api.softmax([1, 2] as never), TypeError, 'Expected a Float32Array or Float64Array for x but received an Array of length 2'],
      ['shape product', () => api.softmax(x, { shape: [2, 3] }), RangeError, 'Expected a shape whose product is the length of x (4) for softmax option shape but received [2, 3] (product 6)'],
      ['shape kind', () => api.softmax(x, { shape: 'abc' as never }), TypeError, 'Expected an array of integers >= 0 for softmax option shape but received "abc"'],
      ['shape entry', () => api.softmax(x, { shape: [4, -1] }), RangeError, 'Expected an array of integers >= 0 for softmax option shape but received -1 at index 1'],
      ['shape rank', () => api.softmax(x, { shape: [] }), RangeError, 'Expected a shape of at least one dimension for softmax option shape but received []'],
      ['axis range', () => api.logSoftmax(x, { shape: [2, 2], axis: 2 }), RangeError, 'Expected an integer from -2 to 1 for logSoftmax option axis but received 2'],
      ['axis kind', () => api.softmax(x, { axis: '0' as never }), TypeError, 'Expected an integer from -1 to 0 for softmax option axis but received "0"'],
      ['mask kind', () => api.softmax(x, { mask: [1, 0, 1, 1] as never }), TypeError, 'Expected a Uint8Array for softmax option mask but received an Array of length 4'],
      ['mask length', () => api.softmin(x, { mask: new Uint8Array(3) }), RangeError, 'Expected a Uint8Array of length 4 (like x) for softmin option mask but received a Uint8Array of length 3'],
      ['glu mask', () => api.glu(x, { mask: new Uint8Array(4) } as never), TypeError, 'Expected one of shape, axis, out for glu options but received an unknown option "mask"'],
      ['glu odd', () => api.glu(new Float32Array(5)), RangeError, 'Expected an even length along the axis for glu x but received length 5'],
      ['out kind', () => api.softmax(x, { out: new Float64Array(4) as never }), TypeError, 'Expected a Float32Array (like x) for out but received a Float64Array of length 4'],
      ['glu out', () => api.glu(x, { out: new Float32Array(4) }), RangeError, 'Expected a Float32Array of length 2 (like the output) for out but received a Float32Array of length 4'],
      ['gradOutput', () => api.softmax.backward(new Float32Array(3), x), RangeError, "Expected a Float32Array of length 4 (the output's) for gradOutput but received a Float32Array of length 3"],
      ['glu gradOutput', () => api.glu.backward(x, x), RangeError, "Expected a Float32Array of length 2 (the output's) for gradOutput but received a Float32Array of length 4"],
      // A missing gradOutput once made backward run as forward and reach the fallback kernel's own check.
      ['gradOutput missing', () => api.softmin.backward(undefined as never, x), TypeError, 'Expected a Float32Array or Float64Array for gradOutput but received undefined'],
      ['gradOutput missing, from output', () => api.logSoftmax.backwardFromOutput(undefined as never, x), TypeError, 'Expected a Float32Array or Float64Array for gradOutput but received undefined'],
      ['input kind', () => api.softmax.backward(x, new Float64Array(4) as never), TypeError, 'Expected a Float32Array (like gradOutput) for x but received a Float64Array of length 4'],
      ['overlap', () => { const both = new Float32Array(8); return api.softmax(both.subarray(0, 4), { out: both.subarray(1, 5) }); }, RangeError, 'Expected x itself or an array sharing no memory with x for out but received a view overlapping x (byte offset 4, x at 0)'],
      ['glu overlap', () => api.glu(x, { out: x.subarray(1, 3) }), RangeError, 'Expected an array sharing no memory with x for out but received a view overlapping x (byte offset 4, x at 0)'],
      ['mask overlap', () => { const bytes = new Float32Array(8); return api.softmax(bytes.subarray(0, 4), { mask: new Uint8Array(bytes.buffer, 0, 4), out: bytes.subarray(0, 4) }); }, RangeError, 'Expected an array sharing no memory with out for softmax option mask but received a view overlapping out (byte offset 0, out at 0)'],
    ];
    it.each(cases)('%s', (_, call, kind, text) => {
      expect(call).toThrow(kind);
      expect(call).toThrow(text);
    });

    it('writes nothing when it refuses a call, and rejects (never throws) in the Promise forms', async () => {
      const out = new Float32Array(4).fill(7);
      expect(() => api.softmax(x, { out, shape: [3] })).toThrow(RangeError);
      expect(() => api.softmax.backward(x, x, { out, mask: new Uint8Array(2) })).toThrow(RangeError);
      expect(Array.from(out)).toEqual([7, 7, 7, 7]);
      await expect(api.softmax.async(x, { axis: 3 })).rejects.toThrow(RangeError);
      await expect(api.glu.backward.async(x, x)).rejects.toThrow(RangeError);
      expect((api.glu as unknown as Loose).backwardFromOutput).toBeUndefined();
    });

    it('refuses, at the kernels, arrays that do not fit the view', () => {
      const k = backend.kernels;
      const id = k.axisActivationNames().indexOf('glu');
      expect(() => k.axisActivation(0, x, x, 2, 3, 1, null)).toThrow('Expected outer * length * inner to equal');
      expect(() => k.axisActivation(0, x, new Float32Array(3), 1, 4, 1, null)).toThrow(RangeError);
      expect(() => k.axisActivation(0, x, x, 1, 4, 1, new Uint8Array(2))).toThrow(RangeError);
      expect(() => k.axisActivation(id, x, new Float32Array(2), 1, 4, 1, new Uint8Array(4))).toThrow('Expected no mask for glu');
      expect(() => k.axisActivationBackward(id, 1, new Float32Array(2), x, x, 1, 4, 1, null)).toThrow(RangeError);
      expect(() => k.axisActivation(9, x, x, 1, 4, 1, null)).toThrow(RangeError);
    });
  });
});

describe.runIf(native)('thread count', () => {
  const addon = native?.addon as Addon;
  const original = addon?.threads();
  afterAll(() => addon?.setThreads(original));

  describe.each(nativeBackends)('$label', (backend) => {
    it.each(specs)('$name gives the same bits with 1, 2, 3 and 8 threads', async (spec) => {
      const f = loose(apiOf(backend.kernels), spec.name);
      const x = new Float32Array(values(600 * 402, 77, 12));
      const g = new Float32Array(values(spec.halvesAxis ? x.length / 2 : x.length, 78, 1));
      const results: FloatArray[][] = [];
      for (const threads of [1, 2, 3, 8]) {
        addon.setThreads(threads);
        const runs = [f(x, { shape: [600, 402] }), f(x, { shape: [600, 402], axis: 0 }), f.backward(g, x, { shape: [600, 402] })];
        runs.push(await f.async(x, { shape: [6, 100, 402], axis: 1 }));
        results.push(runs);
      }
      for (const result of results.slice(1)) result.forEach((array, i) => expect(firstDifference(array, results[0]![i]!)).toBe(-1));
    });
  });
});

describe.runIf(nativeBackends.length > 0)('native kernels agree with the fallback bit for bit', () => {
  // Rows past the kernels' stack stash (2048 elements) take the other paths: e^high kept in out, or computed again in place.
  it.each(nativeBackends.flatMap((backend) => DTYPES.map((dtype) => [backend.label, dtype] as const)))('%s %s, rows of 5000', (label, dtype) => {
    const api = apiOf(nativeBackends.find((backend) => backend.label === label)!.kernels);
    const twin = apiOf(fallback.kernels);
    const x = make(dtype, values(10_000, 99, 40));
    const g = make(dtype, values(10_000, 98, 1));
    for (const name of ['softmax', 'softmin', 'logSoftmax']) {
      const [ours, theirs] = [loose(api, name), loose(twin, name)];
      const expected = theirs(x, { shape: [2, 5000] });
      expect(firstDifference(ours(x, { shape: [2, 5000] }), expected), name).toBe(-1);
      const inPlace = x.slice();
      expect(firstDifference(ours(inPlace, { shape: [2, 5000], out: inPlace }), expected), `${name} in place`).toBe(-1);
      expect(firstDifference(ours.backward(g, x, { shape: [2, 5000] }), theirs.backward(g, x, { shape: [2, 5000] })), `${name}.backward`).toBe(-1);
    }
  });

  const twin = apiOf(fallback.kernels);
  const inputs: Record<Dtype, FloatArray[]> = {
    float32: [randomFloat32Bits(960, 0x5eed), new Float32Array(values(960, 3, 30))],
    float64: [randomFloat64Bits(960, 0x5eed), new Float64Array(values(960, 3, 30))],
  };
  const mask = new Uint8Array(960).map((_, i) => (i % 7 === 3 ? 0 : 1));
  describe.each(nativeBackends)('$label', (backend) => {
    const api = apiOf(backend.kernels);
    it.each(specs.flatMap((spec) => DTYPES.map((dtype) => [spec.name, dtype] as const)))('%s %s', (name, dtype) => {
      const [ours, theirs] = [loose(api, name), loose(twin, name)];
      const spec = specs.find((s) => s.name === name)!;
      for (const x of inputs[dtype]) {
        for (const [shape, axis] of [[[2, 6, 80], -1], [[2, 6, 80], 1], [[2, 6, 80], 0], [[960], 0], [[12, 80], 0]] as const) {
          for (const masked of spec.masked ? [undefined, mask] : [undefined]) {
            const options = { shape, axis, ...(masked ? { mask: masked } : {}) };
            const g = x.slice(0, spec.halvesAxis ? x.length / 2 : x.length).reverse();
            const y = theirs(x, options);
            const pairs: [string, FloatArray, FloatArray][] = [
              ['forward', ours(x, options), y],
              ['backward', ours.backward(g, x, options), theirs.backward(g, x, options)],
            ];
            if (ours.backwardFromOutput) pairs.push(['backwardFromOutput', ours.backwardFromOutput(g, y, options), theirs.backwardFromOutput!(g, y, options)]);
            for (const [label, a, b] of pairs) {
              const at = firstDifference(a, b);
              expect(at, `${label} [${shape}] axis ${axis}${masked ? ' masked' : ''} differs at ${at}: ${a[at]} vs ${b[at]}`).toBe(-1);
            }
          }
        }
      }
    });
  });
});
