/**
 * One configuration's experiment: a deep MLP of `depth` square layers (z = x·Wᵀ + b, y = f(z)),
 * a batch of standard-normal inputs pushed through it, and the backward pass of a mean squared
 * error against standard-normal targets, all with kindling's activations and initializers.
 *
 * The random streams are split by role (docs/rng.md's foldIn): every configuration of a run sees
 * the same inputs and targets, and initializers that draw the same distribution at a different
 * scale (normal with std 0.01 or 1, kaimingNormal) draw the same numbers, so configurations
 * differ only by what they choose.
 */
import type { FloatArray } from '../../binding.js';
import type { Dtype } from '../random/distributions.js';
import type { Generator } from '../random/generator.js';
import type { ActivationChoice, InitializerChoice, Saturation } from './choices.js';
import { fillRows, multiplyAdd, productNorm, transpose } from './matrix.js';
import { type LayerStatistics, SATURATION_MARGIN } from './verdicts.js';

/** The generator's sub-streams, by role. */
export const STREAMS = { inputs: 1, targets: 2, weights: 3, biases: 4, gains: 5, train: 6, directions: 7 } as const;

export interface Architecture {
  readonly depth: number;
  readonly width: number;
  readonly batch: number;
  readonly dtype: Dtype;
}

export interface ProbeResult {
  /** The standard deviation of the inputs (close to 1). */
  readonly inputStd: number;
  readonly layers: readonly LayerStatistics[];
}

export function newArray(dtype: Dtype, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** A layer's weights as `initializer` makes them in PyTorch's layout [out, in]. */
export function drawWeights(initializer: InitializerChoice, out: number, inputs: number, dtype: Dtype, generator: Generator): FloatArray {
  return initializer.initializer([out, inputs], { ...initializer.params, layout: 'torch', dtype, generator });
}

function meanAndStd(values: FloatArray): [number, number] {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return [mean, Math.sqrt(squares / values.length)];
}

function saturatedFraction(y: FloatArray, { bounds, range }: Saturation): number {
  const margin = SATURATION_MARGIN * range;
  let count = 0;
  for (let i = 0; i < y.length; i++) if (bounds.some((bound) => Math.abs(y[i]! - bound) < margin)) count++;
  return count / y.length;
}

/** The fraction of units (columns of the batch × width slope matrix) whose slope is zero on every example. */
function deadFraction(slope: FloatArray, batch: number, width: number): number {
  let dead = 0;
  for (let unit = 0; unit < width; unit++) {
    let b = 0;
    while (b < batch && slope[b * width + unit] === 0) b++;
    if (b === batch) dead++;
  }
  return dead / width;
}

/** The Euclidean norm of each row of a rows × cols matrix. */
function rowNorms(a: FloatArray, rows: number, cols: number): Float64Array {
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += a[r * cols + c]! ** 2;
    norms[r] = Math.sqrt(sum);
  }
  return norms;
}

/** max/min over the rows of ‖tangent row‖ / ‖direction row‖: 1 for an isometry, NaN when every row is zero. */
function spreadOf(tangent: FloatArray, directionNorms: Float64Array, rows: number, cols: number): number {
  const norms = rowNorms(tangent, rows, cols);
  let [low, high] = [Infinity, 0];
  for (let r = 0; r < rows; r++) {
    const stretch = norms[r]! / directionNorms[r]!;
    [low, high] = [Math.min(low, stretch), Math.max(high, stretch)];
  }
  return high / low;
}

/** Whether there are several units and every row of the out × in matrix w (one unit's weights) and every bias are the same. */
function identicalUnits(w: FloatArray, bias: FloatArray, out: number, inputs: number): boolean {
  if (out < 2) return false;
  for (let unit = 1; unit < out; unit++) {
    if (bias[unit] !== bias[0]) return false;
    for (let i = 0; i < inputs; i++) if (w[unit * inputs + i] !== w[i]) return false;
  }
  return true;
}

/** Runs the experiment for one activation and one weight initializer. */
export function probe(
  architecture: Architecture,
  activation: ActivationChoice,
  weights: InitializerChoice,
  bias: InitializerChoice,
  generator: Generator,
): ProbeResult {
  const { depth, width, batch, dtype } = architecture;
  const f = activation.fn;
  const input = generator.foldIn(STREAMS.inputs).normal(batch * width, { dtype });
  const targets = generator.foldIn(STREAMS.targets).normal(batch * width, { dtype });
  const weightStream = generator.foldIn(STREAMS.weights);
  const biasStream = generator.foldIn(STREAMS.biases);

  const layerInputs: FloatArray[] = [input];
  const preActivations: FloatArray[] = [];
  const matrices: FloatArray[] = [];
  const forward: Omit<LayerStatistics, 'gradientNorm'>[] = [];
  // Each example's random input direction v, carried forward as J·v: through the weights, then
  // scaled by the activation's slope at that example (the chain rule, one layer at a time).
  let tangent = generator.foldIn(STREAMS.directions).normal(batch * width, { dtype });
  const directionNorms = rowNorms(tangent, batch, width);
  let x = input;
  for (let layer = 1; layer <= depth; layer++) {
    const w = drawWeights(weights, width, width, dtype, weightStream.foldIn(layer));
    const wT = transpose(w, width, width);
    const b = bias.initializer([width], { ...bias.params, layout: 'torch', dtype, generator: biasStream.foldIn(layer) });
    const z = newArray(dtype, batch * width);
    fillRows(z, b, batch, width);
    multiplyAdd(x, wT, z, batch, width, width);
    const y = f.forward(z);
    const slope = f.derivative!(z);
    const next = newArray(dtype, batch * width);
    multiplyAdd(tangent, wT, next, batch, width, width);
    for (let i = 0; i < next.length; i++) next[i] *= slope[i]!;
    tangent = next;
    const [mean, std] = meanAndStd(y);
    forward.push({
      layer,
      mean,
      std,
      saturated: activation.saturation ? saturatedFraction(y, activation.saturation) : null,
      dead: deadFraction(slope, batch, width),
      spread: spreadOf(tangent, directionNorms, batch, width),
      symmetric: identicalUnits(w, b, width, width),
    });
    matrices.push(w);
    preActivations.push(z);
    layerInputs.push(y);
    x = y;
  }

  // loss = Σ (y − t)² / (2·batch), so ∂loss/∂y = (y − t) / batch.
  let gradient = newArray(dtype, batch * width);
  for (let i = 0; i < gradient.length; i++) gradient[i] = (x[i]! - targets[i]!) / batch;
  const gradientNorms: number[] = new Array(depth);
  for (let layer = depth; layer >= 1; layer--) {
    const atZ = f.backward(gradient, preActivations[layer - 1]!);
    gradientNorms[layer - 1] = productNorm(atZ, layerInputs[layer - 1]!, batch, width, width);
    if (layer > 1) {
      gradient = newArray(dtype, batch * width);
      multiplyAdd(atZ, matrices[layer - 1]!, gradient, batch, width, width);
    }
  }
  return {
    inputStd: meanAndStd(input)[1],
    layers: forward.map((stats, i) => ({ ...stats, gradientNorm: gradientNorms[i]! })),
  };
}
