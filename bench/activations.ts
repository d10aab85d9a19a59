/**
 * Forward activation throughput on Float32Array: the public API as the loader sets it up (its SIMD
 * level, default thread count and small-array routing), the native kernels forced to every SIMD
 * level this CPU runs on 1 thread, the TypeScript fallback, a naive JavaScript loop, tfjs on its CPU
 * and WebAssembly backends (bench/peers.ts), and `out.set(x)` as the memory-bandwidth reference.
 * Prints a Markdown table; see bench/README.md.
 *
 * PyTorch's CPU kernels (bench/activations_peers.py, Debian's /usr/bin/python3 with torch) run in a
 * child process after them on the same inputs' distribution, for the ratios to PyTorch.
 *
 *   npx tsc -p . && npx vite-node bench/activations.ts [--json results.json] [--only tanh,gelu]
 *       [--sizes 1e6,1.6e7] [--python PATH | --no-python]
 *       [--repetitions 7] [--min-batch-ms 50] [--fallback-max-size 1.6e7] [--no-tfjs]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Kernels, SimdLevel } from '../binding.js';
import type { ActivationName } from '../lib/spec/activations.js';
import { built, machine, optionsWithOut } from './harness.js';
import { type LoadedTfjs, type TfTensor, loadTfjs } from './peers.js';

const { loadNative, SIMD_LEVELS } = built<typeof import('../lib/backend.js')>('backend.js');
const { createActivations } = built<typeof import('../lib/activations.js')>('activations.js');
const { fallbackKernels } = built<typeof import('../lib/fallback/kernels.js')>('fallback/kernels.js');
const { activationSpecs, exampleOptions } = built<typeof import('../lib/spec/activations.js')>('spec/activations.js');
const { activations: publicActivations, backend } = built<typeof import('../lib/index.js')>('index.js');

const DEFAULT_SIZES = [1e3, 1e5, 1e6, 1.6e7];
const BYTES_PER_ELEMENT = 8; // one float32 read, one float32 written

const { values: args } = parseArgs({
  options: {
    json: { type: 'string' },
    only: { type: 'string' },
    sizes: { type: 'string' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'no-python': { type: 'boolean', default: false },
    'no-tfjs': { type: 'boolean', default: false },
    repetitions: { type: 'string', default: '7' },
    'min-batch-ms': { type: 'string', default: '50' },
    'fallback-max-size': { type: 'string', default: '1.6e7' },
  },
});
const REPETITIONS = Number(args.repetitions);
const MIN_BATCH_NS = Number(args['min-batch-ms']) * 1e6;
/**
 * The JavaScript contenders (fallback, naive loop, tfjs) are timed up to this size only: at 1.6e7
 * the slow ones take up to a second a call, and the targets there concern native against the copy.
 */
const FALLBACK_MAX_SIZE = Number(args['fallback-max-size']);
const SIZES = args.sizes ? args.sizes.split(',').map(Number) : DEFAULT_SIZES;
const only = args.only?.split(',');
const benchedSpecs = activationSpecs.filter((spec) => !only || only.includes(spec.name));

type Run = (x: Float32Array, out: Float32Array) => void;

interface Contender {
  readonly label: string;
  readonly kind: 'auto' | 'native' | 'fallback' | 'naive' | 'tfjs' | 'copy';
  readonly simd: SimdLevel | null;
  /** Threads the native addon is set to while this contender runs; null for JavaScript. */
  readonly threads: number | null;
  /** 'exact': same bits as the fallback; 'close': within 1e-6 (`tolerance` if set); 'none': the fallback itself, or the copy. */
  readonly check: 'exact' | 'close' | 'none';
  readonly tolerance?: number;
  /** A run of this activation at this size, or null when the contender sits this one out. */
  readonly runFor: (name: ActivationName, size: number) => Run | null;
  /** Called before each of its batches: the thread count, the tfjs backend. */
  readonly enter?: () => void;
}

