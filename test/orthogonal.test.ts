/**
 * orthogonal and deltaOrthogonal (lib/init/orthogonal.ts) and the QR under them (the backends'
 * orthonormalize: native/linalg.cc, lib/fallback/linalg.ts), on every backend:
 *
 * - ‖WᵀW − I‖max (or ‖WWᵀ − I‖ for wide W) ≤ 1e-6 in float32 and ≤ 1e-12 in float64, for square,
 *   tall, wide and 4-D convolution shapes; 1024² and 2048² on the fastest native level only (the
 *   fallback takes tens of seconds there; it runs the same algorithm, and the bit-identity tests
 *   below tie the two together at moderate sizes).
 * - The semantics: the result equals, to 1e-12, an independent QR (modified Gram–Schmidt, whose R
 *   has a positive diagonal) of the draw as PyTorch ('torch') or Keras/JAX ('keras') arrange it.
 * - Haar: the sign fix (R = QᵀA has a positive diagonal), |Q₀₀| of 3 × 3 matrices uniform on
 *   (0, 1) (Archimedes: a coordinate of a uniform point on the 2-sphere) with symmetric signs, and
 *   the entries' mean and variance 1/rows.
 * - The same bits on every backend, SIMD level and thread count; the shifted pass on a matrix whose
 *   plain Cholesky breaks down; validation; zero-size and rank-1 shapes; Promise forms; recipes.
 *
 * Statistical checks reject at ALPHA = 5.73e-7 (|z| < 5, KS p above ALPHA), at fixed seeds.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { FloatArray } from '../binding.js';
import * as init from '../lib/init/index.js';
import { Generator } from '../lib/random/generator.js';
import { type TestBackend, backends, fallback, native, nativeBackends } from './helpers/backends.js';
import { ALPHA, Z_CRITICAL, binomialZ, ksTest } from './helpers/statistics.js';

const GRAMMAR = /^Expected .+ for .+ but received .+$/;
const SEED = 20261205;
const sha256 = (array: FloatArray) => createHash('sha256').update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)).digest('hex');

/** max |MᵀM − I| for M (m × n row-major, m >= n), or max |MMᵀ − I| when `rowsOrthonormal`. */
function orthogonalityError(w: FloatArray, rows: number, cols: number): number {
  const [m, n, a] = rows >= cols ? [rows, cols, Float64Array.from(w)] : [cols, rows, transpose(Float64Array.from(w), rows, cols)];
  const gram = new Float64Array(n * n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < n; p++) {
      const aip = a[row + p]!;
      const target = p * n;
      for (let q = p; q < n; q++) gram[target + q]! += aip * a[row + q]!;
    }
  }
  let error = 0;
  for (let p = 0; p < n; p++) for (let q = p; q < n; q++) error = Math.max(error, Math.abs(gram[p * n + q]! - (p === q ? 1 : 0)));
  return error;
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

