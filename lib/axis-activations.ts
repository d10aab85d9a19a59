/**
 * The public activations along an axis, built from the table in spec/axis-activations.ts over any
 * Kernels (a native SIMD level or the fallback):
 *
 *   softmax(x, { shape, axis, mask, out })                       along axis of x viewed as shape
 *   softmax.backward(gradOutput, x, { shape, axis, mask, out })  the gradient with respect to x
 *   softmax.backwardFromOutput(gradOutput, y, { ... })           the same from y = softmax(x)
 *   .async on each                                               Promise forms
 *
 * likewise logSoftmax and softmin, and glu(x, { shape, axis, out }) with glu.backward (no mask, no
 * backwardFromOutput). `shape` defaults to [x.length] and `axis` to -1 (negative counts from the
 * end). Input is validated here, once, before anything is written.
 */
import type { BackwardSource, FloatArray, Kernels } from '../binding.js';
import { type AxisActivationName, type AxisActivationSpec, axisActivationSpecs } from './spec/axis-activations.js';
import {
  describe,
  floatArray,
  lengthOf,
  message,
  options as checkOptions,
  promised,
  rangeError,
  sameOrDisjoint,
  typeError,
  typedArrayKind,
} from './validate.js';

export interface AxisOptions<T extends FloatArray = FloatArray> {
  /** The array's shape, whose product must be x's length; [x.length] when absent. */
  readonly shape?: readonly number[];
  /** The axis to work along; negative counts from the end. -1 when absent. */
  readonly axis?: number;
  /** Where to write the result: an array of the output's type and length, or the input itself (not glu's x). */
  readonly out?: T;
}

export interface MaskedAxisOptions<T extends FloatArray = FloatArray> extends AxisOptions<T> {
  /** A Uint8Array of x's length: elements whose byte is 0 take no part (they give 0, -Inf for logSoftmax, and gradient 0). */
  readonly mask?: Uint8Array;
}

export interface AxisOperation<O extends AxisOptions> {
  <T extends FloatArray>(x: T, options?: O & AxisOptions<T>): T;
  /** The same, off the event loop with native kernels; the Promise resolves to the result array. */
  async<T extends FloatArray>(x: T, options?: O & AxisOptions<T>): Promise<T>;
}

export interface AxisBackwardOperation<O extends AxisOptions> {
  <T extends FloatArray>(gradOutput: T, input: T, options?: O & AxisOptions<T>): T;
  async<T extends FloatArray>(gradOutput: T, input: T, options?: O & AxisOptions<T>): Promise<T>;
}

export interface AxisActivation<O extends AxisOptions = AxisOptions> extends AxisOperation<O> {
  /** The gradient with respect to x, given gradOutput (of the output's shape) and x. */
  readonly backward: AxisBackwardOperation<O>;
  /** The same from y = f(x); only where the table gives `fromOutput`. */
  readonly backwardFromOutput?: AxisBackwardOperation<O>;
  /** The table entry: formulas, special rows, accuracy budget. */
  readonly spec: AxisActivationSpec;
}

type MaskedActivation = AxisActivation<MaskedAxisOptions> & { readonly backwardFromOutput: AxisBackwardOperation<MaskedAxisOptions> };

export interface AxisActivations {
  readonly softmax: MaskedActivation;
  readonly logSoftmax: MaskedActivation;
  readonly softmin: MaskedActivation;
  readonly glu: AxisActivation;
}

// Intrinsic getters, as in validate.ts: they read the internal slots of arrays from any realm.
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const intrinsic = <T>(key: string) => {
  const getter = Object.getOwnPropertyDescriptor(typedArrayPrototype, key)!.get!;
  return (array: unknown) => getter.call(array) as T;
};
const bufferOf = intrinsic<ArrayBufferLike>('buffer');
const byteOffsetOf = intrinsic<number>('byteOffset');
const byteLengthOf = intrinsic<number>('byteLength');

/** Arrays whose lengths or element types differ cannot be computed in place: they must share no memory. */
function disjoint(array: unknown, name: string, other: unknown, otherName: string): void {
  if (bufferOf(array) !== bufferOf(other)) return;
  const [start, otherStart] = [byteOffsetOf(array), byteOffsetOf(other)];
  if (start < otherStart + byteLengthOf(other) && otherStart < start + byteLengthOf(array)) {
    const received = `a view overlapping ${otherName} (byte offset ${start}, ${otherName} at ${otherStart})`;
    throw new RangeError(message(`an array sharing no memory with ${otherName}`, name, received));
  }
}