// The loop a user would write without kindling, one per table entry (the compiler asks for a new
// one when the table grows). Each is its own function so V8 inlines its formula, as in user code.
const naiveLoops: Record<ActivationName, Run> = {
  identity(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]!;
  },
  relu(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.max(0, x[i]!);
  },
  sigmoid(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]!));
  },
  tanh(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]!);
  },
  // piecewise linear
  relu6(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.min(Math.max(0, x[i]!), 6);
  },
  leakyRelu(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0 ? x[i]! : 0.01 * x[i]!;
  },
  rrelu(x, out) {
    const slope = (1 / 8 + 1 / 3) / 2;
    for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0 ? x[i]! : slope * x[i]!;
  },
  hardTanh(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.min(Math.max(-1, x[i]!), 1);
  },
  hardSigmoid(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.min(Math.max(0, x[i]! + 3), 6) / 6;
  },
  hardSwish(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = (x[i]! * Math.min(Math.max(0, x[i]! + 3), 6)) / 6;
  },
  softShrink(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0.5 ? x[i]! - 0.5 : x[i]! < -0.5 ? x[i]! + 0.5 : 0;
  },
  hardShrink(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]!) > 0.5 ? x[i]! : 0;
  },
  threshold(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! > 1 ? x[i]! : -2;
  },
  softsign(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! / (1 + Math.abs(x[i]!));
  },

  // logistic
  silu(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! / (1 + Math.exp(-x[i]!));
  },
  swish(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! / (1 + Math.exp(-2 * x[i]!)); // beta = 2, the row's example
  },
  softplus(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! > 20 ? x[i]! : Math.log1p(Math.exp(x[i]!));
  },
  logSigmoid(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.min(x[i]!, 0) - Math.log1p(Math.exp(-Math.abs(x[i]!)));
  },
  mish(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! * Math.tanh(Math.log1p(Math.exp(x[i]!)));
  },
  tanhShrink(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! - Math.tanh(x[i]!);
  },

  // exponential
  elu(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0 ? x[i]! : Math.expm1(x[i]!);
  },
  selu(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = 1.0507009873554805 * (x[i]! > 0 ? x[i]! : 1.6732632423543772 * Math.expm1(x[i]!));
  },
  celu(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.max(0, x[i]!) + Math.min(0, Math.expm1(x[i]!));
  },
  exponential(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]!);
  },

  // gelu
  gelu(x, out) {
    // JavaScript has no erf: Abramowitz and Stegun 7.1.26 (error below 1.5e-7), the usual stand-in.
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      const z = Math.abs(v) * Math.SQRT1_2;
      const t = 1 / (1 + 0.3275911 * z);
      const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
      const erf = 1 - poly * Math.exp(-z * z);
      out[i] = 0.5 * v * (1 + (v < 0 ? -erf : erf));
    }
  },
  geluTanh(x, out) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
    }
  },
};

/**
 * tfjs's op for a row, where it has one (or a composition of its ops, as a tfjs user would write
 * it), at the row's default parameters. The input tensor is made once, as a model holds its
 * activations as tensors; each call runs the op and reads the result back into `out`.
 */
type TfOps = Record<string, (...args: unknown[]) => TfTensor>;
const tfjsOps: Partial<Record<ActivationName, (tf: TfOps, x: TfTensor) => TfTensor>> = {
  relu: (tf, x) => tf.relu!(x),
  relu6: (tf, x) => tf.relu6!(x),
  leakyRelu: (tf, x) => tf.leakyRelu!(x, 0.01),
  hardTanh: (tf, x) => tf.clipByValue!(x, -1, 1),
  sigmoid: (tf, x) => tf.sigmoid!(x),
  tanh: (tf, x) => tf.tanh!(x),
  elu: (tf, x) => tf.elu!(x),
  selu: (tf, x) => tf.selu!(x),
  softplus: (tf, x) => tf.softplus!(x),
  exponential: (tf, x) => tf.exp!(x),
  silu: (tf, x) => tf.mul!(x, tf.sigmoid!(x)),
  mish: (tf, x) => tf.mul!(x, tf.tanh!(tf.softplus!(x))),
  gelu: (tf, x) => tf.mul!(tf.mul!(x, 0.5), tf.add!(1, tf.erf!(tf.mul!(x, Math.SQRT1_2)))),
  geluTanh: (tf, x) =>
    tf.mul!(tf.mul!(x, 0.5), tf.add!(1, tf.tanh!(tf.mul!(0.7978845608028654, tf.add!(x, tf.mul!(0.044715, tf.pow!(x, 3))))))),
};

