/**
 * prelu with learned slopes, as PyTorch's torch.nn.functional.prelu:
 *
 *   prelu(x, weight, { shape, channelAxis, out })                       x if x > 0, else weight[c] * x
 *   prelu.derivative(x, weight, { shape, channelAxis, out })            1 if x > 0, else weight[c] (NaN at NaN)
 *   prelu.backward(gradOutput, x, weight, { shape, channelAxis, out, weightOut })
 *                                                                       { gradInput, gradWeight }
 *   .async on each                                                      Promise forms
 *
 * c is an element's index along the channel axis of `shape` (default [x.length]); the channel
 * axis is 1 (PyTorch's channel dimension) for rank >= 2 and absent below, unless `channelAxis`
 * names one (negative axes count from the end). `weight` has x's type and one element (a slope
 * shared by all) or one per channel. prelu'(0) is the slope, as leakyRelu'(0).
 *
 * gradWeight[c] sums x * gradOutput over channel c's elements with x <= 0 in double, in one fixed
 * order (native/kernels/prelu-plan-inl.h), rounded once: the same bits on every backend and
 * thread count. Input is validated here, once, before anything is written.
 */
import type { FloatArray, Kernels } from '../binding.js';
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
  typedArrayKind,
} from './validate.js';

export interface PreluOptions<T extends FloatArray> {
  /** x's shape (sizes multiplying to x.length); default [x.length]. */
  readonly shape?: readonly number[];
  /** The axis whose index picks the slope; default 1 for rank >= 2, none below; negative counts from the end. */
  readonly channelAxis?: number;
  /** Where to write the result: an array of x's type and length, or x itself. */
  readonly out?: T;
}

export interface PreluBackwardOptions<T extends FloatArray> extends PreluOptions<T> {
  /** Where to write gradWeight: an array of weight's type and length (weight itself allowed), sharing no memory with out. */
  readonly weightOut?: T;
}

export interface PreluGradients<T extends FloatArray> {
  /** gradOutput * prelu'(x), element-wise. */
  readonly gradInput: T;
  /** The gradient with respect to the weights. */
  readonly gradWeight: T;
}

export interface PreluOperation {
  <T extends FloatArray>(x: T, weight: T, options?: PreluOptions<T>): T;
  /** The same, off the event loop with native kernels. */
  async<T extends FloatArray>(x: T, weight: T, options?: PreluOptions<T>): Promise<T>;
}

export interface PreluBackward {
  <T extends FloatArray>(gradOutput: T, x: T, weight: T, options?: PreluBackwardOptions<T>): PreluGradients<T>;
  async<T extends FloatArray>(gradOutput: T, x: T, weight: T, options?: PreluBackwardOptions<T>): Promise<PreluGradients<T>>;
}

export interface Prelu extends PreluOperation {
  /** 1 where x > 0, else the element's slope; NaN at NaN. */
  readonly derivative: PreluOperation;
  /** gradInput = gradOutput * prelu'(x) and gradWeight. */
  readonly backward: PreluBackward;
}

/** x seen as (outer, channels, inner), with the weights' channel count (1 for a shared slope). */
export interface PreluLayout {
  readonly outer: number;
  readonly channels: number;
  readonly inner: number;
}

// The getters of %TypedArray%.prototype, which no own property of an array can fool.
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const getterOf = (key: string) => Object.getOwnPropertyDescriptor(typedArrayPrototype, key)!.get!;
const [bufferOf, byteOffsetOf, byteLengthOf] = ['buffer', 'byteOffset', 'byteLength'].map(getterOf) as [
  (this: unknown) => ArrayBufferLike,
  (this: unknown) => number,
  (this: unknown) => number,
];

/** Whether two arrays share any memory (the same array included). */
function sharesMemory(a: FloatArray, b: FloatArray): boolean {
  if (bufferOf.call(a) !== bufferOf.call(b)) return false;
  const [aStart, bStart] = [byteOffsetOf.call(a), byteOffsetOf.call(b)];
  const [aEnd, bEnd] = [aStart + byteLengthOf.call(a), bStart + byteLengthOf.call(b)];
  return aStart < aEnd && bStart < bEnd && aStart < bEnd && bStart < aEnd;
}

