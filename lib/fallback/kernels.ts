/**
 * The pure-TypeScript backend: a value of binding.d.ts's Kernels interface, like each native SIMD
 * level, and checked the same way (array kinds and lengths) so a direct caller sees the same errors.
 */
import type { BackwardSource, ElementwisePass, FloatArray, Kernels, RandomArray } from '../../binding.js';
import { type DistributionName, distributionNames } from '../random/distributions.js';
import { kernelNames } from '../spec/activations.js';
import { allocateLike, lengthOf, typedArrayKind } from '../validate.js';
import { type Scalar, type ScalarBackward, scalarActivations } from './activations.js';
import { axisFallbackKernels } from './axis.js';
import { linalgKernels } from './linalg.js';
import { preluKernels } from './prelu.js';
import { type DrawSpec, fillRandom } from './random.js';
import { snapshot } from './snapshot.js';

const registry = kernelNames.map((name) => scalarActivations[name]);

// Promise work is done in slices of this many elements, yielding to the event loop between them,
// so a large fallback call never blocks it for long (about a millisecond per slice).
const ASYNC_SLICE = 1 << 16;

function isFloat32(x: FloatArray): boolean {
  return typedArrayKind(x) === 'Float32Array';
}

/** One array of a call against x: a float array of x's element type and length (x's kind and length given). */
function checkArray(name: string, array: unknown, xKind: string | undefined, x: unknown): void {
  const kind = typedArrayKind(array);
  if (kind !== 'Float32Array' && kind !== 'Float64Array') throw new TypeError(`Expected a Float32Array or Float64Array for ${name}`);
  if (kind !== xKind) throw new TypeError(`Expected ${name} to have the element type of x`);
  if (lengthOf(array) !== lengthOf(x)) {
    throw new RangeError(`Expected ${name} to have the length of x (${lengthOf(x)}) but received length ${lengthOf(array)}`);
  }
}

function checkNumber(name: string, value: unknown): void {
  if (typeof value !== 'number') throw new TypeError(`Expected a number for ${name}`);
}

/** checkCall's gradOutput for the calls that have none. */
const NO_GRADIENT = Symbol('no gradOutput');

/**
 * The checks native/addon.cc makes, so a direct caller meets the same refusals on either backend:
 * gradOutput (when given), x and out in that order, then the two parameters. Written without
 * temporary objects: a call on a few elements is mostly this.
 */
function checkCall(gradOutput: unknown, x: unknown, out: unknown, a: unknown, b: unknown): number {
  const xKind = typedArrayKind(x);
  if (gradOutput !== NO_GRADIENT) checkArray('gradOutput', gradOutput, xKind, x);
  checkArray('x', x, xKind, x);
  checkArray('out', out, xKind, x);
  checkNumber('a', a);
  checkNumber('b', b);
  return lengthOf(x);
}

function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= registry.length) {
    throw new RangeError(`Expected a kernel id from 0 to ${registry.length - 1}`);
  }
}

function unaryOf(id: number, pass: ElementwisePass, x: FloatArray): Scalar {
  checkId(id);
  if (pass !== 0 && pass !== 1) throw new RangeError('Expected pass 0 (forward) or 1 (derivative)');
  const kernel = registry[id]!;
  if (pass === 0) return isFloat32(x) ? kernel.forward32 : kernel.forward64;
  return isFloat32(x) ? kernel.derivative32 : kernel.derivative64;
}

function backwardOf(id: number, source: BackwardSource, x: FloatArray): ScalarBackward {
  checkId(id);
  if (source !== 0 && source !== 1) throw new RangeError('Expected source 0 (input) or 1 (output)');
  const kernel = registry[id]!;
  if (source === 0) return isFloat32(x) ? kernel.backward32 : kernel.backward64;
  const fromOutput = isFloat32(x) ? kernel.backwardFromOutput32 : kernel.backwardFromOutput64;
  if (!fromOutput) throw new RangeError('Expected an activation whose derivative is a function of its output');
  return fromOutput;
}

function mapRange(fn: Scalar, x: FloatArray, out: FloatArray, a: number, b: number, begin: number, end: number): void {
  for (let i = begin; i < end; i++) out[i] = fn(x[i]!, a, b);
}

function mapRange2(
  fn: ScalarBackward,
  g: FloatArray,
  x: FloatArray,
  out: FloatArray,
  a: number,
  b: number,
  begin: number,
  end: number,
): void {
  for (let i = begin; i < end; i++) out[i] = fn(g[i]!, x[i]!, a, b);
}

/** Runs `run` over [0, length) in slices, refusing to go on if `out` was detached or resized meanwhile. */
async function inSlices(out: FloatArray | RandomArray, length: number, run: (begin: number, end: number) => void): Promise<void> {
  for (let begin = 0; begin < length; begin += ASYNC_SLICE) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (lengthOf(out) !== length) {
      throw new TypeError('Expected out to keep its buffer and length until the call settled, but it was detached or resized');
    }
    run(begin, Math.min(length, begin + ASYNC_SLICE));
  }
}

