/**
 * The init explorer (lib/explore/, docs/explore.md): its matrix products, its verdicts on the
 * classic experiments (the theory's predictions, at a fixed seed), the gain recommendation
 * against calculateGain, the training run, and the same results, to the bit, on every backend.
 */
import { describe, expect, it } from 'vitest';
import { activationChoices, initializerChoice, parseChoice } from '../lib/explore/choices.js';
import { type Configuration, DEFAULTS, type ExploreResult, explore } from '../lib/explore/index.js';
import { multiplyAdd, productNorm, transpose } from '../lib/explore/matrix.js';
import { GAIN_AGREEMENT } from '../lib/explore/recommend.js';
import { renderSvg } from '../lib/explore/svg.js';
import { formatNumber, renderText } from '../lib/explore/text.js';
import { spirals } from '../lib/explore/train.js';
import {
  DEAD_FRACTION,
  EXPLODING_RATIO,
  type LayerStatistics,
  SATURATED_FRACTION,
  VANISHING_RATIO,
  judge,
} from '../lib/explore/verdicts.js';
import { calculateGain } from '../lib/init/gains.js';
import { Generator } from '../lib/random/generator.js';
import { backends, fallback } from './helpers/backends.js';

describe('matrix products', () => {
  const naive = (a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number) => {
    const c = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) c[i * n + j] += a[i * k + p]! * b[p * n + j]!;
    return c;
  };
  // Sizes that are and are not multiples of the 2-row and 4-column blocks.
  for (const [m, k, n] of [[1, 1, 1], [2, 4, 3], [3, 5, 2], [7, 9, 11], [8, 16, 5]] as const) {
    it(`multiplyAdd adds a (${m}×${k}) · b (${k}×${n}) to c`, () => {
      const generator = new Generator(m * 100 + k * 10 + n, { kernels: fallback.kernels });
      const a = generator.normal(m * k, { dtype: 'float64' });
      const b = generator.normal(k * n, { dtype: 'float64' });
      const c = generator.normal(m * n, { dtype: 'float64' });
      const expected = naive(a, b, m, k, n).map((value, i) => value + c[i]!);
      multiplyAdd(a, b, c, m, k, n);
      for (let i = 0; i < m * n; i++) expect(c[i]).toBeCloseTo(expected[i]!, 12);
    });
  }

  it('transpose swaps rows and columns and keeps the element type', () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const t = transpose(a, 2, 3);
    expect(t).toBeInstanceOf(Float32Array);
    expect([...t]).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('productNorm is the Frobenius norm of dᵀ·x', () => {
    const generator = new Generator(3, { kernels: fallback.kernels });
    const [m, p, q] = [5, 4, 3];
    const d = generator.normal(m * p, { dtype: 'float64' });
    const x = generator.normal(m * q, { dtype: 'float64' });
    const product = naive(transpose(d, m, p), x, p, m, q);
    const expected = Math.sqrt(product.reduce((sum, value) => sum + value * value, 0));
    expect(productNorm(d, x, m, p, q)).toBeCloseTo(expected, 12);
  });
});