/** An output that must share no memory at all with `other` (named `otherName`). */
export function separateArray(out: FloatArray, name: string, other: FloatArray, otherName: string): void {
  if (sharesMemory(out, other)) {
    throw new RangeError(message(`an array sharing no memory with ${otherName}`, name, `one sharing memory with ${otherName}`));
  }
}

const describeList = (values: readonly unknown[]) => `[${values.map(describe).join(', ')}]`;

function shapeOf(value: unknown, name: string, length: number): number[] {
  const what = 'an array of non-negative integers';
  if (!Array.isArray(value)) throw typeError(what, name, value);
  if (!value.every((size) => Number.isSafeInteger(size) && size >= 0)) {
    throw new (value.every((size) => typeof size === 'number') ? RangeError : TypeError)(message(what, name, describeList(value)));
  }
  const product = value.reduce((a: number, b: number) => a * b, 1);
  if (product !== length) {
    throw new RangeError(message(`a shape of ${length} elements (the length of x)`, name, `${describeList(value)} (${product} elements)`));
  }
  return value as number[];
}

function axisOf(value: unknown, name: string, rank: number): number | undefined {
  if (value === undefined) return rank >= 2 ? 1 : undefined;
  const what = rank === 0 ? 'undefined (a shape of rank 0 has no axes)' : `an integer from ${-rank} to ${rank - 1}`;
  if (typeof value !== 'number') throw typeError(what, name, value);
  if (!Number.isInteger(value) || value < -rank || value >= rank) throw rangeError(what, name, value);
  return value < 0 ? value + rank : value;
}

const product = (sizes: readonly number[]) => sizes.reduce((a, b) => a * b, 1);

/**
 * The layout of one call from x, the weights and the options `shape` and `channelAxis` (under
 * `label options`), checked: a shared slope is one channel of all of x.
 */
export function preluLayout(x: FloatArray, weight: unknown, given: Record<string, unknown>, label: string): PreluLayout {
  const n = lengthOf(x);
  const shape = given.shape === undefined ? [n] : shapeOf(given.shape, `${label} option shape`, n);
  const axis = axisOf(given.channelAxis, `${label} option channelAxis`, shape.length);
  const kind = typedArrayKind(x)!;
  if (typedArrayKind(weight) !== kind) throw typeError(`a ${kind} (like x)`, 'weight', weight);
  const channels = axis === undefined ? 1 : shape[axis]!;
  const slopes = lengthOf(weight);
  if (slopes === 1) return { outer: 1, channels: 1, inner: n };
  if (slopes !== channels) {
    const what =
      axis === undefined
        ? `a ${kind} of length 1 (shape ${describeList(shape)} has no channel axis)`
        : `a ${kind} of length 1 or ${channels} (the size of axis ${axis} of shape ${describeList(shape)})`;
    throw rangeError(what, 'weight', weight);
  }
  return { outer: product(shape.slice(0, axis)), channels, inner: product(shape.slice(axis! + 1)) };
}

const MAP_OPTIONS = ['shape', 'channelAxis', 'out'];
const BACKWARD_OPTIONS = [...MAP_OPTIONS, 'weightOut'];

interface MapCall<T extends FloatArray> {
  readonly x: T;
  readonly weight: T;
  /** null when not given (forward and derivative only). */
  readonly out: T | null;
  readonly layout: PreluLayout;
}

