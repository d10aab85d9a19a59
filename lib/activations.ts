/**
 * The public activation functions, built from the table in spec/activations.ts over any Kernels
 * (a native SIMD level or the fallback). Each activation is a function object:
 *
 *   tanh(x, { out })                      f(x)
 *   tanh.derivative(x, { out })           f'(x)
 *   tanh.backward(gradOutput, x, { out }) gradOutput * f'(x)
 *   tanh.async(x, { out }), tanh.derivative.async(...), tanh.backward.async(...)   Promise forms
 *
 * `out` must have x's type and length; it may be x (or gradOutput) itself, but must not partly
 * overlap it. Without `out` a new array of x's type is returned. Input is validated here, once,
 * before anything is written.
 */
import type { ElementwisePass, FloatArray, Kernels } from '../binding.js';
import { type ActivationName, type ActivationSpec, activationSpecs } from './spec/activations.js';
import { allocateLike, floatArray, matchingArray, options as checkOptions, promised, sameOrDisjoint } from './validate.js';

export interface ActivationOptions<T extends FloatArray> {
  /** Where to write the result: an array of x's type and length, or x itself for in place. */
  readonly out?: T;
}

export interface UnaryOperation {
  <T extends FloatArray>(x: T, options?: ActivationOptions<T>): T;
  /** The same, off the event loop with native kernels; the Promise resolves to the result array. */
  async<T extends FloatArray>(x: T, options?: ActivationOptions<T>): Promise<T>;
}

export interface BackwardOperation {
  <T extends FloatArray>(gradOutput: T, x: T, options?: ActivationOptions<T>): T;
  async<T extends FloatArray>(gradOutput: T, x: T, options?: ActivationOptions<T>): Promise<T>;
}

export interface Activation extends UnaryOperation {
  /** f'(x), element-wise. */
  readonly derivative: UnaryOperation;
  /** gradOutput * f'(x), element-wise: the gradient with respect to x. */
  readonly backward: BackwardOperation;
  /** The table entry: formulas, kink conventions, accuracy budget. */
  readonly spec: ActivationSpec;
}

export type Activations = { readonly [name in ActivationName]: Activation };

const OPTION_NAMES = ['out'] as const;

interface PreparedUnary<T extends FloatArray> {
  readonly x: T;
  readonly out: T;
}

function prepareUnary<T extends FloatArray>(name: string, x: unknown, options: unknown): PreparedUnary<T> {
  const input = floatArray(x, 'x') as T;
  const given = checkOptions(options, `${name} options`, OPTION_NAMES).out;
  if (given === undefined) return { x: input, out: allocateLike(input) };
  const out = matchingArray(given, 'out', input, 'x');
  sameOrDisjoint(out, 'out', input, 'x');
  return { x: input, out };
}

interface PreparedBackward<T extends FloatArray> extends PreparedUnary<T> {
  readonly gradOutput: T;
}

function prepareBackward<T extends FloatArray>(
  name: string,
  gradOutput: unknown,
  x: unknown,
  options: unknown,
): PreparedBackward<T> {
  const grad = floatArray(gradOutput, 'gradOutput') as T;
  const input = matchingArray(x, 'x', grad, 'gradOutput');
  const given = checkOptions(options, `${name}.backward options`, OPTION_NAMES).out;
  const out = given === undefined ? allocateLike(input) : matchingArray(given, 'out', input, 'x');
  sameOrDisjoint(out, 'out', input, 'x');
  sameOrDisjoint(out, 'out', grad, 'gradOutput');
  return { gradOutput: grad, x: input, out };
}


function unaryOperation(kernels: Kernels, name: string, id: number, pass: ElementwisePass): UnaryOperation {
  const label = pass === 0 ? name : `${name}.derivative`;
  const operation = <T extends FloatArray>(x: T, options?: ActivationOptions<T>): T => {
    const call = prepareUnary<T>(label, x, options);
    kernels.activation(id, pass, call.x, call.out, 0, 0);
    return call.out;
  };
  operation.async = <T extends FloatArray>(x: T, options?: ActivationOptions<T>): Promise<T> =>
    promised(() => {
      const call = prepareUnary<T>(label, x, options);
      return kernels.activationAsync(id, pass, call.x, call.out, 0, 0).then(() => call.out);
    });
  return operation;
}

function backwardOperation(kernels: Kernels, name: string, id: number): BackwardOperation {
  const operation = <T extends FloatArray>(gradOutput: T, x: T, options?: ActivationOptions<T>): T => {
    const call = prepareBackward<T>(name, gradOutput, x, options);
    kernels.activationBackward(id, call.gradOutput, call.x, call.out, 0, 0);
    return call.out;
  };
  operation.async = <T extends FloatArray>(gradOutput: T, x: T, options?: ActivationOptions<T>): Promise<T> =>
    promised(() => {
      const call = prepareBackward<T>(name, gradOutput, x, options);
      return kernels.activationBackwardAsync(id, call.gradOutput, call.x, call.out, 0, 0).then(() => call.out);
    });
  return operation;
}

/** Every activation of the table, running on the given kernels. */
export function createActivations(kernels: Kernels): Activations {
  const activations = {} as Record<ActivationName, Activation>;
  for (const spec of activationSpecs) {
    const id = kernels.activations.indexOf(spec.name);
    if (id < 0) throw new Error(`the ${kernels.simd ?? 'fallback'} kernels lack ${spec.name}`);
    const activation = Object.assign(unaryOperation(kernels, spec.name, id, 0), {
      derivative: unaryOperation(kernels, spec.name, id, 1),
      backward: backwardOperation(kernels, spec.name, id),
      spec,
    });
    Object.defineProperty(activation, 'name', { value: spec.name });
    activations[spec.name] = Object.freeze(activation);
  }
  return Object.freeze(activations);
}