describe('choices', () => {
  it('parses name:key=value pairs into numbers, booleans and strings', () => {
    expect(parseChoice('normal:std=0.01:mean=-1', 'init')).toEqual({ name: 'normal', params: { std: 0.01, mean: -1 } });
    expect(parseChoice('kaimingNormal:nonlinearity=relu', 'init')).toEqual({ name: 'kaimingNormal', params: { nonlinearity: 'relu' } });
    expect(parseChoice('tanh', 'activation')).toEqual({ name: 'tanh', params: {} });
    expect(() => parseChoice('normal:std', 'init')).toThrow(new RangeError('Expected key=value after "normal" for init but received "normal:std"'));
    expect(() => parseChoice(':std=1', 'init')).toThrow(RangeError);
  });

  it("finds initializers by the table's names, PyTorch's snake_case included", () => {
    for (const name of ['xavier_normal_', 'XavierNormal', 'xavierNormal']) {
      expect(initializerChoice(name, 'init', [4, 4]).name).toBe('xavierNormal');
    }
    expect(() => initializerChoice('xavier', 'init', [4, 4])).toThrow(/^Expected one of zeros, ones, .* for init name but received "xavier"$/);
  });

  it("validates an initializer's parameters with the initializer's own checks", () => {
    expect(() => initializerChoice('normal:sd=1', 'init', [4, 4])).toThrow(new TypeError('Expected one of mean, std for normal params but received an unknown option "sd"'));
    expect(() => initializerChoice('normal:std=-1', 'init', [4, 4])).toThrow(RangeError);
    expect(() => initializerChoice('sparse', 'init', [4, 4])).toThrow(/for sparsity but received undefined/);
    expect(initializerChoice('sparse:sparsity=0.5', 'init', [4, 4]).label).toBe('sparse:sparsity=0.5');
  });

  it('finds activations of the element-wise table by any alias, with their saturation bounds and gain entries', () => {
    const [leaky, tanh, relu, selu, sigmoid, relu6, hardTanh] = activationChoices(
      ['LeakyReLU:negativeSlope=0.2', 'tanh', 'relu', 'selu', 'sigmoid', 'relu6', 'hardtanh:minVal=-2:maxVal=3'],
      fallback.api,
    );
    expect(leaky!.label).toBe('leakyRelu:negativeSlope=0.2');
    expect(leaky!.gain).toEqual({ nonlinearity: 'leaky_relu', param: 0.2, value: calculateGain('leaky_relu', 0.2) });
    expect(tanh!.saturation).toEqual({ bounds: [-1, 1], range: 2 });
    expect(sigmoid!.saturation).toEqual({ bounds: [0, 1], range: 1 });
    // relu6 at 0 is off, as relu is: that counts as dead, not saturated.
    expect(relu6!.saturation).toEqual({ bounds: [6], range: 6 });
    expect(hardTanh!.saturation).toEqual({ bounds: [-2, 3], range: 5 });
    expect(relu!.saturation).toBeNull();
    expect(selu!.gain?.value).toBe(3 / 4);
    expect(() => activationChoices(['softmax'], fallback.api)).toThrow(RangeError);
    expect(() => activationChoices(['threshold'], fallback.api)).toThrow(/threshold/);
  });
});

describe('verdicts', () => {
  const layer = (overrides: Partial<LayerStatistics>, index = 1): LayerStatistics => ({
    layer: index,
    mean: 0,
    std: 1,
    saturated: null,
    dead: 0,
    spread: 1,
    gradientNorm: 1,
    symmetric: false,
    ...overrides,
  });
  const layers = (list: Partial<LayerStatistics>[]) => list.map((overrides, i) => layer(overrides, i + 1));

  it('is healthy inside every threshold, at the thresholds themselves', () => {
    const result = judge(layers([{ std: VANISHING_RATIO, saturated: SATURATED_FRACTION }, { std: EXPLODING_RATIO, dead: DEAD_FRACTION }]), 1);
    expect(result).toEqual({ verdict: 'healthy', problems: [] });
  });

  it('flags each problem just past its threshold, at the layer where it appears', () => {
    expect(judge(layers([{}, { std: VANISHING_RATIO * 0.99 }]), 1).problems[0]).toMatchObject({ kind: 'vanishing', layer: 2 });
    expect(judge(layers([{}, { std: EXPLODING_RATIO * 1.01 }]), 1).problems[0]).toMatchObject({ kind: 'exploding', layer: 2 });
    expect(judge(layers([{}, { std: Infinity }]), 1).verdict).toBe('exploding');
    expect(judge(layers([{}, { std: NaN }]), 1).verdict).toBe('exploding');
    expect(judge(layers([{ saturated: 0.51 }]), 1).verdict).toBe('saturated');
    expect(judge(layers([{ dead: 0.51 }]), 1).verdict).toBe('dead');
    expect(judge(layers([{}, { symmetric: true }]), 1).problems[0]).toMatchObject({ kind: 'symmetric', layer: 2 });
  });

  it('compares weight gradients with the last layer and names the deepest layer past the threshold', () => {
    const vanishing = judge(layers([{ gradientNorm: 1e-4 }, { gradientNorm: 1e-3 }, { gradientNorm: 0.5 }, { gradientNorm: 1 }]), 1);
    expect(vanishing.problems).toEqual([{ kind: 'vanishing', layer: 2, detail: "the weight gradient of layer 2 is 0.0010 × the last layer's" }]);
    expect(judge(layers([{ gradientNorm: 100 }, { gradientNorm: 1 }]), 1).problems[0]).toMatchObject({ kind: 'exploding', layer: 1 });
    // A last gradient of zero leaves nothing to compare with.
    expect(judge(layers([{ gradientNorm: 1 }, { gradientNorm: 0 }]), 1).verdict).toBe('healthy');
  });

  it('orders problems by precedence: symmetric, saturated, dead, exploding, vanishing', () => {
    const all = judge(layers([{ symmetric: true, saturated: 0.9, dead: 0.9, std: 1e3 }, { std: 1e-3 }]), 1);
    expect(all.problems.map((problem) => problem.kind)).toEqual(['symmetric', 'saturated', 'dead', 'exploding', 'vanishing']);
    expect(all.verdict).toBe('symmetric');
  });
});

