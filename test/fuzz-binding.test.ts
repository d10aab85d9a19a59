/**
 * Property-based fuzzing of the raw binding (binding.d.ts's Kernels), on every backend.
 *
 * Each case builds a valid call of one entry point — random kernel, sizes, element type, views at
 * odd offsets in ArrayBuffers, SharedArrayBuffers, resizable and growable buffers, NaN/Inf
 * parameters — then replaces up to two arguments with hostile values: non-arrays, arrays of the
 * wrong kind or length, detached arrays, negative/fractional/NaN/huge numbers. Every call must
 * either succeed, writing nothing outside its outputs' views, or throw (or reject) a TypeError or
 * RangeError and write nothing at all; a native backend must accept and refuse the same calls as
 * the fallback, and a valid call must write the values the fallback writes for compact copies of
 * its arguments (NaN equal to NaN).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../binding.js';
import { fallbackKernels } from '../lib/fallback/kernels.js';
import {
  bernoulliParams,
  distributionNames,
  integersParams,
  normalParams,
  truncatedNormalParams,
  uniformParams,
} from '../lib/random/distributions.js';
import { backends } from './helpers/backends.js';
import { firstDifference } from './helpers/numbers.js';
import {
  type ArraySpec,
  type Outcome,
  type TypedKind,
  fuzzParameters,
  hostileValueArbitrary,
  lengthArbitrary,
  makeArray,
  makeOutput,
  outcomeOf,
  parameterArbitrary,
  placedArray,
  verdictOf,
  watchBuffers,
} from './helpers/fuzz.js';

/** One call of an entry point: its arguments, and the positions of the arrays it writes. */
interface Call {
  readonly entry: keyof Kernels;
  readonly args: unknown[];
  readonly outputs: readonly number[];
}

type Dtype = 'Float32Array' | 'Float64Array';
const dtypeArbitrary = fc.constantFrom<Dtype>('Float32Array', 'Float64Array');
const asyncArbitrary = fc.boolean();
const named = (name: string, isAsync: boolean) => (isAsync ? `${name}Async` : name) as keyof Kernels;

/** Inputs hold values around every kink and saturation, NaN and infinities among them. */
const inputValue = (i: number): number => [NaN, Infinity, -Infinity, 0, -0, 6, 1, -1][i % 16] ?? ((i * 7919) % 4001) / 100 - 20;
const input = (spec: ArraySpec) => makeArray(spec, inputValue);

const elementwiseCall = (kernels: Kernels) =>
  fc
    .record({
      id: fc.nat({ max: kernels.activations.length - 1 }),
      backward: fc.boolean(),
      pass: fc.constantFrom(0, 1),
      dtype: dtypeArbitrary,
      n: lengthArbitrary,
      isAsync: asyncArbitrary,
      a: parameterArbitrary,
      b: parameterArbitrary,
    })
    .chain((c) =>
      fc.record({ c: fc.constant(c), x: placedArray(c.dtype, c.n), g: placedArray(c.dtype, c.n), out: placedArray(c.dtype, c.n) }),
    )
    .map(({ c, x, g, out }): Call => {
      if (c.backward) {
        return { entry: named('activationBackward', c.isAsync), args: [c.id, c.pass, input(g), input(x), makeOutput(out), c.a, c.b], outputs: [4] };
      }
      return { entry: named('activation', c.isAsync), args: [c.id, c.pass, input(x), makeOutput(out), c.a, c.b], outputs: [3] };
    });

const small = fc.integer({ min: 0, max: 7 });
const extentsArbitrary = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(small, small, small) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1000, max: 10_000 }), fc.integer({ min: 1, max: 3 })) },
);

const axisCall = (kernels: Kernels) => {
  const names = kernels.axisActivationNames();
  return fc
    .record({ id: fc.nat({ max: names.length - 1 }), backward: fc.boolean(), source: fc.constantFrom(0, 1), dtype: dtypeArbitrary, extents: extentsArbitrary, masked: fc.boolean(), isAsync: asyncArbitrary })
    .chain((c) => {
      const glu = names[c.id] === 'glu';
      const [outer, rawLength, inner] = c.extents;
      const length = glu ? rawLength - (rawLength % 2) : rawLength;
      const n = outer * length * inner;
      const outputLength = glu ? n / 2 : n;
      return fc.record({
        c: fc.constant({ ...c, outer, length, inner, glu }),
        x: placedArray(c.dtype, n),
        g: placedArray(c.dtype, outputLength),
        out: placedArray(c.dtype, c.backward ? n : outputLength),
        mask: placedArray('Uint8Array', n),
      });
    })
    .map(({ c, x, g, out, mask }): Call => {
      const maskArg = c.masked && !c.glu ? makeArray(mask, (i) => (i % 5 === 3 ? 0 : 1)) : null;
      const extents = [c.outer, c.length, c.inner];
      if (c.backward) {
        return { entry: named('axisActivationBackward', c.isAsync), args: [c.id, c.source, input(g), input(x), makeOutput(out), ...extents, maskArg], outputs: [4] };
      }
      return { entry: named('axisActivation', c.isAsync), args: [c.id, input(x), makeOutput(out), ...extents, maskArg], outputs: [2] };
    });
};

