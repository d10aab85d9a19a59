/**
 * The one place user input is judged. Every error follows one grammar,
 * "Expected <what> for <name> but received <value>", as a TypeError for the wrong kind of value
 * and a RangeError for the right kind with a wrong size or value.
 */
import type { FloatArray } from '../binding.js';

export type FloatArrayKind = 'Float32Array' | 'Float64Array';

// The %TypedArray%.prototype[Symbol.toStringTag] getter reads the internal type, so it works for
// arrays from other realms and cannot be fooled by an own toStringTag property.
const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype) as object,
  Symbol.toStringTag,
)!.get as (this: unknown) => string | undefined;

export function typedArrayKind(value: unknown): string | undefined {
  return typedArrayTag.call(value);
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

/** How a value is named in an error message. */
export function describe(value: unknown): string {
  const kind = typedArrayKind(value);
  if (kind !== undefined) return `${article(kind)} of length ${(value as ArrayLike<unknown>).length}`;
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
  const array = value as T;
  if (array.length !== like.length) {
    throw rangeError(`${article(kind)} of length ${like.length} (like ${likeName})`, name, value);
  }
  return array;
}

/**
 * An output may be an input itself (in place) or share no memory with it; a partial overlap
 * would read elements already overwritten.
 */
export function sameOrDisjoint(out: FloatArray, name: string, input: FloatArray, inputName: string): void {
  if (out.buffer !== input.buffer || out.byteLength === 0 || input.byteLength === 0) return;
  if (out.byteOffset === input.byteOffset) return;
  const outEnd = out.byteOffset + out.byteLength;
  const inputEnd = input.byteOffset + input.byteLength;
  if (out.byteOffset < inputEnd && input.byteOffset < outEnd) {
    const what = `${inputName} itself or an array sharing no memory with ${inputName}`;
    const received = `a view overlapping ${inputName} (byte offset ${out.byteOffset}, ${inputName} at ${input.byteOffset})`;
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

export function allocateLike<T extends FloatArray>(like: T): T {
  const length = like.length;
  return (typedArrayKind(like) === 'Float32Array' ? new Float32Array(length) : new Float64Array(length)) as T;
}