describe('the classic comparison (defaults: 10 layers of 512, seed 0)', () => {
  const result = explore();
  const find = (activation: string, initializer: string): Configuration => {
    const found = result.configurations.find((c) => c.activation === activation && c.initializer === initializer);
    if (!found) throw new Error(`no configuration ${activation} × ${initializer}`);
    return found;
  };

  it('runs every default activation with every default initializer', () => {
    const initializers = DEFAULTS.initializers;
    expect(result.settings).toMatchObject({ depth: 10, width: 512, batch: 32, dtype: 'float32', seed: 0, bias: 'zeros' });
    expect(result.settings.initializers).toEqual(initializers);
    expect(result.configurations.map((c) => `${c.activation} × ${c.initializer}`)).toEqual(
      DEFAULTS.activations.flatMap((activation) => initializers.map((initializer) => `${activation} × ${initializer}`)),
    );
    expect(result.configurations.every((c) => c.layers.length === 10)).toBe(true);
  });

  it('zeros never break the symmetry, whatever the activation', () => {
    for (const activation of DEFAULTS.activations) {
      expect(find(activation, 'zeros').verdict).toBe('symmetric');
      expect(find(activation, 'zeros').problems[0]!.layer).toBe(1);
    }
  });

  it('small random weights (std 0.01) make tanh and relu activations vanish by layer 5, layer after layer', () => {
    for (const activation of ['tanh', 'relu']) {
      const configuration = find(activation, 'normal:std=0.01');
      expect(configuration.verdict).toBe('vanishing');
      expect(configuration.problems[0]!.layer).toBeLessThanOrEqual(5);
      const stds = configuration.layers.map((layer) => layer.std);
      for (let i = 1; i < stds.length; i++) expect(stds[i]).toBeLessThan(stds[i - 1]! * 0.5);
    }
  });

  it('small random weights make the gradients of a sigmoid network vanish', () => {
    const configuration = find('sigmoid', 'normal:std=0.01');
    expect(configuration.verdict).toBe('vanishing');
    expect(configuration.layers[0]!.gradientNorm / configuration.layers[9]!.gradientNorm).toBeLessThan(1e-6);
  });

  it('large weights (std 1) saturate tanh and sigmoid from the first layer, and make relu explode', () => {
    for (const activation of ['tanh', 'sigmoid']) {
      const configuration = find(activation, 'normal:std=1');
      expect(configuration.verdict).toBe('saturated');
      expect(configuration.problems[0]!.layer).toBe(1);
      expect(configuration.layers.every((layer) => layer.saturated! > SATURATED_FRACTION)).toBe(true);
    }
    expect(find('relu', 'normal:std=1').verdict).toBe('exploding');
    expect(find('relu', 'normal:std=1').problems[0]!.layer).toBe(1);
    expect(find('relu', 'normal:std=1').layers[9]!.std).toBeGreaterThan(1e10);
  });

  it('xavier keeps tanh healthy and he keeps relu healthy over the 10 layers', () => {
    for (const [activation, initializer] of [['tanh', 'xavierNormal'], ['relu', 'kaimingNormal'], ['tanh', 'kaimingNormal']] as const) {
      const configuration = find(activation, initializer);
      expect(configuration.verdict, `${activation} × ${initializer}: ${configuration.problems[0]?.detail}`).toBe('healthy');
    }
    const relu = find('relu', 'kaimingNormal').layers.map((layer) => layer.std);
    expect(Math.max(...relu) / Math.min(...relu)).toBeLessThan(1.5);
  });

  it('xavier halves the variance of a relu network at every layer (the reason for He), which vanishes by layer 10', () => {
    const configuration = find('relu', 'xavierNormal');
    expect(configuration.verdict).toBe('vanishing');
    const stds = configuration.layers.map((layer) => layer.std);
    for (let i = 1; i < stds.length; i++) expect(stds[i]! / stds[i - 1]!).toBeCloseTo(Math.SQRT1_2, 1);
  });

  it('orthogonal keeps tanh healthy and better conditioned than a Gaussian of the same variance; with gain 1 it halves relu\'s variance like xavier', () => {
    const orthogonal = find('tanh', 'orthogonal');
    expect(orthogonal.verdict).toBe('healthy');
    for (const [i, layer] of orthogonal.layers.entries()) expect(layer.spread).toBeLessThan(find('tanh', 'xavierNormal').layers[i]!.spread);
    expect(orthogonal.layers[9]!.spread).toBeLessThan(1.25);
    expect(find('relu', 'orthogonal').verdict).toBe('vanishing');
  });

  it("no initializer saves a 10-layer sigmoid network's gradients: sigmoid' is at most 1/4", () => {
    for (const initializer of ['xavierNormal', 'kaimingNormal', 'orthogonal']) expect(find('sigmoid', initializer).verdict).toBe('vanishing');
  });

  it('the dead units of a relu network do not depend on the scale of its weights (relu is positively homogeneous)', () => {
    const dead = (initializer: string) => find('relu', initializer).layers.map((layer) => layer.dead);
    expect(dead('normal:std=0.01')).toEqual(dead('kaimingNormal'));
    expect(dead('normal:std=1')).toEqual(dead('kaimingNormal'));
  });

  it('recommends calculateGain for tanh and relu, where it agrees with the measured gain, and the check runs are healthy', () => {
    const [tanh, sigmoid, relu] = result.recommendations;
    expect(relu).toMatchObject({ activation: 'relu', agrees: true, gain: Math.SQRT2, initializer: 'kaimingNormal:nonlinearity=relu' });
    // 2^16 samples: the measured gain's relative standard error is about 0.45 % for relu.
    expect(Math.abs(relu!.measuredGain / Math.SQRT2 - 1)).toBeLessThan(0.02);
    expect(relu!.check.verdict).toBe('healthy');
    expect(tanh).toMatchObject({ activation: 'tanh', agrees: true, gain: 5 / 3, initializer: 'kaimingNormal:nonlinearity=tanh' });
    expect(Math.abs(tanh!.measuredGain / (5 / 3) - 1)).toBeLessThan(GAIN_AGREEMENT);
    expect(tanh!.check.verdict).toBe('healthy');
    // PyTorch's gain for sigmoid is 1, far from what keeps its pre-activations' variance; the
    // measured one is recommended, and the check still finds the gradients vanishing.
    expect(sigmoid).toMatchObject({ activation: 'sigmoid', agrees: false, calculateGain: { nonlinearity: 'sigmoid', gain: 1 } });
    expect(sigmoid!.gain).toBe(sigmoid!.measuredGain);
    expect(sigmoid!.initializer).toMatch(/^varianceScaling:scale=3\.\d+:mode=fan_in:distribution=normal$/);
    expect(sigmoid!.check.verdict).toBe('vanishing');
  });
});

