/**
 * The public element-wise activations, built from the table in spec/activations.ts over any
 * Kernels (a native SIMD level or the fallback). Each activation is a function object:
 *
 *   f(x, { out, ...params })                          f(x)
 *   f.derivative(x, { out, ...params })               f'(x)
 *   f.backward(gradOutput, x, { out, ...params })     gradOutput * f'(x)
 *   f.backwardFromOutput(gradOutput, y, { ... })      the same from y = f(x), where the table offers it
 *   .async on each                                     Promise forms
 *
 * Parameters (leakyRelu's negativeSlope, elu's alpha, …) are options with the table's defaults.
 * `out` must have x's type and length; it may be x (or gradOutput) itself, but must not partly
 * overlap it. Without `out` a new array of x's type is returned. Input is validated here, once,
 * before anything is written.
 */
import type { BackwardSource, ElementwisePass, FloatArray, Kernels } from '../binding.js';
import { type ActivationName, type ActivationSpec, type ParamSpec, activationSpecs, kernelOf } from './spec/activations.js';
import {
  allocateLike,
  describe,
  floatArray,
  lengthOf,
  matchingArray,
  message,
  options as checkOptions,
  promised,
  rangeError,
  sameOrDisjoint,
  typeError,
} from './validate.js';

type Spec = (typeof activationSpecs)[number];
type SpecOf<N extends ActivationName> = Extract<Spec, { readonly name: N }>;
type ParamNames<N extends ActivationName> = Extract<SpecOf<N>['params'][number], ParamSpec>['name'];
type VariantOption<N extends ActivationName> = SpecOf<N> extends {
  readonly variants: { readonly option: infer O extends string; readonly rows: infer R };
}
  ? { readonly [key in O]?: keyof R & string }
  : unknown;

export interface ActivationOptions<T extends FloatArray> {
  /** Where to write the result: an array of x's type and length, or x itself for in place. */
  readonly out?: T;
}

/** The options of activation N: `out`, its parameters, and the variant option (gelu's approximate). */
export type OptionsOf<N extends ActivationName, T extends FloatArray> = ActivationOptions<T> & {
  readonly [P in ParamNames<N>]?: number;
} & VariantOption<N>;

export interface UnaryOperation<O = ActivationOptions<FloatArray>> {
  <T extends FloatArray>(x: T, options?: O & ActivationOptions<T>): T;
  /** The same, off the event loop with native kernels; the Promise resolves to the result array. */
  async<T extends FloatArray>(x: T, options?: O & ActivationOptions<T>): Promise<T>;
}

export interface BackwardOperation<O = ActivationOptions<FloatArray>> {
  <T extends FloatArray>(gradOutput: T, input: T, options?: O & ActivationOptions<T>): T;
  async<T extends FloatArray>(gradOutput: T, input: T, options?: O & ActivationOptions<T>): Promise<T>;
}

export interface Activation<O = ActivationOptions<FloatArray>> extends UnaryOperation<O> {
  /** f'(x), element-wise. */
  readonly derivative: UnaryOperation<O>;
  /** gradOutput * f'(x), element-wise: the gradient with respect to x. */
  readonly backward: BackwardOperation<O>;
  /** gradOutput * f'(x) computed from y = f(x); only where the table gives `fromOutput`. */
  readonly backwardFromOutput?: BackwardOperation<O>;
  /** The table entry: formulas, kink conventions, accuracy budget. */
  readonly spec: ActivationSpec;
}

export type Activations = {
  readonly [N in ActivationName]: Activation<OptionsOf<N, FloatArray>> &
    (SpecOf<N> extends { readonly fromOutput: string } ? { readonly backwardFromOutput: BackwardOperation<OptionsOf<N, FloatArray>> } : unknown);
};

/** A kernel call resolved from a row and its options: where its kernel runs, with which two parameters. */
interface KernelChoice {
  readonly route: Route;
  readonly a: number;
  readonly b: number;
}

/**
 * Small arrays: below `below[kernel]` elements a call runs on `kernels` (the TypeScript fallback,
 * which gives the same bits) instead, because there a native call costs more than the work.
 * The thresholds are measured by bench/crossover.ts (lib/spec/crossovers.ts).
 */
export interface SmallArrays {
  readonly kernels: Kernels;
  readonly below: Readonly<Record<string, number>>;
}

/** One kernel on one kernels object. */
interface Target {
  readonly kernels: Kernels;
  readonly id: number;
}