const preluCall = fc
  .record({ backward: fc.boolean(), pass: fc.constantFrom(0, 1, 2), dtype: dtypeArbitrary, extents: extentsArbitrary, isAsync: asyncArbitrary })
  .chain((c) => {
    const [outer, channels, inner] = c.extents;
    const n = outer * channels * inner;
    return fc.record({
      c: fc.constant({ ...c, outer, channels, inner }),
      x: placedArray(c.dtype, n),
      g: placedArray(c.dtype, n),
      weight: placedArray(c.dtype, channels),
      out: placedArray(c.dtype, n),
      gradWeight: placedArray(c.dtype, channels),
    });
  })
  .map(({ c, x, g, weight, out, gradWeight }): Call => {
    const extents = [c.outer, c.channels, c.inner];
    const weights = makeArray(weight, (i) => [0.25, -0.5, NaN, 3][i % 4]!);
    if (c.backward) {
      return {
        entry: named('preluBackward', c.isAsync),
        args: [input(g), input(x), weights, makeOutput(out), makeOutput(gradWeight), ...extents],
        outputs: [3, 4],
      };
    }
    return { entry: named('prelu', c.isAsync), args: [c.pass, input(x), weights, makeOutput(out), ...extents], outputs: [3] };
  });

const OUT_KINDS: Record<(typeof distributionNames)[number], readonly TypedKind[]> = {
  bits: ['Uint32Array'],
  uniform: ['Float32Array', 'Float64Array'],
  normal: ['Float32Array', 'Float64Array'],
  truncatedNormal: ['Float32Array', 'Float64Array'],
  integers: ['Int32Array', 'Uint32Array'],
  bernoulli: ['Uint8Array'],
};

/** Valid derived parameters of each distribution (lib/random/distributions.ts), for `dtype`. */
function paramsFor(name: (typeof distributionNames)[number], dtype: 'float32' | 'float64', t: number): number[] {
  switch (name) {
    case 'bits':
      return [];
    case 'uniform':
      return uniformParams(-t, 1 + t, dtype);
    case 'normal':
      return normalParams(t, 1 + t, dtype);
    case 'truncatedNormal':
      return truncatedNormalParams(0, 1, -2 - t, t > 2 ? 5 : -1 + t, t > 1, dtype);
    case 'integers':
      return integersParams(-3, 7 + Math.round(t * 1000));
    case 'bernoulli':
      return bernoulliParams(t / 4);
  }
}

const word = fc.nat({ max: 0xffffffff });
const randomCall = fc
  .record({
    id: fc.nat({ max: distributionNames.length - 1 }),
    kindIndex: fc.nat({ max: 1 }),
    n: lengthArbitrary,
    keys: fc.tuple(word, word, word, fc.constantFrom(0, 1, 0xffffffff)),
    start: fc.oneof(fc.nat({ max: 1000 }), fc.constant(2 ** 53 - 200_000)),
    t: fc.double({ min: 0, max: 4, noNaN: true }),
    isAsync: asyncArbitrary,
  })
  .chain((c) => {
    const kinds = OUT_KINDS[distributionNames[c.id]!];
    return fc.record({ c: fc.constant(c), out: placedArray(kinds[c.kindIndex % kinds.length]!, c.n), params: placedArray('Float64Array', 16) });
  })
  .map(({ c, out, params }): Call => {
    const name = distributionNames[c.id]!;
    const values = paramsFor(name, out.kind === 'Float64Array' ? 'float64' : 'float32', c.t);
    const paramsArg = makeArray({ ...params, length: values.length }, (i) => values[i]!);
    return { entry: named('random', c.isAsync), args: [c.id, makeOutput(out), ...c.keys, c.start, paramsArg], outputs: [1] };
  });

/** Up to two arguments replaced by hostile values. */
function mutated(call: fc.Arbitrary<Call>): fc.Arbitrary<{ call: Call; replaced: number[] }> {
  return fc
    .tuple(call, fc.array(fc.record({ at: fc.nat(), value: hostileValueArbitrary }), { maxLength: 2 }))
    .map(([call, replacements]) => {
      const args = [...call.args];
      const replaced = new Set<number>();
      for (const { at, value } of replacements) {
        args[at % args.length] = value;
        replaced.add(at % args.length);
      }
      return { call: { ...call, args }, replaced: [...replaced] };
    });
}

const isDetached = (view: ArrayBufferView): boolean => {
  try {
    new Uint8Array(view.buffer);
    return false;
  } catch {
    return true;
  }
};

/** The arguments with every typed array copied into a compact array of its own (detached ones stay detached). */
function compactCopies(args: readonly unknown[]): unknown[] {
  return args.map((arg) => {
    if (!ArrayBuffer.isView(arg) || arg instanceof DataView) return arg;
    const Ctor = arg.constructor as new (source: ArrayBufferView | number) => ArrayBufferView;
    if (!isDetached(arg)) return new Ctor(arg);
    const copy = new Ctor(0);
    structuredClone(copy.buffer, { transfer: [copy.buffer as ArrayBuffer] });
    return copy;
  });
}