describe('explore', () => {
  const small = { depth: 4, width: 48, batch: 9, activations: ['tanh', 'relu', 'leakyRelu:negativeSlope=0.2'], initializers: ['zeros', 'normal:std=0.1', 'kaimingUniform', 'glorotNormal', 'orthogonal:gain=1.2'] };

  it('a negative bias kills relu units: dead', () => {
    const result = explore({ ...small, width: 128, depth: 10, activations: ['relu'], initializers: ['kaimingNormal'], bias: 'constant:value=-1', recommend: false });
    expect(result.configurations[0]).toMatchObject({ verdict: 'dead' });
  });

  it('spread: orthogonal linear layers keep a deep linear network an isometry, Gaussian ones of the same variance do not, more so with depth', () => {
    const options = { depth: 20, width: 128, batch: 16, activations: ['identity', 'tanh'], recommend: false };
    const initializers = ['eye', 'kaimingNormal:nonlinearity=linear', 'orthogonal'];
    const [eye, gaussian, orthogonal, , tanhGaussian, tanhOrthogonal] = explore({ ...options, initializers }).configurations;
    expect(eye!.layers.map((layer) => layer.spread)).toEqual(Array(20).fill(1));
    // float32 rounding only: ‖Q·v‖ = ‖v‖ for an orthogonal Q.
    for (const layer of orthogonal!.layers) expect(Math.abs(layer.spread - 1)).toBeLessThan(1e-4);
    expect(orthogonal!.verdict).toBe('healthy');
    const spreads = gaussian!.layers.map((layer) => layer.spread);
    expect(spreads[0]).toBeGreaterThan(1.05);
    expect(spreads[19]).toBeGreaterThan(2 * spreads[0]!);
    expect(tanhOrthogonal!.layers[19]!.spread).toBeLessThan(tanhGaussian!.layers[19]!.spread);
    // No direction survives all-zero weights: 0/0.
    expect(explore({ ...options, depth: 2, initializers: ['zeros'] }).configurations[0]!.layers[1]!.spread).toBeNaN();
  });

  it('reports progress after each run', () => {
    const seen: string[] = [];
    explore({ ...small, activations: ['tanh'], initializers: ['zeros', 'eye'], onProgress: ({ done, total, task }) => seen.push(`${done}/${total} ${task}`) });
    expect(seen).toEqual(['1/3 tanh × zeros', '2/3 tanh × eye', '3/3 tanh × kaimingNormal:nonlinearity=tanh']);
  });

  it('gives the same bits on every backend (the fallback twice among them), for float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const options = { ...small, dtype, seed: 7, train: { depth: 2, width: 8, steps: 30, pointsPerClass: 20, batch: 8 } };
      const reference = explore({ ...options, kernels: fallback.kernels });
      for (const backend of backends) expect(explore({ ...options, kernels: backend.kernels }), `${backend.label} ${dtype}`).toEqual(reference);
    }
  });

  it('draws from the seed: another seed gives other numbers and the same verdicts', () => {
    const [a, b] = [explore({ ...small, seed: 1 }), explore({ ...small, seed: 2 })];
    expect(a.configurations[1]!.layers[0]!.std).not.toBe(b.configurations[1]!.layers[0]!.std);
    expect(a.configurations.map((c) => c.verdict)).toEqual(b.configurations.map((c) => c.verdict));
  });

  it('validates its options with the library grammar', () => {
    expect(() => explore({ depth: 0 })).toThrow(new RangeError('Expected an integer from 1 to 1000 for depth but received 0'));
    expect(() => explore({ width: 1.5 })).toThrow(RangeError);
    expect(() => explore({ batch: '8' as unknown as number })).toThrow(TypeError);
    expect(() => explore({ dtype: 'float16' as 'float32' })).toThrow(new TypeError('Expected "float32" or "float64" for dtype but received "float16"'));
    expect(() => explore({ activations: [] })).toThrow(RangeError);
    expect(() => explore({ initializers: 'zeros' as unknown as string[] })).toThrow(TypeError);
    expect(() => explore({ seed: -1 })).toThrow(RangeError);
    expect(() => explore({ train: { steps: 0 } })).toThrow(RangeError);
    expect(() => explore({ train: { momentum: 0.9 } as object })).toThrow(TypeError);
    expect(() => explore({ colour: true } as object)).toThrow(/^Expected one of depth, .* for explore options but received an unknown option "colour"$/);
    expect(() => explore({ initializers: [{ name: 'normal', params: { std: [1] } }] as unknown as string[] })).toThrow(TypeError);
  });

  it('accepts choices as objects as well as strings', () => {
    const options = { ...small, activations: ['tanh'], recommend: false };
    expect(explore({ ...options, initializers: [{ name: 'normal', params: { std: 0.1 } }] })).toEqual(explore({ ...options, initializers: ['normal:std=0.1'] }));
  });
});

