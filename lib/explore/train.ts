/**
 * `--train`: a short, seeded training run of a small MLP on two interleaved spirals (a task a
 * linear model cannot solve), with plain minibatch SGD on the cross-entropy, for each
 * configuration. Everything is a pure function of the seed: the data, the weights (the
 * configuration's initializer), and the minibatches (a seeded permutation per epoch), so the same
 * seed gives the same curve, to the bit, on the native backend and on the fallback.
 */
import type { FloatArray } from '../../binding.js';
import type { AxisActivations } from '../axis-activations.js';
import type { Dtype } from '../random/distributions.js';
import type { Generator } from '../random/generator.js';
import type { ActivationChoice, InitializerChoice } from './choices.js';
import { fillRows, multiplyAdd, transpose } from './matrix.js';
import { drawWeights, newArray } from './probe.js';

export interface TrainSettings {
  /** Hidden layers. */
  readonly depth: number;
  /** Units per hidden layer. */
  readonly width: number;
  /** SGD steps. */
  readonly steps: number;
  readonly learningRate: number;
  /** Points of each spiral. */
  readonly pointsPerClass: number;
  /** Points per SGD step. */
  readonly batch: number;
}

export const DEFAULT_TRAIN: TrainSettings = { depth: 8, width: 32, steps: 400, learningRate: 0.1, pointsPerClass: 128, batch: 32 };

/** How many points of the curve a run records (the loss on the whole training set), besides step 0. */
export const CURVE_POINTS = 20;
const CLASSES = 2;
const TURNS = 1.5;
const NOISE = 0.03;
/** The outer radius. */
const RADIUS = 1;

export interface TrainingCurve {
  /** The loss on the whole training set at each recorded step (NaN once a run has diverged). */
  readonly steps: readonly number[];
  readonly loss: readonly number[];
  /** The fraction of training points classified correctly after the last step. */
  readonly accuracy: number;
}

/**
 * Two spirals: point i of class c sits at radius r = i/n and angle 2π·TURNS·r + πc, with normal
 * noise; the labels alternate between the arms as the radius grows.
 */
export function spirals(pointsPerClass: number, dtype: Dtype, generator: Generator): { inputs: FloatArray; labels: Int32Array } {
  const n = pointsPerClass * CLASSES;
  const noise = generator.normal(2 * n, { std: NOISE, dtype: 'float64' });
  const inputs = newArray(dtype, 2 * n);
  const labels = new Int32Array(n);
  for (let c = 0; c < CLASSES; c++) {
    for (let i = 0; i < pointsPerClass; i++) {
      const point = c * pointsPerClass + i;
      const radius = (RADIUS * (i + 1)) / pointsPerClass;
      const angle = 2 * Math.PI * TURNS * radius + Math.PI * c;
      inputs[2 * point] = radius * Math.cos(angle) + noise[2 * point]!;
      inputs[2 * point + 1] = radius * Math.sin(angle) + noise[2 * point + 1]!;
      labels[point] = c;
    }
  }
  return { inputs, labels };
}

interface Layer {
  /** Weights as [in, out], so a batch's pre-activations are x·w + b. */
  readonly w: FloatArray;
  readonly b: FloatArray;
  readonly inputs: number;
  readonly outputs: number;
}

interface Pass {
  /** The input of each layer, then the logits. */
  readonly values: FloatArray[];
  /** Each hidden layer's pre-activations. */
  readonly preActivations: FloatArray[];
}

function forward(layers: readonly Layer[], x: FloatArray, rows: number, activation: ActivationChoice, dtype: Dtype): Pass {
  const values = [x];
  const preActivations: FloatArray[] = [];
  layers.forEach((layer, i) => {
    const z = newArray(dtype, rows * layer.outputs);
    fillRows(z, layer.b, rows, layer.outputs);
    multiplyAdd(values[i]!, layer.w, z, rows, layer.inputs, layer.outputs);
    if (i === layers.length - 1) values.push(z);
    else {
      preActivations.push(z);
      values.push(activation.fn.forward(z));
    }
  });
  return { values, preActivations };
}

/** Mean cross-entropy of logits (rows × CLASSES) against labels, with kindling's logSoftmax. */
function crossEntropy(logits: FloatArray, labels: ArrayLike<number>, rows: number, axis: AxisActivations): number {
  const logProbabilities = axis.logSoftmax(logits, { shape: [rows, CLASSES], axis: -1 });
  let sum = 0;
  for (let r = 0; r < rows; r++) sum -= logProbabilities[r * CLASSES + labels[r]!]!;
  return sum / rows;
}

