/**
 * The TypeScript twin of native/kernels/axis-inl.h: softmax, logSoftmax, softmin and glu along an
 * axis, row by row with the same operations in the same order, so the fallback returns the same
 * bits as every native SIMD level. Float32 work is rounded with Math.fround where the native
 * kernels work in float (up to e^(x - max)); the sums and the normalisation are in double on both.
 * Contiguous rows (inner = 1) are summed in 16 interleaved partials combined pairwise, as the
 * vectors do; strided rows in order.
 */
import type { BackwardSource, FloatArray, Kernels } from '../../binding.js';
import { axisActivationNames } from '../spec/axis-activations.js';
import { lengthOf, typedArrayKind } from '../validate.js';
import { snapshot } from './snapshot.js';
import { scalarActivations } from './activations.js';
import { exp32, exp64, log64 } from './math.js';

type Round = (x: number) => number;
const same: Round = (x) => x;

/** What a row's precision changes: the rounding of its own arithmetic, its e^x, and whether sums keep their error. */
interface Precision {
  readonly round: Round;
  readonly exp: (x: number) => number;
  /** e^(x - m) for x - m = high + low, in double (native Precision::fullExp of stashedExp). */
  readonly shiftedExp: (high: number, low: number) => number;
  readonly compensated: boolean;
  readonly sigmoid: (x: number) => number;
  readonly sigmoidDerivative: (x: number) => number;
}

const FLOAT32: Precision = {
  round: Math.fround,
  exp: exp32,
  shiftedExp: exp32, // low folded into the float exponential's reduction
  compensated: false,
  sigmoid: (x) => scalarActivations.sigmoid.forward32(x, 0, 0),
  sigmoidDerivative: (x) => scalarActivations.sigmoid.derivative32(x, 0, 0),
};
const FLOAT64: Precision = {
  round: same,
  exp: exp64,
  shiftedExp: (high, low) => exp64(high) * (1 + low),
  compensated: true,
  sigmoid: (x) => scalarActivations.sigmoid.forward64(x, 0, 0),
  sigmoidDerivative: (x) => scalarActivations.sigmoid.derivative64(x, 0, 0),
};

/** The rounding error of s = a + b in the rounding `r`, exactly (Knuth's two-sum). */
function twoSumError(a: number, b: number, s: number, r: Round = same): number {
  const bb = r(s - a);
  return r(r(a - r(s - bb)) + r(b - bb));
}

function nanMax(m: number, x: number): number {
  return x > m || x !== x ? x : m;
}

/** A row's sum in double: 16 partials (element k into partial k mod 16) for a contiguous row, one otherwise. */
class RowSum {
  private readonly hi: Float64Array;
  private readonly lo: Float64Array;

  constructor(
    slots: number,
    private readonly compensated: boolean,
  ) {
    this.hi = new Float64Array(slots);
    this.lo = new Float64Array(slots);
  }

  add(term: number, k: number): void {
    const i = k % this.hi.length;
    const sum = this.hi[i]!;
    const s = sum + term;
    if (this.compensated) this.lo[i] = this.lo[i]! + twoSumError(sum, term, s);
    this.hi[i] = s;
  }

  /** [total, its rounding error]: partials added pairwise, p[i] + p[i + 8], then + 4, + 2, + 1. */
  total(): [number, number] {
    const { hi, lo } = this;
    for (let width = hi.length / 2; width >= 1; width /= 2) {
      for (let i = 0; i < width; i++) {
        const s = hi[i]! + hi[i + width]!;
        if (this.compensated) lo[i] = lo[i]! + lo[i + width]! + twoSumError(hi[i]!, hi[i + width]!, s);
        hi[i] = s;
      }
    }
    return [hi[0]!, lo[0]!];
  }
}

/** The arrays and the [outer, length, inner] view of one call. */
interface Call {
  readonly precision: Precision;
  readonly gradOutput: FloatArray | null;
  readonly input: FloatArray;
  readonly out: FloatArray;
  readonly mask: Uint8Array | null;
  readonly outer: number;
  readonly length: number;
  readonly inner: number;
}