describe('training on two spirals', () => {
  it('makes two interleaved spirals, half of each class', () => {
    const { inputs, labels } = spirals(50, 'float64', new Generator(0, { kernels: fallback.kernels }));
    expect(inputs.length).toBe(200);
    expect(labels.filter((label) => label === 1).length).toBe(50);
    // Point i of one arm and point i of the other lie on opposite sides of the origin.
    for (let i = 10; i < 50; i++) expect(inputs[2 * i]! * inputs[2 * (50 + i)]! + inputs[2 * i + 1]! * inputs[2 * (50 + i) + 1]!).toBeLessThan(0);
  });

  const trained = explore({
    depth: 1,
    width: 4,
    batch: 2,
    activations: ['relu', 'tanh'],
    initializers: ['zeros', 'normal:std=0.01', 'kaimingNormal'],
    recommend: false,
    train: true,
  });
  const run = (activation: string, initializer: string) =>
    trained.training!.runs.find((r) => r.activation === activation && r.initializer === initializer)!.curve;

  it('good initialization converges, bad initialization does not (seed 0)', () => {
    for (const activation of ['relu', 'tanh']) {
      const good = run(activation, 'kaimingNormal');
      expect(good.loss.at(-1)).toBeLessThan(0.3);
      expect(good.accuracy).toBeGreaterThan(0.9);
      for (const bad of ['zeros', 'normal:std=0.01']) {
        expect(run(activation, bad).loss.at(-1)).toBeGreaterThan(0.65);
        expect(run(activation, bad).accuracy).toBeLessThan(0.7);
      }
    }
  });

  it('records the loss at step 0 and every twentieth of the run', () => {
    const curve = run('relu', 'kaimingNormal');
    expect(curve.steps).toEqual(Array.from({ length: 21 }, (_, i) => i * 20));
    expect(curve.loss[0]).toBeGreaterThan(0);
  });
});

