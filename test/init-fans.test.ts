/**
 * Fans, gains, and the bounds and standard deviations the initializers derive from them: pure
 * arithmetic in float64, the same on every backend.
 *
 * Expected values are written here from the frameworks' definitions, independently of the code:
 * PyTorch's _calculate_fan_in_and_fan_out, calculate_gain, xavier_* and kaiming_*, Keras's
 * compute_fans and VarianceScaling, and the true fans of grouped and transposed convolutions
 * described by their layer (in, out, kernel, groups). An initializer's parameter is checked by
 * comparing its float64 output with the generator's draw at the formula's parameter: equal bytes
 * mean an equal bound or std (a 1-ULP difference in float64 would change the values).
 */
import { describe, expect, it } from 'vitest';
import { computeFans } from '../lib/init/fans.js';
import { calculateGain } from '../lib/init/gains.js';
import * as init from '../lib/init/index.js';
import { Generator } from '../lib/random/generator.js';
import { gainSpecs, nonlinearities } from '../lib/spec/initializers.js';
import { firstDifference } from './helpers/numbers.js';
import { normalCdf } from './helpers/statistics.js';

const GRAMMAR = /^Expected .+ for .+ but received .+$/;
const product = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/** torch.nn.init._calculate_fan_in_and_fan_out. */
function torchFans(shape: readonly number[]): [number, number] {
  const receptive = product(shape.slice(2));
  return [shape[1]! * receptive, shape[0]! * receptive];
}

/** keras.initializers compute_fans. */
function kerasFans(shape: readonly number[]): [number, number] {
  if (shape.length < 1) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  const receptive = product(shape.slice(0, -2));
  return [shape.at(-2)! * receptive, shape.at(-1)! * receptive];
}

const TORCH_SHAPES = [
  [5, 3], // Linear(3, 5)
  [1, 1],
  [4096, 4096],
  [64, 3, 7], // Conv1d(3, 64, 7)
  [64, 3, 3, 3], // Conv2d(3, 64, 3)
  [128, 256, 5, 5],
  [16, 8, 3, 3, 3], // Conv3d(8, 16, 3)
  [32, 4, 3, 3], // Conv2d(16, 32, 3, groups=4): frameworks read it as ungrouped
  [16, 8, 4, 4], // ConvTranspose2d(16, 8, 4): frameworks read it as an ordinary conv
  [3, 5, 1, 1],
  [2, 3, 4, 5, 6, 7],
  [0, 5],
  [5, 0, 3],
];

const KERAS_SHAPES = [[], [7], [0], [3, 5], [784, 256], [7, 3, 64], [3, 3, 3, 64], [5, 5, 256, 128], [3, 3, 3, 8, 16], [3, 3, 4, 32], [2, 3, 4, 5, 6, 7], [3, 0, 5]];