/**
 * Where calls of one kernel run: on `small` below `below` elements, else on `main`. Resolved once
 * per row, so that a call compares its length with one number: looking the kernel up by name in the
 * crossovers and the ids on every call made small arrays about 10 % slower than the plain fallback
 * in a program calling several activations.
 */
interface Route {
  readonly main: Target;
  readonly small: Target;
  readonly below: number;
}

const targetOf = (route: Route, n: number): Target => (n < route.below ? route.small : route.main);

/** The route of a kernel over `kernels` (and `small`'s for small arrays). */
function routerOf(kernels: Kernels, small?: SmallArrays): (kernel: string) => Route {
  const targetOn = (on: Kernels, kernel: string): Target => {
    const id = on.activations.indexOf(kernel);
    if (id < 0) throw new Error(`the ${on.simd ?? 'fallback'} kernels lack ${kernel}`);
    return { kernels: on, id };
  };
  return (kernel) => {
    const main = targetOn(kernels, kernel);
    if (!small) return { main, small: main, below: 0 };
    return { main, small: targetOn(small.kernels, kernel), below: small.below[kernel] ?? 0 };
  };
}

const DOMAIN_TEXT: Record<ParamSpec['domain'], string> = {
  finite: 'a finite number',
  positive: 'a finite number > 0',
  nonnegative: 'a finite number >= 0',
};

function paramValue(param: ParamSpec, value: unknown, label: string): number {
  if (value === undefined && param.default !== undefined) return param.default;
  const name = `${label} option ${param.name}`;
  if (typeof value !== 'number') throw typeError(DOMAIN_TEXT[param.domain], name, value);
  const ok =
    Number.isFinite(value) && (param.domain === 'finite' || (param.domain === 'positive' ? value > 0 : value >= 0));
  if (!ok) throw rangeError(DOMAIN_TEXT[param.domain], name, value);
  return value;
}

/** The parameters of `spec` from `given` options (defaults for those missing), checked. */
export function paramsOf(spec: ActivationSpec, given: Record<string, unknown>, label: string): number[] {
  const values: number[] = [];
  for (const param of spec.params) values.push(paramValue(param, given[param.name], label));
  if (spec.paramsCheck && !spec.paramsCheck.holds(values)) {
    const received = spec.params.map((param, i) => `${param.name} = ${describe(values[i])}`).join(', ');
    throw new RangeError(message(spec.paramsCheck.what, `${label} options`, received));
  }
  return values;
}

/** Picks the kernel and its parameters for one call of `spec` with these options. */
type Resolver = (given: Record<string, unknown>, label: string) => KernelChoice;

function resolverOf(routeOf: (kernel: string) => Route, spec: ActivationSpec): Resolver {
  const choose = (row: ActivationSpec): Resolver => {
    const route = routeOf(kernelOf(row));
    return (given, label) => {
      const params = paramsOf(row, given, label);
      const kernelParams = row.kernelParams ? row.kernelParams(params) : params;
      return { route, a: kernelParams[0] ?? 0, b: kernelParams[1] ?? 0 };
    };
  };
  const own = choose(spec);
  const variants = spec.variants;
  if (!variants) return own;
  const rows = new Map<string, Resolver>(
    Object.entries(variants.rows).map(([value, name]) => [value, name === spec.name ? own : choose(rowNamed(name))]),
  );
  return (given, label) => {
    const value = given[variants.option];
    if (value === undefined) return own(given, label);
    const chosen = typeof value === 'string' ? rows.get(value) : undefined;
    if (!chosen) {
      const what = `one of ${[...rows.keys()].map((key) => JSON.stringify(key)).join(', ')}`;
      throw (typeof value === 'string' ? rangeError : typeError)(what, `${label} option ${variants.option}`, value);
    }
    return chosen(given, label);
  };
}

function rowNamed(name: string): ActivationSpec {
  const row = (activationSpecs as readonly ActivationSpec[]).find((spec) => spec.name === name);
  if (!row) throw new Error(`no activation row named ${name}`);
  return row;
}

/** The option names a row accepts. */
export function optionNamesOf(spec: ActivationSpec): string[] {
  const names = ['out', ...spec.params.map((param) => param.name)];
  if (spec.variants) names.push(spec.variants.option);
  return names;
}

interface UnaryCall<T extends FloatArray> extends KernelChoice {
  readonly x: T;
  /** null when not given: the synchronous form makes it, the Promise form lets the kernels make it. */
  readonly out: T | null;
}

interface BackwardCall<T extends FloatArray> extends UnaryCall<T> {
  readonly gradOutput: T;
}

