/**
 * The QR behind orthogonal initialization, in TypeScript: native/linalg.cc's algorithm with the
 * same arithmetic for every element, in the same order (CholeskyQR2 with a shifted first pass when
 * the Cholesky factorisation breaks down; docs/orthogonal.md). The native code blocks and
 * vectorises the same per-element sequences, so both give the same bits.
 */
import type { Kernels } from '../../binding.js';
import { lengthOf, typedArrayKind } from '../validate.js';

const MAX_PASSES = 8;
/** A pass whose R is within this of the identity stops the loop (see native/linalg.cc). */
const CONVERGED = 0.125;
const UNIT_ROUNDOFF = 2 ** -53;

/** g[p][q] = the sum over i ascending of a[i][p]·a[i][q], for q >= p. */
function gram(a: Float64Array, m: number, n: number, g: Float64Array): void {
  g.fill(0);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < n; p++) {
      const aip = a[row + p]!;
      const target = p * n;
      for (let q = p; q < n; q++) g[target + q] = g[target + q]! + aip * a[row + q]!;
    }
  }
}

/** Upper Cholesky in place on g's upper triangle; false on breakdown. */
function cholesky(g: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const row = j * n;
    const d = g[row + j]!;
    if (!(d > 0) || d === Infinity) return false;
    const rjj = Math.sqrt(d);
    g[row + j] = rjj;
    for (let l = j + 1; l < n; l++) g[row + l] = g[row + l]! / rjj;
    for (let jj = j + 1; jj < n; jj++) {
      const r = g[row + jj]!;
      const target = jj * n;
      for (let l = jj; l < n; l++) g[target + l] = g[target + l]! - r * g[row + l]!;
    }
  }
  return true;
}

/** a = a·r⁻¹, row by row. */
function solve(a: Float64Array, m: number, n: number, r: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const x = i * n;
    for (let k = 0; k < n; k++) {
      const q = a[x + k]! / r[k * n + k]!;
      a[x + k] = q;
      const rk = k * n;
      for (let l = k + 1; l < n; l++) a[x + l] = a[x + l]! - q * r[rk + l]!;
    }
  }
}

function distanceFromIdentity(r: Float64Array, n: number): number {
  let distance = 0;
  for (let j = 0; j < n; j++) {
    for (let l = j; l < n; l++) distance = Math.max(distance, Math.abs(r[j * n + l]! - (j === l ? 1 : 0)));
  }
  return distance;
}

/** Q of a's QR with R's diagonal positive, in place; NaN everywhere when a is numerically rank-deficient. */
export function orthonormalizeInPlace(a: Float64Array, m: number, n: number): boolean {
  const g = new Float64Array(n * n);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    gram(a, m, n, g);
    let shifted = false;
    if (!cholesky(g, n)) {
      gram(a, m, n, g);
      let trace = 0;
      for (let j = 0; j < n; j++) trace = trace + g[j * n + j]!;
      const shift = 11 * (m * n + n * (n + 1)) * UNIT_ROUNDOFF * trace;
      for (let j = 0; j < n; j++) g[j * n + j] = g[j * n + j]! + shift;
      if (!cholesky(g, n)) break;
      shifted = true;
    }
    solve(a, m, n, g);
    if (!shifted && distanceFromIdentity(g, n) <= CONVERGED) return true;
  }
  a.fill(NaN);
  return false;
}

/** The checks native/addon.cc makes. */
function checkArguments(a: unknown, rows: unknown, cols: unknown): void {
  if (typedArrayKind(a) !== 'Float64Array') throw new TypeError('Expected a Float64Array for a');
  for (const [name, value] of [['rows', rows], ['cols', cols]] as const) {
    if (typeof value !== 'number') throw new TypeError(`Expected a number for ${name}`);
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Expected an integer from 0 to ${Number.MAX_SAFE_INTEGER} for ${name}`);
  }
  if ((cols as number) < 1 || (rows as number) < (cols as number)) throw new RangeError('Expected rows >= cols >= 1');
  if ((rows as number) * (cols as number) !== lengthOf(a)) throw new RangeError('Expected a to have rows * cols elements');
}

export const linalgKernels: Pick<Kernels, 'orthonormalize' | 'orthonormalizeAsync'> = {
  orthonormalize(a, rows, cols) {
    checkArguments(a, rows, cols);
    orthonormalizeInPlace(a, rows, cols);
  },
  async orthonormalizeAsync(a, rows, cols) {
    checkArguments(a, rows, cols);
    // Inputs are read as they were at the call; there is no thread to move the work to, so it
    // runs in one piece on a later turn of the event loop.
    const copy = Float64Array.from(a);
    await new Promise((resolve) => setImmediate(resolve));
    orthonormalizeInPlace(copy, rows, cols);
    if (lengthOf(a) !== copy.length) throw new TypeError('Expected a to keep its buffer and length until the call settled, but it was detached or resized');
    a.set(copy);
  },
};