// Values, compared with NaN equal to NaN whatever its sign or payload (no backend promises those).
const values = (view: unknown): number[] => (ArrayBuffer.isView(view) && view.byteLength > 0 ? Array.from(view as Float64Array) : []);

async function call(kernels: Kernels, entry: keyof Kernels, args: readonly unknown[]): Promise<Outcome> {
  return outcomeOf(() => Reflect.apply(kernels[entry] as (...args: unknown[]) => unknown, kernels, args));
}

/** Kernel ids are each backend's own: the fallback's id of the kernel `args[0]` names on `kernels`. */
function withFallbackId(kernels: Kernels, entry: keyof Kernels, args: unknown[]): unknown[] {
  const names = (on: Kernels): readonly string[] =>
    entry.startsWith('activation') ? on.activations : entry.startsWith('axis') ? on.axisActivationNames() : entry.startsWith('random') ? on.distributions : [];
  const name = typeof args[0] === 'number' ? names(kernels)[args[0]] : undefined;
  return name === undefined ? args : [names(fallbackKernels).indexOf(name), ...args.slice(1)];
}

/** The property every case must hold on `kernels`. */
async function holds(kernels: Kernels, { call: { entry, args, outputs }, replaced }: { call: Call; replaced: number[] }): Promise<void> {
  const context = `${entry}(${args.map((arg) => (ArrayBuffer.isView(arg) ? `${arg.constructor.name}[${(arg as unknown as { length?: number }).length ?? '?'}]@${arg.byteOffset}` : typeof arg === 'symbol' ? 'symbol' : String(arg))).join(', ')})`;
  const reference = compactCopies(args);
  const watcher = watchBuffers(args, new Set(outputs));
  const strict = watchBuffers(args);
  const outcome = await call(kernels, entry, args);
  const verdict = verdictOf(outcome);
  expect(['ok', 'TypeError', 'RangeError'], `${context}: ${verdict}`).toContain(verdict);
  if (verdict !== 'ok') {
    expect(strict.changedOutside(), `${context} refused with ${verdict} but wrote`).toBeNull();
  } else {
    expect(watcher.changedOutside(), `${context} wrote outside its outputs`).toBeNull();
  }
  if (kernels === fallbackKernels && verdict !== 'ok') return;
  // The fallback on compact copies: the same acceptance, and when accepted, the same values.
  const expected = await call(fallbackKernels, entry, withFallbackId(kernels, entry, reference));
  const expectedVerdict = verdictOf(expected);
  if (replaced.length <= 1) expect(verdict, `${context}: the fallback's verdict`).toBe(expectedVerdict);
  else expect(verdict === 'ok', `${context}: the fallback's verdict ${expectedVerdict}`).toBe(expectedVerdict === 'ok');
  if (verdict === 'ok' && replaced.length === 0) {
    for (const index of outputs) expect(firstDifference(values(args[index]), values(reference[index])), `${context}: output ${index}`).toBe(-1);
  }
}

describe.each(backends)('$label: fuzzing the raw binding', (backend) => {
  const kernels = backend.kernels;
  const families: [string, fc.Arbitrary<Call>][] = [
    ['element-wise activations', elementwiseCall(kernels)],
    ['activations along an axis', axisCall(kernels)],
    ['prelu', preluCall],
    ['random draws', randomCall],
  ];

  it.each(families.map(([label, arbitrary], salt) => ({ label, arbitrary, salt })))(
    '$label: valid calls compute what the fallback computes, and write only their outputs',
    async ({ arbitrary, salt }) => {
      await fc.assert(fc.asyncProperty(arbitrary, (call) => holds(kernels, { call, replaced: [] })), fuzzParameters(salt));
    },
  );

  it.each(families.map(([label, arbitrary], salt) => ({ label, arbitrary, salt })))(
    '$label: calls with hostile arguments succeed correctly or throw a TypeError or RangeError, writing nothing',
    async ({ arbitrary, salt }) => {
      await fc.assert(fc.asyncProperty(mutated(arbitrary), (c) => holds(kernels, c)), fuzzParameters(100 + salt));
    },
  );

  it('would catch a kernel writing one element past its output, or before it', async () => {
    // The guard check itself, against a real kernel: run tanh over one element more than the
    // view the check is told about, at each end.
    const id = kernels.activations.indexOf('tanh');
    await fc.assert(
      fc.asyncProperty(placedArray('Float32Array', 0), fc.integer({ min: 1, max: 40 }), fc.boolean(), async (spec, n, before) => {
        const wide = makeOutput({ ...spec, offset: spec.offset + 1, length: n + 1 }) as Float32Array;
        const declared = before ? wide.subarray(1) : wide.subarray(0, n);
        const x = makeArray({ ...spec, length: n + 1 }, inputValue) as Float32Array;
        const watcher = watchBuffers([declared], new Set([0]));
        await kernels.activationAsync(id, 0, x, wide, 0, 0);
        expect(watcher.changedOutside()).not.toBeNull();
      }),
      fuzzParameters(200),
    );
  });
});