/** Q of the QR of a (m × n, m >= n) by modified Gram–Schmidt with reorthogonalisation: R's diagonal is positive. */
function gramSchmidt(a: Float64Array, m: number, n: number): Float64Array {
  const q = Float64Array.from(a);
  for (let j = 0; j < n; j++) {
    for (let twice = 0; twice < 2; twice++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[i * n + k]! * q[i * n + j]!;
        for (let i = 0; i < m; i++) q[i * n + j]! -= dot * q[i * n + k]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[i * n + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[i * n + j]! /= norm;
  }
  return q;
}

/** orthogonal(shape, { layout, gain }) computed independently: the draw arranged as PyTorch or Keras does, then Gram–Schmidt. */
function referenceOrthogonal(shape: number[], layout: 'torch' | 'keras', gain: number, seed: number): Float64Array {
  const size = shape.reduce((p, d) => p * d, 1);
  const [rows, cols] = layout === 'torch' ? [shape[0]!, size / shape[0]!] : [size / shape.at(-1)!, shape.at(-1)!];
  const drawn = new Generator(seed, { kernels: fallback.kernels }).normal(size, { dtype: 'float64' }) as Float64Array;
  const [m, n] = [Math.max(rows, cols), Math.min(rows, cols)];
  const tall = layout === 'torch' && rows < cols ? transpose(drawn, rows, cols) : drawn;
  const q = gramSchmidt(tall, m, n);
  const w = rows >= cols ? q : transpose(q, m, n);
  return w.map((value) => gain * value);
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

const top = nativeBackends.at(-1);

describe.each(backends)('$label', ({ kernels }: TestBackend) => {
  const seeded = (seed = SEED) => new Generator(seed, { kernels });

  const shapes: readonly [string, number[], 'torch' | 'keras', number, number][] = [
    ['square', [128, 128], 'torch', 128, 128],
    ['tall', [300, 70], 'torch', 300, 70],
    ['wide', [70, 300], 'torch', 70, 300],
    ['4-D conv, torch [out, in, kh, kw]', [64, 16, 3, 3], 'torch', 64, 144],
    ['4-D conv, keras [kh, kw, in, out]', [3, 3, 16, 64], 'keras', 144, 64],
    ['wide keras', [20, 90], 'keras', 20, 90],
  ];

  it.each(shapes)('%s %j: ‖WᵀW − I‖max within 1e-6 (float32) and 1e-12 (float64)', (_, shape, layout, rows, cols) => {
    for (const [dtype, bound] of [['float32', 1e-6], ['float64', 1e-12]] as const) {
      const w = init.orthogonal(shape, { layout, dtype, generator: seeded() });
      expect(w).toHaveLength(rows * cols);
      expect(orthogonalityError(w, rows, cols), dtype).toBeLessThanOrEqual(bound);
    }
  });

  it.each([
    [[7, 5], 'torch'],
    [[5, 7], 'torch'],
    [[6, 2, 3], 'torch'],
    [[2, 3, 4], 'keras'],
    [[4, 2, 9], 'keras'],
    [[1, 8], 'torch'],
    [[40, 40], 'keras'],
  ] as const)('%j in layout %s is the QR (positive diagonal) of the draw as the framework arranges it', (shape, layout) => {
    const w = init.orthogonal([...shape], { layout, gain: 1.25, dtype: 'float64', generator: seeded() });
    expect(maxDifference(w, referenceOrthogonal([...shape], layout, 1.25, SEED))).toBeLessThanOrEqual(1e-12);
  });

  it('the sign fix: R = QᵀA of the draw is upper triangular with a positive diagonal', () => {
    const [m, n] = [90, 60];
    const q = init.orthogonal([m, n], { dtype: 'float64', generator: seeded() });
    const a = new Generator(SEED, { kernels }).normal(m * n, { dtype: 'float64' });
    for (let p = 0; p < n; p++) {
      for (let j = 0; j < n; j++) {
        let r = 0;
        for (let i = 0; i < m; i++) r += q[i * n + p]! * a[i * n + j]!;
        if (p === j) expect(r).toBeGreaterThan(1);
        else if (p > j) expect(Math.abs(r)).toBeLessThan(1e-12);
      }
    }
  });

  it('deltaOrthogonal is keras-orthogonal([in, out]) at the centre ⌊(k − 1)/2⌋, zeros elsewhere, in either layout', () => {
    const [kh, kw, cin, cout] = [4, 3, 5, 8];
    const matrix = init.orthogonal([cin, cout], { layout: 'keras', gain: 2, dtype: 'float64', generator: seeded() });
    const keras = init.deltaOrthogonal([kh, kw, cin, cout], { gain: 2, dtype: 'float64', generator: seeded() });
    const torch = init.deltaOrthogonal([cout, cin, kh, kw], { layout: 'torch', gain: 2, dtype: 'float64', generator: seeded() });
    const [ch, cw] = [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)];
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        for (let i = 0; i < cin; i++) {
          for (let o = 0; o < cout; o++) {
            const expected = y === ch && x === cw ? matrix[i * cout + o]! : 0;
            expect(keras[((y * kw + x) * cin + i) * cout + o]).toBe(expected);
            expect(torch[((o * cin + i) * kh + y) * kw + x]).toBe(expected);
          }
        }
      }
    }
  });

  it('gives the same bits as the fallback, tall, wide and in float32', () => {
    for (const [shape, layout] of [[[150, 110], 'torch'], [[60, 200], 'torch'], [[5, 5, 12, 30], 'keras']] as const) {
      for (const dtype of ['float32', 'float64'] as const) {
        const here = init.orthogonal([...shape], { layout, dtype, generator: seeded() });
        const there = init.orthogonal([...shape], { layout, dtype, generator: new Generator(SEED, { kernels: fallback.kernels }) });
        expect(sha256(here), `${JSON.stringify(shape)} ${dtype}`).toBe(sha256(there));
      }
    }
  });

  it('the shifted pass: a matrix on which plain CholeskyQR breaks down still gives its QR, the same bits everywhere', () => {
    // 80 × 40, every column the first plus 1e-9 times noise: cond(A) ~ 1e10, cond(AᵀA) ~ 1e20.
    const [m, n] = [80, 40];
    const a = new Generator(7, { kernels: fallback.kernels }).normal(m * n, { dtype: 'float64' }) as Float64Array;
    const noise = new Generator(8, { kernels: fallback.kernels }).normal(m * n, { dtype: 'float64' });
    for (let i = 0; i < m; i++) for (let j = 1; j < n; j++) a[i * n + j] = a[i * n]! + 1e-9 * noise[i * n + j]!;
    expect(plainCholeskyBreaksDown(a, m, n)).toBe(true);
    const q = Float64Array.from(a);
    kernels.orthonormalize(q, m, n);
    expect(orthogonalityError(q, m, n)).toBeLessThanOrEqual(1e-12);
    // R = QᵀA: upper triangular and with a positive diagonal (columns have norm ~9, R's diagonal ~1e-8 past the first).
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < n; p++) {
        let r = 0;
        for (let i = 0; i < m; i++) r += q[i * n + p]! * a[i * n + j]!;
        if (p === j) expect(r).toBeGreaterThan(1e-9);
        else if (p > j) expect(Math.abs(r)).toBeLessThan(1e-12);
      }
    }
    const reference = Float64Array.from(a);
    fallback.kernels.orthonormalize(reference, m, n);
    expect(sha256(q)).toBe(sha256(reference));
  });

  it('orthonormalize: a rank-deficient matrix, NaN or an infinity give NaN everywhere', () => {
    const [m, n] = [30, 10];
    const a = new Generator(3, { kernels }).normal(m * n, { dtype: 'float64' }) as Float64Array;
    const fine = Float64Array.from(a);
    kernels.orthonormalize(fine, m, n);
    expect(orthogonalityError(fine, m, n)).toBeLessThanOrEqual(1e-12);
    for (const [index, bad] of [[4, 0], [17, NaN], [17, Infinity]] as const) {
      const b = Float64Array.from(a);
      // a zero column (index 4 of every row), or one bad element
      if (bad === 0) for (let i = 0; i < m; i++) b[i * n + index] = 0;
      else b[index] = bad;
      kernels.orthonormalize(b, m, n);
      expect(b.every(Number.isNaN)).toBe(true);
    }
  });

  it('orthonormalize refuses what could touch memory outside the array', () => {
    const a = new Float64Array(12);
    for (const [call, error] of [
      [() => kernels.orthonormalize(new Float32Array(12) as never, 4, 3), TypeError],
      [() => kernels.orthonormalize(a, 3, 4), RangeError],
      [() => kernels.orthonormalize(a, 4, 4), RangeError],
      [() => kernels.orthonormalize(a, 12, 0), RangeError],
      [() => kernels.orthonormalize(a, 6, 3), RangeError],
      [() => kernels.orthonormalize(a, -4, -3), RangeError],
      [() => kernels.orthonormalize(a, '4' as never, 3), TypeError],
    ] as const) {
      let message = '';
      expect(call).toThrow(error);
      try {
        call();
      } catch (thrown) {
        message = (thrown as Error).message;
      }
      expect(message).toMatch(/^Expected /);
    }
  });

  it('Promise forms give the sync bytes; the draw is reserved at the call', async () => {
    const sync = init.deltaOrthogonal([3, 3, 24, 40], { generator: seeded() });
    const generator = seeded();
    const promised = init.deltaOrthogonal.async([3, 3, 24, 40], { generator });
    const after = init.orthogonal([30, 20], { generator, dtype: 'float64' });
    expect(sha256(await promised)).toBe(sha256(sync));
    const second = seeded();
    init.deltaOrthogonal([3, 3, 24, 40], { generator: second });
    expect(sha256(after)).toBe(sha256(init.orthogonal([30, 20], { generator: second, dtype: 'float64' })));
    const a = new Generator(5, { kernels }).normal(50 * 30, { dtype: 'float64' }) as Float64Array;
    const [x, y] = [Float64Array.from(a), Float64Array.from(a)];
    kernels.orthonormalize(x, 50, 30);
    await kernels.orthonormalizeAsync(y, 50, 30);
    expect(sha256(y)).toBe(sha256(x));
  });

  it('a slice is that part of the whole; the recipe round-trips through JSON', () => {
    const whole = init.orthogonal([40, 30], { generator: seeded() });
    const generator = seeded();
    const part = init.orthogonal([40, 30], { slice: [333, 777], generator });
    expect(sha256(part)).toBe(sha256(whole.subarray(333, 777)));
    const reference = seeded();
    init.orthogonal([40, 30], { generator: reference });
    expect(generator.offset).toBe(reference.offset);
    const recipe = JSON.parse(JSON.stringify(init.orthogonal.recipe([40, 30], { generator: seeded() }))) as init.Recipe;
    expect(recipe.name).toBe('orthogonal');
    expect(sha256(init.fromRecipe(recipe, { kernels }))).toBe(sha256(whole));
  });
});