/** One row: element k at base + k * stride. */
interface Row {
  readonly base: number;
  readonly stride: number;
  /** A sum in this row's order: compensated for float64 unless `plain`. */
  readonly sum: (plain?: boolean) => RowSum;
}

function rowOf(call: Call, r: number): Row {
  const o = Math.floor(r / call.inner);
  const base = o * call.length * call.inner + (r % call.inner);
  const slots = call.inner === 1 ? 16 : 1;
  return { base, stride: call.inner, sum: (plain = false) => new RowSum(slots, !plain && call.precision.compensated) };
}

interface Shifted {
  high: number;
  low: number;
  tie: boolean;
}

/** x - m as high + low exactly; ties (and +Inf at a +Inf maximum) exactly 0, no error term for an infinite difference. */
function shiftByMax(x: number, m: number, r: Round): Shifted {
  const s = r(x - m);
  const low = twoSumError(x, -m, s, r);
  const tie = x === m;
  return { high: tie ? 0 : s, low: tie ? 0 : s === -Infinity ? 0 : low, tie };
}

interface RowStats {
  max: number;
  ties: number;
  rest: number;
  restError: number;
  gradSum: number;
  gradError: number;
}

const active = (call: Call, at: number): boolean => call.mask === null || call.mask[at] !== 0;

/**
 * Softmax sums e^(x - m) in one (ties = 0); logSoftmax (splitTies) keeps the elements below the
 * maximum apart from the count of those at it.
 */
function rowStats(call: Call, row: Row, negate: boolean, sumGrad: boolean, splitTies: boolean): RowStats {
  const { input, length, precision: p } = call;
  let m = -Infinity;
  for (let k = 0, at = row.base; k < length; k++, at += row.stride) {
    m = nanMax(m, active(call, at) ? (negate ? -input[at]! : input[at]!) : -Infinity);
  }
  m = p.round(m + 0);
  const rest = row.sum();
  const ties = row.sum(true);
  const grads = row.sum();
  for (let k = 0, at = row.base; k < length; k++, at += row.stride) {
    const on = active(call, at);
    const d = shiftByMax(negate ? -input[at]! : input[at]!, m, p.round);
    if (splitTies) {
      rest.add(p.shiftedExp(d.tie ? -Infinity : on ? d.high : -Infinity, d.tie ? 0 : on ? d.low : 0), k);
      ties.add(d.tie && on ? 1 : 0, k);
    } else {
      rest.add(on ? p.shiftedExp(d.high, d.low) : 0, k);
    }
    if (sumGrad) grads.add(on ? call.gradOutput![at]! : 0, k);
  }
  const [restSum, restError] = rest.total();
  const [gradSum, gradError] = sumGrad ? grads.total() : [0, 0];
  return { max: m, ties: ties.total()[0], rest: restSum, restError, gradSum, gradError };
}

const reciprocalOf = (s: RowStats): number => 1 / (s.ties + s.rest + s.restError);

function logSumOf(s: RowStats): number {
  const u = s.ties + s.rest;
  const error = twoSumError(s.ties, s.rest, u) + s.restError;
  return log64(u) + error / u;
}

function softmaxAt(call: Call, stats: RowStats, reciprocal: number, at: number, negate: boolean): number {
  const p = call.precision;
  const d = shiftByMax(negate ? -call.input[at]! : call.input[at]!, stats.max, p.round);
  const y = p.round(p.shiftedExp(d.high, d.low) * reciprocal);
  return stats.max === -Infinity ? 0 : active(call, at) ? y : 0;
}

function softmaxBackwardRow(call: Call, row: Row, negate: boolean, yAt: (at: number) => number): void {
  const { gradOutput, out, length, precision: p } = call;
  const products = row.sum();
  let maxY = -Infinity;
  for (let k = 0, at = row.base; k < length; k++, at += row.stride) {
    const on = active(call, at);
    const y = on ? yAt(at) : 0;
    products.add((on ? gradOutput![at]! : 0) * y, k);
    maxY = nanMax(maxY, on ? y : -Infinity);
  }
  const [total, error] = products.total();
  const sum = total + error;
  const empty = maxY === 0 || maxY === -Infinity;
  for (let k = 0, at = row.base; k < length; k++, at += row.stride) {
    const y = yAt(at);
    const g = gradOutput![at]!;
    const grad = p.round(negate ? y * (sum - g) : y * (g - sum));
    out[at] = empty ? 0 : active(call, at) ? grad : 0;
  }
}

