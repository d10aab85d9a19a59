/**
 * The initializers, built from the table in spec/initializers.ts. A call is validated once
 * (prepare), turned into a plan (what to draw, or what to write), then run: synchronously, as a
 * Promise, or only "advanced" for a recipe (the generator moves exactly as the draw would, and
 * nothing is computed).
 */
import type { FloatArray } from '../../binding.js';
import type { Dtype } from '../random/distributions.js';
import type { Generator } from '../random/generator.js';
import {
  type InitializerSpec,
  type Layout,
  type ParamSpec,
  type VarianceDistribution,
  type FanMode,
  TRUNCATED_STD_2,
} from '../spec/initializers.js';
import { message, options as checkOptions } from '../validate.js';
import { type FanSettings, checkFanSettings, fansOf } from './fans.js';
import { calculateGain } from './gains.js';
import { type Output, type Shape, checkGenerator, checkLayout, checkOutput, checkParam, checkShape, showShape, sizeOf } from './options.js';
import { type OrthogonalPlan, deltaOrthogonalPlan, orthogonalDraw, orthogonalPlan, runOrthogonal, runOrthogonalAsync } from './orthogonal.js';
import { type SparsePlan, applySparseZeros } from './sparse.js';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

type DrawPlan =
  | { readonly kind: 'uniform'; readonly options: { readonly low: number; readonly high: number } }
  | { readonly kind: 'normal'; readonly options: { readonly mean: number; readonly std: number } }
  | {
      readonly kind: 'truncatedNormal';
      readonly options: { readonly mean: number; readonly std: number; readonly a: number; readonly b: number; readonly bounds: 'absolute' | 'std' };
    };

export type Plan =
  | DrawPlan
  | SparsePlan
  | OrthogonalPlan
  | { readonly kind: 'fill'; readonly value: number }
  /** value at the given flat indices, 0 elsewhere (eye, dirac). */
  | { readonly kind: 'points'; readonly value: number; readonly indices: () => Iterable<number> }
  /** A zero-size tensor of a fan-based or orthogonal initializer: nothing to draw, no fans to compute. */
  | { readonly kind: 'empty' };

export interface Call {
  readonly spec: InitializerSpec;
  readonly shape: number[];
  readonly size: number;
  readonly output: Output;
  /** The layout the call used; null for initializers the layout does not affect. */
  readonly layout: Layout | null;
  /** The initializer's own parameters, defaults filled in (and the fan settings for fan-based ones). */
  readonly params: Params;
  readonly generator: Generator | null;
  readonly plan: Plan;
}

const COMMON_OPTIONS = ['generator', 'out', 'slice', 'dtype', 'layout'] as const;
const FAN_OPTIONS = ['groups', 'transposed', 'fanIn', 'fanOut'] as const;

export function optionNames(spec: InitializerSpec): string[] {
  return [...COMMON_OPTIONS, ...spec.params.map((param: ParamSpec) => param.name), ...(spec.fans ? FAN_OPTIONS : [])];
}

/** varianceScaling (Keras's VarianceScaling; JAX's variance_scaling with Keras's max(1, n) guard). */
function varianceScalingPlan(fanIn: number, fanOut: number, scale: number, mode: FanMode, distribution: VarianceDistribution): DrawPlan {
  const n =
    mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : mode === 'fan_avg' ? (fanIn + fanOut) / 2 : Math.sqrt(fanIn * fanOut);
  const s = scale / Math.max(1, n);
  switch (distribution) {
    case 'truncated_normal':
      return { kind: 'truncatedNormal', options: { mean: 0, std: Math.sqrt(s) / TRUNCATED_STD_2, a: -2, b: 2, bounds: 'std' } };
    case 'untruncated_normal':
    case 'normal':
      return { kind: 'normal', options: { mean: 0, std: Math.sqrt(s) } };
    case 'uniform': {
      const limit = Math.sqrt(3 * s);
      return { kind: 'uniform', options: { low: -limit, high: limit } };
    }
  }
}

function symmetricUniform(bound: number): DrawPlan {
  return { kind: 'uniform', options: { low: -bound, high: bound } };
}

/** The flat indices of dirac's ones (PyTorch's dirac_, or its channels-last analogue). */
function diracIndices(shape: Shape, layout: Layout, groups: number): () => Iterable<number> {
  const rank = shape.length;
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((product, dim) => product * dim, 1));
  const [outAxis, inAxis, kernelAxes] =
    layout === 'torch' ? [0, 1, [...Array(rank - 2).keys()].map((i) => i + 2)] : [rank - 1, rank - 2, [...Array(rank - 2).keys()]];
  const outPerGroup = shape[outAxis]! / groups;
  const channels = Math.min(outPerGroup, shape[inAxis]!);
  const centre = kernelAxes.reduce((offset, axis) => offset + Math.floor(shape[axis]! / 2) * strides[axis]!, 0);
  return function* () {
    for (let g = 0; g < groups; g++) {
      for (let d = 0; d < channels; d++) yield (g * outPerGroup + d) * strides[outAxis]! + d * strides[inAxis]! + centre;
    }
  };
}

