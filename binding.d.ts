/**
 * The contract of kindling's native addon (build/Release/kindling.node or a prebuilt binary).
 *
 * Flat and positional: no defaults, no options objects, explicit arrays for every result. The
 * TypeScript facade validates user input and then calls a `Kernels` object; the pure-TypeScript
 * fallback (lib/fallback) is a value of the same `Kernels` interface, so the compiler catches any
 * drift between the two. The addon itself still checks array kinds and lengths so that a direct
 * caller can never make it read or write outside an array.
 */

/** A SIMD level a kernel is compiled for: x86-64 has scalar, sse2, avx2 (with FMA), avx512; arm64 has scalar, neon. */
export type SimdLevel = 'scalar' | 'sse2' | 'avx2' | 'avx512' | 'neon';

export type FloatArray = Float32Array | Float64Array;

/** 0: f(x); 1: f'(x). */
export type ElementwisePass = 0 | 1;

/** What a backward call is given besides gradOutput: 0 the input x; 1 the output y = f(x). */
export type BackwardSource = 0 | 1;

/** The array types random draws fill: floats for the continuous distributions, Uint32Array for bits, Int32Array or Uint32Array for integers, Uint8Array for bernoulli. */
export type RandomArray = Float32Array | Float64Array | Uint32Array | Int32Array | Uint8Array;

/** The kernels of one backend: one native SIMD level, or the TypeScript fallback. */
export interface Kernels {
  /** The SIMD level these kernels run at, or null for the TypeScript fallback. */
  readonly simd: SimdLevel | null;
  /** Names of the element-wise activations; a name's index is its kernel id. */
  readonly activations: readonly string[];
  /**
   * out[i] = f(x[i]) or f'(x[i]) for activation `id`, with parameters a and b (ignored by
   * activations without parameters). `out` has x's type and length and may be x itself.
   */
  activation(id: number, pass: ElementwisePass, x: FloatArray, out: FloatArray, a: number, b: number): void;
  /**
   * The same off the JavaScript thread; resolves with `out` once it is written. Inputs are read as
   * they were at the call (ordinary buffers are copied, since JavaScript may detach them
   * meanwhile); the result lands in `out` when the call settles, and the Promise rejects with a
   * TypeError if `out` was detached or resized before then. SharedArrayBuffer views are used in
   * place. With `out` null the call creates the result array (x's type, the result's length) and
   * resolves with it: no JavaScript can reach it before then, so it is written in place, and its
   * first writes, which fault its fresh pages in, happen off the JavaScript thread.
   */
  activationAsync(id: number, pass: ElementwisePass, x: FloatArray, out: FloatArray | null, a: number, b: number): Promise<FloatArray>;
  /**
   * out[i] = gradOutput[i] * f'(x[i]), from input[i] = x[i] (source 0) or from input[i] = y[i] =
   * f(x[i]) (source 1, which throws a RangeError for an activation whose derivative is not a
   * function of its output); `out` may be gradOutput or input itself.
   */
  activationBackward(
    id: number,
    source: BackwardSource,
    gradOutput: FloatArray,
    input: FloatArray,
    out: FloatArray,
    a: number,
    b: number,
  ): void;
  /** The same off the JavaScript thread, on the terms of activationAsync. */
  activationBackwardAsync(
    id: number,
    source: BackwardSource,
    gradOutput: FloatArray,
    input: FloatArray,
    out: FloatArray | null,
    a: number,
    b: number,
  ): Promise<FloatArray>;
  // along an axis
  /** Names of the activations along an axis (softmax, logSoftmax, softmin, glu); a name's index is its id. */
  axisActivationNames(): readonly string[];
  /**
   * Activation `id` along the middle axis of x viewed as [outer, length, inner] (the product must be
   * x's length): each of the outer * inner rows of `length` elements at stride inner is normalised
   * on its own. `mask` is null or a Uint8Array of x's length whose zero bytes mark elements that
   * take no part (they give 0, or -Inf for logSoftmax). glu splits the axis into halves a | b
   * (length even, mask null) and writes a * sigmoid(b) to `out` of length x.length / 2; for the
   * others `out` has x's type and length and may be x itself.
   */
  axisActivation(
    id: number,
    x: FloatArray,
    out: FloatArray,
    outer: number,
    length: number,
    inner: number,
    mask: Uint8Array | null,
  ): void;
  /** The same off the JavaScript thread, on the terms of activationAsync. */
  axisActivationAsync(
    id: number,
    x: FloatArray,
    out: FloatArray | null,
    outer: number,
    length: number,
    inner: number,
    mask: Uint8Array | null,
  ): Promise<FloatArray>;
  /**
   * The gradient with respect to x of activation `id` along the axis, given gradOutput (the
   * output's shape: x's, or x's with the axis halved for glu), from input = x (source 0) or from
   * input = y = f(x) (source 1, which throws a RangeError for glu). `out` has x's type and length
   * and may be gradOutput (when it has x's length) or input itself.
   */
  axisActivationBackward(
    id: number,
    source: BackwardSource,
    gradOutput: FloatArray,
    input: FloatArray,
    out: FloatArray,
    outer: number,
    length: number,
    inner: number,
    mask: Uint8Array | null,
  ): void;
  /** The same off the JavaScript thread, on the terms of activationAsync. */
  axisActivationBackwardAsync(
    id: number,
    source: BackwardSource,
    gradOutput: FloatArray,
    input: FloatArray,
    out: FloatArray | null,
    outer: number,
    length: number,
    inner: number,
    mask: Uint8Array | null,
  ): Promise<FloatArray>;