function tfjsRun(tfjs: LoadedTfjs, backendName: 'cpu' | 'wasm', name: ActivationName): Run | null {
  const op = tfjsOps[name];
  if (!op) return null;
  let input: { x: Float32Array; tensor: TfTensor } | null = null;
  return (x, out) => {
    if (input?.x !== x) {
      input?.tensor.dispose();
      tfjs.use(backendName);
      input = { x, tensor: tfjs.tf.tensor1d(x) };
    }
    const y = tfjs.tf.tidy(() => op(tfjs.tf as unknown as TfOps, input!.tensor));
    out.set(y.dataSync());
    y.dispose();
  };
}

/** Through the public functions, validation included, as users call them, with each row's example parameters. */
function facade(kernels: Kernels): (name: ActivationName) => Run {
  return facadeOf(createActivations(kernels));
}
function facadeOf(api: ReturnType<typeof createActivations>): (name: ActivationName) => Run {
  return (name) => {
    const activation = api[name] as (x: Float32Array, options: object) => Float32Array;
    const optionsFor = optionsWithOut(exampleOptions(activationSpecs.find((spec) => spec.name === name)!));
    return (x, out) => void activation(x, optionsFor(out));
  };
}

const loadReasons: string[] = [];
const native = loadNative(loadReasons);
const defaultThreads = native?.addon.threads() ?? 1;
const useThreads = (threads: number) => () => native?.addon.setThreads(threads);
const threadsLabel = (threads: number) => `${threads} thread${threads > 1 ? 's' : ''}`;
const upToFallbackMax = (run: (name: ActivationName) => Run) => (name: ActivationName, size: number) => (size <= FALLBACK_MAX_SIZE ? run(name) : null);

const contenders: Contender[] = [];
if (native) {
  // What users get: the loader's level (KINDLING_SIMD may force another), its thread count, and
  // arrays below lib/spec/crossovers.ts's lengths routed to the fallback.
  const auto = backend();
  const autoRun = facadeOf(publicActivations);
  contenders.push({
    label: `kindling auto (${auto.simd}, ${threadsLabel(defaultThreads)})`,
    kind: 'auto',
    simd: auto.simd,
    threads: defaultThreads,
    check: 'exact',
    runFor: (name) => autoRun(name),
    enter: useThreads(defaultThreads),
  });
  for (const level of [...native.addon.supportedSimd].reverse()) {
    const runFor = facade(native.addon.kernels(level));
    contenders.push({ label: `native ${level}, 1 thread`, kind: 'native', simd: level, threads: 1, check: 'exact', runFor: (name) => runFor(name), enter: useThreads(1) });
  }
}
contenders.push(
  { label: 'fallback (TypeScript)', kind: 'fallback', simd: null, threads: null, check: 'none', runFor: upToFallbackMax(facade(fallbackKernels)) },
  { label: 'naive JS', kind: 'naive', simd: null, threads: null, check: 'close', runFor: upToFallbackMax((name) => naiveLoops[name]) },
);
const notes: string[] = [];
const tfjs = args['no-tfjs'] ? '--no-tfjs' : await loadTfjs();
if (typeof tfjs === 'string') notes.push(`tfjs skipped: ${tfjs}`);
else {
  notes.push(...tfjs.skipped);
  for (const backendName of tfjs.backends) {
    contenders.push({
      label: `tfjs ${tfjs.version} ${backendName}`,
      kind: 'tfjs',
      simd: null,
      threads: null,
      // tfjs computes in float32 with its own formulas (and no erf-exact gelu): a looser check.
      check: 'close',
      tolerance: 1e-5,
      runFor: (name, size) => (size <= FALLBACK_MAX_SIZE ? tfjsRun(tfjs, backendName, name) : null),
      enter: () => tfjs.use(backendName),
    });
  }
}
contenders.push({ label: 'copy (out.set)', kind: 'copy', simd: null, threads: null, check: 'none', runFor: () => (x, out) => out.set(x) });

