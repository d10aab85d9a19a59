/**
 * prelu's kernels in TypeScript: the twin of native/kernels/prelu-inl.h, with the same checks as
 * native/addon.cc and the weight gradient summed in the same fixed order
 * (native/kernels/prelu-plan-inl.h), so every result has the native kernels' bits. Each formula is
 * one operation whose result a Float32Array store rounds, as float arithmetic does.
 */
import type { FloatArray, Kernels } from '../../binding.js';
import { allocateLike, lengthOf, typedArrayKind } from '../validate.js';
import { snapshot } from './snapshot.js';

type PreluKernels = Pick<Kernels, 'prelu' | 'preluAsync' | 'preluBackward' | 'preluBackwardAsync'>;

// The constants of native/kernels/prelu-plan-inl.h.
const LANES = 16;
const SEGMENT = 4096;

// Promise work runs in slices of about this many elements, yielding to the event loop between them.
const ASYNC_SLICE = 1 << 16;

interface Layout {
  readonly outer: number;
  readonly channels: number;
  readonly inner: number;
}

type Pass = (x: number, slope: number) => number;

const PASSES: readonly Pass[] = [
  (x, slope) => (x > 0 ? x : x * slope),
  (x, slope) => (x > 0 ? 1 : x === x ? slope : x),
  (x, slope) => x * slope,
];

function checkFloatArray(value: unknown, name: string): FloatArray {
  const kind = typedArrayKind(value);
  if (kind !== 'Float32Array' && kind !== 'Float64Array') throw new TypeError(`Expected a Float32Array or Float64Array for ${name}`);
  return value as FloatArray;
}

function checkLike(array: FloatArray, x: FloatArray, name: string): void {
  if (typedArrayKind(array) !== typedArrayKind(x)) throw new TypeError(`Expected ${name} to have the element type of x`);
  if (lengthOf(array) !== lengthOf(x)) {
    throw new RangeError(`Expected ${name} to have the length of x (${lengthOf(x)}) but received length ${lengthOf(array)}`);
  }
}

function checkSize(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`Expected a number for ${name}`);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Expected an integer from 0 to 9007199254740991 for ${name}`);
  return value;
}

/** The checks native/addon.cc makes on a layout, x and the weights. */
function checkLayout(x: FloatArray, weight: FloatArray, outer: unknown, channels: unknown, inner: unknown): Layout {
  const layout = { outer: checkSize(outer, 'outer'), channels: checkSize(channels, 'channels'), inner: checkSize(inner, 'inner') };
  const length = BigInt(layout.outer) * BigInt(layout.channels) * BigInt(layout.inner);
  if (length !== BigInt(lengthOf(x))) {
    throw new RangeError(`Expected outer * channels * inner to be the length of x (${lengthOf(x)})`);
  }
  if (typedArrayKind(weight) !== typedArrayKind(x)) throw new TypeError('Expected weight to have the element type of x');
  if (lengthOf(weight) !== layout.channels) {
    throw new RangeError(`Expected weight to have \`channels\` (${layout.channels}) elements but received length ${lengthOf(weight)}`);
  }
  return layout;
}

function checkMap(pass: unknown, x: unknown, weight: unknown, out: unknown, outer: unknown, channels: unknown, inner: unknown) {
  if (pass !== 0 && pass !== 1 && pass !== 2) {
    if (typeof pass !== 'number') throw new TypeError('Expected a number for pass');
    throw new RangeError('Expected pass 0 (forward), 1 (derivative) or 2 (product)');
  }
  const [input, slopes, output] = [checkFloatArray(x, 'x'), checkFloatArray(weight, 'weight'), checkFloatArray(out, 'out')];
  checkLike(output, input, 'out');
  return { op: PASSES[pass]!, x: input, weight: slopes, out: output, layout: checkLayout(input, slopes, outer, channels, inner) };
}