const article = (kind: string) => (kind === 'Uint8Array' ? 'a Uint8Array' : `a ${kind}`);

/** The [outer, length, inner] view of x's `shape` along `axis`. */
interface View {
  readonly outer: number;
  readonly length: number;
  readonly inner: number;
}

function shapeOf(value: unknown, total: number, name: string): number[] {
  if (value === undefined) return [total];
  const what = 'an array of integers >= 0';
  if (!Array.isArray(value)) throw typeError(what, name, value);
  if (value.length === 0) throw new RangeError(message('a shape of at least one dimension', name, '[]'));
  value.forEach((size: unknown, i) => {
    if (typeof size !== 'number') throw new TypeError(message(what, name, `${describe(size)} at index ${i}`));
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(message(what, name, `${describe(size)} at index ${i}`));
  });
  const shape = value as number[];
  const product = shape.reduce((a, b) => a * b, 1);
  if (product !== total) {
    throw new RangeError(message(`a shape whose product is the length of x (${total})`, name, `[${shape.join(', ')}] (product ${product})`));
  }
  return shape;
}

function axisOf(value: unknown, rank: number, name: string): number {
  if (value === undefined) return rank - 1;
  const what = `an integer from ${-rank} to ${rank - 1}`;
  if (typeof value !== 'number') throw typeError(what, name, value);
  if (!Number.isInteger(value) || value < -rank || value >= rank) throw rangeError(what, name, value);
  return value < 0 ? value + rank : value;
}

function viewOf(given: Record<string, unknown>, total: number, label: string): View {
  const shape = shapeOf(given.shape, total, `${label} option shape`);
  const axis = axisOf(given.axis, shape.length, `${label} option axis`);
  const product = (sizes: number[]) => sizes.reduce((a, b) => a * b, 1);
  return { outer: product(shape.slice(0, axis)), length: shape[axis]!, inner: product(shape.slice(axis + 1)) };
}

function maskOf(value: unknown, total: number, label: string): Uint8Array | null {
  if (value === undefined) return null;
  const name = `${label} option mask`;
  if (typedArrayKind(value) !== 'Uint8Array') throw typeError('a Uint8Array', name, value);
  if (lengthOf(value) !== total) throw rangeError(`a Uint8Array of length ${total} (like x)`, name, value);
  return value as Uint8Array;
}

/** An array of `like`'s element type and the given length, described as `what` in errors. */
function sized<T extends FloatArray>(value: unknown, name: string, like: T, length: number, what: string): T {
  const kind = typedArrayKind(like)!;
  if (typedArrayKind(value) !== kind) throw typeError(`${article(kind)} (like ${what})`, name, value);
  if (lengthOf(value) !== length) throw rangeError(`${article(kind)} of length ${length} (like ${what})`, name, value);
  return value as T;
}

function allocate<T extends FloatArray>(like: T, length: number): T {
  return (typedArrayKind(like) === 'Float32Array' ? new Float32Array(length) : new Float64Array(length)) as T;
}

interface Prepared<T extends FloatArray> extends View {
  readonly gradOutput: T | null;
  readonly input: T;
  /** null when not given: the synchronous form makes it (outLength long), the Promise form lets the kernels make it. */
  readonly out: T | null;
  readonly outLength: number;
  readonly mask: Uint8Array | null;
}

function optionNames(spec: AxisActivationSpec): string[] {
  return spec.masked ? ['shape', 'axis', 'mask', 'out'] : ['shape', 'axis', 'out'];
}

/** What forward calls pass for gradOutput: no value a caller can pass (undefined is a missing gradOutput). */
const FORWARD = Symbol('forward');