/** n float32 values uniformly distributed over [low, high], from a fixed seed (xorshift32). */
function uniformInputs(n: number, [low, high]: readonly [number, number]): Float32Array {
  const x = new Float32Array(n);
  let state = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    x[i] = low + (high - low) * ((state >>> 0) / 2 ** 32);
  }
  return x;
}

function checkAgainst(expected: Float32Array, out: Float32Array, contender: Contender, where: string): void {
  const [want, got] = [new Uint32Array(expected.buffer), new Uint32Array(out.buffer)];
  for (let i = 0; i < out.length; i++) {
    // Naive JS rounds the double result once, the kernels step by step: allow 1e-6, relative above 1.
    const ok =
      contender.check === 'exact'
        ? got[i] === want[i]
        : Math.abs(out[i]! - expected[i]!) <= (contender.tolerance ?? 1e-6) * Math.max(1, Math.abs(expected[i]!));
    if (!ok) {
      throw new Error(`${contender.label} disagrees with the fallback on ${where} at [${i}]: ${out[i]} vs ${expected[i]}`);
    }
  }
}

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as (options: { type: 'minor' }) => void;

/**
 * Each batch starts with an empty young generation, so that it pays for the scavenges of its own
 * garbage only. The facades allocate a little per call and so run scavenges, and a scavenge copies
 * what the contenders before left alive there (tfjs's tensors): kindling auto, timed right after tfjs
 * in each round, was charged up to 13 ms of such pauses per 18 ms batch and took 1.3-6× the
 * fallback's time on small arrays, where both run the same code and take the same time without them.
 */
function timeBatch(run: Run, x: Float32Array, out: Float32Array, iterations: number): number {
  collectGarbage({ type: 'minor' });
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run(x, out);
  return Number(process.hrtime.bigint() - start);
}

/** The first count of iterations, in growing batches, that takes at least MIN_BATCH_NS. */
function iterationsFor(run: Run, x: Float32Array, out: Float32Array): number {
  let iterations = 1;
  for (;;) {
    const elapsed = timeBatch(run, x, out, iterations);
    if (elapsed >= MIN_BATCH_NS) return iterations;
    iterations = Math.ceil(iterations * Math.min(100, (1.2 * MIN_BATCH_NS) / Math.max(elapsed, 1)));
  }
}

/**
 * Iterations per batch for at least MIN_BATCH_NS, searched again until the count stops growing: at a
 * new size the first contender runs while V8 still compiles the code it shares with the others, and
 * one search ended at batches as short as 0.5 ms (kindling auto's, at 1 element), which one pause
 * distorts.
 */
function calibrate(run: Run, x: Float32Array, out: Float32Array): number {
  let iterations = iterationsFor(run, x, out);
  for (let again = iterationsFor(run, x, out); again > 1.2 * iterations; again = iterationsFor(run, x, out)) iterations = again;
  return iterations;
}