/** out[i] for elements [begin, end), run by run along inner. */
function mapRange(op: Pass, x: FloatArray, weight: FloatArray, out: FloatArray, layout: Layout, begin: number, end: number): void {
  const { channels, inner } = layout;
  let i = begin;
  for (let run = Math.floor(begin / inner); i < end; run++) {
    const runEnd = Math.min(end, (run + 1) * inner);
    const slope = weight[run % channels]!;
    for (; i < runEnd; i++) out[i] = op(x[i]!, slope);
  }
}

/** The tiles of native/kernels/prelu-plan-inl.h: rows per block, row blocks and segments per run. */
function tilesOf({ outer, inner }: Layout): { rowsPerBlock: number; rowBlocks: number; segments: number } {
  const rowsPerBlock = Math.floor(SEGMENT / Math.max(1, Math.min(inner, SEGMENT)));
  return { rowsPerBlock, rowBlocks: Math.ceil(outer / rowsPerBlock), segments: Math.ceil(inner / SEGMENT) };
}

/** A tile's value from its 16 partial sums (overwritten), added pairwise. */
function tree(lanes: Float64Array): number {
  for (let width = LANES; width > 1; width /= 2) {
    for (let i = 0; i < width / 2; i++) lanes[i] = lanes[2 * i]! + lanes[2 * i + 1]!;
  }
  return lanes[0]!;
}

/**
 * The backward pass, tile by tile: gradInput for a tile's elements, and the tile's value from its
 * 16 partial sums. A channel's weight gradient adds its tiles' values from +0 in (row block,
 * segment) order, the order `tiles()` lists them in.
 */
class BackwardPass {
  readonly #lanes = new Float64Array(LANES);

  constructor(
    readonly gradOutput: FloatArray,
    readonly x: FloatArray,
    readonly weight: FloatArray,
    readonly gradInput: FloatArray,
    readonly layout: Layout,
  ) {}

  /** Every tile as [channel, row block, segment], channel by channel, each in summing order. */
  *tiles(): Generator<[number, number, number]> {
    const { rowBlocks, segments } = tilesOf(this.layout);
    for (let c = 0; c < this.layout.channels; c++) {
      for (let block = 0; block < rowBlocks; block++) {
        for (let segment = 0; segment < segments; segment++) yield [c, block, segment];
      }
    }
  }

  /** Elements in a full tile. */
  get tileElements(): number {
    const { rowsPerBlock } = tilesOf(this.layout);
    return rowsPerBlock * Math.min(this.layout.inner, SEGMENT);
  }

  tile(c: number, block: number, segment: number): number {
    const { gradOutput: g, x, gradInput, layout } = this;
    const { outer, channels, inner } = layout;
    const { rowsPerBlock } = tilesOf(layout);
    const slope = this.weight[c]!;
    const lanes = this.#lanes;
    const oEnd = Math.min(outer, (block + 1) * rowsPerBlock);
    const kBegin = segment * SEGMENT;
    const kEnd = Math.min(inner, kBegin + SEGMENT);
    lanes.fill(0);
    for (let o = block * rowsPerBlock; o < oEnd; o++) {
      const base = (o * channels + c) * inner;
      for (let k = kBegin; k < kEnd; k++) {
        const [xi, gi] = [x[base + k]!, g[base + k]!];
        gradInput[base + k] = gi * (xi > 0 ? 1 : xi === xi ? slope : xi);
        // (native code adds +0 where x > 0, which changes no sum that starts at +0)
        if (!(xi > 0)) lanes[k % LANES] += xi * gi;
      }
    }
    return tree(lanes);
  }
}