describe('rendering', () => {
  const result: ExploreResult = explore({
    depth: 12,
    width: 32,
    batch: 8,
    activations: ['tanh', 'relu'],
    initializers: ['zeros', 'normal:std=1', 'kaimingNormal'],
    train: { depth: 2, width: 8, steps: 20, pointsPerClass: 16, batch: 8 },
  });

  it('formats numbers in at most 8 characters', () => {
    for (const [value, text] of [[0, '0'], [0.000123, '1.2e-4'], [12345678, '1.2e7'], [0.5, '0.5'], [-0.0123456, '-0.0123'], [NaN, 'nan'], [Infinity, 'inf'], [null, 'nan']] as const) {
      expect(formatNumber(value)).toBe(text);
    }
  });

  it('prints each configuration, the summary, the recommendations and the training', () => {
    const text = renderText(result, 'test');
    expect(text).toContain('kindling explore: 12 layers of 32 units, batch 8, float32, seed 0, biases zeros (test)');
    expect(text).toMatch(/^tanh × zeros +SYMMETRIC: /m);
    expect(text).toMatch(/^relu × normal:std=1 +EXPLODING: /m);
    // 12 layers: two rows of layer columns.
    expect(text.match(/^ {2}layer +1 +2 /gm)?.length).toBe(6);
    expect(text.match(/^ {2}layer +11 +12$/gm)?.length).toBe(6);
    expect(text).toMatch(/^Summary$/m);
    expect(text).toMatch(/^ {2}relu +1\.41 +1\.41 \('relu'\) agrees +kaimingNormal:nonlinearity=relu +[\d.]+ → [\d.]+ +healthy$/m);
    expect(text).toMatch(/^Training: two spirals, 2 hidden layers of 8, 20 SGD steps/m);
  });

  it('draws one line per configuration and per training run, and says which cannot be drawn', () => {
    const svg = renderSvg(result);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // zeros: std 0 at every layer, nothing to draw on a log scale.
    expect(svg).toContain('Not drawn (std 0 or not finite at every layer):');
    expect(svg).toContain('  tanh × zeros');
    const legend = result.configurations.map((c) => `${c.activation} × ${c.initializer}: ${c.verdict}`);
    for (const label of legend) expect(svg).toContain(`>${label}</text>`);
    expect(svg).toContain('Training on two spirals');
    expect(svg.match(/<polyline /g)!.length).toBeGreaterThanOrEqual(4 + 6);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });
});
