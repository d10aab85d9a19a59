/**
 * Argument validation on every backend.
 *
 * Through the facade: wrong kinds of arrays, mismatched types, lengths and overlaps, bad options,
 * arrays from another realm, empty and detached arrays. Every refusal follows lib/validate.ts's
 * grammar, writes nothing, and the Promise forms reject (never throw) with the same error.
 *
 * On the raw Kernels of binding.d.ts: every bad argument is refused with a TypeError or RangeError,
 * and views in the middle of guarded buffers are read and written exactly within their bounds.
 */
import { inspect } from 'node:util';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { FloatArray, Kernels } from '../binding.js';
import { optionNamesOf } from '../lib/activations.js';
import { type ActivationSpec, activationSpecs, exampleOptions } from '../lib/spec/activations.js';
import { type TestBackend, backends } from './helpers/backends.js';
import { firstDifference } from './helpers/numbers.js';

type FloatArrayConstructor = Float32ArrayConstructor | Float64ArrayConstructor;
type ErrorClass = TypeErrorConstructor | RangeErrorConstructor;

const TYPES = [Float32Array, Float64Array].map((Ctor) => ({ type: Ctor.name, Ctor }));
const otherType = (Ctor: FloatArrayConstructor): FloatArrayConstructor =>
  Ctor === Float32Array ? Float64Array : Float32Array;

// Every activation, derivative and backward (with gradOutput at this value too) changes it, so any write shows.
const SENTINEL = -7.5;
const filled = (Ctor: FloatArrayConstructor, length: number): FloatArray => new Ctor(length).fill(SENTINEL);

function detached(Ctor: FloatArrayConstructor, length: number): FloatArray {
  const array = new Ctor(length);
  structuredClone(array.buffer, { transfer: [array.buffer] });
  return array;
}

// Float16Array exists only in newer runtimes.
const Float16 = (globalThis as { Float16Array?: new (values: readonly number[]) => ArrayBufferView }).Float16Array;

/** Values that are not a Float32Array or Float64Array, and how an error message names each. */
const NOT_FLOAT_ARRAYS: readonly { label: string; make: () => unknown; described: string }[] = [
  { label: 'undefined', make: () => undefined, described: 'undefined' },
  { label: 'null', make: () => null, described: 'null' },
  { label: 'a number', make: () => 5, described: '5' },
  { label: 'a string', make: () => 'abc', described: '"abc"' },
  { label: 'a plain Array', make: () => [1, -2, 3], described: 'an Array of length 3' },
  { label: 'an Int32Array', make: () => new Int32Array([1, -2, 3]), described: 'an Int32Array of length 3' },
  { label: 'a Uint8Array', make: () => new Uint8Array([1, 2, 3]), described: 'a Uint8Array of length 3' },
  ...(Float16
    ? [{ label: 'a Float16Array', make: () => new Float16([1, -2, 3]), described: 'a Float16Array of length 3' }]
    : []),
  { label: 'a DataView', make: () => new DataView(new ArrayBuffer(12)), described: 'a DataView' },
  { label: 'an ArrayBuffer', make: () => new ArrayBuffer(12), described: 'an ArrayBuffer' },
  { label: 'an object', make: () => ({}), described: 'an object' },
  {
    label: 'an object posing as a Float32Array',
    make: () => ({ [Symbol.toStringTag]: 'Float32Array', length: 3 }),
    described: 'an object',
  },
];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const GRAMMAR = /^Expected .+ for .+ but received .+$/;

/** A copy in this realm, so expected values never depend on the array under test. */
const copyOf = (array: FloatArray): FloatArray =>
  array.BYTES_PER_ELEMENT === 4 ? Float32Array.from(array) : Float64Array.from(array);
const sameMemory = (a: FloatArray, b: FloatArray): boolean => a.buffer === b.buffer && a.byteOffset === b.byteOffset;

/** How a call ended: a synchronous throw, a plain return, or a returned Promise that settled. */
type Outcome = { kind: 'threw' | 'rejected'; error: Error } | { kind: 'returned' | 'resolved' };

