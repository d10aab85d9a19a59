/**
 * orthogonal and deltaOrthogonal (docs/orthogonal.md): a standard-normal matrix drawn from the
 * generator in float64, its QR by the backend's orthonormalize (R's diagonal positive, which is
 * PyTorch's and Keras's sign fix, so the result is Haar-distributed), scaled by the gain and
 * written in the output's dtype.
 *
 * - Layout 'torch' (torch.nn.init.orthogonal_): rows = shape[0], cols = the rest; the draw is
 *   rows × cols, transposed before the QR when rows < cols.
 * - Layout 'keras' (Keras Orthogonal, JAX orthogonal): rows = all but the last dimension, cols = the
 *   last; the draw is max(rows, cols) × min(rows, cols).
 * Either way W = Q when rows >= cols, else Qᵀ.
 *
 * deltaOrthogonal (JAX delta_orthogonal) puts keras-orthogonal([in, out]) at the spatial centre
 * ⌊(k − 1)/2⌋ of a 3-, 4- or 5-D convolution kernel, zeros elsewhere.
 *
 * A slice is computed from the whole matrix (the QR mixes every element) and then cut out.
 */
import type { FloatArray, Kernels } from '../../binding.js';
import type { Generator } from '../random/generator.js';
import type { Layout } from '../spec/initializers.js';
import { message } from '../validate.js';
import { type Shape, showShape, sizeOf } from './options.js';

export interface OrthogonalPlan {
  readonly kind: 'orthogonal';
  readonly gain: number;
  /** The weight matrix W: rows × cols. */
  readonly rows: number;
  readonly cols: number;
  /** Whether the rows × cols draw is transposed into the tall matrix (layout 'torch', rows < cols). */
  readonly transposeDraw: boolean;
  /** Where W(i, j) goes in the tensor: base + i·rowStride + j·colStride (dense: 0, cols, 1). */
  readonly base: number;
  readonly rowStride: number;
  readonly colStride: number;
  /** Whether the tensor has elements outside W (deltaOrthogonal's zeros). */
  readonly sparse: boolean;
}

function matrixPlan(gain: number, rows: number, cols: number, transposeDraw: boolean): OrthogonalPlan {
  return { kind: 'orthogonal', gain, rows, cols, transposeDraw, base: 0, rowStride: cols, colStride: 1, sparse: false };
}

export function orthogonalPlan(shape: Shape, layout: Layout, gain: number): OrthogonalPlan {
  if (shape.length < 2) throw new RangeError(message('a shape of rank 2 or more', 'shape', showShape(shape)));
  const size = sizeOf(shape);
  if (layout === 'torch') {
    const rows = shape[0]!;
    return matrixPlan(gain, rows, size / rows, rows < size / rows);
  }
  const cols = shape.at(-1)!;
  return matrixPlan(gain, size / cols, cols, false);
}

export function deltaOrthogonalPlan(shape: Shape, layout: Layout, gain: number): OrthogonalPlan {
  const rank = shape.length;
  const [inAxis, outAxis] = layout === 'keras' ? [rank - 2, rank - 1] : [1, 0];
  const [fanIn, fanOut] = [shape[inAxis]!, shape[outAxis]!];
  if (fanIn > fanOut) {
    throw new RangeError(message(`at most as many input channels as output channels (shape[${outAxis}] = ${fanOut})`, `shape[${inAxis}]`, String(fanIn)));
  }
  const kernelAxes = layout === 'keras' ? [...Array(rank - 2).keys()] : [...Array(rank - 2).keys()].map((axis) => axis + 2);
  const strides = shape.map((_, axis) => sizeOf(shape.slice(axis + 1)));
  const base = kernelAxes.reduce((offset, axis) => offset + Math.floor((shape[axis]! - 1) / 2) * strides[axis]!, 0);
  return {
    kind: 'orthogonal',
    gain,
    rows: fanIn,
    cols: fanOut,
    transposeDraw: false,
    base,
    rowStride: strides[inAxis]!,
    colStride: strides[outAxis]!,
    sparse: sizeOf(shape) !== fanIn * fanOut,
  };
}

/** The draw's size and dtype: the generator moves by exactly this whether or not anything is computed. */
export function orthogonalDraw(plan: OrthogonalPlan): { size: number; options: { dtype: 'float64' } } {
  return { size: plan.rows * plan.cols, options: { dtype: 'float64' } };
}

/** The tall matrix the QR runs on (rows >= cols), from the draw. */
function tallMatrix(plan: OrthogonalPlan, drawn: Float64Array): Float64Array {
  if (!plan.transposeDraw) return drawn;
  const { rows, cols } = plan;
  const tall = new Float64Array(drawn.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) tall[j * rows + i] = drawn[i * cols + j]!;
  return tall;
}

function checkRank(q: Float64Array): void {
  if (q.length > 0 && Number.isNaN(q[0]!)) {
    throw new RangeError(message('a draw of full rank', 'orthogonal', 'a numerically rank-deficient matrix'));
  }
}

/** Writes gain·W into out, which holds the tensor's elements [start, end). */
function write(plan: OrthogonalPlan, q: Float64Array, out: FloatArray, start: number, end: number): void {
  const { rows, cols, gain, base, rowStride, colStride } = plan;
  const wide = rows < cols;
  const tallCols = wide ? rows : cols;
  if (plan.sparse && end > start) out.fill(0);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const index = base + i * rowStride + j * colStride;
      if (index < start || index >= end) continue;
      out[index - start] = gain * (wide ? q[j * tallCols + i]! : q[i * tallCols + j]!);
    }
  }
}

function factor(plan: OrthogonalPlan, drawn: Float64Array): [Float64Array, number, number] {
  const tall = tallMatrix(plan, drawn);
  return [tall, Math.max(plan.rows, plan.cols), Math.min(plan.rows, plan.cols)];
}

export function runOrthogonal(plan: OrthogonalPlan, generator: Generator, out: FloatArray, start: number, end: number): void {
  const { size, options } = orthogonalDraw(plan);
  const kernels: Kernels = generator.kernels;
  const [tall, m, n] = factor(plan, generator.normal(size, options) as Float64Array);
  kernels.orthonormalize(tall, m, n);
  checkRank(tall);
  write(plan, tall, out, start, end);
}

export async function runOrthogonalAsync(plan: OrthogonalPlan, generator: Generator, out: FloatArray, start: number, end: number): Promise<FloatArray> {
  const { size, options } = orthogonalDraw(plan);
  const kernels: Kernels = generator.kernels;
  const drawn = generator.normalAsync(size, options); // reserves the draw's blocks now
  const [tall, m, n] = factor(plan, (await drawn) as Float64Array);
  await kernels.orthonormalizeAsync(tall, m, n);
  checkRank(tall);
  write(plan, tall, out, start, end);
  return out;
}
