/**
 * Weight initializers (lib/init, docs/initializers.md) on every backend: the same bytes natively
 * and in the fallback for every initializer and dtype, recipes that round-trip through JSON to
 * identical bytes, slices equal to slices of the whole, Promise forms; distributions at fixed
 * seeds against their exact laws; the deterministic ones against PyTorch's definitions; and
 * validation in lib/validate.ts's grammar.
 *
 * Statistical checks reject at ALPHA = 5.73e-7 each (|z| < 5, KS p-value above ALPHA), on one
 * backend (every backend gives the same bits, tested here), with fixed seeds: deterministic.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FloatArray } from '../binding.js';
import * as init from '../lib/init/index.js';
import { Generator, manualSeed } from '../lib/random/generator.js';
import { type InitializerName, initializerNames, initializerSpecs } from '../lib/spec/initializers.js';
import { type TestBackend, backends, fallback, nativeBackends } from './helpers/backends.js';
import { bits32, firstDifference } from './helpers/numbers.js';
import { ALPHA, Z_CRITICAL, ksTest, moments, normalCdf, truncatedNormal } from './helpers/statistics.js';

const GRAMMAR = /^Expected .+ for .+ but received .+$/;
type Options = Record<string, unknown>;
type AnyInitializer = ((shape: readonly number[], options?: Options) => FloatArray) & {
  async: (shape: readonly number[], options?: Options) => Promise<FloatArray>;
  recipe: (shape: readonly number[], options?: Options) => init.Recipe;
};
const initializer = (name: InitializerName) => init.initializers[name] as unknown as AnyInitializer;
const product = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);
const sha256 = (array: FloatArray) => createHash('sha256').update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)).digest('hex');

interface Case {
  readonly name: InitializerName;
  readonly shape: readonly number[];
  readonly options?: Options;
}

/** Every initializer at least once, with non-default parameters; about a thousand values each. */
const CASES: readonly Case[] = [
  { name: 'zeros', shape: [7, 9] },
  { name: 'ones', shape: [7, 9] },
  { name: 'constant', shape: [7, 9], options: { value: -0.3 } },
  { name: 'uniform', shape: [33, 31], options: { low: -3, high: 5 } },
  { name: 'normal', shape: [33, 31], options: { mean: 1, std: 0.5 } },
  { name: 'truncatedNormal', shape: [33, 31], options: { mean: 0.5, std: 2, a: -1, b: 1 } },
  { name: 'truncatedNormal', shape: [33, 31], options: { std: 0.1, a: -Infinity, b: 1, bounds: 'std' } },
  { name: 'eye', shape: [20, 37], options: { gain: 2 } },
  { name: 'dirac', shape: [12, 6, 3, 3], options: { groups: 2 } },
  { name: 'dirac', shape: [3, 5, 6, 12], options: { groups: 3, layout: 'keras' } },
  { name: 'xavierUniform', shape: [40, 10, 3], options: { gain: 1.5 } },
  { name: 'xavierNormal', shape: [40, 30] },
  { name: 'kaimingUniform', shape: [40, 30], options: { a: Math.sqrt(5) } },
  { name: 'kaimingNormal', shape: [40, 10, 3], options: { mode: 'fan_out', nonlinearity: 'relu' } },
  { name: 'kaimingNormal', shape: [3, 3, 10, 12], options: { layout: 'keras', nonlinearity: 'gelu' } },
  { name: 'sparse', shape: [50, 30], options: { sparsity: 0.3, std: 0.5 } },
  { name: 'sparse', shape: [30, 50], options: { sparsity: 0.1, layout: 'keras' } },
  { name: 'orthogonal', shape: [20, 3, 3], options: { gain: 1.5 } },
  { name: 'orthogonal', shape: [3, 3, 8, 12], options: { layout: 'keras' } },
  { name: 'deltaOrthogonal', shape: [3, 3, 8, 12] },
  { name: 'deltaOrthogonal', shape: [12, 8, 4], options: { layout: 'torch', gain: 2 } },
  { name: 'glorotUniform', shape: [3, 3, 8, 16] },
  { name: 'glorotNormal', shape: [30, 40] },
  { name: 'heUniform', shape: [30, 40] },
  { name: 'heNormal', shape: [3, 8, 40] },
  { name: 'lecunUniform', shape: [30, 40] },
  { name: 'lecunNormal', shape: [30, 40] },
  { name: 'varianceScaling', shape: [30, 40], options: { scale: 0.5, mode: 'fan_geo_avg', layout: 'torch' } },
  { name: 'varianceScaling', shape: [30, 40], options: { mode: 'fan_out', distribution: 'normal' } },
  { name: 'varianceScaling', shape: [3, 3, 4, 32], options: { scale: 3, mode: 'fan_avg', distribution: 'uniform', groups: 4 } },
];
const DTYPES = ['float32', 'float64'] as const;
const label = (c: Case) => `${c.name}(${JSON.stringify(c.shape)}${c.options ? `, ${JSON.stringify(c.options)}` : ''})`;
const SEED = 20261123;

