/**
 * Property-based fuzzing of the public API on every backend: every element-wise activation (forward,
 * derivative, backward, backwardFromOutput), softmax & co. along an axis, prelu and its backward,
 * the generator's draws and every initializer (and fromRecipe), sync and Promise forms, with
 * arguments and options that are valid or
 * hostile (wrong types, shapes and axes that are negative, fractional, NaN or huge, NaN/Inf
 * parameters, `out` too short or of another type, detached and shared arrays, odd offsets).
 * Every call must succeed or refuse with a TypeError or RangeError in the one grammar — thrown by
 * a sync form, a rejection (never a throw) from a Promise form — and a refusal writes nothing,
 * a success nothing outside `out`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAxisActivations } from '../lib/axis-activations.js';
import { createPrelu } from '../lib/prelu.js';
import { fromRecipe, initializers } from '../lib/init/initializers.js';
import { sizeOf } from '../lib/init/options.js';
import { Generator } from '../lib/random/generator.js';
import { activationSpecs } from '../lib/spec/activations.js';
import { initializerSpecs } from '../lib/spec/initializers.js';
import { backends, fallback } from './helpers/backends.js';
import {
  HOSTILE_NUMBERS,
  HOSTILE_SIZES,
  NOT_ARRAYS,
  anyArraySpec,
  fuzzParameters,
  lengthArbitrary,
  makeArray,
  makeOutput,
  outcomeOf,
  placedArray,
  verdictOf,
  watchBuffers,
} from './helpers/fuzz.js';

const GRAMMAR = /^Expected .+ for .+ but received .+$/s;
type Loose = ((...args: unknown[]) => unknown) & { async: (...args: unknown[]) => unknown };

const dtype = fc.constantFrom('Float32Array', 'Float64Array' as const);
const hostile = fc.oneof(fc.constantFrom(...NOT_ARRAYS, ...HOSTILE_NUMBERS), anyArraySpec.map((spec) => makeArray(spec)));
/** A value for a number option: ordinary, or hostile. */
const optionNumber = fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, 0.5, 2 ** 53, 1e308), hostile);
/**
 * A shape: valid for n elements, or arbitrary (negative, fractional, NaN, not numbers, or more
 * elements than V8 allows; not valid but huge, see HOSTILE_SIZES).
 */
const shapeFor = (n: number) =>
  fc.oneof(
    fc.constant([n]),
    fc.constant([1, n]),
    fc.constant([n, 1, 1]),
    fc.array(fc.oneof(fc.nat({ max: 8 }), fc.constantFrom(-1, 0.5, NaN, 2 ** 33, 2 ** 53, 2 ** 60, '2', null)), { maxLength: 4 }),
    hostile,
  );

interface ApiCall {
  readonly label: string;
  readonly fn: (...args: unknown[]) => unknown;
  readonly args: unknown[];
  readonly isAsync: boolean;
}

/** Arrays of n elements of one type, anywhere in any buffer, and sometimes something else instead. */
const arrayOr = (kind: 'Float32Array' | 'Float64Array', n: number, output = false) =>
  fc.oneof(
    { weight: 4, arbitrary: placedArray(kind, n).map((spec) => (output ? makeOutput(spec) : makeArray(spec))) },
    { weight: 1, arbitrary: hostile },
  );