interface Result {
  readonly activation: ActivationName;
  readonly size: number;
  readonly contender: string;
  readonly kind: Contender['kind'];
  readonly simd: SimdLevel | null;
  readonly threads: number | null;
  readonly iterationsPerBatch: number;
  /** ns per element of each repetition, in the order run. */
  readonly nsPerElement: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly gbPerSecond: number;
  /** fallback time / this time: how many times faster than the fallback (null where it was not timed). */
  readonly vsFallback: number | null;
  /** this time / copy time: 1 means as fast as a plain copy of the same array. */
  readonly vsCopy: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((p, q) => p - q);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const fallbackReference = facade(fallbackKernels);

function benchmark(spec: (typeof activationSpecs)[number], size: number): Result[] {
  const x = uniformInputs(size, spec.interestingRange);
  const out = new Float32Array(size);
  const active = contenders.flatMap((contender) => {
    const run = contender.runFor(spec.name, size);
    return run ? [{ contender, run }] : [];
  });
  const expected = new Float32Array(size);
  fallbackReference(spec.name)(x, expected);

  const iterations = active.map(({ contender, run }) => {
    contender.enter?.();
    if (contender.check !== 'none') {
      out.fill(NaN);
      run(x, out);
      checkAgainst(expected, out, contender, `${spec.name} at ${sizeLabel(size)}`);
    }
    return calibrate(run, x, out);
  });

  // Round-robin: each repetition times every contender once, so drift over the run (clock
  // boost, a noisy neighbour) spreads over all of them instead of favouring the early ones.
  const samples: number[][] = active.map(() => []);
  for (let r = 0; r < REPETITIONS; r++) {
    active.forEach(({ contender, run }, c) => {
      contender.enter?.();
      samples[c]!.push(timeBatch(run, x, out, iterations[c]!) / (iterations[c]! * size));
    });
  }
  if (native) native.addon.setThreads(defaultThreads);

  const medians = samples.map(median);
  const medianOf = (kind: Contender['kind']) => {
    const c = active.findIndex(({ contender }) => contender.kind === kind);
    return c < 0 ? null : medians[c]!;
  };
  const [fallbackNs, copyNs] = [medianOf('fallback'), medianOf('copy')!];
  return active.map(({ contender }, c) => ({
    activation: spec.name,
    size,
    contender: contender.label,
    kind: contender.kind,
    simd: contender.simd,
    threads: contender.threads,
    iterationsPerBatch: iterations[c]!,
    nsPerElement: samples[c]!,
    median: medians[c]!,
    min: Math.min(...samples[c]!),
    max: Math.max(...samples[c]!),
    gbPerSecond: BYTES_PER_ELEMENT / medians[c]!,
    vsFallback: fallbackNs === null ? null : fallbackNs / medians[c]!,
    vsCopy: medians[c]! / copyNs,
  }));
}

const sizeLabel = (n: number) => n.toExponential().replace('e+', 'e');
const fixed = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

function table(results: readonly Result[]): string {
  const rows = [
    '| activation | size | contender | ns/element (median) | spread (min–max) | GB/s | × faster than fallback | × copy time |',
    '|---|--:|---|--:|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.activation} | ${sizeLabel(r.size)} | ${r.contender} | ${fixed(r.median)} | ${fixed(r.min)}–${fixed(r.max)} | ` +
        `${fixed(r.gbPerSecond)} | ${r.vsFallback === null ? '—' : fixed(r.vsFallback)} | ${fixed(r.vsCopy)} |`,
    );
  }
  return rows.join('\n');
}

const info = machine(native, defaultThreads);
const header = [
  '# kindling: forward activations on Float32Array',
  '',
  `- Machine: ${info.cpu}, ${info.logicalCpus} logical CPUs on ${info.physicalCores} physical cores`,
  `- Node ${info.node} (V8 ${info.v8}); 1-minute load average at start: ${info.loadAverageAtStart.toFixed(2)}`,
  native
    ? `- Addon: ${info.addon}; SIMD levels supported here: ${info.supportedSimd.join(', ')} ` +
      `(of ${SIMD_LEVELS.filter((level) => info.compiledSimd.includes(level)).join(', ')} compiled); default threads: ${defaultThreads}`
    : `- Addon not loaded, JavaScript only: ${loadReasons.join('; ')}`,
  `- Inputs uniform over each entry's interestingRange, out preallocated; ${REPETITIONS} repetitions of ` +
    `≥ ${MIN_BATCH_NS / 1e6} ms each, round-robin; GB/s counts ${BYTES_PER_ELEMENT} bytes per element`,
  '',
];
console.log(header.join('\n'));

// One untimed pass over every activation and contender first, so shared code paths (the facade,
// the fallback's element loop) are already polymorphic when the first activation is timed, as in
// a program that uses several activations, rather than optimised for whichever comes first.
for (const spec of benchedSpecs) {
  const x = uniformInputs(4096, spec.interestingRange);
  for (const contender of contenders) {
    const run = contender.runFor(spec.name, x.length);
    contender.enter?.();
    if (run) timeBatch(run, x, new Float32Array(x.length), 200);
  }
}

