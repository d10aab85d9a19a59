/**
 * activation(name, params): every row by its name and every alias, the names other frameworks use,
 * parameters bound and validated, and the error for an unknown name, on every backend.
 */
import { describe, expect, it } from 'vitest';
import type { FloatArray } from '../binding.js';
import { createLookup, elementwiseEntries, preluEntry } from '../lib/lookup.js';
import { createPrelu } from '../lib/prelu.js';
import { Generator } from '../lib/random/generator.js';
import { createRrelu } from '../lib/rrelu.js';
import { type ActivationSpec, activationSpecs, exampleOptions } from '../lib/spec/activations.js';
import { activation as publicLookup } from '../lib/index.js';
import { backends } from './helpers/backends.js';
import { firstDifference } from './helpers/numbers.js';

const rows = activationSpecs as readonly ActivationSpec[];

/** Names users bring from PyTorch (functional and module names), Keras and TF.js, and the row each means. */
const FRAMEWORK_NAMES: readonly (readonly [string, string])[] = [
  ['linear', 'identity'],
  ['Identity', 'identity'],
  ['ReLU', 'relu'],
  ['relu6', 'relu6'],
  ['leaky_relu', 'leakyRelu'],
  ['LeakyReLU', 'leakyRelu'],
  ['leakyrelu', 'leakyRelu'],
  ['hard_sigmoid', 'hardSigmoid'],
  ['Hardswish', 'hardSwish'],
  ['hard_silu', 'hardSwish'],
  ['Hardtanh', 'hardTanh'],
  ['softshrink', 'softShrink'],
  ['Hardshrink', 'hardShrink'],
  ['soft_sign', 'softsign'],
  ['logistic', 'sigmoid'],
  ['RReLU', 'rrelu'],
  ['ELU', 'elu'],
  ['SELU', 'selu'],
  ['exp', 'exponential'],
  ['GELU', 'gelu'],
  ['gelu_new', 'geluTanh'],
  ['gelu_pytorch_tanh', 'geluTanh'],
];