/** The checked view, mask and output of one call; the result's gradOutput is null for forward. */
function prepare<T extends FloatArray>(
  spec: AxisActivationSpec,
  label: string,
  inputName: string,
  gradOutput: unknown,
  input: unknown,
  options: unknown,
): Prepared<T> {
  const backward = gradOutput !== FORWARD;
  const grad = backward ? (floatArray(gradOutput, 'gradOutput') as T) : null;
  const x = floatArray(input, inputName) as T;
  if (grad && typedArrayKind(x) !== typedArrayKind(grad)) throw typeError(`${article(typedArrayKind(grad)!)} (like gradOutput)`, inputName, x);
  const given = checkOptions(options, `${label} options`, optionNames(spec));
  const total = lengthOf(x);
  const view = viewOf(given, total, label);
  if (spec.halvesAxis && view.length % 2 !== 0) {
    throw new RangeError(message('an even length along the axis', `${label} ${inputName}`, `length ${view.length}`));
  }
  const outputLength = spec.halvesAxis ? total / 2 : total;
  const mask = maskOf(given.mask, total, label);
  if (grad && lengthOf(grad) !== outputLength) {
    throw rangeError(`${article(typedArrayKind(x)!)} of length ${outputLength} (the output's)`, 'gradOutput', grad);
  }
  const outLength = backward ? total : outputLength;
  // Fields set one by one: an object spread costs about a microsecond per call in Node 20.
  if (given.out === undefined) return { outer: view.outer, length: view.length, inner: view.inner, gradOutput: grad, input: x, out: null, outLength, mask };
  const out = sized(given.out, 'out', x, outLength, backward ? inputName : spec.halvesAxis ? 'the output' : inputName);
  if (outLength === total) sameOrDisjoint(out, 'out', x, inputName);
  else disjoint(out, 'out', x, inputName);
  if (grad) {
    if (lengthOf(grad) === outLength) sameOrDisjoint(out, 'out', grad, 'gradOutput');
    else disjoint(out, 'out', grad, 'gradOutput');
  }
  if (mask) disjoint(mask, `${label} option mask`, out, 'out');
  return { outer: view.outer, length: view.length, inner: view.inner, gradOutput: grad, input: x, out, outLength, mask };
}

function idOf(kernels: Kernels, spec: AxisActivationSpec): number {
  const id = kernels.axisActivationNames().indexOf(spec.name);
  if (id < 0) throw new Error(`the ${kernels.simd ?? 'fallback'} kernels lack ${spec.name}`);
  return id;
}

function forwardOperation(kernels: Kernels, spec: AxisActivationSpec, id: number): AxisOperation<AxisOptions> {
  const operation = <T extends FloatArray>(x: T, options?: AxisOptions<T>): T => {
    const c = prepare<T>(spec, spec.name, 'x', FORWARD, x, options);
    const out = c.out ?? allocate(c.input, c.outLength);
    kernels.axisActivation(id, c.input, out, c.outer, c.length, c.inner, c.mask);
    return out;
  };
  operation.async = <T extends FloatArray>(x: T, options?: AxisOptions<T>): Promise<T> =>
    promised(() => {
      const c = prepare<T>(spec, spec.name, 'x', FORWARD, x, options);
      return kernels.axisActivationAsync(id, c.input, c.out, c.outer, c.length, c.inner, c.mask) as Promise<T>;
    });
  return operation;
}

function backwardOperation(kernels: Kernels, spec: AxisActivationSpec, id: number, source: BackwardSource): AxisBackwardOperation<AxisOptions> {
  const label = source === 0 ? `${spec.name}.backward` : `${spec.name}.backwardFromOutput`;
  const inputName = source === 0 ? 'x' : 'y';
  const operation = <T extends FloatArray>(gradOutput: T, input: T, options?: AxisOptions<T>): T => {
    const c = prepare<T>(spec, label, inputName, gradOutput, input, options);
    const out = c.out ?? allocate(c.input, c.outLength);
    kernels.axisActivationBackward(id, source, c.gradOutput!, c.input, out, c.outer, c.length, c.inner, c.mask);
    return out;
  };
  operation.async = <T extends FloatArray>(gradOutput: T, input: T, options?: AxisOptions<T>): Promise<T> =>
    promised(() => {
      const c = prepare<T>(spec, label, inputName, gradOutput, input, options);
      return kernels.axisActivationBackwardAsync(id, source, c.gradOutput!, c.input, c.out, c.outer, c.length, c.inner, c.mask) as Promise<T>;
    });
  return operation;
}

/** One row of the table as a public activation on the given kernels. */
export function createAxisActivation(kernels: Kernels, spec: AxisActivationSpec): AxisActivation {
  const id = idOf(kernels, spec);
  const members: Record<string, unknown> = { backward: backwardOperation(kernels, spec, id, 0), spec };
  if (spec.fromOutput) members.backwardFromOutput = backwardOperation(kernels, spec, id, 1);
  const activation = Object.assign(forwardOperation(kernels, spec, id), members);
  Object.defineProperty(activation, 'name', { value: spec.name });
  return Object.freeze(activation) as unknown as AxisActivation;
}

/** Every activation along an axis, running on the given kernels. */
export function createAxisActivations(kernels: Kernels): AxisActivations {
  const activations: Partial<Record<AxisActivationName, AxisActivation>> = {};
  for (const spec of axisActivationSpecs as readonly AxisActivationSpec[]) {
    activations[spec.name as AxisActivationName] = createAxisActivation(kernels, spec);
  }
  return Object.freeze(activations) as unknown as AxisActivations;
}