type RowKernel = (call: Call, row: Row) => void;

function softmaxOf(negate: boolean): { forward: RowKernel; backward: RowKernel; backwardFromOutput: RowKernel } {
  return {
    forward(call, row) {
      const stats = rowStats(call, row, negate, false, false);
      const reciprocal = reciprocalOf(stats);
      for (let k = 0, at = row.base; k < call.length; k++, at += row.stride) {
        call.out[at] = softmaxAt(call, stats, reciprocal, at, negate);
      }
    },
    backward(call, row) {
      const stats = rowStats(call, row, negate, false, false);
      const reciprocal = reciprocalOf(stats);
      softmaxBackwardRow(call, row, negate, (at) => softmaxAt(call, stats, reciprocal, at, negate));
    },
    backwardFromOutput(call, row) {
      softmaxBackwardRow(call, row, negate, (at) => call.input[at]!);
    },
  };
}

const logSoftmax = {
  forward(call: Call, row: Row): void {
    const p = call.precision;
    const stats = rowStats(call, row, false, false, true);
    const logSum = logSumOf(stats);
    for (let k = 0, at = row.base; k < call.length; k++, at += row.stride) {
      const d = shiftByMax(call.input[at]!, stats.max, p.round);
      const y = p.round(d.high - logSum + d.low);
      call.out[at] = stats.max === -Infinity ? -Infinity : active(call, at) ? y : -Infinity;
    }
  },
  backward(call: Call, row: Row): void {
    const p = call.precision;
    const stats = rowStats(call, row, false, true, true);
    const reciprocal = reciprocalOf(stats);
    const gradSum = stats.gradSum + stats.gradError;
    for (let k = 0, at = row.base; k < call.length; k++, at += row.stride) {
      const d = shiftByMax(call.input[at]!, stats.max, p.round);
      const grad = p.round(call.gradOutput![at]! - p.shiftedExp(d.high, d.low) * reciprocal * gradSum);
      call.out[at] = stats.max === -Infinity ? 0 : active(call, at) ? grad : 0;
    }
  },
  backwardFromOutput(call: Call, row: Row): void {
    const { gradOutput, input, precision: p } = call;
    const grads = row.sum();
    let maxY = -Infinity;
    for (let k = 0, at = row.base; k < call.length; k++, at += row.stride) {
      const on = active(call, at);
      grads.add(on ? gradOutput![at]! : 0, k);
      maxY = nanMax(maxY, on ? input[at]! : -Infinity);
    }
    const [total, error] = grads.total();
    const gradSum = total + error;
    for (let k = 0, at = row.base; k < call.length; k++, at += row.stride) {
      const grad = p.round(gradOutput![at]! - p.exp(input[at]!) * gradSum);
      call.out[at] = maxY === -Infinity ? 0 : active(call, at) ? grad : 0;
    }
  },
};

/** Runs rows [begin, end) of outer * inner through a row kernel. */
function rows(kernel: RowKernel): (call: Call, begin: number, end: number) => void {
  return (call, begin, end) => {
    for (let r = begin; r < end; r++) kernel(call, rowOf(call, r));
  };
}

/** Calls f(first, second, j) for output elements j in [begin, end) of glu: first and second are its a and b. */
function gluElements(call: Call, begin: number, end: number, f: (first: number, second: number, j: number) => void): void {
  const half = (call.length / 2) * call.inner;
  for (let j = begin; j < end; j++) {
    const first = Math.floor(j / half) * 2 * half + (j % half);
    f(first, first + half, j);
  }
}

