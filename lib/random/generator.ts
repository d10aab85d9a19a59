/**
 * Generator: a Philox key and a block offset (docs/rng.md §2). Every draw reserves its blocks
 * when it is called, so Promise draws are deterministic whatever order they finish in, and every
 * value is a pure function of (key, offset, index): the same on every backend, SIMD level and
 * thread count, and computable slice by slice.
 */
import { randomBytes } from 'node:crypto';
import type { FloatArray, Kernels, RandomArray } from '../../binding.js';
import { activeKernels } from '../backend.js';
import {
  allocated,
  describe,
  lengthOf,
  message,
  options as checkOptions,
  promised,
  rangeError,
  typeError,
  typedArrayKind,
} from '../validate.js';
import {
  type DistributionName,
  type Dtype,
  bernoulliParams,
  blocksFor,
  integersParams,
  normalParams,
  truncatedNormalParams,
  uniformParams,
} from './distributions.js';
import { philox } from './philox.js';

export type Seed = number | bigint;

/** A generator's complete state, JSON-safe. */
export interface GeneratorState {
  readonly algorithm: 'philox4x32-10';
  readonly streamVersion: 1;
  readonly key: readonly [number, number];
  /** Blocks used so far, as a decimal string (it may exceed 2^53). */
  readonly offset: string;
}

const MAX_OFFSET = 2n ** 64n;
const words = new Uint32Array(4);

function seedWords(seed: unknown, name: string): [number, number] {
  let value: bigint;
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) throw rangeError('an integer from 0 to 2^53 - 1 (or a bigint below 2^64)', name, seed);
    value = BigInt(seed);
  } else if (typeof seed === 'bigint') {
    if (seed < 0n || seed >= MAX_OFFSET) throw rangeError('a bigint from 0 to 2^64 - 1', name, seed);
    value = seed;
  } else {
    throw typeError('an integer or a bigint', name, seed);
  }
  return [Number(value & 0xffffffffn), Number(value >> 32n)];
}

function deriveKey(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): [number, number] {
  philox(c0, c1, c2, c3, k0, k1, words);
  return [words[0]!, words[1]!];
}

/** Common options of every draw. */
export interface DrawOptions<A> {
  /** Where to write: its length is the slice's (or the draw's) length. */
  readonly out?: A;
  /** Compute only values [start, end) of the draw (the generator still advances past all of it). */
  readonly slice?: readonly [number, number];
}

export interface FloatDrawOptions extends DrawOptions<FloatArray> {
  /** Element type when `out` is not given; default 'float32'. */
  readonly dtype?: Dtype;
}

export interface UniformOptions extends FloatDrawOptions {
  /** Default 0. */
  readonly low?: number;
  /** Default 1; values lie in [low, high). */
  readonly high?: number;
}

export interface NormalOptions extends FloatDrawOptions {
  readonly mean?: number;
  readonly std?: number;
}

export interface TruncatedNormalOptions extends NormalOptions {
  /** Lower bound; default -2. */
  readonly a?: number;
  /** Upper bound; default 2. */
  readonly b?: number;
  /** Whether a and b are in standard deviations from the mean ('std', the default) or values ('absolute'). */
  readonly bounds?: 'std' | 'absolute';
  /** Scale so that the variance of the result is std^2 (the truncation alone makes it smaller). */
  readonly preserveVariance?: boolean;
}

export interface IntegersOptions extends DrawOptions<Int32Array | Uint32Array> {
  /** Default 0. */
  readonly low?: number;
  /** Required; values lie in [low, high), with high - low at most 2^32. */
  readonly high: number;
  /** Element type when `out` is not given; default 'int32' (or 'uint32' when high > 2^31). */
  readonly dtype?: 'int32' | 'uint32';
}

export interface BernoulliOptions extends DrawOptions<Uint8Array> {
  /** Probability of a 1; default 0.5. */
  readonly p?: number;
}

const FLOAT_OPTIONS = ['out', 'slice', 'dtype'] as const;

function finiteNumber(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw typeError('a number', name, value);
  if (!Number.isFinite(value)) throw rangeError('a finite number', name, value);
  return value;
}

/** A draw ready to run: its output, where in the draw it starts, and how many blocks the whole draw takes. */
interface PreparedDraw<A extends RandomArray> {
  readonly name: DistributionName;
  readonly out: A;
  readonly start: number;
  readonly size: number;
  readonly params: Float64Array;
}

