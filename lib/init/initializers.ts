/**
 * The public initializers, one per entry of spec/initializers.ts. Each is a function object:
 *
 *   init.kaimingNormal(shape, options)          a new Float32Array (or Float64Array, or `out`) filled
 *   init.kaimingNormal.async(shape, options)    the same as a Promise (the draw's blocks are reserved at the call)
 *   init.kaimingNormal.recipe(shape, options)   a JSON-safe description; the generator advances as the draw would
 *   init.fromRecipe(recipe, { out, kernels })   the identical tensor again
 */
import type { FloatArray, Kernels } from '../../binding.js';
import type { Dtype } from '../random/distributions.js';
import { Generator } from '../random/generator.js';
import {
  type FanMode,
  type InitializerName,
  type InitializerSpec,
  type Layout,
  type Nonlinearity,
  type VarianceDistribution,
  initializerSpecs,
} from '../spec/initializers.js';
import { options as checkOptions, promised, typeError } from '../validate.js';
import { prepare, run, runAsync, advance } from './family.js';
import type { Shape } from './options.js';
import { type Recipe, parseRecipe, recipeOf } from './recipe.js';

/** Options every initializer takes. */
export interface InitOptions<A extends FloatArray = FloatArray> {
  /** The generator to draw from; default: defaultGenerator(). Deterministic initializers ignore it. */
  readonly generator?: Generator;
  /** Where to write: a Float32Array or Float64Array of the slice's (or the tensor's) length; its type sets the dtype. */
  readonly out?: A;
  /** Make only elements [start, end) of the tensor (row-major), equal to that slice of the whole; the generator advances as for the whole. */
  readonly slice?: readonly [number, number];
  /** Element type when `out` is not given; default 'float32'. */
  readonly dtype?: Dtype;
  /** Dimension order of the shape: 'torch' ([out, in, ...kernel]) or 'keras' ([...kernel, in, out]); the default depends on the initializer. */
  readonly layout?: Layout;
}

/** Options of the initializers that read fans (lib/init/fans.ts). */
export interface FanInitOptions extends InitOptions {
  /** Groups of the convolution: with a value above 1, the true fans of a grouped convolution (frameworks ignore groups). */
  readonly groups?: number;
  /** Whether the weight is a transposed convolution's: its true fans (frameworks swap them). */
  readonly transposed?: boolean;
  /** Replaces the fan_in computed from the shape. */
  readonly fanIn?: number;
  /** Replaces the fan_out computed from the shape. */
  readonly fanOut?: number;
}

export interface ConstantOptions extends InitOptions {
  readonly value: number;
}
export interface UniformOptions extends InitOptions {
  readonly low?: number;
  readonly high?: number;
}
export interface NormalOptions extends InitOptions {
  readonly mean?: number;
  readonly std?: number;
}
export interface TruncatedNormalOptions extends NormalOptions {
  readonly a?: number;
  readonly b?: number;
  /** 'absolute' (default, PyTorch): a and b are values; 'std': standard deviations from the mean. */
  readonly bounds?: 'absolute' | 'std';
}
export interface EyeOptions extends InitOptions {
  readonly gain?: number;
}
export interface DiracOptions extends InitOptions {
  readonly groups?: number;
}
export interface XavierOptions extends FanInitOptions {
  readonly gain?: number;
}
export interface KaimingOptions extends FanInitOptions {
  /** Negative slope of the leaky_relu (used with nonlinearity 'leaky_relu' only); default 0. */
  readonly a?: number;
  readonly mode?: 'fan_in' | 'fan_out';
  readonly nonlinearity?: Nonlinearity;
}
export interface SparseOptions extends InitOptions {
  readonly sparsity: number;
  readonly std?: number;
}
export interface OrthogonalOptions extends InitOptions {
  /** Multiplies the orthogonal matrix; default 1. */
  readonly gain?: number;
}
export interface VarianceScalingOptions extends FanInitOptions {
  readonly scale?: number;
  readonly mode?: FanMode;
  readonly distribution?: VarianceDistribution;
}

type Rest<O> = {} extends O ? [options?: O] : [options: O];

export interface Initializer<O extends InitOptions> {
  <A extends FloatArray>(shape: Shape, options: O & { readonly out: A }): A;
  (shape: Shape, options: O & { readonly dtype: 'float64' }): Float64Array;
  (shape: Shape, ...options: Rest<O & { readonly dtype?: 'float32' }>): Float32Array;
  (shape: Shape, ...options: Rest<O>): FloatArray;
  /** The same as a Promise; the generator's blocks are reserved at the call, so concurrent calls stay deterministic. */
  readonly async: {
    <A extends FloatArray>(shape: Shape, options: O & { readonly out: A }): Promise<A>;
    (shape: Shape, options: O & { readonly dtype: 'float64' }): Promise<Float64Array>;
    (shape: Shape, ...options: Rest<O & { readonly dtype?: 'float32' }>): Promise<Float32Array>;
    (shape: Shape, ...options: Rest<O>): Promise<FloatArray>;
  };
  /** What the call would do, as JSON-safe data; advances the generator exactly as the call would, computing nothing. */
  recipe(shape: Shape, ...options: Rest<O>): Recipe;
  /** The table entry. */
  readonly spec: InitializerSpec;
}