const glu = {
  /** In double for float32 too; in float64, a e^(b/2) e^(b/2) below b = -708, where e^b is subnormal. */
  forward(call: Call, begin: number, end: number): void {
    const { input, out, precision: p } = call;
    const splitTiny = p === FLOAT64;
    gluElements(call, begin, end, (first, second, j) => {
      const [a, b] = [input[first]!, input[second]!];
      const e = exp64(-Math.abs(b));
      let numerator = b >= 0 ? a : a * e;
      if (splitTiny && b < -708) {
        const h = exp64(b * 0.5);
        numerator = a * h * h;
      }
      out[j] = p.round(numerator / (e + 1));
    });
  },
  backward(call: Call, begin: number, end: number): void {
    const { input, out, precision: p } = call;
    const r = p.round;
    gluElements(call, begin, end, (first, second, j) => {
      const a = input[first]!;
      const b = input[second]!;
      const g = call.gradOutput![j]!;
      out[first] = r(g * p.sigmoid(b));
      out[second] = r(r(g * a) * p.sigmoidDerivative(b));
    });
  },
};

type RangeKernel = (call: Call, begin: number, end: number) => void;

interface AxisKernel {
  readonly forward: RangeKernel;
  readonly backward: RangeKernel;
  readonly backwardFromOutput: RangeKernel | null;
  /** Units are output elements (glu), not rows. */
  readonly unitsAreElements: boolean;
}

function reduction(kernel: { forward: RowKernel; backward: RowKernel; backwardFromOutput: RowKernel }): AxisKernel {
  return {
    forward: rows(kernel.forward),
    backward: rows(kernel.backward),
    backwardFromOutput: rows(kernel.backwardFromOutput),
    unitsAreElements: false,
  };
}

const KERNELS: Record<(typeof axisActivationNames)[number], AxisKernel> = {
  softmax: reduction(softmaxOf(false)),
  logSoftmax: reduction(logSoftmax),
  softmin: reduction(softmaxOf(true)),
  glu: { forward: glu.forward, backward: glu.backward, backwardFromOutput: null, unitsAreElements: true },
};
const registry = axisActivationNames.map((name) => KERNELS[name]);

// ---- The checks native/addon.cc makes ----

function floatKind(value: unknown, name: string): string {
  const kind = typedArrayKind(value);
  if (kind !== 'Float32Array' && kind !== 'Float64Array') throw new TypeError(`Expected a Float32Array or Float64Array for ${name}`);
  return kind;
}

function extent(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`Expected a number for ${name}`);
  if (!Number.isInteger(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`Expected an integer from 0 to ${Number.MAX_SAFE_INTEGER} for ${name}`);
  }
  return value;
}

function requireLength(array: FloatArray, like: FloatArray, length: number, name: string): void {
  if (floatKind(array, name) !== typedArrayKind(like)) throw new TypeError(`Expected ${name} to have the element type of x`);
  if (lengthOf(array) !== length) {
    throw new RangeError(`Expected ${name} to have length ${length} but received length ${lengthOf(array)}`);
  }
}

interface Checked {
  readonly kernel: AxisKernel;
  readonly run: RangeKernel;
  readonly call: Call;
  readonly units: number;
}