describe('computeFans', () => {
  it.each(TORCH_SHAPES)("layout 'torch' gives PyTorch's fans for %j", (...shape) => {
    const [fanIn, fanOut] = torchFans(shape);
    expect(computeFans(shape)).toEqual({ fanIn, fanOut });
    expect(computeFans(shape, 'torch')).toEqual({ fanIn, fanOut });
    expect(computeFans(shape, { layout: 'torch' })).toEqual({ fanIn, fanOut });
  });

  it.each(KERAS_SHAPES.map((shape) => [shape]))("layout 'keras' gives Keras's fans for %j", (shape) => {
    const [fanIn, fanOut] = kerasFans(shape);
    expect(computeFans(shape, { layout: 'keras' })).toEqual({ fanIn, fanOut });
  });

  it("refuses rank < 2 in layout 'torch', as PyTorch does (a RangeError, not a crash)", () => {
    for (const shape of [[], [7], [0]]) {
      expect(() => computeFans(shape)).toThrow(RangeError);
      expect(() => computeFans(shape)).toThrow(GRAMMAR);
    }
    // With both fans given, the shape is not read.
    expect(computeFans([7], { fanIn: 3, fanOut: 4 })).toEqual({ fanIn: 3, fanOut: 4 });
  });

  // Layers described by (in, out, kernel, groups); the true fans are counted from the connections:
  // one output of a convolution sees in/groups channels over the kernel, one input feeds out/groups.
  const layers = [
    { in: 16, out: 32, kernel: [3, 3], groups: 4 },
    { in: 32, out: 64, kernel: [3], groups: 32 }, // depthwise
    { in: 12, out: 6, kernel: [2, 3, 4], groups: 3 },
    { in: 8, out: 8, kernel: [5, 5], groups: 1 },
  ];
  it.each(layers)('gives the true fans of a grouped convolution %j in both layouts', (layer) => {
    const r = product(layer.kernel);
    const fans = { fanIn: (layer.in / layer.groups) * r, fanOut: (layer.out / layer.groups) * r };
    const torchWeight = [layer.out, layer.in / layer.groups, ...layer.kernel];
    const kerasWeight = [...layer.kernel, layer.in / layer.groups, layer.out];
    expect(computeFans(torchWeight, { groups: layer.groups })).toEqual(fans);
    expect(computeFans(kerasWeight, { layout: 'keras', groups: layer.groups })).toEqual(fans);
    // The frameworks' reading (the default) counts fan_out over all output channels.
    expect(computeFans(torchWeight)).toEqual({ fanIn: fans.fanIn, fanOut: layer.out * r });
    expect(computeFans(kerasWeight, 'keras')).toEqual({ fanIn: fans.fanIn, fanOut: layer.out * r });
  });

  it.each(layers)('gives the true fans of a transposed convolution %j in both layouts', (layer) => {
    const r = product(layer.kernel);
    // A transposed convolution from `in` to `out` channels: one output sees in/groups inputs, one input feeds out/groups outputs.
    const fans = { fanIn: (layer.in / layer.groups) * r, fanOut: (layer.out / layer.groups) * r };
    const torchWeight = [layer.in, layer.out / layer.groups, ...layer.kernel]; // ConvTranspose weight
    const kerasWeight = [...layer.kernel, layer.out / layer.groups, layer.in]; // Conv*Transpose kernel (filters, input_dim)
    expect(computeFans(torchWeight, { transposed: true, groups: layer.groups })).toEqual(fans);
    expect(computeFans(kerasWeight, { layout: 'keras', transposed: true, groups: layer.groups })).toEqual(fans);
    // PyTorch reads the weight as an ordinary convolution's: the fans trade places.
    expect(computeFans(torchWeight)).toEqual({ fanIn: (layer.out / layer.groups) * r, fanOut: layer.in * r });
  });

  it('takes explicit fans over the computed ones', () => {
    expect(computeFans([64, 3, 3, 3], { fanIn: 10 })).toEqual({ fanIn: 10, fanOut: 576 });
    expect(computeFans([64, 3, 3, 3], { fanOut: 2.5 })).toEqual({ fanIn: 27, fanOut: 2.5 });
    expect(computeFans([], { layout: 'keras', fanIn: 3, fanOut: 9 })).toEqual({ fanIn: 3, fanOut: 9 });
  });

  it.each([
    [() => computeFans('5x3' as never), TypeError],
    [() => computeFans([5, -3]), RangeError],
    [() => computeFans([5, 1.5]), RangeError],
    [() => computeFans([5, '3'] as never), TypeError],
    [() => computeFans([5, 3], 'nchw' as never), TypeError],
    [() => computeFans([5, 3], { groups: 0 }), RangeError],
    [() => computeFans([5, 3], { groups: 2 }), RangeError],
    [() => computeFans([5, 3], { groups: 1.5 }), RangeError],
    [() => computeFans([5, 3], { transposed: 1 as never }), TypeError],
    [() => computeFans([5, 3], { fanIn: 0 }), RangeError],
    [() => computeFans([5, 3], { fanOut: Infinity }), RangeError],
    [() => computeFans([5, 3], { fanIn: '3' as never }), TypeError],
    [() => computeFans([5], { layout: 'keras', groups: 5 }), RangeError],
    [() => computeFans([5, 3], { stride: 2 } as never), TypeError],
    [() => computeFans([2 ** 30, 2 ** 30, 2 ** 30]), RangeError],
  ])('refuses bad input in the error grammar (%#)', (call, error) => {
    expect(call).toThrow(error);
    expect(call).toThrow(GRAMMAR);
  });
});

