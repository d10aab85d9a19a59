/**
 * The fuzzers' shared parts: how many cases to run, hostile values, typed arrays placed in
 * guarded buffers of every kind (ArrayBuffer, SharedArrayBuffer, resizable and growable ones,
 * detached), and the checks that a call wrote nothing outside the views it was given.
 *
 * `npm test` runs FUZZ_RUNS cases per property from a fixed seed, so a failure reproduces; a long
 * campaign sets KINDLING_FUZZ_RUNS (and KINDLING_FUZZ_SEED for fresh cases), e.g.
 * `KINDLING_FUZZ_RUNS=5000 npx vitest run test/fuzz-binding.test.ts test/fuzz-api.test.ts`.
 */
import fc from 'fast-check';
import { constants } from 'node:buffer';

export const FUZZ_RUNS = Number(process.env.KINDLING_FUZZ_RUNS ?? 12);
export const FUZZ_SEED = Number(process.env.KINDLING_FUZZ_SEED ?? 20_261_205);

/** fast-check's parameters for the property numbered `salt` in a file: each gets its own cases. */
export const fuzzParameters = (salt: number) => ({ numRuns: FUZZ_RUNS, seed: FUZZ_SEED + salt, endOnFailure: true, reporter: reportFailure });

/**
 * fast-check's report of a failure, without printing the counterexample: its default report
 * stringifies every argument, and throws on a detached typed array, hiding the real failure.
 * The seed and path replay the case (fc.assert's `seed` and `path`).
 */
function reportFailure<Ts>(details: fc.RunDetails<Ts>): void {
  if (!details.failed) return;
  const cause = details.errorInstance instanceof Error ? String(details.errorInstance.stack) : String(details.errorInstance);
  throw new Error(`fuzz case failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}"): ${cause}`);
}

export type TypedKind =
  | 'Float32Array'
  | 'Float64Array'
  | 'Uint8Array'
  | 'Int32Array'
  | 'Uint32Array'
  | 'Int8Array'
  | 'Uint8ClampedArray'
  | 'Int16Array'
  | 'Uint16Array'
  | 'BigInt64Array';

export type Backing = 'ArrayBuffer' | 'SharedArrayBuffer' | 'resizable ArrayBuffer' | 'growable SharedArrayBuffer';

/** A typed array to build: its kind, length, element offset into its buffer, backing, and whether it is detached. */
export interface ArraySpec {
  readonly kind: TypedKind;
  readonly length: number;
  readonly offset: number;
  readonly backing: Backing;
  readonly detached: boolean;
}

// Elements of guard after every view; the offset puts guards before it.
const GUARD_AFTER = 3;
// Every byte of a guard, and of an output before a call: 0xA5A5A5A5 is a finite float32
// (-2.9e-16), a finite float64, and no kernel turns the fuzzers' inputs into it.
export const GUARD_BYTE = 0xa5;

const constructors: Record<TypedKind, new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView> = {
  Float32Array,
  Float64Array,
  Uint8Array,
  Int32Array,
  Uint32Array,
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  BigInt64Array,
};

type BufferOptions = { maxByteLength: number };
const ResizableArrayBuffer = ArrayBuffer as unknown as new (length: number, options?: BufferOptions) => ArrayBuffer;
const GrowableSharedArrayBuffer = SharedArrayBuffer as unknown as new (length: number, options?: BufferOptions) => SharedArrayBuffer;

function newBuffer(backing: Backing, bytes: number): ArrayBufferLike {
  switch (backing) {
    case 'ArrayBuffer':
      return new ArrayBuffer(bytes);
    case 'SharedArrayBuffer':
      return new SharedArrayBuffer(bytes);
    case 'resizable ArrayBuffer':
      return new ResizableArrayBuffer(bytes, { maxByteLength: 2 * bytes + 64 });
    case 'growable SharedArrayBuffer':
      return new GrowableSharedArrayBuffer(bytes, { maxByteLength: 2 * bytes + 64 });
  }
}

