/**
 * Argument checks of the initializer family, on lib/validate.ts's grammar ("Expected <what> for
 * <name> but received <value>"): TypeError for the wrong kind of value (a string outside its set
 * of names counts as a wrong kind, as the compiler would say), RangeError for a number, shape or
 * length out of range.
 */
import type { FloatArray } from '../../binding.js';
import type { Dtype } from '../random/distributions.js';
import { Generator, defaultGenerator } from '../random/generator.js';
import type { Layout, ParamSpec } from '../spec/initializers.js';
import { layouts } from '../spec/initializers.js';
import { allocated, describe, lengthOf, message, rangeError, typeError, typedArrayKind } from '../validate.js';

export type Shape = readonly number[];

/** How a shape is named in messages: its dimensions, e.g. [64, 3, 3]. */
export function showShape(shape: readonly unknown[]): string {
  return `[${shape.map(describe).join(', ')}]`;
}

/** A shape: an Array of non-negative safe integers whose product (of the non-zero ones) is a safe integer. */
export function checkShape(value: unknown, name = 'shape'): number[] {
  if (!Array.isArray(value)) throw typeError('an Array of non-negative integers', name, value);
  let product = 1;
  value.forEach((dim: unknown, i) => {
    if (typeof dim !== 'number') throw typeError('a non-negative integer', `${name}[${i}]`, dim);
    if (!Number.isSafeInteger(dim) || dim < 0) throw rangeError('a non-negative integer', `${name}[${i}]`, dim);
    if (dim > 0) product *= dim;
  });
  if (!Number.isSafeInteger(product)) {
    throw new RangeError(message('a shape with fewer than 2^53 elements', name, showShape(value)));
  }
  return value.slice() as number[];
}

export function sizeOf(shape: Shape): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

export function checkLayout(value: unknown, fallback: Layout): Layout {
  if (value === undefined) return fallback;
  if (!layouts.includes(value as Layout)) throw typeError(`${oneOf(layouts)}`, 'layout', value);
  return value as Layout;
}

export function checkGenerator(value: unknown): Generator {
  if (value === undefined) return defaultGenerator();
  if (!(value instanceof Generator)) throw typeError('a Generator', 'generator', value);
  return value;
}

/** "fan_in" or "fan_out"; one of "a", "b" or "c". */
export function oneOf(values: readonly string[]): string {
  const quoted = values.map((value) => JSON.stringify(value));
  if (quoted.length <= 2) return quoted.join(' or ');
  return `one of ${quoted.join(', ')}`;
}

export interface Output {
  readonly dtype: Dtype;
  readonly start: number;
  readonly end: number;
  readonly out: FloatArray;
  readonly slice: readonly [number, number] | undefined;
}

/**
 * The array an initializer writes: `out` (whose type sets the dtype; a `dtype` that disagrees is
 * refused) or a new array of `dtype`, with the length of the slice [start, end) of `size` values
 * (or, with `allocate` false, an empty one: recipes only need the dtype).
 */
export function checkOutput(opts: Record<string, unknown>, size: number, allocate = true): Output {
  let dtype: Dtype | undefined;
  if (opts.dtype !== undefined) {
    if (opts.dtype !== 'float32' && opts.dtype !== 'float64') throw typeError('"float32" or "float64"', 'dtype', opts.dtype);
    dtype = opts.dtype;
  }
  let out: FloatArray | undefined;
  if (opts.out !== undefined) {
    const kind = typedArrayKind(opts.out);
    if (kind !== 'Float32Array' && kind !== 'Float64Array') throw typeError('a Float32Array or Float64Array', 'out', opts.out);
    const outType: Dtype = kind === 'Float32Array' ? 'float32' : 'float64';
    if (dtype !== undefined && dtype !== outType) throw typeError(`"${outType}" (the type of out) or undefined`, 'dtype', dtype);
    dtype = outType;
    out = opts.out as FloatArray;
  }
  let [start, end] = [0, size];
  let slice: [number, number] | undefined;
  if (opts.slice !== undefined) {
    const given = opts.slice as unknown[];
    if (!Array.isArray(given) || given.length !== 2) throw typeError('[start, end]', 'slice', opts.slice);
    [start, end] = given as [number, number];
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end > size) {
      throw new RangeError(message(`integers 0 <= start <= end <= ${size}`, 'slice', showShape(given)));
    }
    slice = [start, end];
  }
  dtype ??= 'float32';
  if (out === undefined) {
    const length = allocate ? end - start : 0;
    out = allocated(() => (dtype === 'float32' ? new Float32Array(length) : new Float64Array(length)), length, 'shape');
  }
  else if (lengthOf(out) !== end - start) throw rangeError(`an array of length ${end - start}`, 'out', out);
  return { dtype, start, end, out, slice };
}

/** The value of one table parameter: the default when undefined, else checked against its description. */
export function checkParam(spec: ParamSpec, value: unknown): number | string | boolean {
  const { name } = spec;
  if (value === undefined) {
    if (spec.default !== undefined) return spec.default;
    throw typeError(spec.type === 'string' ? oneOf(spec.values ?? []) : `a ${spec.type === 'integer' ? 'integer' : spec.type} (required)`, name, value);
  }
  switch (spec.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw typeError('a boolean', name, value);
      return value;
    case 'string':
      if (typeof value !== 'string' || !(spec.values ?? []).includes(value)) throw typeError(oneOf(spec.values ?? []), name, value);
      return value;
    case 'integer':
    case 'number': {
      if (typeof value !== 'number') throw typeError(spec.type === 'integer' ? 'an integer' : 'a number', name, value);
      if (Number.isNaN(value) || (!spec.infinite && !Number.isFinite(value))) {
        throw rangeError(spec.infinite ? 'a number or an infinity' : 'a finite number', name, value);
      }
      if (spec.type === 'integer' && !Number.isSafeInteger(value)) throw rangeError('an integer', name, value);
      const low = spec.min;
      const high = spec.max;
      const tooLow = low !== undefined && (spec.minExclusive ? !(value > low) : !(value >= low));
      const tooHigh = high !== undefined && !(value <= high);
      if (tooLow || tooHigh) {
        const noun = spec.type === 'integer' ? 'an integer' : 'a number';
        const what =
          low !== undefined && high !== undefined
            ? `${noun} from ${low} to ${high}`
            : low === 0 && spec.minExclusive
              ? `a positive ${spec.type}`
              : spec.minExclusive
                ? `${noun} above ${low}`
                : `${noun} of at least ${low}`;
        throw rangeError(what, name, value);
      }
      return value;
    }
  }
}

/** A positive finite number, or undefined. */
export function checkFan(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw typeError('a positive number', name, value);
  if (!(value > 0) || !Number.isFinite(value)) throw rangeError('a positive finite number', name, value);
  return value;
}