/** E[f(Z)^2] by composite Simpson on [-12, 0] and [0, 12] (error ~1e-12): a check of the table's digits, not their source. */
function secondMoment(f: (z: number) => number): number {
  const n = 24_000;
  let total = 0;
  for (const [from, to] of [[-12, 0], [0, 12]] as const) {
    const h = (to - from) / n;
    for (let i = 0; i <= n; i++) {
      const z = from + i * h;
      const weight = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
      total += ((weight * h) / 3) * f(z) ** 2 * (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI));
    }
  }
  return total;
}

describe('calculateGain', () => {
  it("gives PyTorch's table exactly", () => {
    for (const name of ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'] as const) {
      expect(calculateGain(name)).toBe(1);
    }
    expect(calculateGain('tanh')).toBe(5.0 / 3);
    expect(calculateGain('relu')).toBe(Math.sqrt(2.0));
    expect(calculateGain('selu')).toBe(3.0 / 4);
    expect(calculateGain('leaky_relu')).toBe(Math.sqrt(2.0 / (1 + 0.01 * 0.01)));
    for (const slope of [0, 0.2, Math.sqrt(5), -0.3, 1, 100]) {
      expect(calculateGain('leaky_relu', slope)).toBe(Math.sqrt(2.0 / (1 + slope * slope)));
    }
    // Other nonlinearities ignore the parameter, as in PyTorch (kaiming passes `a` to every one).
    expect(calculateGain('relu', 0.3)).toBe(Math.SQRT2);
  });

  it('gives the derived gains 1/sqrt(E[f(Z)^2]) for gelu, silu, elu and mish', () => {
    const phi = normalCdf;
    const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
    const functions = {
      gelu: (z: number) => z * phi(z),
      silu: (z: number) => z / (1 + Math.exp(-z)),
      mish: (z: number) => z * Math.tanh(softplus(z)),
      elu: (z: number) => (z > 0 ? z : Math.expm1(z)),
    };
    for (const [name, f] of Object.entries(functions)) {
      expect(calculateGain(name as 'gelu')).toBeCloseTo(1 / Math.sqrt(secondMoment(f)), 10);
    }
    // Closed forms: E[gelu(Z)^2] = 1/3 + 1/(2 pi sqrt 3); elu's C = e^2 Phi(-2) - 2 e^(1/2) Phi(-1) + 1/2.
    expect(calculateGain('gelu')).toBeCloseTo(1 / Math.sqrt(1 / 3 + 1 / (2 * Math.PI * Math.sqrt(3))), 14);
    const c = Math.exp(2) * phi(-2) - 2 * Math.exp(0.5) * phi(-1) + 0.5;
    for (const alpha of [1, 0.5, 2]) expect(calculateGain('elu', alpha)).toBeCloseTo(1 / Math.sqrt(0.5 + alpha * alpha * c), 14);
    // The same criterion gives relu its sqrt(2) and leaky_relu PyTorch's formula: the derivation agrees with PyTorch there.
    expect(1 / Math.sqrt(secondMoment((z) => Math.max(z, 0)))).toBeCloseTo(Math.SQRT2, 10);
    expect(1 / Math.sqrt(secondMoment((z) => (z > 0 ? z : 0.2 * z)))).toBeCloseTo(calculateGain('leaky_relu', 0.2), 10);
  });

  it('covers every name of the table', () => {
    expect(nonlinearities).toEqual(gainSpecs.map((spec) => spec.name));
    for (const spec of gainSpecs) expect(calculateGain(spec.name)).toBe(spec.gain);
  });

  it.each([
    [() => calculateGain('swish' as never), TypeError],
    [() => calculateGain('ReLU' as never), TypeError],
    [() => calculateGain(undefined as never), TypeError],
    [() => calculateGain('leaky_relu', true as never), TypeError],
    [() => calculateGain('leaky_relu', '0.2' as never), TypeError],
    [() => calculateGain('leaky_relu', NaN), RangeError],
    [() => calculateGain('elu', Infinity), RangeError],
  ])('refuses bad input in the error grammar (%#)', (call, error) => {
    expect(call).toThrow(error);
    expect(call).toThrow(GRAMMAR);
  });
});

