/**
 * sparse's zeros (lib/spec/initializers.ts, the `stream` of sparse): unit u of m entries takes
 * words [2mu, 2m(u+1)) of one bits draw as m 64-bit keys (high word first), and its zeros are at
 * the k entries with the smallest keys, ties by position: the first k entries of the
 * permutation(m) those keys give (docs/rng.md §3), as PyTorch's sparse_ zeroes the first
 * ceil(sparsity * rows) entries of a randperm per column.
 */
import type { FloatArray } from '../../binding.js';
import type { Generator } from '../random/generator.js';

/** How sparse lays its units (PyTorch's columns) over the flat tensor. */
export interface SparsePlan {
  readonly kind: 'sparse';
  readonly std: number;
  /** Number of units and entries per unit. */
  readonly units: number;
  readonly length: number;
  /** Zeros per unit. */
  readonly zeros: number;
  /** Flat index of entry p of unit u: u * unitStride + p * entryStride. */
  readonly unitStride: number;
  readonly entryStride: number;
}

const POSITION_BITS = 2 ** 21;
/** Words fetched per bits slice: bounds the memory of the key draw (16 MiB). */
const CHUNK_WORDS = 2 ** 22;

/**
 * Rearranges `values` so that its k smallest come first (in any order): Hoare's selection with a
 * median-of-three pivot, O(n) on average (the values here are random keys).
 */
function selectSmallest(values: Float64Array, k: number): void {
  let [low, high] = [0, values.length - 1];
  while (high > low) {
    const middle = (low + high) >> 1;
    const [a, b, c] = [values[low]!, values[middle]!, values[high]!];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let [i, j] = [low, high];
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    // Now values[low..j] <= pivot <= values[i..high], and anything between equals the pivot.
    if (k - 1 <= j) high = j;
    else if (k - 1 >= i) low = i;
    else return;
  }
}

/** Positions of the k smallest keys among `length` keys starting at word `base` (hi, lo pairs), ties by position. */
export function smallestKeys(words: Uint32Array, base: number, length: number, k: number): Int32Array {
  if (k <= 0) return new Int32Array(0);
  if (k >= length) return Int32Array.from({ length }, (_, p) => p);
  const hi = (p: number) => words[base + 2 * p]!;
  const lo = (p: number) => words[base + 2 * p + 1]!;
  const byKey = (p: number, q: number) => hi(p) - hi(q) || lo(p) - lo(q) || p - q;
  if (length > POSITION_BITS) {
    const order = Int32Array.from({ length }, (_, p) => p).sort(byKey);
    return order.subarray(0, k);
  }
  // Select by (high word, position), packed exactly into a double; then, if the high word of the
  // k-th smallest also occurs beyond it, order that high word's entries by their low words.
  const packed = new Float64Array(length);
  for (let p = 0; p < length; p++) packed[p] = hi(p) * POSITION_BITS + p;
  selectSmallest(packed, k);
  let last = -Infinity;
  for (let i = 0; i < k; i++) last = Math.max(last, packed[i]!);
  let next = Infinity;
  for (let i = k; i < length; i++) next = Math.min(next, packed[i]!);
  const high = (value: number) => Math.floor(value / POSITION_BITS);
  const result = new Int32Array(k);
  if (high(last) !== high(next)) {
    for (let i = 0; i < k; i++) result[i] = packed[i]! % POSITION_BITS;
    return result;
  }
  const tied = high(last);
  let count = 0;
  for (let i = 0; i < k; i++) if (high(packed[i]!) < tied) result[count++] = packed[i]! % POSITION_BITS;
  const run = Int32Array.from(packed.filter((value) => high(value) === tied), (value) => value % POSITION_BITS).sort(byKey);
  result.set(run.subarray(0, k - count), count);
  return result;
}

/** Units whose entries meet the flat slice [start, end), as contiguous ranges [from, to). */
function touchedUnits(plan: SparsePlan, start: number, end: number): [number, number][] {
  const { units, length, unitStride } = plan;
  if (end <= start) return [];
  if (unitStride === 1) {
    // PyTorch's layout: units are columns, so element i lies in unit i mod units.
    if (end - start >= units) return [[0, units]];
    const first = start % units;
    const last = (end - 1) % units;
    return first <= last ? [[first, last + 1]] : [[first, units], [0, last + 1]];
  }
  return [[Math.floor(start / length), Math.floor((end - 1) / length) + 1]];
}

/**
 * Zeroes the entries of out (values [start, end) of the tensor) that sparse's keys select, the key
 * draw starting where `keys` stands (it is not advanced).
 */
export function applySparseZeros(plan: SparsePlan, keys: Generator, out: FloatArray, start: number, end: number): void {
  const { units, length, zeros, unitStride, entryStride } = plan;
  if (zeros === 0 || units * length === 0) return;
  const total = 2 * units * length;
  const wordsPerUnit = 2 * length;
  const unitsPerChunk = Math.max(1, Math.floor(CHUNK_WORDS / wordsPerUnit));
  const zero = (u: number, p: number) => {
    const index = u * unitStride + p * entryStride;
    if (index >= start && index < end) out[index - start] = 0;
  };
  for (const [from, to] of touchedUnits(plan, start, end)) {
    for (let first = from; first < to; first += unitsPerChunk) {
      const last = Math.min(to, first + unitsPerChunk);
      if (zeros >= length) {
        for (let u = first; u < last; u++) for (let p = 0; p < length; p++) zero(u, p);
        continue;
      }
      const words = keys.clone().bits(total, { slice: [first * wordsPerUnit, last * wordsPerUnit] });
      for (let u = first; u < last; u++) {
        for (const p of smallestKeys(words, (u - first) * wordsPerUnit, length, zeros)) zero(u, p);
      }
    }
  }
}