function unaryOperation(spec: ActivationSpec, resolve: Resolver, pass: ElementwisePass): UnaryOperation {
  const label = pass === 0 ? spec.name : `${spec.name}.derivative`;
  const known = optionNamesOf(spec);
  const prepare = <T extends FloatArray>(x: unknown, options: unknown): UnaryCall<T> => {
    const input = floatArray(x, 'x') as T;
    const given = checkOptions(options, `${label} options`, known);
    const choice = resolve(given, label);
    // Fields set one by one: an object spread costs about a microsecond per call in Node 20.
    if (given.out === undefined) return { route: choice.route, a: choice.a, b: choice.b, x: input, out: null };
    const out = matchingArray(given.out, 'out', input, 'x');
    sameOrDisjoint(out, 'out', input, 'x');
    return { route: choice.route, a: choice.a, b: choice.b, x: input, out };
  };
  const operation = <T extends FloatArray>(x: T, options?: ActivationOptions<T>): T => {
    const call = prepare<T>(x, options);
    const { kernels, id } = targetOf(call.route, lengthOf(call.x));
    const out = call.out ?? allocateLike(call.x);
    kernels.activation(id, pass, call.x, out, call.a, call.b);
    return out;
  };
  operation.async = <T extends FloatArray>(x: T, options?: ActivationOptions<T>): Promise<T> =>
    promised(() => {
      const call = prepare<T>(x, options);
      const { kernels, id } = targetOf(call.route, lengthOf(call.x));
      return kernels.activationAsync(id, pass, call.x, call.out, call.a, call.b) as Promise<T>;
    });
  return operation;
}

function backwardOperation(spec: ActivationSpec, resolve: Resolver, source: BackwardSource): BackwardOperation {
  const label = source === 0 ? `${spec.name}.backward` : `${spec.name}.backwardFromOutput`;
  const inputName = source === 0 ? 'x' : 'y';
  const known = optionNamesOf(spec);
  const prepare = <T extends FloatArray>(gradOutput: unknown, input: unknown, options: unknown): BackwardCall<T> => {
    const grad = floatArray(gradOutput, 'gradOutput') as T;
    const x = matchingArray(input, inputName, grad, 'gradOutput');
    const given = checkOptions(options, `${label} options`, known);
    const choice = resolve(given, label);
    if (given.out === undefined) return { route: choice.route, a: choice.a, b: choice.b, gradOutput: grad, x, out: null };
    const out = matchingArray(given.out, 'out', x, inputName);
    sameOrDisjoint(out, 'out', x, inputName);
    sameOrDisjoint(out, 'out', grad, 'gradOutput');
    return { route: choice.route, a: choice.a, b: choice.b, gradOutput: grad, x, out };
  };
  const operation = <T extends FloatArray>(gradOutput: T, input: T, options?: ActivationOptions<T>): T => {
    const call = prepare<T>(gradOutput, input, options);
    const { kernels, id } = targetOf(call.route, lengthOf(call.x));
    const out = call.out ?? allocateLike(call.x);
    kernels.activationBackward(id, source, call.gradOutput, call.x, out, call.a, call.b);
    return out;
  };
  operation.async = <T extends FloatArray>(gradOutput: T, input: T, options?: ActivationOptions<T>): Promise<T> =>
    promised(() => {
      const call = prepare<T>(gradOutput, input, options);
      const { kernels, id } = targetOf(call.route, lengthOf(call.x));
      return kernels.activationBackwardAsync(id, source, call.gradOutput, call.x, call.out, call.a, call.b) as Promise<T>;
    });
  return operation;
}

/** One row of the table as a public activation on the given kernels (and `small`'s for small arrays). */
export function createActivation(kernels: Kernels, spec: ActivationSpec, small?: SmallArrays): Activation {
  const resolve = resolverOf(routerOf(kernels, small), spec);
  const members: Record<string, unknown> = {
    derivative: unaryOperation(spec, resolve, 1),
    backward: backwardOperation(spec, resolve, 0),
    spec,
  };
  if (spec.fromOutput) members.backwardFromOutput = backwardOperation(spec, resolve, 1);
  const activation = Object.assign(unaryOperation(spec, resolve, 0), members);
  Object.defineProperty(activation, 'name', { value: spec.name });
  return Object.freeze(activation) as unknown as Activation;
}

/** Every activation of the table, running on the given kernels (and `small`'s for small arrays). */
export function createActivations(kernels: Kernels, small?: SmallArrays): Activations {
  const activations: Record<string, Activation> = {};
  for (const spec of activationSpecs as readonly ActivationSpec[]) activations[spec.name] = createActivation(kernels, spec, small);
  return Object.freeze(activations) as unknown as Activations;
}