/** Whether the Cholesky factorisation of AᵀA (done plainly in float64) meets a non-positive pivot. */
function plainCholeskyBreaksDown(a: Float64Array, m: number, n: number): boolean {
  const g = new Float64Array(n * n);
  for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) for (let i = 0; i < m; i++) g[p * n + q]! += a[i * n + p]! * a[i * n + q]!;
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) g[j * n + j]! -= g[k * n + j]! ** 2;
    if (!(g[j * n + j]! > 0)) return true;
    const d = Math.sqrt(g[j * n + j]!);
    g[j * n + j] = d;
    for (let l = j + 1; l < n; l++) {
      for (let k = 0; k < j; k++) g[j * n + l]! -= g[k * n + j]! * g[k * n + l]!;
      g[j * n + l]! /= d;
    }
  }
  return false;
}

describe('every thread count', () => {
  const addon = native?.addon;
  const threads = addon?.threads() ?? 1;
  afterAll(() => addon?.setThreads(threads));

  it.skipIf(!top)('gives the same bits at 1, 2 and 3 threads, and at every SIMD level (matrices large enough to split)', () => {
    const reference = sha256(init.orthogonal([600, 400], { dtype: 'float64', generator: new Generator(SEED, { kernels: fallback.kernels }) }));
    for (const count of [1, 2, 3]) {
      addon!.setThreads(count);
      for (const { kernels, label } of nativeBackends) {
        expect(sha256(init.orthogonal([600, 400], { dtype: 'float64', generator: new Generator(SEED, { kernels }) })), `${label}, ${count} threads`).toBe(reference);
      }
    }
  });
});