function create<O extends InitOptions>(name: InitializerName): Initializer<O> {
  const spec = (initializerSpecs as readonly InitializerSpec[]).find((entry) => entry.name === name)!;
  const initializer = (shape: Shape, options?: O) => run(prepare(spec, shape, options));
  initializer.async = (shape: Shape, options?: O) => promised(() => runAsync(prepare(spec, shape, options)));
  initializer.recipe = (shape: Shape, options?: O): Recipe => {
    const call = prepare(spec, shape, options, false);
    const state = call.generator?.state() ?? null;
    advance(call);
    return recipeOf(call, state);
  };
  initializer.spec = spec;
  Object.defineProperty(initializer, 'name', { value: name });
  return Object.freeze(initializer) as unknown as Initializer<O>;
}

export const zeros = create<InitOptions>('zeros');
export const ones = create<InitOptions>('ones');
export const constant = create<ConstantOptions>('constant');
export const uniform = create<UniformOptions>('uniform');
export const normal = create<NormalOptions>('normal');
export const truncatedNormal = create<TruncatedNormalOptions>('truncatedNormal');
export const eye = create<EyeOptions>('eye');
export const dirac = create<DiracOptions>('dirac');
export const xavierUniform = create<XavierOptions>('xavierUniform');
export const xavierNormal = create<XavierOptions>('xavierNormal');
export const kaimingUniform = create<KaimingOptions>('kaimingUniform');
export const kaimingNormal = create<KaimingOptions>('kaimingNormal');
export const sparse = create<SparseOptions>('sparse');
export const orthogonal = create<OrthogonalOptions>('orthogonal');
export const deltaOrthogonal = create<OrthogonalOptions>('deltaOrthogonal');
export const glorotUniform = create<FanInitOptions>('glorotUniform');
export const glorotNormal = create<FanInitOptions>('glorotNormal');
export const heUniform = create<FanInitOptions>('heUniform');
export const heNormal = create<FanInitOptions>('heNormal');
export const lecunUniform = create<FanInitOptions>('lecunUniform');
export const lecunNormal = create<FanInitOptions>('lecunNormal');
export const varianceScaling = create<VarianceScalingOptions>('varianceScaling');

const all = {
  zeros,
  ones,
  constant,
  uniform,
  normal,
  truncatedNormal,
  eye,
  dirac,
  xavierUniform,
  xavierNormal,
  kaimingUniform,
  kaimingNormal,
  sparse,
  orthogonal,
  deltaOrthogonal,
  glorotUniform,
  glorotNormal,
  heUniform,
  heNormal,
  lecunUniform,
  lecunNormal,
  varianceScaling,
};

/** Every initializer by name (the compiler checks that every name of the table is here). */
export const initializers: Readonly<typeof all> = Object.freeze(all satisfies { readonly [name in InitializerName]: unknown });

export interface FromRecipeOptions<A extends FloatArray = FloatArray> {
  /** Where to write: an array of the recipe's dtype and of the recipe's (slice's) length. */
  readonly out?: A;
  /** The kernels the draw runs on (default: the backend the loader chose). */
  readonly kernels?: Kernels;
}

function prepareRecipe(recipe: unknown, options: unknown) {
  const opts = checkOptions(options, 'fromRecipe options', ['out', 'kernels']);
  const kernels = opts.kernels as Kernels | undefined;
  if (kernels !== undefined && (kernels === null || typeof kernels !== 'object' || typeof kernels.random !== 'function')) {
    throw typeError('a Kernels object (as the addon or the fallback gives)', 'kernels', kernels);
  }
  const parsed = parseRecipe(recipe);
  const generator = parsed.generator === null ? undefined : Generator.fromState(parsed.generator, { kernels: kernels as Kernels });
  const callOptions = { ...parsed.options, ...(generator ? { generator } : {}), ...(opts.out !== undefined ? { out: opts.out } : {}) };
  return prepare(parsed.spec, parsed.shape, callOptions);
}

/** The tensor a recipe describes, identical to the one its call made. */
export function fromRecipe<A extends FloatArray = FloatArray>(recipe: Recipe, options?: FromRecipeOptions<A>): A {
  return run(prepareRecipe(recipe, options)) as A;
}

/** The same as a Promise. */
fromRecipe.async = <A extends FloatArray = FloatArray>(recipe: Recipe, options?: FromRecipeOptions<A>): Promise<A> =>
  promised(() => runAsync(prepareRecipe(recipe, options)) as Promise<A>);