function mapOperation(kernels: Kernels, pass: 0 | 1, label: string): PreluOperation {
  const prepare = <T extends FloatArray>(x: unknown, weight: unknown, options: unknown): MapCall<T> => {
    const input = floatArray(x, 'x') as T;
    const given = checkOptions(options, `${label} options`, MAP_OPTIONS);
    const layout = preluLayout(input, weight, given, label);
    const slopes = weight as T;
    // Without out, the synchronous form makes it and the Promise form lets the kernels make it.
    if (given.out === undefined) return { x: input, weight: slopes, out: null, layout };
    const out = matchingArray(given.out, 'out', input, 'x');
    sameOrDisjoint(out, 'out', input, 'x');
    sameOrDisjoint(out, 'out', slopes, 'weight');
    return { x: input, weight: slopes, out, layout };
  };
  const operation = <T extends FloatArray>(x: T, weight: T, options?: PreluOptions<T>): T => {
    const { x: input, weight: slopes, out: given, layout } = prepare<T>(x, weight, options);
    const out = given ?? allocateLike(input);
    kernels.prelu(pass, input, slopes, out, layout.outer, layout.channels, layout.inner);
    return out;
  };
  operation.async = <T extends FloatArray>(x: T, weight: T, options?: PreluOptions<T>): Promise<T> =>
    promised(() => {
      const { x: input, weight: slopes, out, layout } = prepare<T>(x, weight, options);
      return kernels.preluAsync(pass, input, slopes, out, layout.outer, layout.channels, layout.inner) as Promise<T>;
    });
  return operation;
}

interface BackwardCall<T extends FloatArray> extends MapCall<T> {
  readonly out: T;
  readonly gradOutput: T;
  readonly gradWeight: T;
}

function backwardOperation(kernels: Kernels): PreluBackward {
  const label = 'prelu.backward';
  const prepare = <T extends FloatArray>(gradOutput: unknown, x: unknown, weight: unknown, options: unknown): BackwardCall<T> => {
    const grad = floatArray(gradOutput, 'gradOutput') as T;
    const input = matchingArray(x, 'x', grad, 'gradOutput');
    const given = checkOptions(options, `${label} options`, BACKWARD_OPTIONS);
    const layout = preluLayout(input, weight, given, label);
    const slopes = weight as T;
    const out = given.out === undefined ? allocateLike(input) : matchingArray(given.out, 'out', input, 'x');
    for (const [array, name] of [[input, 'x'], [grad, 'gradOutput'], [slopes, 'weight']] as const) {
      sameOrDisjoint(out, 'out', array, name);
    }
    const gradWeight = given.weightOut === undefined ? allocateLike(slopes) : matchingArray(given.weightOut, 'weightOut', slopes, 'weight');
    separateArray(gradWeight, 'weightOut', out, 'out');
    return { gradOutput: grad, x: input, weight: slopes, out, gradWeight, layout };
  };
  const operation = <T extends FloatArray>(gradOutput: T, x: T, weight: T, options?: PreluBackwardOptions<T>): PreluGradients<T> => {
    const call = prepare<T>(gradOutput, x, weight, options);
    const { outer, channels, inner } = call.layout;
    kernels.preluBackward(call.gradOutput, call.x, call.weight, call.out, call.gradWeight, outer, channels, inner);
    return { gradInput: call.out, gradWeight: call.gradWeight };
  };
  operation.async = <T extends FloatArray>(gradOutput: T, x: T, weight: T, options?: PreluBackwardOptions<T>): Promise<PreluGradients<T>> =>
    promised(() => {
      const call = prepare<T>(gradOutput, x, weight, options);
      const { outer, channels, inner } = call.layout;
      return kernels
        .preluBackwardAsync(call.gradOutput, call.x, call.weight, call.out, call.gradWeight, outer, channels, inner)
        .then(() => ({ gradInput: call.out, gradWeight: call.gradWeight }));
    });
  return operation;
}

/** prelu on the given kernels (a native SIMD level or the fallback). */
export function createPrelu(kernels: Kernels): Prelu {
  const prelu = Object.assign(mapOperation(kernels, 0, 'prelu'), {
    derivative: mapOperation(kernels, 1, 'prelu.derivative'),
    backward: backwardOperation(kernels),
  });
  Object.defineProperty(prelu, 'name', { value: 'prelu' });
  return Object.freeze(prelu);
}