  // prelu and rrelu
  /**
   * prelu on x seen as shape (outer, channels, inner): element i = (o * channels + c) * inner + k
   * has the slope weight[c] (weight has x's type and `channels` elements; outer * channels * inner
   * must be x's length). Pass 0: out[i] = x[i] if x[i] > 0, else weight[c] * x[i]; pass 1: the
   * derivative, 1 if x[i] > 0, else weight[c] (NaN at NaN); pass 2: x[i] * weight[c] (rrelu's
   * backward, gradOutput * noise). `out` has x's type and length and may be x itself.
   */
  prelu(pass: 0 | 1 | 2, x: FloatArray, weight: FloatArray, out: FloatArray, outer: number, channels: number, inner: number): void;
  /** The same off the JavaScript thread, on the terms of activationAsync. */
  preluAsync(
    pass: 0 | 1 | 2,
    x: FloatArray,
    weight: FloatArray,
    out: FloatArray | null,
    outer: number,
    channels: number,
    inner: number,
  ): Promise<FloatArray>;
  /**
   * prelu's backward on the layout of `prelu`: gradInput[i] = gradOutput[i] * prelu'(x[i]), and
   * gradWeight[c] = the sum over channel c's elements of x * gradOutput where x <= 0 (or NaN), in
   * the fixed order of native/kernels/prelu-plan-inl.h (the same bits on every backend and thread
   * count). gradInput may be gradOutput or x; gradWeight (weight's type and length) is written
   * last, so it may be weight, but must share no memory with gradInput.
   */
  preluBackward(
    gradOutput: FloatArray,
    x: FloatArray,
    weight: FloatArray,
    gradInput: FloatArray,
    gradWeight: FloatArray,
    outer: number,
    channels: number,
    inner: number,
  ): void;
  /** The same off the JavaScript thread, on the terms of activationAsync (both results land when it settles). */
  preluBackwardAsync(
    gradOutput: FloatArray,
    x: FloatArray,
    weight: FloatArray,
    gradInput: FloatArray,
    gradWeight: FloatArray,
    outer: number,
    channels: number,
    inner: number,
  ): Promise<void>;

  /** Names of the random distributions (docs/rng.md §3); a name's index is its id. */
  readonly distributions: readonly string[];
  /**
   * Fills out[i] with value start + i of a draw of distribution `id` by the generator (key0, key1)
   * at block offset offsetHigh * 2^32 + offsetLow (docs/rng.md §2), with the distribution's
   * derived parameters (at most 16, in the output's precision; see lib/random/distributions.ts).
   */
  random(
    id: number,
    out: RandomArray,
    key0: number,
    key1: number,
    offsetLow: number,
    offsetHigh: number,
    start: number,
    params: Float64Array,
  ): void;
  /** The same off the JavaScript thread, on the terms of activationAsync. */
  randomAsync(
    id: number,
    out: RandomArray,
    key0: number,
    key1: number,
    offsetLow: number,
    offsetHigh: number,
    start: number,
    params: Float64Array,
  ): Promise<void>;

  // orthogonal
  /**
   * Replaces `a` (rows × cols, row-major, rows >= cols >= 1) by the Q of its QR whose R has a
   * positive diagonal, computed in float64 by CholeskyQR2 with a shifted first pass when needed
   * (docs/orthogonal.md): the same bits on every backend, SIMD level and thread count. A
   * numerically rank-deficient `a` (or one holding NaN or an infinity) is filled with NaN.
   */
  orthonormalize(a: Float64Array, rows: number, cols: number): void;
  /** The same off the JavaScript thread, on the terms of activationAsync. */
  orthonormalizeAsync(a: Float64Array, rows: number, cols: number): Promise<void>;
}

/** The module object the native binary exports. */
export interface Addon {
  /** Changes whenever this file does; the loader refuses a binary whose version differs. */
  readonly abiVersion: number;
  /** SIMD levels compiled into the binary, lowest first. */
  readonly compiledSimd: readonly SimdLevel[];
  /** The compiled levels this CPU and OS can run, lowest first. */
  readonly supportedSimd: readonly SimdLevel[];
  /** The kernels at one level; throws a RangeError for a level that is not compiled or not supported. */
  kernels(level: SimdLevel): Kernels;
  /** Threads a large call is split across, the calling thread included. */
  threads(): number;
  /** Sets that number (an integer from 1 to 256) for every later call. */
  setThreads(threads: number): void;
}