describe(`large matrices on ${top?.label ?? 'no native backend (skipped: the fallback takes tens of seconds at 2048²)'}`, () => {
  it.skipIf(!top).each([1024, 2048])('%i²: ‖QᵀQ − I‖max within 1e-6 (float32) and 1e-12 (float64)', (n) => {
    const generator = () => new Generator(SEED, { kernels: top!.kernels });
    const w64 = init.orthogonal([n, n], { dtype: 'float64', generator: generator() });
    expect(orthogonalityError(w64, n, n)).toBeLessThanOrEqual(1e-12);
    const w32 = init.orthogonal([n, n], { generator: generator() });
    expect(sha256(w32)).toBe(sha256(Float32Array.from(w64)));
    expect(orthogonalityError(w32, n, n)).toBeLessThanOrEqual(1e-6);
  }, 180_000);
});

describe('Haar distribution at fixed seeds', () => {
  const kernels = (top ?? fallback).kernels;

  it('|Q₀₀| of 3 × 3 matrices is uniform on (0, 1), its sign a fair coin', () => {
    const generator = new Generator(SEED, { kernels });
    const count = 4000;
    const magnitudes = new Float64Array(count);
    let positive = 0;
    for (let t = 0; t < count; t++) {
      const q = init.orthogonal([3, 3], { dtype: 'float64', generator });
      magnitudes[t] = Math.abs(q[0]!);
      if (q[0]! > 0) positive++;
    }
    expect(ksTest(magnitudes, (x) => Math.min(1, Math.max(0, x))).p).toBeGreaterThan(ALPHA);
    expect(Math.abs(binomialZ(positive, count, 0.5))).toBeLessThan(Z_CRITICAL);
  });

  it('entries have mean 0 and variance 1/rows (tall) or 1/cols (wide)', () => {
    for (const [rows, cols] of [[256, 256], [400, 100], [100, 400]] as const) {
      const q = init.orthogonal([rows, cols], { dtype: 'float64', generator: new Generator(SEED, { kernels }) });
      const n = q.length;
      let sum = 0;
      let squares = 0;
      for (const value of q) {
        sum += value;
        squares += value * value;
      }
      // 1ᵀW1 is ‖1‖ times a coordinate of a uniform unit vector: its variance is min(rows, cols).
      expect(Math.abs(sum / Math.sqrt(Math.min(rows, cols)))).toBeLessThan(Z_CRITICAL);
      // Orthonormal rows or columns: the mean square is exactly 1/max(rows, cols), up to rounding.
      expect(squares / n).toBeCloseTo(1 / Math.max(rows, cols), 12);
    }
  });
});