describe.each(backends)('$label: fuzzing the public API', (backend) => {
  const { api, kernels } = backend;
  const axis = createAxisActivations(kernels);
  const prelu = createPrelu(kernels);
  const names = activationSpecs.map((spec) => spec.name);

  const elementwise = fc
    .record({ name: fc.constantFrom(...names), member: fc.constantFrom('', 'derivative', 'backward', 'backwardFromOutput'), kind: dtype, n: lengthArbitrary, isAsync: fc.boolean() })
    .chain((c) =>
      fc.record({
        c: fc.constant(c),
        x: arrayOr(c.kind, c.n),
        g: arrayOr(c.kind, c.n),
        out: fc.option(arrayOr(c.kind, c.n, true), { nil: undefined }),
        params: fc.dictionary(fc.constantFrom('negativeSlope', 'alpha', 'beta', 'threshold', 'lambd', 'lower', 'upper', 'minVal', 'maxVal', 'value', 'approximate', 'bogus'), optionNumber, { maxKeys: 2 }),
      }),
    )
    .map(({ c, x, g, out, params }): ApiCall | null => {
      const activation = api[c.name as keyof typeof api] as unknown as Loose & Record<string, Loose>;
      const fn = c.member === '' ? activation : activation[c.member];
      if (!fn) return null;
      const backward = c.member.startsWith('backward');
      const options = { ...params, out };
      return { label: `${c.name}${c.member ? `.${c.member}` : ''}`, fn: c.isAsync ? fn.async : fn, args: backward ? [g, x, options] : [x, options], isAsync: c.isAsync };
    })
    .filter((call): call is ApiCall => call !== null);

  const alongAxis = fc
    .record({ name: fc.constantFrom('softmax', 'logSoftmax', 'softmin', 'glu'), backward: fc.boolean(), kind: dtype, n: fc.nat({ max: 48 }), isAsync: fc.boolean() })
    .chain((c) =>
      fc.record({
        c: fc.constant(c),
        x: arrayOr(c.kind, c.n),
        g: arrayOr(c.kind, c.name === 'glu' ? c.n / 2 : c.n),
        out: fc.option(arrayOr(c.kind, c.name === 'glu' && !c.backward ? c.n / 2 : c.n, true), { nil: undefined }),
        shape: fc.option(shapeFor(c.n), { nil: undefined }),
        axis: fc.option(fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom(...HOSTILE_NUMBERS)), { nil: undefined }),
        mask: fc.option(fc.oneof(placedArray('Uint8Array', c.n).map((spec) => makeArray(spec)), hostile), { nil: undefined }),
      }),
    )
    .map(({ c, x, g, out, shape, axis: axisOption, mask }): ApiCall => {
      const activation = axis[c.name as keyof typeof axis] as unknown as Loose & { backward: Loose };
      const fn = c.backward ? activation.backward : activation;
      const options = { out, shape, axis: axisOption, ...(c.name === 'glu' ? {} : { mask }) };
      return { label: `${c.name}${c.backward ? '.backward' : ''}`, fn: c.isAsync ? fn.async : fn, args: c.backward ? [g, x, options] : [x, options], isAsync: c.isAsync };
    });

  const preluCalls = fc
    .record({ backward: fc.boolean(), derivative: fc.boolean(), kind: dtype, channels: fc.integer({ min: 1, max: 4 }), rest: fc.nat({ max: 6 }), isAsync: fc.boolean() })
    .chain((c) => {
      const n = 2 * c.channels * c.rest;
      return fc.record({
        c: fc.constant(c),
        x: arrayOr(c.kind, n),
        g: arrayOr(c.kind, n),
        weight: arrayOr(c.kind, c.channels),
        out: fc.option(arrayOr(c.kind, n, true), { nil: undefined }),
        shape: fc.oneof(fc.constant([2, c.channels, c.rest]), shapeFor(n)),
        channelAxis: fc.option(fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom(...HOSTILE_NUMBERS)), { nil: undefined }),
      });
    })
    .map(({ c, x, g, weight, out, shape, channelAxis }): ApiCall => {
      const fn = (c.backward ? prelu.backward : c.derivative ? prelu.derivative : prelu) as unknown as Loose;
      const options = { out, shape, channelAxis };
      return { label: c.backward ? 'prelu.backward' : 'prelu', fn: c.isAsync ? fn.async : fn, args: c.backward ? [g, x, weight, options] : [x, weight, options], isAsync: c.isAsync };
    });

  const draws = fc
    .record({
      method: fc.constantFrom('uniform', 'normal', 'truncatedNormal', 'integers', 'bernoulli', 'bits'),
      size: fc.oneof(lengthArbitrary, fc.constantFrom(...HOSTILE_SIZES)),
      options: fc.dictionary(fc.constantFrom('low', 'high', 'mean', 'std', 'a', 'b', 'p', 'dtype', 'slice', 'out', 'bounds'), fc.oneof(optionNumber, fc.constantFrom('float64', 'int32', 'absolute', [0, 3], [2, 1], [-1, 2])), { maxKeys: 3 }),
      isAsync: fc.boolean(),
    })
    .map(({ method, size, options, isAsync }): ApiCall => {
      const generator = new Generator(5, { kernels });
      const name = isAsync ? `${method}Async` : method;
      const fn = (generator as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!.bind(generator);
      return { label: `generator.${name}`, fn, args: [size, options], isAsync };
    });

  // Initializers: any name of the table, a small shape or a hostile one, any of its options (and
  // some it does not take) with ordinary or hostile values. A success must also be the tensor the
  // fallback makes from a fresh generator of the same seed: refusing nothing wrongly is not enough.
  const initializerNames = initializerSpecs.map((spec) => spec.name);
  const paramNames = [...new Set(initializerSpecs.flatMap((spec) => spec.params.map((param) => param.name)))];
  const INIT_SEED = 11;
  const initCalls = fc
    .record({
      name: fc.constantFrom(...initializerNames),
      member: fc.constantFrom('', 'async', 'recipe'),
      shape: fc.oneof({ weight: 4, arbitrary: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 }) }, { weight: 1, arbitrary: shapeFor(8) }),
      kind: fc.option(dtype, { nil: undefined }),
      outSpec: fc.option(fc.oneof({ weight: 3, arbitrary: fc.constant('fits' as const) }, { weight: 1, arbitrary: hostile }), { nil: undefined }),
      params: fc.dictionary(
        fc.constantFrom(...paramNames, 'layout', 'slice', 'groups', 'transposed', 'fanIn', 'fanOut', 'bogus'),
        fc.oneof(optionNumber, fc.constantFrom('torch', 'keras', 'fan_out', 'relu', 'tanh', 'uniform', 'std', true, [0, 1], [1, 3], [2, 1], [0, 2 ** 53])),
        { maxKeys: 3 },
      ),
    })
    .map(({ name, member, shape, kind, outSpec, params }): ApiCall => {
      const options: Record<string, unknown> = { ...params, generator: new Generator(INIT_SEED, { kernels }) };
      if (kind) options.dtype = kind === 'Float32Array' ? 'float32' : 'float64';
      if (outSpec === 'fits' && Array.isArray(shape) && shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
        const slice = params.slice as number[] | undefined;
        const size = Array.isArray(slice) ? slice[1]! - slice[0]! : sizeOf(shape as number[]);
        if (Number.isSafeInteger(size) && size >= 0 && size < 1e6) options.out = makeOutput({ kind: kind ?? 'Float32Array', length: size, offset: 1, backing: 'ArrayBuffer', detached: false });
      } else if (outSpec !== undefined && outSpec !== 'fits') options.out = outSpec;
      const initializer = initializers[name as keyof typeof initializers] as unknown as Loose & { recipe: Loose };
      const fn = member === 'async' ? initializer.async : member === 'recipe' ? initializer.recipe : initializer;
      return { label: `init.${name}${member ? `.${member}` : ''}`, fn, args: [shape, options], isAsync: member === 'async' };
    });

  /** The same initializer call on the fallback, from a fresh generator of the same seed, into a new array. */
  function onFallback(call: ApiCall, made: unknown): Float32Array | Float64Array {
    const [shape, options] = call.args as [unknown, Record<string, unknown>];
    const name = call.label.split('.')[1] as keyof typeof initializers;
    const again: Record<string, unknown> = { ...options, generator: new Generator(INIT_SEED, { kernels: fallback.kernels }), out: undefined };
    again.dtype = made instanceof Float64Array ? 'float64' : 'float32';
    return (initializers[name] as unknown as (shape: unknown, options: unknown) => Float32Array | Float64Array)(shape, again);
  }

  async function holds({ label, fn, args, isAsync }: ApiCall): Promise<void> {
    const options = args.at(-1) as Record<string, unknown> | undefined;
    const views = [...args, ...(options && typeof options === 'object' ? Object.values(options) : [])];
    const outIndex = options && typeof options === 'object' && ArrayBuffer.isView(options.out) ? views.indexOf(options.out) : -1;
    const strict = watchBuffers(views);
    const loose = watchBuffers(views, new Set(outIndex >= 0 ? [outIndex] : []));
    const outcome = await outcomeOf(() => fn(...args));
    const verdict = verdictOf(outcome);
    const context = `${label}: ${verdict} ${outcome.error instanceof Error ? outcome.error.message : ''}`;
    expect(['ok', 'TypeError', 'RangeError'], context).toContain(verdict);
    if (verdict === 'ok') {
      expect(loose.changedOutside(), context).toBeNull();
      if (outIndex >= 0 && !label.startsWith('prelu.backward') && !label.endsWith('.recipe')) expect(outcome.value, context).toBe(options!.out);
      if (label.startsWith('init.')) checkInitializerResult({ label, fn, args, isAsync }, outcome.value, context);
      return;
    }
    expect(outcome.kind, `${context}: a Promise form must reject, not throw`).toBe(isAsync ? 'rejected' : 'threw');
    expect((outcome.error as Error).message, context).toMatch(GRAMMAR);
    expect(strict.changedOutside(), `${context}: refused but wrote`).toBeNull();
  }

  // (A detached `out` has length 0 and its buffer cannot even be viewed.)
  const bytesOf = (array: Float32Array | Float64Array) => (array.length === 0 ? Buffer.alloc(0) : Buffer.from(array.buffer, array.byteOffset, array.byteLength));
  const sameBits = (p: Float32Array | Float64Array, q: Float32Array | Float64Array) => bytesOf(p).equals(bytesOf(q));

  /** A tensor is bit for bit the fallback's; a recipe remakes on this backend what the call would have made. */
  function checkInitializerResult(call: ApiCall, value: unknown, context: string): void {
    if (call.label.endsWith('.recipe')) {
      const remade = fromRecipe(JSON.parse(JSON.stringify(value)), { kernels });
      const made = onFallback(call, remade);
      expect(sameBits(remade, made), context).toBe(true);
      return;
    }
    expect(value instanceof Float32Array || value instanceof Float64Array, context).toBe(true);
    const tensor = value as Float32Array | Float64Array;
    const expected = onFallback(call, tensor);
    expect(tensor.length, context).toBe(expected.length);
    expect(sameBits(tensor, expected), context).toBe(true);
  }

  it.each([
    { label: 'element-wise activations', calls: elementwise as fc.Arbitrary<ApiCall>, salt: 300 },
    { label: 'activations along an axis', calls: alongAxis, salt: 301 },
    { label: 'prelu', calls: preluCalls, salt: 302 },
    { label: 'generator draws', calls: draws, salt: 303 },
    { label: 'initializers and their recipes', calls: initCalls, salt: 304 },
  ])('$label: succeed or refuse in the one grammar, writing nothing outside out', async ({ calls, salt }) => {
    await fc.assert(fc.asyncProperty(calls, holds), { ...fuzzParameters(salt), numRuns: 4 * fuzzParameters(salt).numRuns });
  });
});