/** The fallback's bytes for each case and dtype: every backend must give them. */
const fallbackHashes = new Map<string, string>();
function referenceHash(c: Case, dtype: string): string {
  const key = `${label(c)}/${dtype}`;
  let hash = fallbackHashes.get(key);
  if (hash === undefined) {
    hash = sha256(initializer(c.name)(c.shape, { ...c.options, dtype, generator: new Generator(SEED, { kernels: fallback.kernels }) }));
    fallbackHashes.set(key, hash);
  }
  return hash;
}

it('covers every initializer of the table', () => {
  expect(new Set(CASES.map((c) => c.name))).toEqual(new Set(initializerNames));
  expect(Object.keys(init.initializers).sort()).toEqual([...initializerNames].sort());
});

describe.each(backends)('$label', ({ kernels }: TestBackend) => {
  const seeded = () => new Generator(SEED, { kernels });

  it.each(CASES.map((c) => [label(c), c] as const))('%s: the fallback\'s bytes, and its recipe regenerates them', (_, c) => {
    for (const dtype of DTYPES) {
      const generator = seeded();
      const values = initializer(c.name)(c.shape, { ...c.options, dtype, generator });
      expect(values).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
      expect(values).toHaveLength(product(c.shape));
      expect(sha256(values), dtype).toBe(referenceHash(c, dtype));

      const described = seeded();
      const recipe = initializer(c.name).recipe(c.shape, { ...c.options, dtype, generator: described });
      expect(described.state(), 'the recipe advances the generator as the draw').toEqual(generator.state());
      const stored = JSON.parse(JSON.stringify(recipe)) as init.Recipe;
      expect(stored).toEqual(recipe);
      expect(sha256(init.fromRecipe(stored, { kernels })), `${dtype} from the recipe`).toBe(sha256(values));
      // ...and on any other backend.
      expect(sha256(init.fromRecipe(stored, { kernels: fallback.kernels }))).toBe(sha256(values));
    }
  });

  it.each(CASES.map((c) => [label(c), c] as const))('%s: slices equal slices of the whole; Promise form; out', async (_, c) => {
    const size = product(c.shape);
    const whole = seeded();
    const all = initializer(c.name)(c.shape, { ...c.options, generator: whole });
    const half = Math.floor(size / 2);
    for (const [start, end] of [[0, 1], [Math.min(17, size), Math.min(95, size)], [Math.max(0, size - 33), size], [half, half], [0, size]] as const) {
      const part = seeded();
      const slice = initializer(c.name)(c.shape, { ...c.options, slice: [start, end], generator: part });
      expect(firstDifference(slice, all.subarray(start, end)), `[${start}, ${end})`).toBe(-1);
      expect(part.offset).toBe(whole.offset);
      const recipe = initializer(c.name).recipe(c.shape, { ...c.options, slice: [start, end], generator: seeded() });
      expect(recipe.slice).toEqual([start, end]);
      expect(firstDifference(init.fromRecipe(JSON.parse(JSON.stringify(recipe)), { kernels }), slice)).toBe(-1);
    }
    const out = new Float64Array(size).fill(NaN);
    const generator = seeded();
    const promised = initializer(c.name).async(c.shape, { ...c.options, out, generator });
    const sync = seeded();
    initializer(c.name)(c.shape, { ...c.options, dtype: 'float64', generator: sync });
    expect(generator.offset, 'blocks are reserved at the call').toBe(sync.offset);
    expect(await promised).toBe(out);
    expect(sha256(out)).toBe(referenceHash(c, 'float64'));
  });
});

