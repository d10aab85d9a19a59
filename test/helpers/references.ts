/**
 * The committed high-precision references (test/fixtures/*.f64, made by
 * scripts/make-references.py): records of (x, hi, lo) with f(x) = hi + lo to far beyond float64.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dtype } from './numbers.js';

export interface Reference {
  readonly x: Float64Array;
  readonly hi: Float64Array;
  readonly lo: Float64Array;
}

export function referencePath(name: string, pass: 'forward' | 'derivative', dtype: Dtype): string {
  return join(__dirname, '..', 'fixtures', `${name}-${pass}-${dtype}.f64`);
}

export function hasReference(name: string, pass: 'forward' | 'derivative', dtype: Dtype): boolean {
  return existsSync(referencePath(name, pass, dtype));
}

export function loadReference(name: string, pass: 'forward' | 'derivative', dtype: Dtype): Reference {
  const bytes = readFileSync(referencePath(name, pass, dtype));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.byteLength / 24;
  const reference = { x: new Float64Array(count), hi: new Float64Array(count), lo: new Float64Array(count) };
  for (let i = 0; i < count; i++) {
    reference.x[i] = view.getFloat64(24 * i, true);
    reference.hi[i] = view.getFloat64(24 * i + 8, true);
    reference.lo[i] = view.getFloat64(24 * i + 16, true);
  }
  return reference;
}