/** Trains one configuration and returns its loss curve. */
export function train(
  settings: TrainSettings,
  dtype: Dtype,
  activation: ActivationChoice,
  weights: InitializerChoice,
  bias: InitializerChoice,
  axis: AxisActivations,
  generator: Generator,
): TrainingCurve {
  const { depth, width, steps, learningRate, pointsPerClass, batch } = settings;
  const { inputs, labels } = spirals(pointsPerClass, dtype, generator.foldIn(1));
  const points = labels.length;
  const sizes = [2, ...Array<number>(depth).fill(width), CLASSES];
  const [weightStream, biasStream, batchStream] = [generator.foldIn(2), generator.foldIn(3), generator.foldIn(4)];
  const layers: Layer[] = sizes.slice(1).map((outputs, i) => {
    const inputsOf = sizes[i]!;
    const w = drawWeights(weights, outputs, inputsOf, dtype, weightStream.foldIn(i + 1));
    const b = bias.initializer([outputs], { ...bias.params, layout: 'torch', dtype, generator: biasStream.foldIn(i + 1) });
    return { w: transpose(w, outputs, inputsOf), b, inputs: inputsOf, outputs };
  });

  const record = Math.max(1, Math.floor(steps / CURVE_POINTS));
  const curve: TrainingCurve = { steps: [], loss: [], accuracy: 0 };
  const evaluate = (step: number) => {
    const loss = crossEntropy(forward(layers, inputs, points, activation, dtype).values.at(-1)!, labels, points, axis);
    (curve.steps as number[]).push(step);
    (curve.loss as number[]).push(loss);
  };
  evaluate(0);

  let order: Int32Array = new Int32Array(0);
  let position = points;
  const x = newArray(dtype, batch * 2);
  const y = new Int32Array(batch);
  for (let step = 1; step <= steps; step++) {
    // The next minibatch: a fresh seeded permutation of the points at every epoch.
    for (let r = 0; r < batch; r++) {
      if (position === points) [order, position] = [batchStream.foldIn(step).permutation(points), 0];
      const point = order[position++]!;
      x[2 * r] = inputs[2 * point]!;
      x[2 * r + 1] = inputs[2 * point + 1]!;
      y[r] = labels[point]!;
    }
    const pass = forward(layers, x, batch, activation, dtype);
    // ∂loss/∂logits = (softmax − one-hot) / batch.
    let gradient = axis.softmax(pass.values.at(-1)!, { shape: [batch, CLASSES], axis: -1 });
    for (let r = 0; r < batch; r++) gradient[r * CLASSES + y[r]!] -= 1;
    for (let i = 0; i < gradient.length; i++) gradient[i] /= batch;
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i]!;
      if (i < layers.length - 1) gradient = activation.fn.backward(gradient, pass.preActivations[i]!);
      const gradientW = newArray(dtype, layer.inputs * layer.outputs);
      multiplyAdd(transpose(pass.values[i]!, batch, layer.inputs), gradient, gradientW, layer.inputs, batch, layer.outputs);
      // The gradient for the layer below, from the weights before this step's update.
      const below = newArray(dtype, i > 0 ? batch * layer.inputs : 0);
      if (i > 0) multiplyAdd(gradient, transpose(layer.w, layer.inputs, layer.outputs), below, batch, layer.outputs, layer.inputs);
      for (let k = 0; k < layer.w.length; k++) layer.w[k] -= learningRate * gradientW[k]!;
      for (let o = 0; o < layer.outputs; o++) {
        let sum = 0;
        for (let r = 0; r < batch; r++) sum += gradient[r * layer.outputs + o]!;
        layer.b[o] -= learningRate * sum;
      }
      gradient = below;
    }
    if (step % record === 0 || step === steps) evaluate(step);
  }

  const logits = forward(layers, inputs, points, activation, dtype).values.at(-1)!;
  let correct = 0;
  for (let p = 0; p < points; p++) if ((logits[p * CLASSES + 1]! > logits[p * CLASSES]! ? 1 : 0) === labels[p]) correct++;
  return { ...curve, accuracy: correct / points };
}