describe('validation', () => {
  const generator = () => new Generator(1, { kernels: fallback.kernels });
  const calls: readonly [string, () => unknown, ErrorConstructor][] = [
    ['rank 1', () => init.orthogonal([10]), RangeError],
    ['rank 1, empty', () => init.orthogonal([0]), RangeError],
    ['rank 0', () => init.orthogonal([]), RangeError],
    ['rank 2 for deltaOrthogonal', () => init.deltaOrthogonal([4, 4]), RangeError],
    ['more input than output channels (keras)', () => init.deltaOrthogonal([3, 3, 8, 4]), RangeError],
    ['more input than output channels (torch)', () => init.deltaOrthogonal([4, 8, 3], { layout: 'torch' }), RangeError],
    ['a gain of 0', () => init.orthogonal([3, 4], { gain: 0 }), RangeError],
    ['a negative gain', () => init.deltaOrthogonal([3, 3, 4], { gain: -1 }), RangeError],
    ['a string gain', () => init.orthogonal([3, 4], { gain: '2' as never }), TypeError],
    ['an unknown option', () => init.orthogonal([3, 4], { scale: 2 } as never), TypeError],
    ['an unknown layout', () => init.orthogonal([3, 4], { layout: 'nhwc' as never }), TypeError],
    ['a fan option', () => init.orthogonal([3, 4], { fanIn: 3 } as never), TypeError],
  ];

  it.each(calls)('refuses %s in the grammar, without advancing the generator', async (_, call, error) => {
    expect(call).toThrow(error);
    expect(call).toThrow(GRAMMAR);
  });

  it('leaves the generator where it was, and rejects the Promise form with the same error', async () => {
    const g = generator();
    expect(() => init.orthogonal([10], { generator: g })).toThrow(RangeError);
    await expect(init.deltaOrthogonal.async([3, 3, 8, 4], { generator: g })).rejects.toThrow(GRAMMAR);
    expect(g.offset).toBe(0n);
  });

  it('zero-size shapes give an empty array and draw nothing', () => {
    for (const shape of [[0, 5], [5, 0], [3, 0, 2]]) {
      const g = generator();
      expect(init.orthogonal(shape, { generator: g })).toEqual(new Float32Array(0));
      expect(init.orthogonal(shape, { generator: g, layout: 'keras' })).toEqual(new Float32Array(0));
      expect(g.offset).toBe(0n);
    }
    const g = generator();
    expect(init.deltaOrthogonal([3, 3, 0, 4], { generator: g })).toEqual(new Float32Array(0));
    expect(init.deltaOrthogonal([0, 3, 2, 4], { generator: g })).toEqual(new Float32Array(0));
    expect(g.offset).toBe(0n);
  });
});
