/**
 * What the explorer compares: activations of the element-wise table and initializers of the
 * initializer table, each with its parameters, found by name and validated by the library itself
 * (the activation lookup, and the initializer's own argument checks), never by a list kept here.
 *
 * On the command line a choice is written `name` or `name:key=value:key=value`, for example
 * `leakyRelu:negativeSlope=0.2` or `normal:std=0.01`; that is also how results are labelled.
 */
import type { Activations } from '../activations.js';
import { calculateGain } from '../init/gains.js';
import { type InitOptions, type Initializer, initializers } from '../init/initializers.js';
import { type BoundActivation, createLookup, elementwiseEntries } from '../lookup.js';
import { Generator } from '../random/generator.js';
import { type ActivationSpec, activationSpecs } from '../spec/activations.js';
import { type GainSpec, type InitializerSpec, type Nonlinearity, gainSpecs, initializerSpecs } from '../spec/initializers.js';
import { describe, message, options as checkOptions, rangeError, typeError } from '../validate.js';

export type ParamValue = number | string | boolean;

/** A table entry by name with its parameters: `{ name: 'normal', params: { std: 0.01 } }` or the string 'normal:std=0.01'. */
export interface Choice {
  readonly name: string;
  readonly params?: Readonly<Record<string, ParamValue>>;
}

/** Names match without regard to case, underscores, hyphens or PyTorch's trailing underscore (xavier_normal_). */
const normalized = (name: string): string => name.toLowerCase().replace(/[-_\s]/g, '');

/** A value written on the command line: a number when it reads as one, true/false, else the string. */
function parseValue(text: string): ParamValue {
  if (text === 'true' || text === 'false') return text === 'true';
  const number = Number(text);
  return text.trim() !== '' && !Number.isNaN(number) ? number : text;
}

/** `name:key=value:key=value` as a Choice. */
export function parseChoice(text: string, what: string): Choice {
  const [name = '', ...pairs] = text.split(':');
  if (name === '') throw new RangeError(message(`${what} written name or name:key=value`, what, describe(text)));
  const params: Record<string, ParamValue> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new RangeError(message(`key=value after ${JSON.stringify(name)}`, what, describe(text)));
    params[pair.slice(0, equals)] = parseValue(pair.slice(equals + 1));
  }
  return { name, params };
}

/** The label of a choice: its table name with its parameters as given, in the command line's form. */
export function labelOf(name: string, params: Readonly<Record<string, ParamValue>>): string {
  return [name, ...Object.entries(params).map(([key, value]) => `${key}=${value}`)].join(':');
}

function choiceOf(value: unknown, what: string): Choice {
  if (typeof value === 'string') return parseChoice(value, what);
  const given = checkOptions(value, what, ['name', 'params']);
  if (typeof given.name !== 'string') throw typeError('a name (a string)', `${what} name`, given.name);
  const params = checkOptions(given.params, `${what} params`, Object.keys(given.params ?? {}));
  for (const [key, param] of Object.entries(params)) {
    if (!['number', 'string', 'boolean'].includes(typeof param)) throw typeError('a number, string or boolean', `${what} params ${key}`, param);
  }
  return { name: given.name, params: params as Record<string, ParamValue> };
}

export interface Saturation {
  readonly bounds: readonly number[];
  readonly range: number;
}

/**
 * The saturation of an activation bounded on both sides (f(−∞) and f(+∞) finite). A bound the
 * activation already takes at 0 (relu6's 0) is where relu's family is off, not saturated: the
 * dead units count it.
 */
function saturationOf(fn: BoundActivation): Saturation | null {
  const [lower, atZero, upper] = fn.forward(new Float64Array([-Infinity, 0, Infinity]));
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) return null;
  return { bounds: [lower!, upper!].filter((bound) => bound !== atZero), range: upper! - lower! };
}

/** An activation of the element-wise table with its parameters bound. */
export interface ActivationChoice {
  readonly label: string;
  /** The table row's name. */
  readonly name: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly fn: BoundActivation;
  /** For activations bounded on both sides: the bounds outputs saturate at, and the range f(−∞) … f(+∞). */
  readonly saturation: Saturation | null;
  /** The entry of calculateGain's table for this activation, with its parameter, if there is one. */
  readonly gain: { readonly nonlinearity: Nonlinearity; readonly param?: number; readonly value: number } | null;
}

function gainEntryOf(row: ActivationSpec, params: Readonly<Record<string, unknown>>): ActivationChoice['gain'] {
  const names = [row.name, ...row.aliases].map(normalized);
  const entry = (gainSpecs as readonly GainSpec[]).find((spec) => names.includes(normalized(spec.name)));
  if (!entry) return null;
  const nonlinearity = entry.name as Nonlinearity;
  // The gain's parameter (leaky_relu's negative slope, elu's alpha) is the activation's only parameter.
  const param = entry.param && row.params.length === 1 ? (params[row.params[0]!.name] as number) : undefined;
  return { nonlinearity, ...(param === undefined ? {} : { param }), value: calculateGain(nonlinearity, param) };
}

/** Resolves activation choices against the element-wise table, running on `activations`. */
export function activationChoices(values: readonly unknown[], activations: Activations): ActivationChoice[] {
  const lookup = createLookup(elementwiseEntries(activations));
  return values.map((value, i) => {
    const choice = choiceOf(value, `activations[${i}]`);
    const fn = lookup(choice.name, choice.params);
    const row = (activationSpecs as readonly ActivationSpec[]).find((spec) => spec.name === fn.name)!;
    const params = choice.params ?? {};
    return { label: labelOf(fn.name, params), name: fn.name, params, fn, saturation: saturationOf(fn), gain: gainEntryOf(row, fn.params) };
  });
}

/** An initializer of the initializer table with its parameters. */
export interface InitializerChoice {
  readonly label: string;
  /** The table entry's name. */
  readonly name: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly initializer: Initializer<InitOptions>;
}

/** The table entry a name means, or a RangeError listing the table. */
export function initializerSpecNamed(name: string, what: string): InitializerSpec {
  const spec = (initializerSpecs as readonly InitializerSpec[]).find((entry) => normalized(entry.name) === normalized(name));
  if (!spec) throw rangeError(`one of ${initializerSpecs.map((entry) => entry.name).join(', ')}`, what, name);
  return spec;
}

/**
 * Resolves an initializer choice against the initializer table and checks it with the
 * initializer's own validation on `shape` (a recipe computes nothing), so a bad parameter is
 * reported before any work starts.
 */
export function initializerChoice(value: unknown, what: string, shape: readonly number[]): InitializerChoice {
  const choice = choiceOf(value, what);
  const spec = initializerSpecNamed(choice.name, `${what} name`);
  const params = checkOptions(choice.params, `${spec.name} params`, spec.params.map((param) => param.name)) as Record<string, ParamValue>;
  const initializer = (initializers as unknown as Record<string, Initializer<InitOptions>>)[spec.name]!;
  initializer.recipe(shape, { ...params, layout: 'torch', generator: new Generator(0) });
  return { label: labelOf(spec.name, params), name: spec.name, params, initializer };
}