describe('initializers', () => {
  const backend = nativeBackends.at(-1) ?? fallback;
  const seeded = (seed = SEED) => new Generator(seed, { kernels: backend.kernels });

  it('are the varianceScaling settings the table gives', () => {
    for (const spec of initializerSpecs) {
      if (!('varianceScaling' in spec)) continue;
      for (const [shape, layout] of [[[3, 3, 8, 16], 'keras'], [[16, 8, 3], 'torch']] as const) {
        const named = initializer(spec.name)(shape, { layout, generator: seeded() });
        const general = init.varianceScaling(shape, { ...spec.varianceScaling, layout, generator: seeded() });
        expect(firstDifference(named, general), spec.name).toBe(-1);
      }
    }
  });

  it('draw from the default generator unless given one, and record its state in recipes', () => {
    manualSeed(77);
    const first = init.kaimingNormal([20, 30]);
    const recipe = init.kaimingNormal.recipe([20, 30]);
    const expected = new Generator(77);
    expect(firstDifference(first, init.kaimingNormal([20, 30], { generator: expected }))).toBe(-1);
    expect(recipe.generator).toEqual(expected.state());
    expect(firstDifference(init.fromRecipe(recipe), init.kaimingNormal([20, 30], { generator: expected.clone() }))).toBe(-1);
    expect(init.zeros.recipe([2, 2]).generator).toBeNull();
  });

  it('describe themselves in recipes: defaults filled in, generator state before the draw', () => {
    const generator = seeded(5);
    const before = generator.state();
    expect(init.kaimingUniform.recipe([8, 4, 3], { generator, dtype: 'float64' })).toEqual({
      name: 'kaimingUniform',
      params: { a: 0, mode: 'fan_in', nonlinearity: 'leaky_relu', groups: 1, transposed: false },
      shape: [8, 4, 3],
      dtype: 'float64',
      layout: 'torch',
      generator: before,
      streamVersion: 1,
    });
    expect(generator.offset).toBeGreaterThan(0n);
    const truncated = init.truncatedNormal.recipe([3], { a: -Infinity, mean: -0, generator, slice: [1, 2] });
    expect(truncated.params).toEqual({ mean: '-0', std: 1, a: '-Infinity', b: 2, bounds: 'absolute' });
    expect(truncated.slice).toEqual([1, 2]);
    expect(init.constant.recipe([2], { value: -0 }).params).toEqual({ value: '-0' });
    expect(Object.is(init.fromRecipe(JSON.parse(JSON.stringify(init.constant.recipe([2], { value: -0 }))))[0], -0)).toBe(true);
  });

  it('keep concurrent Promise calls deterministic', async () => {
    const reference = seeded();
    const expected = [init.kaimingNormal([1000, 1000], { generator: reference }), init.sparse([40, 30], { sparsity: 0.5, generator: reference }), init.heUniform([10, 10], { generator: reference })];
    const generator = seeded();
    const results = await Promise.all([
      init.kaimingNormal.async([1000, 1000], { generator }),
      init.sparse.async([40, 30], { sparsity: 0.5, generator }),
      init.heUniform.async([10, 10], { generator }),
    ]);
    results.forEach((values, i) => expect(firstDifference(values, expected[i]!)).toBe(-1));
    expect(generator.state()).toEqual(reference.state());
  });

  it('return an empty array for zero-size shapes, in either layout, without reading fans', () => {
    for (const shape of [[0, 5], [5, 0, 3], [0], [3, 0, 0, 2]]) {
      for (const name of initializerNames) {
        const spec = initializerSpecs.find((entry) => entry.name === name)!;
        if ('ranks' in spec && !spec.ranks.includes(shape.length as never)) continue;
        if (name === 'orthogonal' && shape.length < 2) continue; // refused at rank 1, as PyTorch does
        const options = name === 'constant' ? { value: 1 } : name === 'sparse' ? { sparsity: 0.5 } : {};
        const generator = seeded();
        expect(initializer(name)(shape, { ...options, generator }), `${name} ${JSON.stringify(shape)}`).toEqual(new Float32Array(0));
        expect(generator.offset).toBe(0n);
      }
    }
  });

  it("eye is PyTorch's eye_ (non-square too) times gain", () => {
    for (const [rows, cols] of [[3, 5], [5, 3], [4, 4], [1, 6]] as const) {
      const values = init.eye([rows, cols], { gain: 3, dtype: 'float64' });
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expect(values[r * cols + c]).toBe(r === c ? 3 : 0);
    }
  });

  it("dirac is PyTorch's dirac_, and its channels-last analogue in layout 'keras'", () => {
    const cases = [
      [[4, 2, 3], 2],
      [[6, 4, 3, 3], 1],
      [[6, 2, 3, 5], 3],
      [[4, 4, 3, 3, 3], 2],
      [[3, 5, 2], 1],
    ] as const;
    for (const [shape, groups] of cases) {
      // PyTorch: tensor[g * out_per_group + d, d, k0 // 2, ...] = 1 for d < min(out_per_group, shape[1]).
      const outPerGroup = shape[0] / groups;
      const expected = new Float32Array(product(shape));
      const strides = shape.map((_, axis) => product(shape.slice(axis + 1)));
      const centre = shape.slice(2).reduce((offset, k, i) => offset + Math.floor(k / 2) * strides[i + 2]!, 0);
      for (let g = 0; g < groups; g++) {
        for (let d = 0; d < Math.min(outPerGroup, shape[1]); d++) expected[(g * outPerGroup + d) * strides[0]! + d * strides[1]! + centre] = 1;
      }
      expect(init.dirac(shape, { groups })).toEqual(expected);
      // The same weights with the axes moved to [...kernel, in, out].
      const rank = shape.length;
      const kerasShape = [...shape.slice(2), shape[1], shape[0]];
      const keras = init.dirac(kerasShape, { groups, layout: 'keras' });
      const kerasStrides = kerasShape.map((_, axis) => product(kerasShape.slice(axis + 1)));
      let ones = 0;
      for (let i = 0; i < expected.length; i++) {
        if (expected[i] !== 1) continue;
        ones++;
        const index = shape.map((_, axis) => Math.floor(i / strides[axis]!) % shape[axis]!);
        const moved = [...index.slice(2), index[1]!, index[0]!];
        expect(keras[moved.reduce((offset, x, axis) => offset + x * kerasStrides[axis]!, 0)]).toBe(1);
      }
      expect(keras.reduce((sum, x) => sum + x, 0)).toBe(ones);
      expect(rank).toBe(kerasShape.length);
    }
  });

  it("sparse zeroes ceil(sparsity * rows) entries per column, at the first rows of the key permutation", () => {
    for (const [rows, cols, sparsity, layout] of [[100, 7, 0.07, 'torch'], [64, 40, 0.5, 'torch'], [10, 3, 1, 'torch'], [12, 9, 0, 'torch'], [7, 30, 0.25, 'keras']] as const) {
      const shape = [rows, cols];
      const generator = seeded();
      const values = init.sparse(shape, { sparsity, layout, generator });
      // Independently: the key draw follows the normal draw; unit u (a column in torch layout, a row
      // in keras layout) orders its m entries by the 64-bit keys of words 2mu.., ties by position.
      const keysAt = seeded();
      keysAt.normal(rows * cols, { slice: [0, 0] });
      const words = keysAt.bits(2 * rows * cols);
      const [units, m] = layout === 'torch' ? [cols, rows] : [rows, cols];
      const k = Math.ceil(sparsity * m); // PyTorch: int(math.ceil(sparsity * rows)); 0.07 * 100 = 7.000000000000001 gives 8
      if (sparsity === 0.07) expect(k).toBe(8);
      for (let u = 0; u < units; u++) {
        const order = Array.from({ length: m }, (_, p) => p).sort(
          (p, q) => words[2 * m * u + 2 * p]! - words[2 * m * u + 2 * q]! || words[2 * m * u + 2 * p + 1]! - words[2 * m * u + 2 * q + 1]! || p - q,
        );
        const zeroed = new Set(order.slice(0, k));
        for (let p = 0; p < m; p++) {
          const index = layout === 'torch' ? p * cols + u : u * cols + p;
          if (zeroed.has(p)) expect(values[index]).toBe(0);
          else expect(values[index]).not.toBe(0);
        }
      }
      expect(generator.state()).toEqual(keysAt.state());
    }
  });

  it('sparse orders keys whose high words tie by their low words', async () => {
    const { smallestKeys } = await import('../lib/init/sparse.js');
    // Keys (hi, lo): positions 1, 3 and 4 share the high word 5 across the k-th place.
    const words = new Uint32Array([9, 0, 5, 7, 1, 1, 5, 3, 5, 3, 8, 8]);
    expect(Array.from(smallestKeys(words, 0, 6, 3)).sort()).toEqual([2, 3, 4]);
    expect(Array.from(smallestKeys(words, 0, 6, 2)).sort()).toEqual([2, 3]);
    expect(Array.from(smallestKeys(words, 0, 6, 4)).sort()).toEqual([1, 2, 3, 4]);
    expect(Array.from(smallestKeys(words, 0, 6, 0))).toEqual([]);
    // Against a full sort, on keys drawn from a few values so that ties are everywhere.
    const source = bits32(12345);
    const next = () => source.next().value!;
    for (let trial = 0; trial < 2000; trial++) {
      const m = 1 + (next() % 60);
      const k = next() % (m + 1);
      const keys = Uint32Array.from({ length: 2 * m }, () => next() % 3);
      const byKey = (p: number, q: number) => keys[2 * p]! - keys[2 * q]! || keys[2 * p + 1]! - keys[2 * q + 1]! || p - q;
      const expected = Array.from({ length: m }, (_, p) => p).sort(byKey).slice(0, k).sort((p, q) => p - q);
      expect(Array.from(smallestKeys(keys, 0, m, k)).sort((p, q) => p - q), `m ${m}, k ${k}`).toEqual(expected);
    }
  });
});