function plan(spec: InitializerSpec, shape: Shape, params: Params, layout: Layout | null, fans: FanSettings | null): Plan {
  const num = (name: string) => params[name] as number;
  const str = (name: string) => params[name] as string;
  const fansNow = () => fansOf(shape, fans!);
  if (spec.varianceScaling) {
    const { fanIn, fanOut } = fansNow();
    const { scale, mode, distribution } = spec.varianceScaling;
    return varianceScalingPlan(fanIn, fanOut, scale, mode, distribution);
  }
  switch (spec.name) {
    case 'zeros':
      return { kind: 'fill', value: 0 };
    case 'ones':
      return { kind: 'fill', value: 1 };
    case 'constant':
      return { kind: 'fill', value: num('value') };
    case 'uniform':
      return { kind: 'uniform', options: { low: num('low'), high: num('high') } };
    case 'normal':
      return { kind: 'normal', options: { mean: num('mean'), std: num('std') } };
    case 'truncatedNormal':
      return {
        kind: 'truncatedNormal',
        options: { mean: num('mean'), std: num('std'), a: num('a'), b: num('b'), bounds: str('bounds') as 'absolute' | 'std' },
      };
    case 'eye': {
      const [rows, cols] = shape as [number, number];
      const diagonal = Math.min(rows, cols);
      return {
        kind: 'points',
        value: num('gain'),
        indices: function* () {
          for (let i = 0; i < diagonal; i++) yield i * cols + i;
        },
      };
    }
    case 'dirac': {
      const groups = num('groups');
      const outAxis = layout === 'torch' ? 0 : shape.length - 1;
      if (shape[outAxis]! % groups !== 0) {
        throw new RangeError(message(`groups dividing shape[${outAxis}] (${shape[outAxis]})`, 'groups', String(groups)));
      }
      return { kind: 'points', value: 1, indices: diracIndices(shape, layout!, groups) };
    }
    case 'xavierUniform':
    case 'xavierNormal': {
      // torch.nn.init.xavier_*: the same operations, in the same order, in float64.
      const { fanIn, fanOut } = fansNow();
      const std = num('gain') * Math.sqrt(2.0 / (fanIn + fanOut));
      return spec.name === 'xavierUniform' ? symmetricUniform(Math.sqrt(3.0) * std) : { kind: 'normal', options: { mean: 0, std } };
    }
    case 'kaimingUniform':
    case 'kaimingNormal': {
      const { fanIn, fanOut } = fansNow();
      const fan = str('mode') === 'fan_in' ? fanIn : fanOut;
      const nonlinearity = str('nonlinearity') as Parameters<typeof calculateGain>[0];
      // PyTorch passes a to calculate_gain, which only leaky_relu reads.
      const gain = calculateGain(nonlinearity, nonlinearity === 'leaky_relu' ? num('a') : undefined);
      const std = gain / Math.sqrt(fan);
      return spec.name === 'kaimingUniform' ? symmetricUniform(Math.sqrt(3.0) * std) : { kind: 'normal', options: { mean: 0, std } };
    }
    case 'sparse': {
      const [first, second] = shape as [number, number];
      const [units, length] = layout === 'torch' ? [second, first] : [first, second];
      return {
        kind: 'sparse',
        std: num('std'),
        units,
        length,
        // PyTorch: int(math.ceil(sparsity * rows)), in float64.
        zeros: Math.ceil(num('sparsity') * length),
        unitStride: layout === 'torch' ? 1 : length,
        entryStride: layout === 'torch' ? units : 1,
      };
    }
    case 'orthogonal':
      return orthogonalPlan(shape, layout!, num('gain'));
    case 'deltaOrthogonal':
      return deltaOrthogonalPlan(shape, layout!, num('gain'));
    case 'varianceScaling': {
      const { fanIn, fanOut } = fansNow();
      return varianceScalingPlan(fanIn, fanOut, num('scale'), str('mode') as FanMode, str('distribution') as VarianceDistribution);
    }
    default:
      throw new Error(`no plan for the initializer ${spec.name}`);
  }
}

/**
 * Validates a call and plans it. With `allocate` false (recipes), no output array is made
 * (a given `out` is still checked).
 */