async function outcomeOf(run: () => unknown): Promise<Outcome> {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    return { kind: 'threw', error: error as Error };
  }
  if (!(result instanceof Promise)) return { kind: 'returned' };
  return result.then(
    (): Outcome => ({ kind: 'resolved' }),
    (error: unknown): Outcome => ({ kind: 'rejected', error: error as Error }),
  );
}

function errorOf(outcome: Outcome, allowed: readonly Outcome['kind'][], context: string): Error {
  expect(allowed, `${context} ${outcome.kind}`).toContain(outcome.kind);
  return (outcome as { error: Error }).error;
}

// A detached buffer has no bytes, and no Uint8Array can be made over it.
const bytesOf = (buffer: ArrayBufferLike): Uint8Array =>
  buffer.byteLength === 0 ? new Uint8Array(0) : new Uint8Array(buffer).slice();

/** Snapshots every buffer behind the views among `values` (and inside options objects); the check fails if a byte changed. */
function watch(values: readonly unknown[]): (context: string) => void {
  const buffers = values
    .flatMap((value) => (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) ? Object.values(value) : [value]))
    .filter((value): value is ArrayBufferView => ArrayBuffer.isView(value))
    .map((view) => view.buffer);
  const before = buffers.map(bytesOf);
  return (context) => buffers.forEach((buffer, i) => expect(bytesOf(buffer), `${context} wrote`).toEqual(before[i]));
}

const show = (args: readonly unknown[]): string => inspect(args, { breakLength: Infinity });

// ---------------------------------------------------------------------------------------------
// The facade
// ---------------------------------------------------------------------------------------------

// The tests call these with values of any type, on purpose.
type Loose = (...args: unknown[]) => unknown;

interface Operation {
  readonly label: string;
  readonly backward: boolean;
  readonly sync: Loose;
  readonly async: Loose;
  /** The options it accepts: out and the row's parameters. */
  readonly options: readonly string[];
  /** What the second argument of a backward operation is called: x, or y for backwardFromOutput. */
  readonly input: 'x' | 'y';
}

const isPlainObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** fn with the row's example parameters merged into its options object (when it is one, or absent). */
function withExample(fn: Loose, arity: number, example: object): Loose {
  return (...args: unknown[]) => {
    const given = args[arity];
    if (given !== undefined && !isPlainObject(given)) return fn(...args);
    return fn(...args.slice(0, arity), { ...example, ...(given as object | undefined) });
  };
}

function operationsOf(backend: TestBackend): Operation[] {
  return (activationSpecs as readonly ActivationSpec[]).flatMap((spec) => {
    const f = backend.api[spec.name as keyof typeof backend.api] as unknown as Loose & Record<string, Loose & { async: Loose }> & { async: Loose };
    const example = exampleOptions(spec);
    const options = optionNamesOf(spec);
    const unary = (label: string, fn: Loose & { async: Loose }): Operation => ({
      label,
      backward: false,
      sync: withExample(fn, 1, example),
      async: withExample(fn.async, 1, example),
      options,
      input: 'x',
    });
    const ops = [unary(spec.name, f), unary(`${spec.name}.derivative`, f.derivative!)];
    for (const member of spec.fromOutput ? ['backward', 'backwardFromOutput'] : ['backward']) {
      const fn = f[member]!;
      const input = member === 'backward' ? 'x' : 'y';
      ops.push({ label: `${spec.name}.${member}`, backward: true, sync: withExample(fn, 2, example), async: withExample(fn.async, 2, example), options, input });
    }
    return ops;
  });
}

interface Inputs<T = FloatArray> {
  readonly gradOutput: T;
  readonly x: T;
}

/** The positional arguments of `op`: (x, ...rest) or (gradOutput, x, ...rest). */
function argumentsOf(op: Operation, inputs: Inputs<unknown>, ...rest: unknown[]): unknown[] {
  return op.backward ? [inputs.gradOutput, inputs.x, ...rest] : [inputs.x, ...rest];
}