/** A parameter rounded once to the kernel's precision, as the native kernels do. */
function parameterFor(x: FloatArray, value: number): number {
  return isFloat32(x) ? Math.fround(value) : value;
}

const RANDOM_OUTPUTS: Record<DistributionName, readonly string[]> = {
  bits: ['Uint32Array'],
  uniform: ['Float32Array', 'Float64Array'],
  normal: ['Float32Array', 'Float64Array'],
  truncatedNormal: ['Float32Array', 'Float64Array'],
  integers: ['Int32Array', 'Uint32Array'],
  bernoulli: ['Uint8Array'],
};

function checkWord(value: unknown, name: string, limit: number): number {
  if (typeof value !== 'number') throw new TypeError(`Expected a number for ${name}`);
  if (!Number.isInteger(value) || value < 0 || value > limit) {
    throw new RangeError(`Expected an integer from 0 to ${limit} for ${name}`);
  }
  return value;
}

/** The checks native/addon.cc makes on a random draw. */
function checkDraw(
  id: number,
  out: RandomArray,
  key0: number,
  key1: number,
  offsetLow: number,
  offsetHigh: number,
  start: number,
  params: Float64Array,
): DrawSpec {
  const name = distributionNames[checkWord(id, 'distribution', distributionNames.length - 1)]!;
  if (!RANDOM_OUTPUTS[name].includes(typedArrayKind(out) ?? '')) {
    throw new TypeError(`Expected ${RANDOM_OUTPUTS[name].join(' or ')} for out`);
  }
  if (typedArrayKind(params) !== 'Float64Array') throw new TypeError('Expected a Float64Array for params');
  if (lengthOf(params) > 16) throw new RangeError('Expected at most 16 params');
  const draw = {
    name,
    key0: checkWord(key0, 'key0', 0xffffffff),
    key1: checkWord(key1, 'key1', 0xffffffff),
    offset: (BigInt(checkWord(offsetHigh, 'offsetHigh', 0xffffffff)) << 32n) | BigInt(checkWord(offsetLow, 'offsetLow', 0xffffffff)),
    params: new Float64Array(params), // a Promise call keeps the parameters it was given
  };
  if (checkWord(start, 'start', Number.MAX_SAFE_INTEGER) + lengthOf(out) > Number.MAX_SAFE_INTEGER) {
    throw new RangeError('Expected start + out.length to be at most 2^53 - 1');
  }
  return draw;
}

export const fallbackKernels: Kernels = {
  simd: null,
  activations: kernelNames,
  activation(id, pass, x, out, a, b) {
    const n = checkCall(NO_GRADIENT, x, out, a, b);
    const fn = unaryOf(id, pass, x);
    mapRange(fn, x, out, parameterFor(x, a), parameterFor(x, b), 0, n);
  },
  async activationAsync(id, pass, x, out, a, b) {
    const n = checkCall(NO_GRADIENT, x, out === null ? x : out, a, b); // with out null the call makes its result like x
    const target = out === null ? allocateLike(x) : out;
    const fn = unaryOf(id, pass, x);
    const [input, p, q] = [snapshot(x), parameterFor(x, a), parameterFor(x, b)];
    await inSlices(target, n, (begin, end) => mapRange(fn, input, target, p, q, begin, end));
    return target;
  },
  activationBackward(id, source, gradOutput, x, out, a, b) {
    const n = checkCall(gradOutput, x, out, a, b);
    const fn = backwardOf(id, source, x);
    mapRange2(fn, gradOutput, x, out, parameterFor(x, a), parameterFor(x, b), 0, n);
  },
  async activationBackwardAsync(id, source, gradOutput, x, out, a, b) {
    const n = checkCall(gradOutput, x, out === null ? x : out, a, b);
    const target = out === null ? allocateLike(x) : out;
    const fn = backwardOf(id, source, x);
    const [grad, input, p, q] = [snapshot(gradOutput), snapshot(x), parameterFor(x, a), parameterFor(x, b)];
    await inSlices(target, n, (begin, end) => mapRange2(fn, grad, input, target, p, q, begin, end));
    return target;
  },
  // along an axis
  ...axisFallbackKernels,

  // prelu and rrelu
  ...preluKernels,

  distributions: distributionNames,
  random(id, out, key0, key1, offsetLow, offsetHigh, start, params) {
    fillRandom(checkDraw(id, out, key0, key1, offsetLow, offsetHigh, start, params), out, start);
  },
  async randomAsync(id, out, key0, key1, offsetLow, offsetHigh, start, params) {
    const draw = checkDraw(id, out, key0, key1, offsetLow, offsetHigh, start, params);
    const n = lengthOf(out);
    await inSlices(out, n, (begin, end) => fillRandom(draw, out.subarray(begin, end), start + begin));
  },

  // orthogonal
  ...linalgKernels,
};