export interface GeneratorOptions {
  /** The kernels draws run on (by default the backend the loader chose): for tests and benchmarks. */
  readonly kernels?: Kernels;
}

export class Generator {
  #key0: number;
  #key1: number;
  #offset: bigint;
  readonly #kernels: Kernels | undefined;

  /** A generator seeded with an integer (0 to 2^64 - 1) or, without a seed, from the OS's entropy. */
  constructor(seed?: Seed, options?: GeneratorOptions) {
    const [s0, s1] = seed === undefined ? [randomBytes(4).readUInt32LE(), randomBytes(4).readUInt32LE()] : seedWords(seed, 'seed');
    [this.#key0, this.#key1] = deriveKey(s0, s1, 0x6b696e64, 0x6c696e67, 0x9e3779b9, 0xbb67ae85);
    this.#offset = 0n;
    this.#kernels = options?.kernels;
  }

  static #fromKey(key0: number, key1: number, offset: bigint, kernels: Kernels | undefined): Generator {
    const generator = new Generator(0, { kernels: kernels as Kernels });
    generator.#key0 = key0;
    generator.#key1 = key1;
    generator.#offset = offset;
    return generator;
  }

  /** The generator a state() describes, exactly. */
  static fromState(state: GeneratorState, options?: GeneratorOptions): Generator {
    const s = checkOptions(state, 'state', ['algorithm', 'streamVersion', 'key', 'offset']);
    if (s.algorithm !== 'philox4x32-10') throw rangeError('"philox4x32-10"', 'state.algorithm', s.algorithm);
    if (s.streamVersion !== 1) throw rangeError('stream version 1', 'state.streamVersion', s.streamVersion);
    const key = s.key as unknown[];
    const isWord = (word: unknown) => typeof word === 'number' && Number.isInteger(word) && word >= 0 && word <= 0xffffffff;
    if (!Array.isArray(key) || key.length !== 2 || !key.every(isWord)) {
      throw typeError('two 32-bit unsigned integers', 'state.key', s.key);
    }
    if (typeof s.offset !== 'string' || !/^\d{1,20}$/.test(s.offset) || BigInt(s.offset) >= MAX_OFFSET) {
      throw typeError('a decimal string below 2^64', 'state.offset', s.offset);
    }
    return Generator.#fromKey(key[0] as number, key[1] as number, BigInt(s.offset), options?.kernels);
  }

  /** The kernels its draws run on (the loader's choice unless it was made with other kernels). */
  get kernels(): Kernels {
    return this.#kernels ?? activeKernels();
  }

  /** Blocks used so far. */
  get offset(): bigint {
    return this.#offset;
  }