const sentinelInputs = (Ctor: FloatArrayConstructor, length: number): Inputs => ({
  gradOutput: filled(Ctor, length),
  x: filled(Ctor, length),
});

const X_VALUES = [1.5, -2, 0.25, -0.5];
const GRAD_VALUES = [0.75, -1.25, 3, 2];
const valuedInputs = (Ctor: FloatArrayConstructor): Inputs => ({ gradOutput: Ctor.from(GRAD_VALUES), x: Ctor.from(X_VALUES) });

/**
 * The sync form throws `type` with `message` (exact if a string), the Promise form returns a
 * Promise rejecting with the same class and message, and neither writes to any array it was given.
 */
async function expectRefused(op: Operation, args: readonly unknown[], type: ErrorClass, message: string | RegExp): Promise<void> {
  const context = `${op.label}${show(args)}`;
  const unchanged = watch(args);
  const thrown = errorOf(await outcomeOf(() => op.sync(...args)), ['threw'], context);
  expect(thrown, context).toBeInstanceOf(type);
  if (typeof message === 'string') expect(thrown.message, context).toBe(message);
  else expect(thrown.message, context).toMatch(message);
  expect(thrown.message, context).toMatch(GRAMMAR);
  const rejected = errorOf(await outcomeOf(() => op.async(...args)), ['rejected'], `${context} async`);
  expect(rejected.constructor, `${context} async`).toBe(thrown.constructor);
  expect(rejected.message, `${context} async`).toBe(thrown.message);
  unchanged(context);
}

/**
 * Both forms of `op` return what it gives for same-realm copies of the inputs (into `out`, when
 * given), and leave alone every input that `out` is not.
 */
async function expectComputes(op: Operation, setup: () => { inputs: Inputs; out?: FloatArray }): Promise<void> {
  for (const form of ['sync', 'async'] as const) {
    const { inputs, out } = setup();
    const before = { gradOutput: copyOf(inputs.gradOutput), x: copyOf(inputs.x) };
    const expected = op.sync(...argumentsOf(op, before)) as FloatArray;
    const result = (await op[form](...argumentsOf(op, inputs, ...(out ? [{ out }] : [])))) as FloatArray;
    if (out) expect(result, `${form} returns out`).toBe(out);
    expect(result.BYTES_PER_ELEMENT, form).toBe(expected.BYTES_PER_ELEMENT);
    expect(firstDifference(result, expected), `${form} result`).toBe(-1);
    for (const name of ['gradOutput', 'x'] as const) {
      if (!out || !sameMemory(out, inputs[name])) expect(firstDifference(inputs[name], before[name]), `${form} ${name}`).toBe(-1);
    }
  }
}