export function prepare(spec: InitializerSpec, shapeValue: unknown, options: unknown, allocate = true): Call {
  const opts = checkOptions(options, `${spec.name} options`, optionNames(spec));
  const shape = checkShape(shapeValue);
  if (spec.ranks && !spec.ranks.includes(shape.length)) {
    const ranks = spec.ranks.length === 1 ? `rank ${spec.ranks[0]}` : `rank ${spec.ranks.slice(0, -1).join(', ')} or ${spec.ranks.at(-1)}`;
    throw new RangeError(message(`a shape of ${ranks}`, 'shape', showShape(shape)));
  }
  const params: Params = {};
  for (const param of spec.params) params[param.name] = checkParam(param, opts[param.name]);
  let fans: FanSettings | null = null;
  let layout: Layout | null;
  if (spec.fans) {
    fans = checkFanSettings(opts, spec.layout!);
    layout = fans.layout;
    params.groups = fans.groups;
    params.transposed = fans.transposed;
    if (fans.fanIn !== undefined) params.fanIn = fans.fanIn;
    if (fans.fanOut !== undefined) params.fanOut = fans.fanOut;
  } else {
    const given = checkLayout(opts.layout, spec.layout ?? 'torch');
    layout = spec.layout === null ? null : given;
  }
  let generator: Generator | null = null;
  if (spec.random) generator = checkGenerator(opts.generator);
  else if (opts.generator !== undefined) checkGenerator(opts.generator);
  const size = sizeOf(shape);
  const output = checkOutput(opts, size, allocate);
  // orthogonal refuses rank < 2 even when empty, as PyTorch does.
  const nothingToDraw = size === 0 && (spec.fans || spec.name === 'deltaOrthogonal' || (spec.name === 'orthogonal' && shape.length >= 2));
  const planned = nothingToDraw ? ({ kind: 'empty' } as const) : plan(spec, shape, params, layout, fans);
  return { spec, shape, size, output, layout, params, generator, plan: planned };
}

function drawOptions(call: Call, plan: DrawPlan): Record<string, unknown> {
  const { out, start, end } = call.output;
  return { ...plan.options, out, slice: [start, end] };
}

// An empty part ([start, start), or a detached `out`, whose length is 0) writes nothing: fill()
// would throw on a detached array even with nothing to fill.
function writePoints(out: FloatArray, start: number, end: number, value: number, indices: Iterable<number>): void {
  if (end === start) return;
  out.fill(0);
  for (const index of indices) if (index >= start && index < end) out[index - start] = value;
}

/** Fills the call's output. */
export function run(call: Call): FloatArray {
  const { plan, output, generator, size } = call;
  const { out, start, end } = output;
  switch (plan.kind) {
    case 'empty':
      break;
    case 'fill':
      if (end > start) out.fill(plan.value);
      break;
    case 'points':
      writePoints(out, start, end, plan.value, plan.indices());
      break;
    case 'uniform':
      generator!.uniform(size, drawOptions(call, plan));
      break;
    case 'normal':
      generator!.normal(size, drawOptions(call, plan));
      break;
    case 'truncatedNormal':
      generator!.truncatedNormal(size, drawOptions(call, plan));
      break;
    case 'sparse': {
      generator!.normal(size, { std: plan.std, out, slice: [start, end] });
      const keys = generator!.clone();
      generator!.bits(2 * size, { slice: [0, 0] });
      applySparseZeros(plan, keys, out, start, end);
      break;
    }
    case 'orthogonal':
      runOrthogonal(plan, generator!, out, start, end);
      break;
  }
  return out;
}

/** The same as a Promise: every draw reserves its blocks now, before this returns. */
export function runAsync(call: Call): Promise<FloatArray> {
  const { plan, output, generator, size } = call;
  const { out, start, end } = output;
  switch (plan.kind) {
    case 'uniform':
      return generator!.uniformAsync(size, drawOptions(call, plan));
    case 'normal':
      return generator!.normalAsync(size, drawOptions(call, plan));
    case 'truncatedNormal':
      return generator!.truncatedNormalAsync(size, drawOptions(call, plan));
    case 'sparse': {
      const values = generator!.normalAsync(size, { std: plan.std, out, slice: [start, end] });
      const keys = generator!.clone();
      generator!.bits(2 * size, { slice: [0, 0] });
      return values.then((filled) => {
        applySparseZeros(plan, keys, filled, start, end);
        return filled;
      });
    }
    case 'orthogonal':
      return runOrthogonalAsync(plan, generator!, out, start, end);
    default:
      return Promise.resolve(run(call));
  }
}

/** Moves the generator exactly as run(call) would, computing nothing. */
export function advance(call: Call): void {
  const { plan, generator, size } = call;
  const dtype: Dtype = call.output.dtype;
  const nothing = { dtype, slice: [0, 0] as [number, number] };
  switch (plan.kind) {
    case 'uniform':
      generator!.uniform(size, { ...plan.options, ...nothing });
      break;
    case 'normal':
      generator!.normal(size, { ...plan.options, ...nothing });
      break;
    case 'truncatedNormal':
      generator!.truncatedNormal(size, { ...plan.options, ...nothing });
      break;
    case 'sparse':
      generator!.normal(size, { std: plan.std, ...nothing });
      generator!.bits(2 * size, { slice: [0, 0] });
      break;
    case 'orthogonal': {
      const draw = orthogonalDraw(plan);
      generator!.normal(draw.size, { ...draw.options, slice: [0, 0] });
      break;
    }
    default:
      break;
  }
}
