/**
 * rrelu with PyTorch's training mode on top of the table's evaluation-mode row:
 *
 *   rrelu(x, { lower, upper, out })                                 evaluation: slope (lower + upper) / 2
 *   rrelu(x, { training: true, lower, upper, generator, noise, out }) a random slope per element
 *   rrelu.backward(gradOutput, x, { training: true, noise, out })     gradOutput * noise
 *
 * In training mode element i's slope is value i of one uniform draw on [lower, upper) in x's
 * precision from `generator` (the process default when absent; docs/rng.md §3), so the same seed
 * gives the same bits on every backend; out = x if x > 0, else slope * x. `noise` (x's type and
 * length, sharing no memory with x or out) receives what PyTorch keeps for the backward pass: 1
 * where x > 0, the slope where x <= 0, and NaN where x is NaN (so that the backward pass keeps
 * NaN in, NaN out). Without `training` (or with false) every call is the evaluation-mode row's.
 */
import type { FloatArray, Kernels } from '../binding.js';
import type { Activation, ActivationOptions, OptionsOf, UnaryOperation } from './activations.js';
import { paramsOf } from './activations.js';
import { separateArray } from './prelu.js';
import { uniformParams } from './random/distributions.js';
import { Generator, defaultGenerator } from './random/generator.js';
import type { ActivationSpec } from './spec/activations.js';
import {
  allocateLike,
  describe,
  floatArray,
  lengthOf,
  matchingArray,
  message,
  options as checkOptions,
  promised,
  sameOrDisjoint,
  typeError,
  typedArrayKind,
} from './validate.js';

type EvaluationOptions = OptionsOf<'rrelu', FloatArray>;

export interface RreluOptions<T extends FloatArray> extends ActivationOptions<T> {
  readonly lower?: number;
  readonly upper?: number;
  /** Draw a slope per element (PyTorch's training mode); default false. */
  readonly training?: boolean;
  /** Training mode: where the slopes come from; default the process-wide generator (defaultGenerator()). */
  readonly generator?: Generator;
  /** Training mode: receives 1 where x > 0 and the slope elsewhere (NaN at NaN), for the backward pass. */
  readonly noise?: T;
}

export interface RreluBackwardOptions<T extends FloatArray> extends ActivationOptions<T> {
  readonly lower?: number;
  readonly upper?: number;
  /** With true, the gradient is gradOutput * noise; default false (the evaluation-mode slope). */
  readonly training?: boolean;
  /** Training mode, required: the noise the forward call wrote. */
  readonly noise?: T;
}

export interface Rrelu {
  <T extends FloatArray>(x: T, options?: RreluOptions<T>): T;
  /** The same, off the event loop with native kernels (the generator's values are reserved at the call). */
  async<T extends FloatArray>(x: T, options?: RreluOptions<T>): Promise<T>;
  /** The evaluation-mode derivative: 1 if x > 0, else (lower + upper) / 2. */
  readonly derivative: UnaryOperation<EvaluationOptions>;
  readonly backward: {
    <T extends FloatArray>(gradOutput: T, x: T, options?: RreluBackwardOptions<T>): T;
    async<T extends FloatArray>(gradOutput: T, x: T, options?: RreluBackwardOptions<T>): Promise<T>;
  };
  /** The evaluation-mode row of the table. */
  readonly spec: ActivationSpec;
}

const FORWARD_OPTIONS = ['out', 'lower', 'upper', 'training', 'generator', 'noise'];
const BACKWARD_OPTIONS = ['out', 'lower', 'upper', 'training', 'noise'];

/** Whether the options ask for training mode; the options without `training` when they do not. */
function modeOf(given: Record<string, unknown>, label: string, trainingOnly: readonly string[]): boolean {
  const training = given.training;
  if (training !== undefined && typeof training !== 'boolean') throw typeError('a boolean', `${label} option training`, training);
  if (training === true) return true;
  for (const name of trainingOnly) {
    if (given[name] !== undefined) throw typeError('undefined (it is used only with training: true)', `${label} option ${name}`, given[name]);
  }
  return false;
}

function withoutTraining<T extends FloatArray>(given: Record<string, unknown>): EvaluationOptions & ActivationOptions<T> {
  const { training: _training, ...rest } = given;
  return rest as EvaluationOptions & ActivationOptions<T>;
}

interface TrainingCall<T extends FloatArray> {
  readonly x: T;
  readonly out: T;
  readonly slopes: T;
  readonly generator: Generator;
  readonly lower: number;
  readonly upper: number;
  /** lower and upper are one value in x's precision: every slope is lower (the draw still advances the generator). */
  readonly constant: boolean;
}

