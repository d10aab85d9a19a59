/**
 * Random streams (docs/rng.md): the known answers on every backend, slices, the stream rule,
 * threads, Promise draws, and the Generator's keys, state and validation.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Kernels, RandomArray } from '../binding.js';
import { Generator, defaultGenerator, manualSeed } from '../lib/random/generator.js';
import { philox } from '../lib/random/philox.js';
import { type TestBackend, backends, native, nativeBackends } from './helpers/backends.js';
import { firstDifference } from './helpers/numbers.js';

interface VectorCase {
  label: string;
  method: string;
  options: Record<string, unknown>;
  size?: number;
  first: string[];
  sha256: string;
}
const vectors = JSON.parse(readFileSync(join(__dirname, 'fixtures/rng-vectors.json'), 'utf8'), (_, v) =>
  v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
) as { seed: number; size: number; keys: Record<string, unknown>; cases: VectorCase[] };

type Draw = (generator: Generator, size: number, options?: Record<string, unknown>) => RandomArray;
const drawOf = (method: string): Draw =>
  method === 'permutation'
    ? (generator, size) => generator.permutation(size)
    : (generator, size, options) => {
        const drawMethod = (generator as unknown as Record<string, (size: number, options?: unknown) => RandomArray>)[method]!;
        return drawMethod.call(generator, size, options);
      };

const sha256 = (array: RandomArray) =>
  createHash('sha256').update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)).digest('hex');

// float64 normals take 2 values per block, in groups of 16 blocks (docs/rng.md §2).
const blocksAfterNormal64 = (size: number) => 16n * BigInt(Math.ceil(size / 32));

const hex = (words: ArrayLike<number>) => Array.from(words, (w) => w.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10 known answers (Random123 kat_vectors)', () => {
  it.each([
    [[0, 0, 0, 0], [0, 0], '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], '408f276d 41c83b0e a20bc7c6 6d5451fd'],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], 'd16cfe09 94fdcceb 5001e420 24126ea1'],
  ])('TypeScript: counter %j, key %j', (counter, key, expected) => {
    const out = new Uint32Array(4);
    philox(counter[0]!, counter[1]!, counter[2]!, counter[3]!, key[0]!, key[1]!, out);
    expect(hex(out)).toBe(expected);
  });

  it.each(backends)('$label: block 0 under key 0 through a bits draw', ({ kernels }) => {
    const generator = Generator.fromState({ algorithm: 'philox4x32-10', streamVersion: 1, key: [0, 0], offset: '0' }, { kernels });
    const words = generator.bits(64);
    // Positions 0..3 of block 0 are values 0, 16, 32 and 48 of the draw (docs/rng.md §2).
    expect(hex([words[0]!, words[16]!, words[32]!, words[48]!])).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
  });
});

describe.each(backends)('$label', ({ kernels }: TestBackend) => {
  const seeded = (seed = vectors.seed) => new Generator(seed, { kernels });

  it.each(vectors.cases)('reproduces the known answer: $label', (vector) => {
    const values = drawOf(vector.method)(seeded(), vector.size ?? vectors.size, vector.options);
    expect(Array.from(values.subarray(0, 6), String)).toEqual(vector.first);
    expect(sha256(values)).toBe(vector.sha256);
  });

  it('derives the known keys from a seed, split and foldIn', () => {
    const parent = seeded();
    expect(parent.state().key).toEqual(vectors.keys.seed);
    expect(parent.split(3).map((child) => child.state().key)).toEqual(vectors.keys.split);
    expect(parent.split(1).map((child) => child.state().key)).toEqual(vectors.keys.splitAgain);
    expect(parent.foldIn(7).state().key).toEqual(vectors.keys.foldIn7);
  });

  describe.each(vectors.cases.filter((vector) => vector.method !== 'permutation'))('$label', (vector) => {
    const draw = drawOf(vector.method);
    const size = 1037;

    it('gives any slice alone equal to that slice of the whole draw, and advances as the whole', () => {
      const whole = seeded();
      const all = draw(whole, size, vector.options);
      for (const [start, end] of [[0, 1], [15, 17], [63, 65], [100, 100], [500, 1037], [0, 1037]] as const) {
        const part = seeded();
        const slice = draw(part, size, { ...vector.options, slice: [start, end] });
        expect(firstDifference(slice, all.subarray(start, end)), `slice [${start}, ${end})`).toBe(-1);
        expect(part.offset).toBe(whole.offset);
      }
    });

    it('gives value j the same whatever the size of the draw (the stream rule)', () => {
      const short = draw(seeded(), 10, vector.options);
      const long = draw(seeded(), 5000, vector.options);
      expect(firstDifference(short, long.subarray(0, 10))).toBe(-1);
    });

    it('gives the same values from the Promise form, into out', async () => {
      const sync = draw(seeded(), size, vector.options);
      const generator = seeded();
      const out = sync.slice().fill(0);
      const method = `${vector.method}Async` as keyof Generator;
      const result = await (generator[method] as (n: number, o: unknown) => Promise<RandomArray>).call(generator, size, { ...vector.options, out });
      expect(result).toBe(out);
      expect(firstDifference(out, sync)).toBe(-1);
    });
  });

  it('fills an out array from another realm exactly like one of this realm', () => {
    const foreign = runInNewContext('new Float64Array(1000)') as Float64Array;
    const local = seeded().normal(1000, { out: new Float64Array(1000) });
    const generator = seeded();
    generator.normal(1000, { out: foreign });
    expect(firstDifference(foreign, local)).toBe(-1);
    expect(generator.offset).toBe(blocksAfterNormal64(1000));
  });

  it('keeps concurrent Promise draws deterministic, whatever order they finish in', async () => {
    const reference = seeded();
    const expected = [reference.normal(2_000_000), reference.uniform(10), reference.integers(1000, { high: 7 })];
    const generator = seeded();
    const finished: number[] = [];
    const pending = [
      generator.normalAsync(2_000_000).then((values) => (finished.push(0), values)),
      generator.uniformAsync(10).then((values) => (finished.push(1), values)),
      generator.integersAsync(1000, { high: 7 }).then((values) => (finished.push(2), values)),
    ];
    const results = await Promise.all(pending);
    results.forEach((values, i) => expect(firstDifference(values, expected[i]!)).toBe(-1));
    expect(generator.offset).toBe(reference.offset);
  });

  it('gives permutations that are permutations, reproducibly', async () => {
    const permutation = seeded().permutation(1000);
    expect(Array.from(permutation).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(await seeded().permutationAsync(1000))).toEqual(Array.from(permutation));
    expect(seeded().permutation(0)).toEqual(new Int32Array(0));
  });
});

describe.runIf(native)('threads', () => {
  it.each(nativeBackends)('$label: the same bytes with 1, 2 and 5 threads', async ({ kernels }) => {
    const addon = native!.addon;
    const original = addon.threads();
    try {
      const hashes = new Set<string>();
      for (const threads of [1, 2, 5]) {
        addon.setThreads(threads);
        const generator = new Generator(7, { kernels });
        hashes.add(sha256(generator.normal(1_000_003)) + sha256(generator.truncatedNormal(300_001, { dtype: 'float64' })));
        hashes.add(sha256(await generator.uniformAsync(1_000_003)) + sha256(generator.bits(0)));
      }
      expect(hashes.size).toBe(2);
    } finally {
      addon.setThreads(original);
    }
  });
});

describe('Generator', () => {
  const kernels: Kernels = backends[backends.length - 1]!.kernels;

  it('takes numbers and bigints as seeds, the same value giving the same stream', () => {
    expect(new Generator(5, { kernels }).bits(8)).toEqual(new Generator(5n, { kernels }).bits(8));
    expect(new Generator(2n ** 64n - 1n, { kernels }).bits(4)).toHaveLength(4);
    expect(new Generator(5, { kernels }).bits(8)).not.toEqual(new Generator(6, { kernels }).bits(8));
  });

  it.each([
    [-1, RangeError],
    [1.5, RangeError],
    [2 ** 53, RangeError],
    [2n ** 64n, RangeError],
    [-1n, RangeError],
    ['7', TypeError],
    [null, TypeError],
  ] as const)('refuses the seed %s with a %s', (seed, error) => {
    expect(() => new Generator(seed as never)).toThrow(error);
    expect(() => new Generator(seed as never)).toThrow(/^Expected .+ for seed but received .+$/);
  });

  it('seeds itself from the OS without a seed', () => {
    expect(new Generator(undefined, { kernels }).bits(4)).not.toEqual(new Generator(undefined, { kernels }).bits(4));
  });

  it('round-trips its state through JSON exactly, and refuses a malformed state', () => {
    const generator = new Generator(11, { kernels });
    generator.normal(12345);
    const restored = Generator.fromState(JSON.parse(JSON.stringify(generator.state())), { kernels });
    expect(restored.state()).toEqual(generator.state());
    expect(restored.uniform(100)).toEqual(generator.uniform(100));
    const state = generator.state();
    expect(() => Generator.fromState({ ...state, key: [1, -1] })).toThrow(TypeError);
    expect(() => Generator.fromState({ ...state, offset: '18446744073709551616' })).toThrow(TypeError);
    expect(() => Generator.fromState({ ...state, streamVersion: 2 } as never)).toThrow(RangeError);
    expect(() => Generator.fromState({ ...state, extra: 1 } as never)).toThrow(TypeError);
  });

  it('clones independently', () => {
    const generator = new Generator(3, { kernels });
    const twin = generator.clone();
    expect(twin.normal(10)).toEqual(generator.normal(10));
    twin.uniform(1);
    expect(twin.offset).not.toBe(generator.offset);
  });

  it('splits into distinct children, different at every call, and folds in purely', () => {
    const generator = new Generator(3, { kernels });
    const first = generator.split(2).map((child) => child.bits(4));
    const second = generator.split(2).map((child) => child.bits(4));
    expect(new Set([...first, ...second].map((words) => hex(words))).size).toBe(4);
    expect(generator.foldIn(9).bits(4)).toEqual(generator.foldIn(9).bits(4));
    expect(generator.foldIn(9).bits(4)).not.toEqual(generator.foldIn(10).bits(4));
  });

  it('makes the default generator reproducible with manualSeed', () => {
    manualSeed(99);
    const first = defaultGenerator().uniform(5);
    manualSeed(99);
    expect(defaultGenerator().uniform(5)).toEqual(first);
  });

  it('reserves blocks as docs/rng.md §2 says: 16 per group of 16v values', () => {
    const generator = new Generator(1, { kernels });
    generator.uniform(1); // float32 uniform: 4 values per block, 64 per group
    expect(generator.offset).toBe(16n);
    generator.uniform(65);
    expect(generator.offset).toBe(48n);
    generator.normal(33, { dtype: 'float64' }); // 2 per block
    expect(generator.offset).toBe(80n);
    generator.truncatedNormal(17); // 1 per block
    expect(generator.offset).toBe(112n);
  });

  describe('refuses bad draws with the error grammar, consuming nothing', () => {
    const cases: [string, (generator: Generator) => unknown, ErrorConstructor, RegExp][] = [
      ['a negative size', (g) => g.uniform(-1), RangeError, /for size but received -1$/],
      ['a fractional size', (g) => g.normal(2.5), RangeError, /for size/],
      ['a string size', (g) => g.normal('3' as never), TypeError, /for size but received "3"$/],
      ['an unknown option', (g) => g.uniform(3, { hgih: 2 } as never), TypeError, /unknown option "hgih"/],
      ['low >= high', (g) => g.uniform(3, { low: 2, high: 2 }), RangeError, /for high/],
      ['a bad dtype', (g) => g.uniform(3, { dtype: 'float16' as never }), TypeError, /for dtype but received "float16"$/],
      ['a negative std', (g) => g.normal(3, { std: -1 }), RangeError, /for std but received -1$/],
      ['a NaN mean', (g) => g.normal(3, { mean: NaN }), RangeError, /for mean but received NaN$/],
      ['an empty truncation', (g) => g.truncatedNormal(3, { a: 1, b: 1 }), RangeError, /for b/],
      [
        'absolute bounds that meet in standard deviations',
        (g) => g.truncatedNormal(3, { mean: 1e6, a: 1, b: 1 + 2 ** -52, bounds: 'absolute' }),
        RangeError,
        /^Expected absolute bounds that stay apart in standard deviations for b but received 1.0000000000000002, which/,
      ],
      [
        'preserveVariance with absolute bounds',
        (g) => g.truncatedNormal(3, { a: -1, b: 1, bounds: 'absolute', preserveVariance: true }),
        RangeError,
        /for bounds but received "absolute"$/,
      ],
      ['integers without high', (g) => g.integers(3, {} as never), TypeError, /for high but received undefined$/],
      ['integers over 2^32 apart', (g) => g.integers(3, { low: -1, high: 2 ** 32 }), RangeError, /for high/],
      ['a probability above 1', (g) => g.bernoulli(3, { p: 1.5 }), RangeError, /for p but received 1.5$/],
      ['out of the wrong length', (g) => g.uniform(3, { out: new Float32Array(4) }), RangeError, /for out but received a Float32Array of length 4$/],
      ['out of the wrong type', (g) => g.uniform(3, { out: new Int32Array(3) as never }), TypeError, /for out but received an Int32Array of length 3$/],
      ['a slice past the end', (g) => g.uniform(3, { slice: [1, 4] }), RangeError, /for slice/],
      ['a reversed slice', (g) => g.uniform(3, { slice: [2, 1] }), RangeError, /for slice/],
    ];
    it.each(cases)('%s', async (_, call, error, text) => {
      const generator = new Generator(1, { kernels });
      expect(() => call(generator)).toThrow(error);
      expect(() => call(generator)).toThrow(text);
      expect(generator.offset).toBe(0n);
    });

    it('rejects (never throws) from the Promise forms', async () => {
      const generator = new Generator(1, { kernels });
      const pending = generator.uniformAsync(-1);
      await expect(pending).rejects.toThrow(RangeError);
      expect(generator.offset).toBe(0n);
    });
  });
});