describe.each(backends)('$label: the facade', (backend) => {
  it('judges x by its real length, not by an own length property', () => {
    const x = new Float32Array([1, -2, 3]);
    Object.defineProperty(x, 'length', { value: 5 });
    expect(Array.from(backend.api.relu(x))).toEqual([1, 0, 3]);
  });

  describe.each(operationsOf(backend))('$label', (op) => {
    const first = op.backward ? 'gradOutput' : 'x';

    it.each(NOT_FLOAT_ARRAYS)(`refuses $label for ${first} with the exact TypeError`, async ({ make, described }) => {
      const inputs = { ...sentinelInputs(Float32Array, 3), [first]: make() };
      const args = argumentsOf(op, inputs, { out: filled(Float32Array, 3) });
      await expectRefused(op, args, TypeError, `Expected a Float32Array or Float64Array for ${first} but received ${described}`);
    });

    if (op.backward) {
      it.each(NOT_FLOAT_ARRAYS)('refuses $label for x with a TypeError naming x', async ({ make, described }) => {
        const inputs = { ...sentinelInputs(Float32Array, 3), x: make() };
        const args = argumentsOf(op, inputs, { out: filled(Float32Array, 3) });
        await expectRefused(op, args, TypeError, new RegExp(`^Expected .+ for ${op.input} but received ${escapeRegExp(described)}$`));
      });
    }

    // { out: undefined } means "allocate", so undefined is not refused for out.
    it.each(NOT_FLOAT_ARRAYS.filter(({ described }) => described !== 'undefined'))(
      'refuses $label for out with a TypeError naming out',
      async ({ make, described }) => {
        const args = argumentsOf(op, sentinelInputs(Float32Array, 3), { out: make() });
        await expectRefused(op, args, TypeError, new RegExp(`^Expected .+ for out but received ${escapeRegExp(described)}$`));
      },
    );

    describe.each(TYPES)('$type', ({ type, Ctor }) => {
      const other = otherType(Ctor).name;
      const bytes = Ctor.BYTES_PER_ELEMENT;

      it('refuses an out of the other element type with a TypeError', async () => {
        const args = argumentsOf(op, sentinelInputs(Ctor, 3), { out: filled(otherType(Ctor), 3) });
        await expectRefused(op, args, TypeError, `Expected a ${type} (like ${op.input}) for out but received a ${other} of length 3`);
      });

      it('refuses an out of another length with a RangeError naming both lengths', async () => {
        for (const length of [0, 2, 4]) {
          const args = argumentsOf(op, sentinelInputs(Ctor, 3), { out: filled(Ctor, length) });
          await expectRefused(op, args, RangeError, `Expected a ${type} of length 3 (like ${op.input}) for out but received a ${type} of length ${length}`);
        }
      });

      if (op.backward) {
        it('refuses x of another type than gradOutput with a TypeError naming x', async () => {
          const args = argumentsOf(op, { gradOutput: filled(Ctor, 3), x: filled(otherType(Ctor), 3) }, { out: filled(Ctor, 3) });
          await expectRefused(op, args, TypeError, `Expected a ${type} (like gradOutput) for ${op.input} but received a ${other} of length 3`);
        });

        it('refuses x of another length than gradOutput with a RangeError naming x', async () => {
          const args = argumentsOf(op, { gradOutput: filled(Ctor, 3), x: filled(Ctor, 2) }, { out: filled(Ctor, 3) });
          await expectRefused(op, args, RangeError, `Expected a ${type} of length 3 (like gradOutput) for ${op.input} but received a ${type} of length 2`);
        });
      }

      // Element offsets of 4-element views in one 8-element buffer: out starts inside x, ends inside
      // x, or shares just x's last element.
      const OVERLAPS = [
        { input: 0, out: 2 },
        { input: 3, out: 0 },
        { input: 0, out: 3 },
      ];

      for (const name of op.backward ? (['x', 'gradOutput'] as const) : (['x'] as const)) {
        it(`refuses an out that partly overlaps ${name} with a RangeError`, async () => {
          for (const at of OVERLAPS) {
            const buffer = filled(Ctor, 8);
            const inputs = { ...sentinelInputs(Ctor, 4), [name]: buffer.subarray(at.input, at.input + 4) };
            const args = argumentsOf(op, inputs, { out: buffer.subarray(at.out, at.out + 4) });
            const called = name === 'x' ? op.input : name;
            const message =
              `Expected ${called} itself or an array sharing no memory with ${called} for out but received ` +
              `a view overlapping ${called} (byte offset ${at.out * bytes}, ${called} at ${at.input * bytes})`;
            await expectRefused(op, args, RangeError, message);
          }
        });
      }

      it('accepts x itself, or another view of exactly its memory, as out', async () => {
        await expectComputes(op, () => {
          const inputs = valuedInputs(Ctor);
          return { inputs, out: inputs.x };
        });
        await expectComputes(op, () => {
          const inputs = valuedInputs(Ctor);
          return { inputs, out: inputs.x.subarray(0) };
        });
      });

      if (op.backward) {
        it('accepts gradOutput itself as out', async () => {
          await expectComputes(op, () => {
            const inputs = valuedInputs(Ctor);
            return { inputs, out: inputs.gradOutput };
          });
        });
      }

      it('accepts an out in the same buffer as x that shares no memory with it, and computes it right', async () => {
        for (const [xAt, outAt] of [
          [0, 4],
          [4, 0],
        ] as const) {
          await expectComputes(op, () => {
            const buffer = filled(Ctor, 8);
            const x = buffer.subarray(xAt, xAt + 4);
            x.set(X_VALUES);
            return { inputs: { gradOutput: Ctor.from(GRAD_VALUES), x }, out: buffer.subarray(outAt, outAt + 4) };
          });
        }
      });

      it('takes a zero-length x and returns a zero-length array of its type', async () => {
        await expectComputes(op, () => ({ inputs: { gradOutput: new Ctor(0), x: new Ctor(0) } }));
      });

      it('treats x with a detached buffer as zero-length', async () => {
        for (const form of ['sync', 'async'] as const) {
          const result = (await op[form](...argumentsOf(op, { gradOutput: detached(Ctor, 3), x: detached(Ctor, 3) }))) as FloatArray;
          expect(result, form).toBeInstanceOf(Ctor);
          expect(result.length, form).toBe(0);
        }
      });

      it('refuses an out with a detached buffer for a non-empty x with a RangeError', async () => {
        const args = argumentsOf(op, sentinelInputs(Ctor, 3), { out: detached(Ctor, 3) });
        await expectRefused(op, args, RangeError, `Expected a ${type} of length 3 (like ${op.input}) for out but received a ${type} of length 0`);
      });
    });

    it('refuses options that are not an object with a TypeError naming what it received', async () => {
      const notOptions = [
        { options: 5, described: '5' },
        { options: 'out', described: '"out"' },
        { options: [filled(Float32Array, 3)], described: 'an Array of length 1' },
        { options: null, described: 'null' },
        { options: true, described: 'true' },
        // out passed positionally instead of as { out }
        { options: filled(Float32Array, 3), described: 'a Float32Array of length 3' },
      ];
      for (const { options, described } of notOptions) {
        const args = argumentsOf(op, sentinelInputs(Float32Array, 3), options);
        await expectRefused(op, args, TypeError, `Expected an options object or undefined for ${op.label} options but received ${described}`);
      }
    });

    it('refuses an unknown option with a TypeError naming the key', async () => {
      const args = argumentsOf(op, sentinelInputs(Float32Array, 3), { otu: filled(Float32Array, 3) });
      await expectRefused(op, args, TypeError, `Expected one of ${op.options.join(', ')} for ${op.label} options but received an unknown option "otu"`);
    });

    it('accepts { out: undefined } and {} and allocates a new array', async () => {
      for (const options of [{ out: undefined }, {}]) {
        for (const form of ['sync', 'async'] as const) {
          const inputs = valuedInputs(Float32Array);
          const expected = new Float32Array(X_VALUES.length);
          op.sync(...argumentsOf(op, valuedInputs(Float32Array), { out: expected }));
          const result = (await op[form](...argumentsOf(op, inputs, options))) as FloatArray;
          const context = `${form} ${inspect(options)}`;
          expect(result, context).toBeInstanceOf(Float32Array);
          expect(result, context).not.toBe(inputs.x);
          expect(result, context).not.toBe(inputs.gradOutput);
          expect(firstDifference(result, expected), context).toBe(-1);
        }
      }
    });

    it('accepts Float32Arrays from another realm, as inputs and as out', async () => {
      const foreign = (values: readonly number[]) => runInNewContext(`new Float32Array(${JSON.stringify(values)})`) as Float32Array;
      const foreignInputs = () => ({ gradOutput: foreign(GRAD_VALUES), x: foreign(X_VALUES) });
      await expectComputes(op, () => ({ inputs: foreignInputs() }));
      await expectComputes(op, () => ({ inputs: foreignInputs(), out: foreign([0, 0, 0, 0]) }));
    });

    it(`refuses an Int32Array from another realm for ${first} with the usual TypeError`, async () => {
      const inputs = { ...sentinelInputs(Float32Array, 3), [first]: runInNewContext('new Int32Array([1, -2, 3])') };
      const args = argumentsOf(op, inputs, { out: filled(Float32Array, 3) });
      await expectRefused(op, args, TypeError, `Expected a Float32Array or Float64Array for ${first} but received an Int32Array of length 3`);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The raw kernels
// ---------------------------------------------------------------------------------------------

interface EntryPoint {
  readonly name: 'activation' | 'activationAsync' | 'activationBackward' | 'activationBackwardAsync';
  readonly backward: boolean;
  readonly async: boolean;
}

const ENTRY_POINTS: readonly EntryPoint[] = [
  { name: 'activation', backward: false, async: false },
  { name: 'activationAsync', backward: false, async: true },
  { name: 'activationBackward', backward: true, async: false },
  { name: 'activationBackwardAsync', backward: true, async: true },
];

/** A valid call's arguments, positionally: (id, pass, x, out, a, b) or (id, source, gradOutput, x, out, a, b). */
function kernelArguments(entry: EntryPoint, length: number): unknown[] {
  const arrays = [filled(Float32Array, length), filled(Float32Array, length)];
  return entry.backward ? [0, 0, filled(Float32Array, length), ...arrays, 0, 0] : [0, 0, ...arrays, 0, 0];
}

const replaced = (args: readonly unknown[], index: number, value: unknown): unknown[] =>
  args.map((arg, i) => (i === index ? value : arg));

/** Values of the right kind for an array argument but the wrong type or length for a Float32Array x of length 3. */
const MISMATCHED_ARRAYS: readonly (() => FloatArray)[] = [
  () => filled(Float64Array, 3),
  () => filled(Float32Array, 2),
  () => filled(Float32Array, 4),
  () => detached(Float32Array, 3),
];

describe.each(backends)('$label: the raw kernels', (backend) => {
  const kernels: Kernels = backend.kernels;

  describe.each(ENTRY_POINTS)('$name', (entry) => {
    const positions = entry.backward ? ['id', 'source', 'gradOutput', 'x', 'out', 'a', 'b'] : ['id', 'pass', 'x', 'out', 'a', 'b'];
    const arrayPositions = entry.backward ? ['gradOutput', 'x', 'out'] : ['x', 'out'];

    /** A sync entry point throws; an async one throws or rejects. Either way a TypeError or RangeError, and nothing written. */
    async function expectKernelRefuses(args: readonly unknown[]): Promise<void> {
      const context = `${entry.name}${show(args)}`;
      const unchanged = watch(args);
      const outcome = await outcomeOf(() => Reflect.apply(kernels[entry.name], kernels, args));
      const error = errorOf(outcome, entry.async ? ['threw', 'rejected'] : ['threw'], context);
      expect([TypeError, RangeError], `${context} threw ${error}`).toContain(error.constructor);
      unchanged(context);
    }

    async function expectRefusesAt(position: string, values: readonly unknown[], length = 3): Promise<void> {
      for (const value of values) await expectKernelRefuses(replaced(kernelArguments(entry, length), positions.indexOf(position), value));
    }

    it('refuses kernel ids that are not an integer in range', async () => {
      await expectRefusesAt('id', [-1, 1.5, NaN, 1e9, Infinity, kernels.activations.length, '0', undefined, null]);
    });

    it(`refuses ${entry.backward ? 'sources' : 'passes'} other than 0 and 1`, async () => {
      await expectRefusesAt(entry.backward ? 'source' : 'pass', [2, -1, 0.5, NaN, '0', undefined, null]);
    });

    if (entry.backward) {
      it('refuses source 1 (from the output) for an activation whose derivative is not a function of its output', async () => {
        const id = kernels.activations.indexOf('identity');
        await expectKernelRefuses(replaced(replaced(kernelArguments(entry, 3), 0, id), 1, 1));
      });
    }

    for (const position of arrayPositions) {
      // A Promise form given out = null makes its result array (test/async-safety.test.ts).
      const refused = NOT_FLOAT_ARRAYS.filter(({ label }) => !(entry.async && position === 'out' && label === 'null'));
      it(`refuses a non-float-array ${position}, whether the other arrays are empty or not`, async () => {
        for (const length of [3, 0]) await expectRefusesAt(position, refused.map(({ make }) => make()), length);
      });

      it(`refuses a ${position} of another element type or length`, async () => {
        await expectRefusesAt(position, MISMATCHED_ARRAYS.map((make) => make()));
      });
    }

    it('refuses parameters a and b that are not numbers', async () => {
      for (const position of ['a', 'b']) await expectRefusesAt(position, ['0', null, undefined, {}, 1n, [0]]);
    });

    it('refuses calls with arguments missing', async () => {
      for (let count = 0; count < positions.length; count++) await expectKernelRefuses(kernelArguments(entry, 3).slice(0, count));
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Guard regions around views
// ---------------------------------------------------------------------------------------------

// Views start at odd element offsets, so no SIMD level sees them aligned, and have guard elements
// after them too.
const X_AT = 3;
const GRAD_AT = 7;
const OUT_AT = 5;
const GUARD = 19;
// No kernel turns any input, guards included, into OUT_GUARD (relu of X_GUARD is 0, tanh of it -1),
// so a write into out's guards always shows.
const X_GUARD = -777.25;
const OUT_GUARD = 12345.5;

/** A buffer of `guard` values with a view of `length` elements at `at`, set from `valueAt`. */
function guarded(Ctor: FloatArrayConstructor, length: number, at: number, guard: number, valueAt: (i: number) => number) {
  const buffer = new Ctor(at + length + GUARD).fill(guard);
  const view = buffer.subarray(at, at + length);
  for (let i = 0; i < length; i++) view[i] = valueAt(i);
  return { buffer, view };
}

const bytesOfView = (array: FloatArray): Buffer => Buffer.from(array.buffer, array.byteOffset, array.byteLength);

/** -1 when the arrays hold the same bytes (a fast check for a million elements), else firstDifference. */
const differenceAt = (a: FloatArray, b: FloatArray): number =>
  bytesOfView(a).equals(bytesOfView(b)) ? -1 : firstDifference(a, b);

describe.each(backends)('$label: the raw kernels on views in guarded buffers', (backend) => {
  const kernels = backend.kernels;

  describe.each(TYPES)('$type', ({ Ctor }) => {
    it.each([1, 3, 17, 1_000_003])('length %i: every entry point writes exactly the view of out and nothing else', async (length) => {
      const x = guarded(Ctor, length, X_AT, X_GUARD, (i) => ((i * 7919) % 2001) / 100 - 10);
      const gradOutput = guarded(Ctor, length, GRAD_AT, X_GUARD, (i) => ((i % 7) - 3) * 0.37);
      const out = guarded(Ctor, length, OUT_AT, OUT_GUARD, () => OUT_GUARD);
      const xBefore = x.buffer.slice();
      const gradBefore = gradOutput.buffer.slice();

      // Splitting a long call into chunks or slices is shared by every kernel, and each kernel's
      // own tail handling is covered by the short lengths, so one kernel is enough at a million.
      const names = length > 1000 ? ['tanh'] : kernels.activations;
      const calls = names.flatMap((name) => {
        const id = kernels.activations.indexOf(name);
        return [
          ...([0, 1] as const).map((pass) => ({
            label: `${name} pass ${pass}`,
            reference: (into: FloatArray) => kernels.activation(id, pass, x.view.slice(), into, 0, 0),
            sync: () => kernels.activation(id, pass, x.view, out.view, 0, 0),
            async: () => kernels.activationAsync(id, pass, x.view, out.view, 0, 0),
          })),
          {
            label: `${name} backward`,
            reference: (into: FloatArray) => kernels.activationBackward(id, 0, gradOutput.view.slice(), x.view.slice(), into, 0, 0),
            sync: () => kernels.activationBackward(id, 0, gradOutput.view, x.view, out.view, 0, 0),
            async: () => kernels.activationBackwardAsync(id, 0, gradOutput.view, x.view, out.view, 0, 0),
          },
        ];
      });

      for (const call of calls) {
        // What out's whole buffer must hold: the result of compact copies, and guards around it.
        const expected = guarded(Ctor, length, OUT_AT, OUT_GUARD, () => OUT_GUARD);
        call.reference(expected.view);
        for (const form of ['sync', 'async'] as const) {
          const context = `${call.label} ${form}`;
          out.buffer.fill(OUT_GUARD);
          await call[form]();
          expect(differenceAt(out.buffer, expected.buffer), `${context}: out's buffer (view at ${OUT_AT}..${OUT_AT + length - 1})`).toBe(-1);
          expect(differenceAt(x.buffer, xBefore), `${context}: x's buffer`).toBe(-1);
          expect(differenceAt(gradOutput.buffer, gradBefore), `${context}: gradOutput's buffer`).toBe(-1);
        }
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

const DOMAIN_TEXT = { finite: 'a finite number', positive: 'a finite number > 0', nonnegative: 'a finite number >= 0' } as const;
const OUT_OF_DOMAIN = { finite: [], positive: [0, -0, -1], nonnegative: [-1, -1e-300] } as const;

describe.each(backends)('$label: parameters', (backend) => {
  const rows = (activationSpecs as readonly ActivationSpec[]).filter((spec) => spec.params.length > 0);

  describe.each(rows)('$name', (spec) => {
    const f = backend.api[spec.name as keyof typeof backend.api] as unknown as Loose;
    const example = exampleOptions(spec);

    async function refuses(options: object, type: ErrorClass, message: string): Promise<void> {
      const x = filled(Float32Array, 3);
      const out = filled(Float32Array, 3);
      const before = copyOf(out);
      expect(() => f(x, { ...options, out }), show([options])).toThrow(type);
      expect(() => f(x, { ...options, out })).toThrow(message);
      expect(firstDifference(out, before)).toBe(-1);
    }

    it.each(spec.params)('refuses $name values that are not numbers, not finite or out of its domain', async (param) => {
      const name = `${spec.name} option ${param.name}`;
      const what = DOMAIN_TEXT[param.domain];
      for (const [value, described] of [['1', '"1"'], [null, 'null'], [true, 'true'], [1n, '1n'], [{}, 'an object']] as const) {
        await refuses({ ...example, [param.name]: value }, TypeError, `Expected ${what} for ${name} but received ${described}`);
      }
      for (const value of [NaN, Infinity, -Infinity, ...OUT_OF_DOMAIN[param.domain]]) {
        await refuses({ ...example, [param.name]: value }, RangeError, `Expected ${what} for ${name} but received ${Object.is(value, -0) ? '-0' : value}`);
      }
    });

    it.each(spec.params.filter((param) => param.default === undefined))('requires $name, which has no default', async (param) => {
      const { [param.name]: _, ...rest } = example;
      await refuses(rest, TypeError, `Expected ${DOMAIN_TEXT[param.domain]} for ${spec.name} option ${param.name} but received undefined`);
    });

    it.runIf(spec.paramsCheck !== undefined)('refuses parameters that break the condition between them', async () => {
      // Both of these rows' conditions are first <= second.
      const [first, second] = spec.params.map((param) => param.name) as [string, string];
      await refuses({ [first]: 2, [second]: 1 }, RangeError, `Expected ${spec.paramsCheck!.what} for ${spec.name} options but received ${first} = 2, ${second} = 1`);
    });

    it('uses the parameters it is given, and its defaults for those it is not', () => {
      const x = Float64Array.from([-3, -0.75, -0.6, 0.25, 0.55, 2.5]);
      const moved = Object.fromEntries(Object.entries(example).map(([name, value]) => [name, value + 0.125]));
      const withExample = f(x, example) as FloatArray;
      expect(firstDifference(f(x, moved) as FloatArray, withExample)).not.toBe(-1);
      if (spec.example === undefined) expect(firstDifference(f(x) as FloatArray, withExample)).toBe(-1);
    });
  });
});
