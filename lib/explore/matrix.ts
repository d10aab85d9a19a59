/**
 * The little linear algebra the explorer needs, in plain TypeScript on row-major typed arrays:
 * the activations and initializers are kindling's, the matrix products are these. Sums run in a
 * fixed order, so every result is the same on every backend.
 */
import type { FloatArray } from '../../binding.js';

/**
 * c (m×n) += a (m×k) · b (k×n), all row-major. The loop order is i-k-j, so the inner loop walks a
 * row of b and a row of c contiguously; two rows of a and four of its columns at a time let each
 * value of b loaded serve eight multiplications (about four times the speed of the plain loop in
 * Node 20).
 */
export function multiplyAdd(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void {
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const c0 = i * n;
    const c1 = c0 + n;
    const a0 = i * k;
    const a1 = a0 + k;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const s0 = a[a0 + p]!, s1 = a[a0 + p + 1]!, s2 = a[a0 + p + 2]!, s3 = a[a0 + p + 3]!;
      const t0 = a[a1 + p]!, t1 = a[a1 + p + 1]!, t2 = a[a1 + p + 2]!, t3 = a[a1 + p + 3]!;
      const b0 = p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        const v0 = b[b0 + j]!, v1 = b[b1 + j]!, v2 = b[b2 + j]!, v3 = b[b3 + j]!;
        c[c0 + j] += s0 * v0 + s1 * v1 + s2 * v2 + s3 * v3;
        c[c1 + j] += t0 * v0 + t1 * v1 + t2 * v2 + t3 * v3;
      }
    }
    for (; p < k; p++) {
      const s = a[a0 + p]!, t = a[a1 + p]!, row = p * n;
      for (let j = 0; j < n; j++) {
        c[c0 + j] += s * b[row + j]!;
        c[c1 + j] += t * b[row + j]!;
      }
    }
  }
  for (; i < m; i++) {
    const c0 = i * n, a0 = i * k;
    for (let p = 0; p < k; p++) {
      const s = a[a0 + p]!, row = p * n;
      for (let j = 0; j < n; j++) c[c0 + j] += s * b[row + j]!;
    }
  }
}

/** The transpose of a (rows×cols, row-major) as a new array of a's type (cols×rows). */
export function transpose(a: FloatArray, rows: number, cols: number): FloatArray {
  const out = a instanceof Float32Array ? new Float32Array(a.length) : new Float64Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c]!;
  return out;
}

/** Each row of the m×n matrix c set to v (length n): the start of c = a·b + v. */
export function fillRows(c: FloatArray, v: FloatArray, m: number, n: number): void {
  for (let i = 0; i < m; i++) c.set(v, i * n);
}

/** The m×m Gram matrix a·aᵀ of a (m×n), in doubles. */
function gram(a: FloatArray, m: number, n: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += a[i * n + k]! * a[j * n + k]!;
      out[i * m + j] = out[j * m + i] = sum;
    }
  }
  return out;
}

/**
 * ‖dᵀ·x‖ (Frobenius) for d (m×p) and x (m×q) without forming the p×q product: it is
 * √Σ (d·dᵀ)∘(x·xᵀ), which costs m²(p + q)/2 instead of m·p·q, a quarter of the work for a batch
 * of 64 rows of 512. This is the norm of a layer's weight gradient, dᵀ·x, from the gradient at its
 * outputs (d) and its inputs (x).
 */
export function productNorm(d: FloatArray, x: FloatArray, m: number, p: number, q: number): number {
  const [gd, gx] = [gram(d, m, p), gram(x, m, q)];
  let sum = 0;
  for (let i = 0; i < m * m; i++) sum += gd[i]! * gx[i]!;
  return Math.sqrt(Math.max(sum, 0));
}
