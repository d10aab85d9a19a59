/**
 * Copies that the fallback's Promise forms read from, so that a caller who changes, transfers or
 * detaches an input while the call runs does not change its result (the native forms copy too).
 */
import type { FloatArray } from '../../binding.js';
import { lengthOf, typedArrayKind } from '../validate.js';

const constructors = { Float32Array, Float64Array, Uint8Array } as const;

/** A copy of `array` as it is now. A detached array (length 0) gives an empty copy: reading it at all would throw. */
export function snapshot<T extends FloatArray | Uint8Array>(array: T): T {
  const length = lengthOf(array);
  const copy = new constructors[typedArrayKind(array) as keyof typeof constructors](length);
  if (length > 0) copy.set(array);
  return copy as T;
}
