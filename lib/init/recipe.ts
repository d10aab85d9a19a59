/**
 * Recipes: what an initializer call did, as a small JSON-safe object, from which fromRecipe
 * (lib/init/initializers.ts) regenerates the identical tensor on any backend. A model can store
 * recipes instead of weights.
 *
 * Numbers JSON cannot carry exactly (±Infinity, -0) are written as the strings "Infinity",
 * "-Infinity" and "-0" in `params`.
 */
import type { Dtype } from '../random/distributions.js';
import type { GeneratorState } from '../random/generator.js';
import { type InitializerName, type InitializerSpec, type Layout, initializerSpecs } from '../spec/initializers.js';
import { options as checkOptions, rangeError, typeError } from '../validate.js';
import type { Call, ParamValue, Params } from './family.js';
import { optionNames } from './family.js';

export interface Recipe {
  readonly name: InitializerName;
  /** The initializer's own parameters with defaults filled in (and groups, transposed, fanIn, fanOut for fan-based ones). */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly shape: readonly number[];
  readonly dtype: Dtype;
  /** The layout used; null for initializers the layout does not affect. */
  readonly layout: Layout | null;
  /** The part of the tensor made, when the call asked for a slice. */
  readonly slice?: readonly [number, number];
  /** The generator's state before the draw; null for deterministic initializers. */
  readonly generator: GeneratorState | null;
  /** docs/rng.md's stream version: the same recipe gives the same bits under the same version. */
  readonly streamVersion: 1;
}

const RECIPE_KEYS = ['name', 'params', 'shape', 'dtype', 'layout', 'slice', 'generator', 'streamVersion'];
const SPECIAL_NUMBERS = new Map<unknown, number>([
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
]);

function encode(value: ParamValue): ParamValue {
  if (typeof value !== 'number') return value;
  if (Object.is(value, -0)) return '-0';
  return Number.isFinite(value) ? value : String(value);
}

/** The recipe of a prepared call; `state` is the generator's state before the call drew. */
export function recipeOf(call: Call, state: GeneratorState | null): Recipe {
  const params: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(call.params)) params[key] = encode(value);
  const recipe: Recipe = {
    name: call.spec.name as InitializerName,
    params,
    shape: call.shape.slice(),
    dtype: call.output.dtype,
    layout: call.layout,
    ...(call.output.slice ? { slice: [call.output.slice[0], call.output.slice[1]] as const } : {}),
    generator: call.spec.random ? state : null,
    streamVersion: 1,
  };
  return recipe;
}

/** A checked recipe: its table entry and the options that redo the call (without generator and out). */
export interface ParsedRecipe {
  readonly spec: InitializerSpec;
  readonly shape: unknown;
  readonly options: Record<string, unknown>;
  readonly generator: GeneratorState | null;
}

export function parseRecipe(value: unknown): ParsedRecipe {
  const recipe = checkOptions(value, 'recipe', RECIPE_KEYS);
  if (recipe.streamVersion !== 1) throw rangeError('stream version 1', 'recipe.streamVersion', recipe.streamVersion);
  const spec = (initializerSpecs as readonly InitializerSpec[]).find((entry) => entry.name === recipe.name);
  if (!spec) throw typeError('the name of an initializer', 'recipe.name', recipe.name);
  const allowed = optionNames(spec).filter((name) => !['generator', 'out', 'slice', 'dtype', 'layout'].includes(name));
  const given = checkOptions(recipe.params ?? {}, 'recipe.params', allowed);
  const params: Params = {};
  for (const [key, raw] of Object.entries(given)) {
    params[key] = SPECIAL_NUMBERS.get(raw) ?? (raw as ParamValue);
  }
  if (recipe.dtype !== 'float32' && recipe.dtype !== 'float64') throw typeError('"float32" or "float64"', 'recipe.dtype', recipe.dtype);
  const options: Record<string, unknown> = { ...params, dtype: recipe.dtype };
  if (recipe.layout !== null && recipe.layout !== undefined) options.layout = recipe.layout;
  if (recipe.slice !== undefined) options.slice = recipe.slice;
  let generator: GeneratorState | null = null;
  if (spec.random) {
    if (recipe.generator === null || typeof recipe.generator !== 'object') {
      throw typeError('a generator state (Generator.state())', 'recipe.generator', recipe.generator);
    }
    generator = recipe.generator as GeneratorState;
  }
  return { spec, shape: recipe.shape, options, generator };
}