  state(): GeneratorState {
    return { algorithm: 'philox4x32-10', streamVersion: 1, key: [this.#key0, this.#key1], offset: this.#offset.toString() };
  }

  clone(): Generator {
    return Generator.#fromKey(this.#key0, this.#key1, this.#offset, this.#kernels);
  }

  /** n independent child generators, derived from this one's key and offset; this one advances by one block. */
  split(n: number): Generator[] {
    if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw rangeError('an integer from 0 to 2^32 - 1', 'n', n);
    const offset = this.#reserve(1n);
    const [o0, o1] = [Number(offset & 0xffffffffn), Number(offset >> 32n)];
    return Array.from({ length: n }, (_, i) =>
      Generator.#fromKey(...deriveKey(o0, o1, i, 0x73706c74, this.#key0, this.#key1), 0n, this.#kernels),
    );
  }

  /** A child generator for `data` (an integer, e.g. a worker's index): a pure function of this key and data. */
  foldIn(data: Seed): Generator {
    const [d0, d1] = seedWords(data, 'data');
    return Generator.#fromKey(...deriveKey(d0, d1, 0, 0x666f6c64, this.#key0, this.#key1), 0n, this.#kernels);
  }

  #reserve(blocks: bigint): bigint {
    const offset = this.#offset;
    if (offset + blocks > MAX_OFFSET) {
      throw new RangeError(message('a draw that fits in the 2^64 blocks of the generator', 'size', `one needing ${blocks} blocks at offset ${offset}`));
    }
    this.#offset = offset + blocks;
    return offset;
  }

  #prepare<A extends RandomArray>(
    name: DistributionName,
    size: unknown,
    opts: Record<string, unknown>,
    allocate: (length: number) => A,
    isOut: (value: unknown) => boolean,
    outKinds: string,
    params: (out: A) => number[],
  ): PreparedDraw<A> {
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw (typeof size === 'number' ? rangeError : typeError)('a non-negative integer', 'size', size);
    }
    let [start, end] = [0, size];
    if (opts.slice !== undefined) {
      const slice = opts.slice as unknown[];
      if (!Array.isArray(slice) || slice.length !== 2) throw typeError('[start, end]', 'slice', opts.slice);
      [start, end] = slice as [number, number];
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end > size) {
        throw rangeError(`integers 0 <= start <= end <= ${size}`, 'slice', `[${slice.map(describe).join(', ')}]`);
      }
    }
    let out: A;
    if (opts.out === undefined) {
      out = allocated(() => allocate(end - start), end - start, 'size');
    } else {
      if (!isOut(opts.out)) throw typeError(outKinds, 'out', opts.out);
      out = opts.out as A;
      if (lengthOf(out) !== end - start) throw rangeError(`an array of length ${end - start}`, 'out', out);
    }
    return { name, out, start, size, params: new Float64Array(params(out)) };
  }

  #run<A extends RandomArray>(draw: PreparedDraw<A>): A {
    const kernels = this.#kernels ?? activeKernels();
    const offset = this.#reserve(blocksFor(draw.name, draw.out, draw.size));
    const id = kernels.distributions.indexOf(draw.name);
    kernels.random(id, draw.out, this.#key0, this.#key1, Number(offset & 0xffffffffn), Number(offset >> 32n), draw.start, draw.params);
    return draw.out;
  }

  async #runAsync<A extends RandomArray>(draw: PreparedDraw<A>): Promise<A> {
    const kernels = this.#kernels ?? activeKernels();
    const offset = this.#reserve(blocksFor(draw.name, draw.out, draw.size));
    const id = kernels.distributions.indexOf(draw.name);
    await kernels.randomAsync(id, draw.out, this.#key0, this.#key1, Number(offset & 0xffffffffn), Number(offset >> 32n), draw.start, draw.params);
    return draw.out;
  }

  #floatDraw(
    name: DistributionName,
    size: unknown,
    options: unknown,
    extra: readonly string[],
    params: (opts: Record<string, unknown>, dtype: Dtype) => number[],
  ): PreparedDraw<FloatArray> {
    const opts = checkOptions(options, `${name} options`, [...FLOAT_OPTIONS, ...extra]);
    let dtype: Dtype = 'float32';
    if (opts.out !== undefined) dtype = typedArrayKind(opts.out) === 'Float64Array' ? 'float64' : 'float32';
    else if (opts.dtype !== undefined) {
      if (opts.dtype !== 'float32' && opts.dtype !== 'float64') throw typeError('"float32" or "float64"', 'dtype', opts.dtype);
      dtype = opts.dtype;
    }
    const computed = params(opts, dtype);
    return this.#prepare<FloatArray>(
      name,
      size,
      opts,
      (length) => (dtype === 'float32' ? new Float32Array(length) : new Float64Array(length)),
      (value) => typedArrayKind(value) === 'Float32Array' || typedArrayKind(value) === 'Float64Array',
      'a Float32Array or Float64Array',
      () => computed,
    );
  }

  #uniform(size: unknown, options: unknown): PreparedDraw<FloatArray> {
    return this.#floatDraw('uniform', size, options, ['low', 'high'], (opts, dtype) => {
      const low = finiteNumber(opts.low, 'low', 0);
      const high = finiteNumber(opts.high, 'high', 1);
      const params = uniformParams(low, high, dtype);
      if (!(params[0]! < params[2]!) || !Number.isFinite(params[1]!)) {
        throw rangeError(`low < high, with high - low finite in ${dtype}`, 'high', high);
      }
      return params;
    });
  }

  #normal(size: unknown, options: unknown): PreparedDraw<FloatArray> {
    return this.#floatDraw('normal', size, options, ['mean', 'std'], (opts, dtype) => {
      const std = finiteNumber(opts.std, 'std', 1);
      if (std < 0) throw rangeError('a non-negative number', 'std', std);
      return normalParams(finiteNumber(opts.mean, 'mean', 0), std, dtype);
    });
  }

  #truncatedNormal(size: unknown, options: unknown): PreparedDraw<FloatArray> {
    const extra = ['mean', 'std', 'a', 'b', 'bounds', 'preserveVariance'];
    return this.#floatDraw('truncatedNormal', size, options, extra, (opts, dtype) => {
      const mean = finiteNumber(opts.mean, 'mean', 0);
      const std = finiteNumber(opts.std, 'std', 1);
      if (!(std > 0)) throw rangeError('a positive number', 'std', std);
      const bound = (value: unknown, name: string, fallback: number) => {
        if (value === undefined) return fallback;
        if (typeof value !== 'number' || Number.isNaN(value)) throw typeError('a number (possibly infinite)', name, value);
        return value;
      };
      const [givenA, givenB] = [bound(opts.a, 'a', -2), bound(opts.b, 'b', 2)];
      if (!(givenA < givenB)) throw rangeError(`a bound above a (${givenA})`, 'b', givenB);
      if (opts.preserveVariance !== undefined && typeof opts.preserveVariance !== 'boolean') {
        throw typeError('a boolean', 'preserveVariance', opts.preserveVariance);
      }
      const absolute = opts.bounds === 'absolute';
      if (!absolute && opts.bounds !== undefined && opts.bounds !== 'std') throw typeError('"std" or "absolute"', 'bounds', opts.bounds);
      if (absolute && opts.preserveVariance === true) {
        // Rescaling after truncation would move values past absolute bounds.
        throw rangeError('bounds in standard deviations (bounds: "std") with preserveVariance', 'bounds', opts.bounds);
      }
      const [a, b] = absolute ? [(givenA - mean) / std, (givenB - mean) / std] : [givenA, givenB];
      if (!(a < b)) {
        const received = `${givenB}, which with a = ${givenA}, mean ${mean} and std ${std} is no wider than a in standard deviations`;
        throw new RangeError(message('absolute bounds that stay apart in standard deviations', 'b', received));
      }
      return truncatedNormalParams(mean, std, a, b, opts.preserveVariance === true, dtype, absolute ? [givenA, givenB] : undefined);
    });
  }

  #integers(size: unknown, options: unknown): PreparedDraw<Int32Array | Uint32Array> {
    const opts = checkOptions(options, 'integers options', ['out', 'slice', 'dtype', 'low', 'high']);
    const low = finiteNumber(opts.low, 'low', 0);
    if (opts.high === undefined) throw typeError('a number', 'high', undefined);
    const high = finiteNumber(opts.high, 'high', 0);
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || !(low < high) || high - low > 2 ** 32) {
      throw rangeError(`an integer above low (${low}) and at most low + 2^32`, 'high', high);
    }
    const signed = opts.out !== undefined ? typedArrayKind(opts.out) === 'Int32Array' : (opts.dtype ?? (high > 2 ** 31 ? 'uint32' : 'int32')) === 'int32';
    if (opts.dtype !== undefined && opts.dtype !== 'int32' && opts.dtype !== 'uint32') throw typeError('"int32" or "uint32"', 'dtype', opts.dtype);
    const [min, max] = signed ? [-(2 ** 31), 2 ** 31] : [0, 2 ** 32];
    if (low < min || high > max) throw rangeError(`a range within [${min}, ${max}) for ${signed ? 'int32' : 'uint32'}`, 'low', low);
    return this.#prepare<Int32Array | Uint32Array>(
      'integers',
      size,
      opts,
      (length) => (signed ? new Int32Array(length) : new Uint32Array(length)),
      (value) => typedArrayKind(value) === 'Int32Array' || typedArrayKind(value) === 'Uint32Array',
      'an Int32Array or Uint32Array',
      () => integersParams(low, high),
    );
  }

  #bernoulli(size: unknown, options: unknown): PreparedDraw<Uint8Array> {
    const opts = checkOptions(options, 'bernoulli options', ['out', 'slice', 'p']);
    const p = finiteNumber(opts.p, 'p', 0.5);
    if (p < 0 || p > 1) throw rangeError('a probability from 0 to 1', 'p', p);
    return this.#prepare<Uint8Array>('bernoulli', size, opts, (length) => new Uint8Array(length), (value) => typedArrayKind(value) === 'Uint8Array', 'a Uint8Array', () => bernoulliParams(p));
  }

  #bits(size: unknown, options: unknown): PreparedDraw<Uint32Array> {
    const opts = checkOptions(options, 'bits options', ['out', 'slice']);
    return this.#prepare<Uint32Array>('bits', size, opts, (length) => new Uint32Array(length), (value) => typedArrayKind(value) === 'Uint32Array', 'a Uint32Array', () => []);
  }

  /** Uniform values in [low, high) (docs/rng.md §3). */
  uniform(size: number, options?: UniformOptions): FloatArray {
    return this.#run(this.#uniform(size, options));
  }
  uniformAsync(size: number, options?: UniformOptions): Promise<FloatArray> {
    return promised(() => this.#runAsync(this.#uniform(size, options)));
  }

  /** Normal values with the given mean and standard deviation. */
  normal(size: number, options?: NormalOptions): FloatArray {
    return this.#run(this.#normal(size, options));
  }
  normalAsync(size: number, options?: NormalOptions): Promise<FloatArray> {
    return promised(() => this.#runAsync(this.#normal(size, options)));
  }

  /** Normal values conditioned to lie in [a, b]. */
  truncatedNormal(size: number, options?: TruncatedNormalOptions): FloatArray {
    return this.#run(this.#truncatedNormal(size, options));
  }
  truncatedNormalAsync(size: number, options?: TruncatedNormalOptions): Promise<FloatArray> {
    return promised(() => this.#runAsync(this.#truncatedNormal(size, options)));
  }

  /** Uniform integers in [low, high), without bias. */
  integers(size: number, options: IntegersOptions): Int32Array | Uint32Array {
    return this.#run(this.#integers(size, options));
  }
  integersAsync(size: number, options: IntegersOptions): Promise<Int32Array | Uint32Array> {
    return promised(() => this.#runAsync(this.#integers(size, options)));
  }

  /** 1 with probability p, else 0. */
  bernoulli(size: number, options?: BernoulliOptions): Uint8Array {
    return this.#run(this.#bernoulli(size, options));
  }
  bernoulliAsync(size: number, options?: BernoulliOptions): Promise<Uint8Array> {
    return promised(() => this.#runAsync(this.#bernoulli(size, options)));
  }

  /** Raw 32-bit words of the Philox stream. */
  bits(size: number, options?: DrawOptions<Uint32Array>): Uint32Array {
    return this.#run(this.#bits(size, options));
  }
  bitsAsync(size: number, options?: DrawOptions<Uint32Array>): Promise<Uint32Array> {
    return promised(() => this.#runAsync(this.#bits(size, options)));
  }

  /** A uniformly random permutation of 0, 1, ..., n - 1 (n < 2^31). */
  permutation(n: number): Int32Array {
    return sortedByKeys(this.#run(this.#permutationKeys(n)));
  }
  async permutationAsync(n: number): Promise<Int32Array> {
    return sortedByKeys(await promised(() => this.#runAsync(this.#permutationKeys(n))));
  }

  #permutationKeys(n: unknown): PreparedDraw<Uint32Array> {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n >= 2 ** 31) {
      throw (typeof n === 'number' ? rangeError : typeError)('an integer from 0 to 2^31 - 1', 'n', n);
    }
    return this.#bits(2 * n, undefined);
  }
}

/** Indices 0..n-1 ordered by the 64-bit keys (keys[2i], keys[2i+1]), ties by index. */
function sortedByKeys(keys: Uint32Array): Int32Array {
  const order = Int32Array.from({ length: keys.length / 2 }, (_, i) => i);
  return order.sort((i, j) => keys[2 * i]! - keys[2 * j]! || keys[2 * i + 1]! - keys[2 * j + 1]! || i - j);
}


let defaultGeneratorInstance: Generator | undefined;

/** The process-wide generator draws use when none is given: seeded from the OS's entropy until manualSeed. */
export function defaultGenerator(): Generator {
  return (defaultGeneratorInstance ??= new Generator());
}

/** Reseeds the process-wide generator, making everything drawn from it reproducible; returns it. */
export function manualSeed(seed: Seed): Generator {
  defaultGeneratorInstance = new Generator(seed);
  return defaultGeneratorInstance;
}