export function createRrelu(kernels: Kernels, evaluation: Activation<EvaluationOptions>): Rrelu {
  const spec = evaluation.spec;

  const prepare = <T extends FloatArray>(x: T, given: Record<string, unknown>): TrainingCall<T> => {
    const [lower, upper] = paramsOf(spec, given, 'rrelu') as [number, number];
    const dtype = typedArrayKind(x) === 'Float32Array' ? 'float32' : 'float64';
    const [low, width, high] = uniformParams(lower, upper, dtype);
    if (!Number.isFinite(width)) {
      const received = `lower = ${describe(lower)}, upper = ${describe(upper)}`;
      throw new RangeError(message(`bounds whose difference is finite in ${dtype}`, 'rrelu options', received));
    }
    const generator = given.generator ?? defaultGenerator();
    if (!(generator instanceof Generator)) throw typeError('a Generator', 'rrelu option generator', generator);
    const out = given.out === undefined ? allocateLike(x) : matchingArray(given.out, 'out', x, 'x');
    sameOrDisjoint(out, 'out', x, 'x');
    let slopes: T;
    if (given.noise === undefined) {
      slopes = allocateLike(x);
    } else {
      slopes = matchingArray(given.noise, 'noise', x, 'x');
      separateArray(slopes, 'noise', x, 'x');
      separateArray(slopes, 'noise', out, 'out');
    }
    return { x, out, slopes, generator, lower, upper, constant: !(low! < high!) };
  };

  // One uniform value per element; the generator reserves its blocks now, whatever the mode.
  const draw = (call: TrainingCall<FloatArray>) =>
    call.constant ? { out: call.slopes } : { low: call.lower, high: call.upper, out: call.slopes };

  const forward = <T extends FloatArray>(x: T, options?: RreluOptions<T>): T => {
    const input = floatArray(x, 'x') as T;
    const given = checkOptions(options, 'rrelu options', FORWARD_OPTIONS);
    if (!modeOf(given, 'rrelu', ['generator', 'noise'])) return evaluation(input, withoutTraining<T>(given));
    const call = prepare(input, given);
    const n = lengthOf(input);
    call.generator.uniform(n, draw(call));
    if (call.constant) call.slopes.fill(call.lower);
    // The noise first, from x, and then out from it, so out may be x itself.
    kernels.prelu(1, input, call.slopes, call.slopes, 1, n, 1);
    kernels.prelu(0, input, call.slopes, call.out, 1, n, 1);
    return call.out;
  };

  forward.async = <T extends FloatArray>(x: T, options?: RreluOptions<T>): Promise<T> =>
    promised(() => {
      const input = floatArray(x, 'x') as T;
      const given = checkOptions(options, 'rrelu options', FORWARD_OPTIONS);
      if (!modeOf(given, 'rrelu', ['generator', 'noise'])) return evaluation.async(input, withoutTraining<T>(given));
      const call = prepare(input, given);
      const n = lengthOf(input);
      const frozen = input.slice() as T; // x as it is at the call, for both passes
      return call.generator
        .uniformAsync(n, draw(call))
        .then(() => {
          if (call.constant) call.slopes.fill(call.lower);
          return kernels.preluAsync(1, frozen, call.slopes, call.slopes, 1, n, 1);
        })
        .then(() => kernels.preluAsync(0, frozen, call.slopes, call.out, 1, n, 1))
        .then(() => call.out);
    });

  const prepareBackward = <T extends FloatArray>(gradOutput: T, x: T, options: unknown) => {
    const grad = floatArray(gradOutput, 'gradOutput') as T;
    const input = matchingArray(x, 'x', grad, 'gradOutput');
    const given = checkOptions(options, 'rrelu.backward options', BACKWARD_OPTIONS);
    if (!modeOf(given, 'rrelu.backward', ['noise'])) return { training: false as const, grad, input, given: withoutTraining<T>(given) };
    paramsOf(spec, given, 'rrelu.backward');
    if (given.noise === undefined) {
      throw typeError(`a ${typedArrayKind(input)} (like x; required with training: true)`, 'rrelu.backward option noise', undefined);
    }
    const noise = matchingArray(given.noise, 'noise', input, 'x');
    const out = given.out === undefined ? allocateLike(input) : matchingArray(given.out, 'out', input, 'x');
    for (const [array, name] of [[input, 'x'], [grad, 'gradOutput'], [noise, 'noise']] as const) sameOrDisjoint(out, 'out', array, name);
    return { training: true as const, grad, noise, out, n: lengthOf(input) };
  };

  const backward = <T extends FloatArray>(gradOutput: T, x: T, options?: RreluBackwardOptions<T>): T => {
    const call = prepareBackward(gradOutput, x, options);
    if (!call.training) return evaluation.backward(call.grad, call.input, call.given);
    kernels.prelu(2, call.grad, call.noise, call.out, 1, call.n, 1);
    return call.out;
  };
  backward.async = <T extends FloatArray>(gradOutput: T, x: T, options?: RreluBackwardOptions<T>): Promise<T> =>
    promised(() => {
      const call = prepareBackward(gradOutput, x, options);
      if (!call.training) return evaluation.backward.async(call.grad, call.input, call.given);
      return kernels.preluAsync(2, call.grad, call.noise, call.out, 1, call.n, 1).then(() => call.out);
    });

  const rrelu = Object.assign(forward, { derivative: evaluation.derivative, backward, spec });
  Object.defineProperty(rrelu, 'name', { value: 'rrelu' });
  return Object.freeze(rrelu) as Rrelu;
}