describe('bounds and standard deviations equal the frameworks\' formulas', () => {
  const SEED = 424242;
  const VALUES = 40; // a slice of every tensor: equal bytes there mean an equal parameter
  type Draw = { kind: 'uniform'; bound: number } | { kind: 'normal'; std: number } | { kind: 'truncated'; std: number };

  /** The initializer's first values against the generator's draw with the formula's parameter, in float64. */
  function expectDraw(name: keyof typeof init.initializers, shape: number[], options: Record<string, unknown>, draw: Draw): void {
    const size = product(shape);
    const slice: [number, number] = [0, Math.min(VALUES, size)];
    const initializer = init.initializers[name] as unknown as (shape: number[], options: object) => Float64Array;
    const got = initializer(shape, { ...options, dtype: 'float64', slice, generator: new Generator(SEED) });
    const generator = new Generator(SEED);
    const common = { dtype: 'float64' as const, slice };
    const want =
      draw.kind === 'uniform'
        ? generator.uniform(size, { ...common, low: -draw.bound, high: draw.bound })
        : draw.kind === 'normal'
          ? generator.normal(size, { ...common, std: draw.std })
          : generator.truncatedNormal(size, { ...common, std: draw.std, a: -2, b: 2, bounds: 'std' });
    expect(firstDifference(got, want), `${name} ${JSON.stringify(shape)} ${JSON.stringify(options)}`).toBe(-1);
  }

  const torchCases = TORCH_SHAPES.filter((shape) => product(shape) > 0);
  const kerasCases = KERAS_SHAPES.filter((shape) => shape.length >= 2 && product(shape) > 0);

  it.each(torchCases)('PyTorch xavier_* and kaiming_* on %j', (...shape) => {
    const [fanIn, fanOut] = torchFans(shape);
    for (const gain of [1, 0.5, 5.0 / 3]) {
      const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
      expectDraw('xavierUniform', shape, { gain }, { kind: 'uniform', bound: Math.sqrt(3.0) * std });
      expectDraw('xavierNormal', shape, { gain }, { kind: 'normal', std });
    }
    for (const [a, mode, nonlinearity, gain] of [
      [0, 'fan_in', 'leaky_relu', Math.sqrt(2.0 / (1 + 0 * 0))], // PyTorch's defaults
      [Math.sqrt(5), 'fan_in', 'leaky_relu', Math.sqrt(2.0 / (1 + 5))], // nn.Linear and nn.Conv*
      [0.2, 'fan_out', 'leaky_relu', Math.sqrt(2.0 / (1 + 0.2 * 0.2))],
      [0.2, 'fan_in', 'relu', Math.sqrt(2.0)], // a is ignored
      [0, 'fan_out', 'tanh', 5.0 / 3],
      [0, 'fan_in', 'selu', 3.0 / 4],
    ] as const) {
      const fan = mode === 'fan_in' ? fanIn : fanOut;
      const std = gain / Math.sqrt(fan);
      expectDraw('kaimingUniform', shape, { a, mode, nonlinearity }, { kind: 'uniform', bound: Math.sqrt(3.0) * std });
      expectDraw('kaimingNormal', shape, { a, mode, nonlinearity }, { kind: 'normal', std });
    }
  });

  /** Keras's VarianceScaling (and JAX's fan_geo_avg), in float64. */
  function kerasDraw(fanIn: number, fanOut: number, scale: number, mode: string, distribution: string): Draw {
    let s = scale;
    if (mode === 'fan_in') s /= Math.max(1.0, fanIn);
    else if (mode === 'fan_out') s /= Math.max(1.0, fanOut);
    else if (mode === 'fan_avg') s /= Math.max(1.0, (fanIn + fanOut) / 2.0);
    else s /= Math.max(1.0, Math.sqrt(fanIn * fanOut));
    if (distribution === 'truncated_normal') return { kind: 'truncated', std: Math.sqrt(s) / 0.87962566103423978 };
    if (distribution === 'uniform') return { kind: 'uniform', bound: Math.sqrt(3.0 * s) };
    return { kind: 'normal', std: Math.sqrt(s) };
  }

  it.each(kerasCases.map((shape) => [shape]))('Keras/JAX named initializers and VarianceScaling on %j', (shape) => {
    const [fanIn, fanOut] = kerasFans(shape);
    const named = [
      ['glorotUniform', 1, 'fan_avg', 'uniform'],
      ['glorotNormal', 1, 'fan_avg', 'truncated_normal'],
      ['heUniform', 2, 'fan_in', 'uniform'],
      ['heNormal', 2, 'fan_in', 'truncated_normal'],
      ['lecunUniform', 1, 'fan_in', 'uniform'],
      ['lecunNormal', 1, 'fan_in', 'truncated_normal'],
    ] as const;
    for (const [name, scale, mode, distribution] of named) expectDraw(name, shape, {}, kerasDraw(fanIn, fanOut, scale, mode, distribution));
    for (const scale of [1, 0.1, 3]) {
      for (const mode of ['fan_in', 'fan_out', 'fan_avg', 'fan_geo_avg']) {
        for (const distribution of ['truncated_normal', 'untruncated_normal', 'normal', 'uniform']) {
          expectDraw('varianceScaling', shape, { scale, mode, distribution }, kerasDraw(fanIn, fanOut, scale, mode, distribution));
        }
      }
    }
  });

  it('takes either layout for either family, and the fan options', () => {
    const torchShape = [64, 16, 3, 3];
    const kerasShape = [3, 3, 16, 64];
    const [fanIn, fanOut] = torchFans(torchShape);
    expect(kerasFans(kerasShape)).toEqual([fanIn, fanOut]);
    expectDraw('kaimingNormal', kerasShape, { layout: 'keras' }, { kind: 'normal', std: Math.sqrt(2.0) / Math.sqrt(fanIn) });
    expectDraw('heNormal', torchShape, { layout: 'torch' }, kerasDraw(fanIn, fanOut, 2, 'fan_in', 'truncated_normal'));
    // Conv2d(64, 64, 3, groups=4): true fan_out = 64/4 * 9.
    const grouped = [64, 16, 3, 3];
    expectDraw('xavierUniform', grouped, { groups: 4 }, { kind: 'uniform', bound: Math.sqrt(3.0) * Math.sqrt(2.0 / (144 + 144)) });
    expectDraw('glorotUniform', [3, 3, 16, 64], { groups: 4 }, kerasDraw(144, 144, 1, 'fan_avg', 'uniform'));
    // ConvTranspose2d(16, 32, 3): weight [16, 32, 3, 3], true fan_in 16*9, fan_out 32*9.
    expectDraw('kaimingNormal', [16, 32, 3, 3], { transposed: true, nonlinearity: 'relu' }, { kind: 'normal', std: Math.sqrt(2.0) / Math.sqrt(144) });
    expectDraw('varianceScaling', [7], { fanIn: 3, fanOut: 5, mode: 'fan_avg' }, kerasDraw(3, 5, 1, 'fan_avg', 'truncated_normal'));
    // Keras's max(1, n) guard, and its rank 0 and 1 rules.
    expectDraw('varianceScaling', [5], { fanIn: 0.25, distribution: 'uniform' }, { kind: 'uniform', bound: Math.sqrt(3.0) });
    expectDraw('lecunUniform', [], {}, kerasDraw(1, 1, 1, 'fan_in', 'uniform'));
    expectDraw('heUniform', [12], {}, kerasDraw(12, 12, 2, 'fan_in', 'uniform'));
  });
});