function checkBackward(
  gradOutput: unknown,
  x: unknown,
  weight: unknown,
  gradInput: unknown,
  gradWeight: unknown,
  outer: unknown,
  channels: unknown,
  inner: unknown,
) {
  const g = checkFloatArray(gradOutput, 'gradOutput');
  const input = checkFloatArray(x, 'x');
  const slopes = checkFloatArray(weight, 'weight');
  const gi = checkFloatArray(gradInput, 'gradInput');
  const gw = checkFloatArray(gradWeight, 'gradWeight');
  checkLike(g, input, 'gradOutput');
  checkLike(gi, input, 'gradInput');
  const layout = checkLayout(input, slopes, outer, channels, inner);
  if (typedArrayKind(gw) !== typedArrayKind(slopes) || lengthOf(gw) !== lengthOf(slopes)) {
    throw new RangeError('Expected gradWeight to have the element type and length of weight');
  }
  return { g, x: input, weight: slopes, gradInput: gi, gradWeight: gw, layout };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function checkIntact(outputs: readonly [FloatArray, number][], names: string): void {
  for (const [array, length] of outputs) {
    if (lengthOf(array) !== length) {
      throw new TypeError(`Expected ${names} until the call settled, but ${outputs.length > 1 ? 'one' : 'it'} was detached or resized`);
    }
  }
}

export const preluKernels: PreluKernels = {
  prelu(pass, x, weight, out, outer, channels, inner) {
    const call = checkMap(pass, x, weight, out, outer, channels, inner);
    mapRange(call.op, call.x, call.weight, call.out, call.layout, 0, lengthOf(call.x));
  },
  async preluAsync(pass, x, weight, out, outer, channels, inner) {
    // With out null the call makes its result like x (checked as x until then).
    const call = checkMap(pass, x, weight, out === null ? x : out, outer, channels, inner);
    if (out === null) call.out = allocateLike(call.x);
    const [input, slopes, n] = [snapshot(call.x), snapshot(call.weight), lengthOf(call.x)];
    for (let begin = 0; begin < n; begin += ASYNC_SLICE) {
      await yieldToEventLoop();
      checkIntact([[call.out, n]], 'out to keep its buffer and length');
      mapRange(call.op, input, slopes, call.out, call.layout, begin, Math.min(n, begin + ASYNC_SLICE));
    }
    return call.out;
  },
  preluBackward(gradOutput, x, weight, gradInput, gradWeight, outer, channels, inner) {
    const call = checkBackward(gradOutput, x, weight, gradInput, gradWeight, outer, channels, inner);
    const pass = new BackwardPass(call.g, call.x, call.weight, call.gradInput, call.layout);
    const sums = new Float64Array(call.layout.channels);
    for (const [c, block, segment] of pass.tiles()) sums[c] += pass.tile(c, block, segment);
    // Last, so gradWeight may be weight itself; nothing to write with no channels (V8 refuses even an
    // empty set on a detached array).
    if (sums.length > 0) call.gradWeight.set(sums);
  },
  async preluBackwardAsync(gradOutput, x, weight, gradInput, gradWeight, outer, channels, inner) {
    const call = checkBackward(gradOutput, x, weight, gradInput, gradWeight, outer, channels, inner);
    const n = lengthOf(call.x);
    // gradInput is computed aside and copied in with gradWeight when the call settles.
    const gradInputAside = snapshot(call.gradInput);
    const pass = new BackwardPass(snapshot(call.g), snapshot(call.x), snapshot(call.weight), gradInputAside, call.layout);
    const sums = new Float64Array(call.layout.channels);
    const tilesPerSlice = Math.max(1, Math.floor(ASYNC_SLICE / Math.max(1, pass.tileElements)));
    let done = 0;
    await yieldToEventLoop();
    for (const [c, block, segment] of pass.tiles()) {
      if (++done % tilesPerSlice === 0) await yieldToEventLoop();
      sums[c] += pass.tile(c, block, segment);
    }
    const names = 'gradInput and gradWeight to keep their buffers and lengths';
    checkIntact([[call.gradInput, n], [call.gradWeight, call.layout.channels]], names);
    if (n > 0) call.gradInput.set(gradInputAside);
    if (sums.length > 0) call.gradWeight.set(sums);
  },
};
