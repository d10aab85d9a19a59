/**
 * `activation(name, params)`: an activation found by any name PyTorch, Keras or TF.js gives it,
 * with its parameters bound. Names match without regard to case, underscores or hyphens
 * ('leaky_relu', 'LeakyReLU' and 'leakyRelu' are one), across every table row's name and aliases.
 */
import type { FloatArray } from '../binding.js';
import { type Activations, paramsOf } from './activations.js';
import type { AxisActivations } from './axis-activations.js';
import type { Prelu } from './prelu.js';
import { type AxisActivationSpec, axisActivationSpecs } from './spec/axis-activations.js';
import { type ActivationSpec, activationSpecs } from './spec/activations.js';
import { floatArray, options as checkOptions, rangeError, typeError } from './validate.js';

/** A function object with forward-like call and members (derivative, backward, …), each with .async. */
type Operation = ((...args: never[]) => unknown) & { async?: (...args: never[]) => unknown };

/** An activation as `activation()` returns it: every member takes the bound parameters. */
export interface BoundActivation {
  /** The table row's name (e.g. 'leakyRelu' for 'leaky_relu'). */
  readonly name: string;
  /** The parameters bound, defaults filled in (and the variant option, when given). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly forward: <T extends FloatArray>(x: T, options?: { out?: T }) => T;
  readonly derivative?: <T extends FloatArray>(x: T, options?: { out?: T }) => T;
  readonly backward: <T extends FloatArray>(gradOutput: T, input: T, options?: { out?: T }) => T;
  readonly backwardFromOutput?: <T extends FloatArray>(gradOutput: T, y: T, options?: { out?: T }) => T;
  readonly async: {
    readonly forward: <T extends FloatArray>(x: T, options?: { out?: T }) => Promise<T>;
    readonly derivative?: <T extends FloatArray>(x: T, options?: { out?: T }) => Promise<T>;
    readonly backward: <T extends FloatArray>(gradOutput: T, input: T, options?: { out?: T }) => Promise<T>;
    readonly backwardFromOutput?: <T extends FloatArray>(gradOutput: T, y: T, options?: { out?: T }) => Promise<T>;
  };
}

/** One name `activation()` can find: its row (names and aliases), its function, and how to check its parameters. */
export interface LookupEntry {
  readonly name: string;
  readonly aliases: readonly string[];
  /** The function object: callable forward with derivative, backward, backwardFromOutput members. */
  readonly fn: Operation & { readonly [member: string]: unknown };
  /** Validates the parameters (throwing on bad ones) and returns them with defaults filled in. */
  readonly checkParams: (params: Record<string, unknown>, label: string) => Record<string, unknown>;
  /** The option names that are parameters (everything but out). */
  readonly paramNames: readonly string[];
}

const normalized = (name: string): string => name.toLowerCase().replace(/[-_\s]/g, '');

/** The lookup entries of the element-wise table; `overrides` replaces a row's function (rrelu's training-mode wrapper). */
export function elementwiseEntries(activations: Activations, overrides: Record<string, unknown> = {}): LookupEntry[] {
  return (activationSpecs as readonly ActivationSpec[]).map((spec) => ({
    name: spec.name,
    aliases: spec.aliases,
    fn: (overrides[spec.name] ?? activations[spec.name as keyof Activations]) as unknown as LookupEntry['fn'],
    paramNames: [...spec.params.map((param) => param.name), ...(spec.variants ? [spec.variants.option] : [])],
    checkParams(params, label) {
      const values = paramsOf(spec, params, label);
      const bound: Record<string, unknown> = Object.fromEntries(spec.params.map((param, i) => [param.name, values[i]!]));
      const variant = spec.variants && params[spec.variants.option];
      if (spec.variants && variant !== undefined) {
        const allowed = Object.keys(spec.variants.rows);
        const name = `${label} option ${spec.variants.option}`;
        const what = `one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`;
        if (typeof variant !== 'string') throw typeError(what, name, variant);
        if (!allowed.includes(variant)) throw rangeError(what, name, variant);
        bound[spec.variants.option] = variant;
      }
      return bound;
    },
  }));
}

/** The lookup entries of the along-an-axis table: shape, axis (and mask) may be bound, and are checked at each call. */
export function axisEntries(axisActivations: AxisActivations): LookupEntry[] {
  return (axisActivationSpecs as readonly AxisActivationSpec[]).map((spec) => {
    const paramNames = spec.masked ? ['shape', 'axis', 'mask'] : ['shape', 'axis'];
    return {
      name: spec.name,
      aliases: spec.aliases,
      fn: axisActivations[spec.name as keyof AxisActivations] as unknown as LookupEntry['fn'],
      paramNames,
      checkParams: (params) => Object.fromEntries(paramNames.filter((name) => params[name] !== undefined).map((name) => [name, params[name]])),
    };
  });
}

type Options = Record<string, unknown> & { weight?: FloatArray };

/** prelu as a lookup entry: its weight is a parameter, so every member takes (x, options) like the others. */
export function preluEntry(prelu: Prelu): LookupEntry {
  const split = ({ weight, ...rest }: Options = {}): [FloatArray, object] => [weight!, rest];
  const unary = (fn: Prelu['derivative']) => (x: FloatArray, options?: Options) => fn(x, ...split(options));
  const backward = (fn: Prelu['backward']) => (g: FloatArray, x: FloatArray, options?: Options) => fn(g, x, ...split(options));
  const fn = Object.assign(unary(prelu), {
    async: unary(prelu.async as unknown as Prelu['derivative']),
    derivative: Object.assign(unary(prelu.derivative), { async: unary(prelu.derivative.async as unknown as Prelu['derivative']) }),
    backward: Object.assign(backward(prelu.backward), { async: backward(prelu.backward.async as unknown as Prelu['backward']) }),
  });
  return {
    name: 'prelu',
    aliases: ['PReLU'],
    fn: fn as unknown as LookupEntry['fn'],
    paramNames: ['weight'],
    checkParams: (params, label) => ({ weight: floatArray(params.weight, `${label} params weight`) }),
  };
}

const MEMBERS = ['derivative', 'backward', 'backwardFromOutput'] as const;

/** The `activation(name, params)` function over the given entries. Throws if two entries claim one name. */
export function createLookup(entries: readonly LookupEntry[]): (name: string, params?: object) => BoundActivation {
  const byName = new Map<string, LookupEntry>();
  for (const entry of entries) {
    for (const name of [entry.name, ...entry.aliases]) {
      const key = normalized(name);
      const claimed = byName.get(key);
      if (claimed && claimed !== entry) throw new Error(`activation name ${name} belongs to both ${claimed.name} and ${entry.name}`);
      byName.set(key, entry);
    }
  }
  const known = entries.map((entry) => entry.name).join(', ');

  return (name, params) => {
    if (typeof name !== 'string') throw typeError('an activation name (a string)', 'name', name);
    const entry = byName.get(normalized(name));
    if (!entry) throw rangeError(`one of ${known} (or a PyTorch, Keras or TF.js alias)`, 'name', name);
    const label = `activation ${JSON.stringify(name)}`;
    const given = checkOptions(params, `${label} params`, entry.paramNames);
    const bound = Object.freeze(entry.checkParams(given, label));
    const call =
      (fn: Operation, arity: number) =>
      (...args: unknown[]) =>
        (fn as (...a: unknown[]) => unknown)(...args.slice(0, arity), Object.assign({}, bound, args[arity]));
    const sync: Record<string, unknown> = { forward: call(entry.fn, 1) };
    const async: Record<string, unknown> = { forward: call(entry.fn.async!, 1) };
    for (const member of MEMBERS) {
      const fn = entry.fn[member] as Operation | undefined;
      if (!fn) continue;
      const arity = member === 'derivative' ? 1 : 2;
      sync[member] = call(fn, arity);
      async[member] = call(fn.async!, arity);
    }
    return Object.freeze({ name: entry.name, params: bound, ...sync, async: Object.freeze(async) }) as unknown as BoundActivation;
  };
}