function check(
  id: number,
  source: BackwardSource | null,
  gradOutput: FloatArray | null,
  input: FloatArray,
  given: FloatArray | null,
  outer: number,
  length: number,
  inner: number,
  mask: Uint8Array | null,
  promise = false,
): Checked {
  if (!Number.isInteger(id) || id < 0 || id >= registry.length) {
    throw new RangeError(`Expected an integer from 0 to ${registry.length - 1} for id`);
  }
  const kernel = registry[id]!;
  let run = kernel.forward;
  if (source !== null) {
    if (source !== 0 && source !== 1) throw new RangeError('Expected source 0 (input) or 1 (output)');
    if (source === 1 && !kernel.backwardFromOutput) {
      throw new RangeError('Expected an activation whose gradient is a function of its output');
    }
    run = source === 0 ? kernel.backward : kernel.backwardFromOutput!;
    floatKind(gradOutput, 'gradOutput');
  }
  const kind = floatKind(input, source === null ? 'x' : 'input');
  if (given !== null || !promise) floatKind(given, 'out');
  const dims = [extent(outer, 'outer'), extent(length, 'length'), extent(inner, 'inner')];
  const total = lengthOf(input);
  if (dims[0]! * dims[1]! * dims[2]! !== total) {
    throw new RangeError(`Expected outer * length * inner to equal the input's length (${total})`);
  }
  if (kernel.unitsAreElements && length % 2 !== 0) throw new RangeError('Expected an even length for glu');
  const outLength = kernel.unitsAreElements ? total / 2 : total;
  // A Promise call given no out makes its result array.
  const resultLength = source === null ? outLength : total;
  const out = given !== null ? given : kind === 'Float32Array' ? new Float32Array(resultLength) : new Float64Array(resultLength);
  if (source !== null) {
    requireLength(gradOutput!, input, outLength, 'gradOutput');
    requireLength(out, input, total, 'out');
  } else {
    requireLength(out, input, outLength, 'out');
  }
  if (mask !== null && mask !== undefined) {
    if (kernel.unitsAreElements) throw new RangeError('Expected no mask for glu');
    if (typedArrayKind(mask) !== 'Uint8Array') throw new TypeError('Expected a Uint8Array or null for mask');
    if (lengthOf(mask) !== total) {
      throw new RangeError(`Expected mask to have the length of x (${total}) but received length ${lengthOf(mask)}`);
    }
  }
  const call: Call = {
    precision: kind === 'Float32Array' ? FLOAT32 : FLOAT64,
    gradOutput,
    input,
    out,
    mask: mask ?? null,
    outer,
    length,
    inner,
  };
  const units = kernel.unitsAreElements ? outer * (length / 2) * inner : outer * inner;
  return { kernel, run, call, units };
}

// Promise work runs in slices of about this many elements, yielding to the event loop between them.
const ASYNC_SLICE = 1 << 16;

/** A Promise call reads its inputs as they were when it started, as the native addon does; gradOutput and mask may be absent. */
const snapshotOrNull = <T extends FloatArray | Uint8Array>(array: T | null): T | null => (array === null ? null : snapshot(array));

async function runInSlices(checked: Checked): Promise<FloatArray> {
  const { call, units, run, kernel } = checked;
  const frozen: Call = Object.assign({}, call, { gradOutput: snapshotOrNull(call.gradOutput), input: snapshot(call.input), mask: snapshotOrNull(call.mask) });
  const outLength = lengthOf(call.out);
  const perSlice = kernel.unitsAreElements ? ASYNC_SLICE : Math.max(1, Math.floor(ASYNC_SLICE / Math.max(1, call.length)));
  for (let begin = 0; begin < units; begin += perSlice) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (lengthOf(call.out) !== outLength) {
      throw new TypeError('Expected out to keep its buffer and length until the call settled, but it was detached or resized');
    }
    run(frozen, begin, Math.min(units, begin + perSlice));
  }
  return call.out;
}

/** The fallback's along-axis entry points of binding.d.ts's Kernels. */
export const axisFallbackKernels: Pick<
  Kernels,
  'axisActivationNames' | 'axisActivation' | 'axisActivationAsync' | 'axisActivationBackward' | 'axisActivationBackwardAsync'
> = {
  axisActivationNames: () => [...axisActivationNames],
  axisActivation(id, x, out, outer, length, inner, mask) {
    const { run, call, units } = check(id, null, null, x, out, outer, length, inner, mask);
    run(call, 0, units);
  },
  async axisActivationAsync(id, x, out, outer, length, inner, mask) {
    return runInSlices(check(id, null, null, x, out, outer, length, inner, mask, true));
  },
  axisActivationBackward(id, source, gradOutput, input, out, outer, length, inner, mask) {
    const { run, call, units } = check(id, source, gradOutput, input, out, outer, length, inner, mask);
    run(call, 0, units);
  },
  async axisActivationBackwardAsync(id, source, gradOutput, input, out, outer, length, inner, mask) {
    return runInSlices(check(id, source, gradOutput, input, out, outer, length, inner, mask, true));
  },
};