describe('distributions at fixed seeds', () => {
  const backend = nativeBackends.at(-1) ?? fallback;
  const seeded = (seed: number) => new Generator(seed, { kernels: backend.kernels });
  const N_SHAPE = [512, 256]; // 131072 values; fan_in 256 in torch layout
  const n = product(N_SHAPE);

  function expectKs(sample: ArrayLike<number>, cdf: (x: number) => number, what: string): void {
    const test = ksTest(sample, cdf);
    expect(test.p, `${what}: KS D = ${test.d}`).toBeGreaterThan(ALPHA);
  }
  function expectWithin(sample: ArrayLike<number>, low: number, high: number, what: string, highOpen = false): void {
    let [min, max] = [Infinity, -Infinity];
    for (let i = 0; i < sample.length; i++) [min, max] = [Math.min(min, sample[i]!), Math.max(max, sample[i]!)];
    expect(min, `${what}: minimum`).toBeGreaterThanOrEqual(low);
    if (highOpen) expect(max, `${what}: maximum`).toBeLessThan(high);
    else expect(max, `${what}: maximum`).toBeLessThanOrEqual(high);
  }

  it.each(['xavierUniform', 'kaimingUniform', 'glorotUniform', 'heUniform', 'lecunUniform'] as const)('%s: uniform on [-bound, bound), never crossed', (name) => {
    for (const dtype of ['float32', 'float64'] as const) {
      const values = initializer(name)(N_SHAPE, { generator: seeded(1), dtype, layout: 'torch' });
      const [fanIn, fanOut] = [256, 512];
      const bound = {
        xavierUniform: Math.sqrt(3) * Math.sqrt(2 / (fanIn + fanOut)),
        kaimingUniform: Math.sqrt(3) * (Math.SQRT2 / Math.sqrt(fanIn)),
        glorotUniform: Math.sqrt(6 / (fanIn + fanOut)),
        heUniform: Math.sqrt(6 / fanIn),
        lecunUniform: Math.sqrt(3 / fanIn),
      }[name];
      const b = dtype === 'float32' ? Math.fround(bound) : bound;
      expectWithin(values, -b, b, `${name} ${dtype}`, true);
      expectKs(values, (x) => Math.min(1, Math.max(0, (x + bound) / (2 * bound))), `${name} ${dtype}`);
    }
  });

  it.each(['xavierNormal', 'kaimingNormal'] as const)('%s: normal with the formula std', (name) => {
    const values = initializer(name)(N_SHAPE, { generator: seeded(2), ...(name === 'kaimingNormal' ? { nonlinearity: 'tanh' } : {}) });
    const std = name === 'xavierNormal' ? Math.sqrt(2 / (256 + 512)) : 5 / 3 / Math.sqrt(256);
    expectKs(values, (x) => normalCdf(x / std), name);
  });

  it.each(['glorotNormal', 'heNormal', 'lecunNormal', 'varianceScaling'] as const)(
    '%s: truncated at 2 std, with the requested variance after truncation',
    (name) => {
      const truncated = truncatedNormal(-2, 2);
      for (const dtype of ['float32', 'float64'] as const) {
        const values = initializer(name)(N_SHAPE, { generator: seeded(3), dtype, ...(name === 'varianceScaling' ? { scale: 0.3, mode: 'fan_out' } : {}) });
        // Keras layout: fan_in = 512, fan_out = 256.
        const requested = { glorotNormal: 2 / (512 + 256), heNormal: 2 / 512, lecunNormal: 1 / 512, varianceScaling: 0.3 / 256 }[name];
        const std = Math.sqrt(requested) / 0.87962566103423978;
        // |z| <= 2 and 2 * std is exact in either precision: the bound holds exactly.
        const bound = 2 * (dtype === 'float32' ? Math.fround(std) : std);
        expectWithin(values, -bound, bound, `${name} ${dtype}`);
        expectKs(values, (x) => truncated.cdf(x / std), `${name} ${dtype}`);
        // Var(sample variance) = (mu4 - sigma^4) / n for the truncated law, scaled by std^4.
        const sample = moments(values);
        const spread = Math.sqrt((truncated.mu4 - truncated.variance ** 2) / n) * std * std;
        expect(Math.abs(sample.m2 - requested) / spread, `${name} ${dtype}: variance ${sample.m2} vs ${requested}`).toBeLessThan(Z_CRITICAL);
        expect(Math.abs(std * std * truncated.variance - requested) / requested, 'the 0.8796 correction').toBeLessThan(1e-12);
      }
    },
  );

  it('truncatedNormal: absolute bounds (PyTorch) and bounds in standard deviations', () => {
    const absolute = init.truncatedNormal(N_SHAPE, { mean: 0.5, std: 2, a: -1, b: 1, generator: seeded(4), dtype: 'float64' });
    expectWithin(absolute, -1, 1, 'absolute');
    const law = truncatedNormal((-1 - 0.5) / 2, (1 - 0.5) / 2);
    expectKs(absolute, (x) => law.cdf((x - 0.5) / 2), 'absolute');
    const relative = init.truncatedNormal(N_SHAPE, { mean: 0.5, std: 2, a: -1, b: 1, bounds: 'std', generator: seeded(4) });
    expectWithin(relative, 0.5 - 2, 0.5 + 2, 'std');
    const standard = truncatedNormal(-1, 1);
    expectKs(relative, (x) => standard.cdf((x - 0.5) / 2), 'std');
  });

  it('sparse: normal non-zero values', () => {
    const values = init.sparse(N_SHAPE, { sparsity: 0.2, std: 0.05, generator: seeded(5) });
    const nonZero = values.filter((x) => x !== 0);
    expect(nonZero.length).toBe(n - Math.ceil(0.2 * 512) * 256);
    // The zeroed positions are chosen independently of the values: the rest are still N(0, std^2).
    expectKs(nonZero, (x) => normalCdf(x / 0.05), 'sparse');
  });
});