const started = process.hrtime.bigint();
const results: Result[] = [];
for (const spec of benchedSpecs) {
  for (const size of SIZES) {
    process.stderr.write(`${spec.name} ${sizeLabel(size)}...\n`);
    results.push(...benchmark(spec, size));
  }
}
if (native) native.addon.setThreads(defaultThreads);
console.log(table(results));

for (const note of notes) console.log(`- ${note}`);
if (native) {
  console.log(`\nkindling auto against the fallback, 1e6 elements:`);
  for (const r of results.filter((r) => r.size === 1e6 && r.kind === 'auto' && r.vsFallback !== null)) {
    console.log(`- ${r.activation}: ${fixed(r.vsFallback!)}× faster, ${fixed(r.vsCopy)}× the copy time`);
  }
}
// ---- PyTorch, after the kindling contenders, on inputs of the same distribution ----

interface PeerResult {
  /** 'torch' or 'numpy' (numpy's rows: one ufunc with out=, one thread). */
  readonly library: 'torch' | 'numpy';
  readonly activation: string;
  readonly size: number;
  readonly threads: number;
  readonly allocates: boolean;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function runPeers(): { torch: { version: string } | null; skipped: string[]; results: PeerResult[] } | null {
  if (args['no-python']) return null;
  const jobs = benchedSpecs.map((spec) => ({ name: spec.name, range: spec.interestingRange }));
  const threads = [...new Set([1, defaultThreads])].join(',');
  try {
    const output = execFileSync(
      args.python!,
      [join(__dirname, 'activations_peers.py'), '--jobs', JSON.stringify(jobs), '--sizes', SIZES.join(','), '--threads', threads,
        '--repetitions', String(REPETITIONS), '--min-batch-ms', String(MIN_BATCH_NS / 1e6)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 },
    );
    return JSON.parse(output);
  } catch (error) {
    console.log(`
PyTorch peers skipped: ${(error as Error).message.split('\n')[0]}`);
    return null;
  }
}

const peers = runPeers();
if (peers) {
  for (const reason of peers.skipped) console.log(`- PyTorch: ${reason}`);
  if (peers.torch && native) {
    const best = native.addon.supportedSimd.at(-1);
    console.log(`
Against PyTorch ${peers.torch.version} (CPU kernels, aten .out overloads), same thread counts:
`);
    console.log('| activation | size | threads | PyTorch ns/element | kindling ns/element | × PyTorch throughput | kindling × copy time |');
    console.log('|---|--:|--:|--:|--:|--:|--:|');
    for (const peer of peers.results.filter((result) => result.library === 'torch')) {
      // One thread: native at the best level forced to 1 thread; more: what users get (auto).
      const ours = results.find(
        (r) => r.activation === peer.activation && r.size === peer.size && (peer.threads === 1 ? r.kind === 'native' && r.simd === best : r.kind === 'auto' && r.threads === peer.threads),
      );
      if (!ours) continue;
      const allocates = peer.allocates ? ' (PyTorch allocates)' : '';
      console.log(
        `| ${peer.activation}${allocates} | ${sizeLabel(peer.size)} | ${peer.threads} | ${fixed(peer.median)} | ${fixed(ours.median)} | ` +
          `${fixed(peer.median / ours.median)} | ${fixed(ours.vsCopy)} |`,
      );
    }
  }
}

const loadAverageAtEnd = loadavg()[0]!;
console.log(
  `\nTotal run: ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s; ` +
    `1-minute load average at the end: ${loadAverageAtEnd.toFixed(2)}`,
);

if (args.json) {
  const raw = { machine: { ...info, loadAverageAtEnd }, repetitions: REPETITIONS, minBatchNs: MIN_BATCH_NS, fallbackMaxSize: FALLBACK_MAX_SIZE, notes, results, pytorch: peers };
  writeFileSync(args.json, `${JSON.stringify(raw, null, 2)}\n`);
  console.log(`Raw numbers written to ${args.json}`);
}