/** Detaches an ArrayBuffer by transferring it away (a MessageChannel's postMessage would do the same). */
export function detach(buffer: ArrayBufferLike): void {
  structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
}

/**
 * A view placed `offset` elements into a buffer with GUARD_AFTER elements after it, every byte
 * GUARD_BYTE, then filled by `valueAt` (floats) or with small integers. A detached one is built
 * on an ArrayBuffer and then detached (SharedArrayBuffers cannot be).
 */
export function makeArray(spec: ArraySpec, valueAt: (i: number) => number = (i) => ((i * 37) % 23) - 11.5): ArrayBufferView {
  const Ctor = constructors[spec.kind];
  const size = (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const backing = spec.detached ? 'ArrayBuffer' : spec.backing;
  const buffer = newBuffer(backing, (spec.offset + spec.length + GUARD_AFTER) * size);
  new Uint8Array(buffer).fill(GUARD_BYTE);
  const view = new Ctor(buffer, spec.offset * size, spec.length);
  const values = view as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < spec.length; i++) {
    const value = valueAt(i);
    values[i] = spec.kind === 'BigInt64Array' ? BigInt(Math.trunc(value)) : spec.kind.startsWith('Float') ? value : Math.abs(Math.trunc(value)) % 2;
  }
  if (spec.detached) detach(buffer);
  return view;
}

/** An output view: every byte GUARD_BYTE, so any write shows. */
export function makeOutput(spec: ArraySpec): ArrayBufferView {
  const view = makeArray(spec);
  if (view.buffer.byteLength > 0) new Uint8Array(view.buffer, view.byteOffset, view.byteLength).fill(GUARD_BYTE);
  return view;
}

const bytesOf = (buffer: ArrayBufferLike): Uint8Array => (buffer.byteLength === 0 ? new Uint8Array(0) : new Uint8Array(buffer).slice());

/**
 * Watches the buffers of `views`: those whose index is in `writable` may change inside their own
 * view (between byteOffset and byteOffset + byteLength as they were at the watch); nothing else
 * may change. `changedOutside()` names the first byte that did, or returns null.
 */
export function watchBuffers(views: readonly unknown[], writable: ReadonlySet<number> = new Set()) {
  const watched = views.flatMap((value, index) => {
    if (!ArrayBuffer.isView(value)) return [];
    const [start, end] = writable.has(index) ? [value.byteOffset, value.byteOffset + value.byteLength] : [0, 0];
    return [{ index, buffer: value.buffer, before: bytesOf(value.buffer), start, end }];
  });
  return {
    changedOutside(): string | null {
      for (const { index, buffer, before, start, end } of watched) {
        const after = bytesOf(buffer);
        const length = Math.min(after.length, before.length);
        for (let i = 0; i < length; i++) {
          if (after[i] !== before[i] && (i < start || i >= end)) {
            return `argument ${index}: byte ${i} changed (${before[i]} -> ${after[i]}), allowed ${start}..${end - 1}`;
          }
        }
      }
      return null;
    },
  };
}

// ---- arbitraries ----

const FLOAT_KINDS: readonly TypedKind[] = ['Float32Array', 'Float64Array'];
const OTHER_KINDS: readonly TypedKind[] = ['Uint8Array', 'Int32Array', 'Uint32Array', 'Int8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'BigInt64Array'];
const BACKINGS: readonly Backing[] = ['ArrayBuffer', 'SharedArrayBuffer', 'resizable ArrayBuffer', 'growable SharedArrayBuffer'];

/** Lengths: mostly short (every SIMD tail), sometimes long enough to be split across threads. */
export const lengthArbitrary = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 40_000 }) },
);

/** Where a view starts in its buffer, in elements: odd offsets leave it unaligned for every SIMD width. */
export const offsetArbitrary = fc.integer({ min: 0, max: 5 });
export const backingArbitrary = fc.constantFrom(...BACKINGS);