describe('validation', () => {
  const generator = () => new Generator(1, { kernels: fallback.kernels });
  const calls: readonly [string, () => unknown, ErrorConstructor][] = [
    ['a shape that is not an Array', () => init.kaimingNormal(784 as never), TypeError],
    ['a shape given as a string', () => init.zeros('3,4' as never), TypeError],
    ['a typed array as shape', () => init.ones(new Int32Array([3, 4]) as never), TypeError],
    ['a negative dimension', () => init.normal([3, -4]), RangeError],
    ['a fractional dimension', () => init.uniform([3, 4.5]), RangeError],
    ['a NaN dimension', () => init.uniform([NaN]), RangeError],
    ['a string dimension', () => init.heNormal([3, '4'] as never), TypeError],
    ['too many elements', () => init.zeros([2 ** 27, 2 ** 27]), RangeError],
    ['rank 1 in layout torch', () => init.kaimingNormal([10]), RangeError],
    ['rank 1 for eye', () => init.eye([10]), RangeError],
    ['rank 2 for dirac', () => init.dirac([10, 10]), RangeError],
    ['rank 3 for sparse', () => init.sparse([3, 3, 3], { sparsity: 0.5 }), RangeError],
    ['an unknown option', () => init.heNormal([3, 4], { seed: 1 } as never), TypeError],
    ['options that are not an object', () => init.heNormal([3, 4], 5 as never), TypeError],
    ['an unknown nonlinearity', () => init.kaimingNormal([3, 4], { nonlinearity: 'swish' as never }), TypeError],
    ["mode 'fan_avg' for kaiming", () => init.kaimingUniform([3, 4], { mode: 'fan_avg' as never }), TypeError],
    ['an unknown mode', () => init.varianceScaling([3, 4], { mode: 'FAN_IN' as never }), TypeError],
    ['an unknown distribution', () => init.varianceScaling([3, 4], { distribution: 'gaussian' as never }), TypeError],
    ['an unknown layout', () => init.glorotUniform([3, 4], { layout: 'nchw' as never }), TypeError],
    ['an unknown bounds', () => init.truncatedNormal([3, 4], { bounds: 'sigma' as never }), TypeError],
    ['a missing constant value', () => (init.constant as unknown as (shape: number[]) => unknown)([3, 4]), TypeError],
    ['a missing sparsity', () => (init.sparse as unknown as (shape: number[]) => unknown)([3, 4]), TypeError],
    ['a sparsity above 1', () => init.sparse([3, 4], { sparsity: 1.5 }), RangeError],
    ['a negative sparsity', () => init.sparse([3, 4], { sparsity: -0.1 }), RangeError],
    ['a gain of 0', () => init.xavierUniform([3, 4], { gain: 0 }), RangeError],
    ['a string gain', () => init.xavierUniform([3, 4], { gain: '2' as never }), TypeError],
    ['a negative scale', () => init.varianceScaling([3, 4], { scale: -1 }), RangeError],
    ['a negative std', () => init.normal([3, 4], { std: -1 }), RangeError],
    ['an infinite mean', () => init.normal([3, 4], { mean: Infinity }), RangeError],
    ['a NaN bound', () => init.truncatedNormal([3, 4], { a: NaN }), RangeError],
    ['low above high', () => init.uniform([3, 4], { low: 2, high: 1 }), RangeError],
    ['b below a', () => init.truncatedNormal([3, 4], { a: 1, b: -1 }), RangeError],
    ['groups of 0', () => init.dirac([4, 4, 3], { groups: 0 }), RangeError],
    ['groups not dividing the channels', () => init.dirac([4, 4, 3], { groups: 3 }), RangeError],
    ['fractional groups', () => init.heNormal([3, 3, 4, 4], { groups: 1.5 }), RangeError],
    ['a zero fanIn', () => init.heNormal([3, 4], { fanIn: 0 }), RangeError],
    ['a non-boolean transposed', () => init.heNormal([3, 4], { transposed: 'yes' as never }), TypeError],
    ['a bad dtype', () => init.normal([3, 4], { dtype: 'float16' as never }), TypeError],
    ['a dtype that contradicts out', () => init.normal([3, 4], { dtype: 'float64', out: new Float32Array(12) as never }), TypeError],
    ['an out of the wrong type', () => init.normal([3, 4], { out: new Int32Array(12) as never }), TypeError],
    ['an out of the wrong length', () => init.normal([3, 4], { out: new Float32Array(11) }), RangeError],
    ['an out of the wrong length for the slice', () => init.ones([3, 4], { out: new Float32Array(12), slice: [0, 6] }), RangeError],
    ['a slice beyond the tensor', () => init.normal([3, 4], { slice: [0, 13] }), RangeError],
    ['a reversed slice', () => init.zeros([3, 4], { slice: [5, 4] }), RangeError],
    ['a slice that is not a pair', () => init.zeros([3, 4], { slice: [5] as never }), TypeError],
    ['a generator that is not one', () => init.normal([3, 4], { generator: { state: () => 0 } as never }), TypeError],
  ];

  it.each(calls)('refuses %s in the grammar, without advancing the generator', async (_, call, error) => {
    expect(call).toThrow(error);
    expect(call).toThrow(GRAMMAR);
  });

  it('leaves the generator where it was, and rejects the Promise form with the same error', async () => {
    const g = generator();
    expect(() => init.kaimingNormal([10], { generator: g })).toThrow(RangeError);
    expect(() => init.sparse([3, 4], { sparsity: 2, generator: g })).toThrow(RangeError);
    expect(() => init.uniform.recipe([3, 4], { low: 1, high: 0, generator: g })).toThrow(RangeError);
    expect(g.offset).toBe(0n);
    const rejected = init.kaimingNormal.async([10], { generator: g });
    await expect(rejected).rejects.toThrow(RangeError);
    await expect(init.zeros.async('3' as never)).rejects.toThrow(GRAMMAR);
    expect(g.offset).toBe(0n);
  });

  it('refuses malformed recipes in the grammar', async () => {
    const recipe = init.heNormal.recipe([3, 4], { generator: generator() });
    const bad: [unknown, ErrorConstructor][] = [
      [{ ...recipe, streamVersion: 2 }, RangeError],
      [{ ...recipe, name: 'orthogonal_' }, TypeError],
      [{ ...recipe, extra: 1 }, TypeError],
      [{ ...recipe, generator: null }, TypeError],
      [{ ...recipe, generator: { ...recipe.generator, offset: '-1' } }, TypeError],
      [{ ...recipe, params: { ...recipe.params, gain: 2 } }, TypeError],
      [{ ...recipe, params: { ...recipe.params, groups: 0 } }, RangeError],
      [{ ...recipe, dtype: 'int8' }, TypeError],
      [{ ...recipe, shape: [3, -4] }, RangeError],
      [null, TypeError],
    ];
    for (const [value, error] of bad) {
      expect(() => init.fromRecipe(value as init.Recipe), JSON.stringify(value)).toThrow(error);
      expect(() => init.fromRecipe(value as init.Recipe)).toThrow(GRAMMAR);
      await expect(init.fromRecipe.async(value as init.Recipe)).rejects.toThrow(error);
    }
    expect(() => init.fromRecipe(recipe, { out: new Float32Array(11) })).toThrow(RangeError);
    expect(() => init.fromRecipe(recipe, { seed: 1 } as never)).toThrow(TypeError);
    expect(() => init.fromRecipe(recipe, { kernels: {} as never })).toThrow(GRAMMAR);
    const out = new Float32Array(12);
    expect(init.fromRecipe(recipe, { out })).toBe(out);
  });
});