describe.each(backends)('$label', (backend) => {
  const lookup = createLookup(elementwiseEntries(backend.api));
  const x = Float64Array.from([-7, -3, -1.5, -0.5, -0, 0, 0.25, 1, 2.5, 6, 9]);

  it.each(rows)('finds $name by its name and each alias, in any case and with or without underscores', (spec) => {
    for (const name of [spec.name, ...spec.aliases]) {
      for (const variant of [name, name.toUpperCase(), name.toLowerCase(), name.replace(/_/g, '')]) {
        expect(lookup(variant, exampleOptions(spec)).name, variant).toBe(spec.name);
      }
    }
  });

  it.each(FRAMEWORK_NAMES)('finds %s as %s', (name, row) => {
    const spec = rows.find((candidate) => candidate.name === row)!;
    expect(lookup(name, exampleOptions(spec)).name).toBe(row);
  });

  it.each(rows)('$name: the bound forward, derivative, backward (and from-output) equal the direct calls', async (spec) => {
    const params = exampleOptions(spec);
    const found = lookup(spec.name, params);
    const direct = backend.api[spec.name as keyof typeof backend.api] as unknown as ((x: FloatArray, o?: object) => FloatArray) & {
      derivative: (x: FloatArray, o?: object) => FloatArray;
      backward: (g: FloatArray, x: FloatArray, o?: object) => FloatArray;
      backwardFromOutput?: (g: FloatArray, y: FloatArray, o?: object) => FloatArray;
    };
    const g = x.map((_, i) => i - 4);
    expect(firstDifference(found.forward(x), direct(x, params))).toBe(-1);
    expect(firstDifference(found.derivative!(x), direct.derivative(x, params))).toBe(-1);
    expect(firstDifference(found.backward(g, x), direct.backward(g, x, params))).toBe(-1);
    expect(firstDifference(await found.async.forward(x), direct(x, params))).toBe(-1);
    expect(firstDifference(await found.async.backward(g, x), direct.backward(g, x, params))).toBe(-1);
    if (spec.fromOutput) {
      const y = direct(x, params);
      expect(firstDifference(found.backwardFromOutput!(g, y), direct.backwardFromOutput!(g, y, params))).toBe(-1);
    } else {
      expect(found.backwardFromOutput).toBeUndefined();
    }
    const out = new Float64Array(x.length);
    expect(found.forward(x, { out })).toBe(out);
  });

  it('finds prelu with its weight bound as a parameter, and rrelu with its training mode', async () => {
    const prelu = createPrelu(backend.kernels);
    const rrelu = createRrelu(backend.kernels, backend.api.rrelu);
    const withPrelu = createLookup([...elementwiseEntries(backend.api, { rrelu }), preluEntry(prelu)]);
    const weight = Float64Array.from([0.25, 0.5]);
    const found = withPrelu('PReLU', { weight });
    const x2 = Float64Array.from([-4, -4, 2, -8]);
    const options = { shape: [2, 2] };
    expect(Array.from(found.forward(x2, options as object))).toEqual(Array.from(prelu(x2, weight, options)));
    expect(Array.from(await found.async.forward(x2, options as object))).toEqual([-1, -2, 2, -4]);
    const g = Float64Array.from([1, 1, 1, 1]);
    const gradients = found.backward(g, x2, options as object) as unknown as { gradWeight: Float64Array };
    expect(Array.from(gradients.gradWeight)).toEqual([-4, -12]);
    expect(() => withPrelu('prelu')).toThrow(new TypeError('Expected a Float32Array or Float64Array for activation "prelu" params weight but received undefined'));
    const training = withPrelu('rrelu').forward(x, { training: true, generator: new Generator(7) } as object);
    expect(firstDifference(training, rrelu(x, { training: true, generator: new Generator(7) }))).toBe(-1);
  });

  it('binds the parameters it is given and fills in the defaults', () => {
    const leaky = lookup('leaky_relu', { negativeSlope: 0.2 });
    expect(leaky.params).toEqual({ negativeSlope: 0.2 });
    expect(Array.from(leaky.forward(Float64Array.from([-5, 5])))).toEqual([-1, 5]);
    expect(lookup('LeakyReLU').params).toEqual({ negativeSlope: 0.01 });
    expect(lookup('hardtanh', { maxVal: 2 }).params).toEqual({ minVal: -1, maxVal: 2 });
  });

  it("routes gelu's approximate option, bound at lookup, to the tanh form", () => {
    const tanhForm = lookup('gelu', { approximate: 'tanh' });
    expect(tanhForm.params).toEqual({ approximate: 'tanh' });
    expect(firstDifference(tanhForm.forward(x), lookup('gelu_new').forward(x))).toBe(-1);
    expect(firstDifference(lookup('gelu').forward(x), backend.api.gelu(x))).toBe(-1);
    expect(() => lookup('gelu', { approximate: 'fast' })).toThrow(
      new RangeError('Expected one of "none", "tanh" for activation "gelu" option approximate but received "fast"'),
    );
  });

  it('checks parameters when the activation is looked up, with the errors of the direct call', () => {
    expect(() => lookup('leaky_relu', { negativeSlope: NaN })).toThrow(
      new RangeError('Expected a finite number for activation "leaky_relu" option negativeSlope but received NaN'),
    );
    expect(() => lookup('hardTanh', { minVal: 3 })).toThrow(
      new RangeError('Expected minVal <= maxVal for activation "hardTanh" options but received minVal = 3, maxVal = 1'),
    );
    expect(() => lookup('threshold', { threshold: 1 })).toThrow(
      new TypeError('Expected a finite number for activation "threshold" option value but received undefined'),
    );
    expect(() => lookup('relu', { alpha: 1 })).toThrow(
      new TypeError('Expected no options for activation "relu" params but received an unknown option "alpha"'),
    );
    expect(() => lookup('leaky_relu', { slope: 1 })).toThrow(
      new TypeError('Expected one of negativeSlope for activation "leaky_relu" params but received an unknown option "slope"'),
    );
  });

  it('refuses an unknown name with a RangeError that lists the known ones', () => {
    let error: unknown;
    try {
      lookup('swishy');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RangeError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Expected one of .* \(or a PyTorch, Keras or TF\.js alias\) for name but received "swishy"$/);
    for (const spec of rows) expect(message).toContain(spec.name);
  });

  it('refuses a name that is not a string with a TypeError', () => {
    for (const [value, described] of [[undefined, 'undefined'], [3, '3'], [null, 'null']] as const) {
      expect(() => lookup(value as unknown as string)).toThrow(new TypeError(`Expected an activation name (a string) for name but received ${described}`));
    }
  });
});

describe('the table', () => {
  it('gives no name or alias to two rows, after case, underscores and hyphens are set aside', () => {
    const owner = new Map<string, string>();
    for (const spec of rows) {
      for (const name of [spec.name, ...spec.aliases]) {
        const key = name.toLowerCase().replace(/[-_\s]/g, '');
        expect(owner.get(key) ?? spec.name, `${name} of ${spec.name}`).toBe(spec.name);
        owner.set(key, spec.name);
      }
    }
  });

  it('is what the package exports as activation()', () => {
    expect(publicLookup('leaky_relu').name).toBe('leakyRelu');
  });
});