/** A valid array of `kind` and `length` (not detached), placed anywhere in any kind of buffer. */
export const placedArray = (kind: TypedKind, length: number): fc.Arbitrary<ArraySpec> =>
  fc.record({ kind: fc.constant(kind), length: fc.constant(length), offset: offsetArbitrary, backing: backingArbitrary, detached: fc.constant(false) });

/** Any typed array at all: any kind, length, placement, backing, possibly detached. */
export const anyArraySpec: fc.Arbitrary<ArraySpec> = fc.record({
  kind: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FLOAT_KINDS) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_KINDS) }),
  length: fc.oneof(lengthArbitrary, fc.constantFrom(1, 2, 3, 4)),
  offset: offsetArbitrary,
  backing: backingArbitrary,
  detached: fc.boolean(),
});

/** Values that are no typed array, or are no number of any sense. */
export const NOT_ARRAYS: readonly unknown[] = [
  undefined,
  null,
  0,
  NaN,
  -1,
  'abc',
  1n,
  true,
  Symbol('s'),
  {},
  [1, 2, 3],
  () => 1,
  new DataView(new ArrayBuffer(8)),
  new ArrayBuffer(8),
  { length: 3, 0: 1, 1: 2, 2: 3 },
  Object.create(Float32Array.prototype),
];

/** Numbers a caller could pass for an integer argument: negative, fractional, NaN, infinite, huge, or no number. */
export const HOSTILE_NUMBERS: readonly unknown[] = [
  -1,
  -0,
  0.5,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  2 ** 31,
  2 ** 32,
  2 ** 32 + 1,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 64,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  '1',
  null,
  undefined,
  1n,
  {},
  [1],
];

/**
 * HOSTILE_NUMBERS for an argument the library allocates from (a draw's size): without the huge
 * sizes that are valid. 2^31 float64 values are 16 GB; two such calls in two test workers ran this
 * 24 GB machine out of memory and the kernel killed a worker (a 300-case campaign). Sizes above
 * V8's limit stay: they must be refused before anything is allocated.
 */
export const HOSTILE_SIZES: readonly unknown[] = HOSTILE_NUMBERS.filter(
  (value) => !(typeof value === 'number' && Number.isSafeInteger(value) && value > 2 ** 20 && value <= constants.MAX_LENGTH),
);

/**
 * Parameters inside every row's domain, where every backend promises the same values; NaN,
 * infinite, negative and tiny ones reach the kernels as hostile replacements (HOSTILE_NUMBERS).
 */
export const parameterArbitrary = fc.oneof(fc.double({ min: 0.01, max: 10, noNaN: true }), fc.constantFrom(0.2, 1, 1.5));

export const hostileValueArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...NOT_ARRAYS),
  fc.constantFrom(...HOSTILE_NUMBERS),
  anyArraySpec.map((spec) => makeArray(spec)),
);

// ---- outcomes ----

/** How a call ended: a synchronous throw, a plain return, or a Promise that settled. */
export interface Outcome {
  readonly kind: 'threw' | 'rejected' | 'returned' | 'resolved';
  readonly value?: unknown;
  readonly error?: unknown;
}

export async function outcomeOf(run: () => unknown): Promise<Outcome> {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    return { kind: 'threw', error };
  }
  if (!(result instanceof Promise)) return { kind: 'returned', value: result };
  return result.then(
    (value): Outcome => ({ kind: 'resolved', value }),
    (error: unknown): Outcome => ({ kind: 'rejected', error }),
  );
}

/** 'ok', 'TypeError' or 'RangeError', or a description of anything else a call did. */
export function verdictOf(outcome: Outcome): string {
  if (outcome.kind === 'returned' || outcome.kind === 'resolved') return 'ok';
  const { error } = outcome;
  if (error instanceof TypeError) return 'TypeError';
  if (error instanceof RangeError) return 'RangeError';
  return `${outcome.kind} ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`;
}

export const errorMessage = (outcome: Outcome): string => {
  const { error } = outcome;
  return error instanceof Error ? error.message : String(error);
};
