/**
 * The one place user input is judged. Every error follows one grammar,
 * "Expected <what> for <name> but received <value>", as a TypeError for the wrong kind of value
 * and a RangeError for the right kind with a wrong size or value.
 */
import type { FloatArray } from '../binding.js';

export type FloatArrayKind = 'Float32Array' | 'Float64Array';

// The getters of %TypedArray%.prototype read a typed array's internal slots, so they work for
// arrays from other realms and cannot be fooled by own properties such as a fake `length`.
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
function intrinsicGetter<T>(key: PropertyKey): (array: unknown) => T {
  const getter = Object.getOwnPropertyDescriptor(typedArrayPrototype, key)!.get!;
  return (array) => getter.call(array) as T;
}
const typedArrayTag = intrinsicGetter<string | undefined>(Symbol.toStringTag);
/** The real length of a typed array (0 once its buffer is detached). */
export const lengthOf = intrinsicGetter<number>('length');
const bufferOf = intrinsicGetter<ArrayBufferLike>('buffer');
const byteOffsetOf = intrinsicGetter<number>('byteOffset');
const byteLengthOf = intrinsicGetter<number>('byteLength');

/** 'Float32Array', 'Int8Array', … for a typed array of any realm; undefined for anything else. */
export function typedArrayKind(value: unknown): string | undefined {
  return typedArrayTag(value);
}

function article(word: string): string {
  return /^([aeio]|u(?!ni|int))/i.test(word) ? `an ${word}` : `a ${word}`;
}

/** How a value is named in an error message. */
export function describe(value: unknown): string {
  const kind = typedArrayKind(value);
  if (kind !== undefined) return `${article(kind)} of length ${lengthOf(value)}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an Array of length ${value.length}`;
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'boolean':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return 'a function';
    default: {
      const name = (value as object).constructor?.name;
      return name && name !== 'Object' ? article(name) : 'an object';
    }
  }
}

export function message(what: string, name: string, received: string): string {
  return `Expected ${what} for ${name} but received ${received}`;
}

export function typeError(what: string, name: string, value: unknown): TypeError {
  return new TypeError(message(what, name, describe(value)));
}

export function rangeError(what: string, name: string, value: unknown): RangeError {
  return new RangeError(message(what, name, describe(value)));
}

export function floatArray(value: unknown, name: string): FloatArray {
  const kind = typedArrayKind(value);
  if (kind !== 'Float32Array' && kind !== 'Float64Array') {
    throw typeError('a Float32Array or Float64Array', name, value);
  }
  return value as FloatArray;
}

/** An array of the same element type and length as `like`, which was named `likeName`. */
export function matchingArray<T extends FloatArray>(value: unknown, name: string, like: T, likeName: string): T {
  const kind = typedArrayKind(like)!;
  if (typedArrayKind(value) !== kind) throw typeError(`${article(kind)} (like ${likeName})`, name, value);
  if (lengthOf(value) !== lengthOf(like)) {
    throw rangeError(`${article(kind)} of length ${lengthOf(like)} (like ${likeName})`, name, value);
  }
  return value as T;
}

/**
 * An output may be an input itself (in place) or share no memory with it; a partial overlap
 * would read elements already overwritten.
 */
export function sameOrDisjoint(out: FloatArray, name: string, input: FloatArray, inputName: string): void {
  if (bufferOf(out) !== bufferOf(input) || byteLengthOf(out) === 0 || byteLengthOf(input) === 0) return;
  const [outStart, inputStart] = [byteOffsetOf(out), byteOffsetOf(input)];
  if (outStart === inputStart) return;
  const outEnd = outStart + byteLengthOf(out);
  const inputEnd = inputStart + byteLengthOf(input);
  if (outStart < inputEnd && inputStart < outEnd) {
    const what = `${inputName} itself or an array sharing no memory with ${inputName}`;
    const received = `a view overlapping ${inputName} (byte offset ${outStart}, ${inputName} at ${inputStart})`;
    throw new RangeError(message(what, name, received));
  }
}

/** The options object of a call: undefined or a plain object whose keys are all known. */
export function options(value: unknown, name: string, known: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value) || typedArrayKind(value) !== undefined) {
    throw typeError('an options object or undefined', name, value);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const what = known.length === 0 ? 'no options' : `one of ${known.join(', ')}`;
      throw new TypeError(message(what, name, `an unknown option ${JSON.stringify(key)}`));
    }
  }
  return value as Record<string, unknown>;
}

/**
 * The array `allocate` makes for `length` elements of argument `name`. A length the engine
 * refuses, or memory it cannot get, is a RangeError in the one grammar instead of V8's own words.
 */
export function allocated<T>(allocate: () => T, length: number, name: string): T {
  try {
    return allocate();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new RangeError(message('a length this process can allocate', name, `${length} elements (${error.message})`));
  }
}

export function allocateLike<T extends FloatArray>(like: T): T {
  const length = lengthOf(like);
  return (typedArrayKind(like) === 'Float32Array' ? new Float32Array(length) : new Float64Array(length)) as T;
}

/** Runs `start`, turning a synchronous validation error into a rejected Promise: Promise forms never throw. */
export function promised<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (error) {
    return Promise.reject(error);
  }
}
