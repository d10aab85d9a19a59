/**
 * Random-draw throughput into preallocated arrays: the native kernels at every SIMD level this CPU
 * runs (default thread count and 1 thread), the TypeScript fallback, a naive Math.random() loop,
 * @stdlib/random (when installed), numpy and torch (bench/random_peers.py in a child process,
 * whose batches join the round-robin), and out.fill(0) / out.set(src) as the memory-bandwidth
 * references. Prints a Markdown table and the ratios the targets are stated in; see bench/README.md.
 *
 *   npx tsc -p . && npx vite-node bench/random.ts [--json results.json] [--python PATH]... [--no-python]
 *     [--sizes 1e5,1e6,1.6e7] [--fallback-max-size 1e6] [--cases uniform/float32,normal/float32]
 *     [--repetitions 7] [--min-batch-ms 50]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Kernels, SimdLevel } from '../binding.js';
import type { Generator as GeneratorClass } from '../lib/random/generator.js';
import { built, machine } from './harness.js';
import { loadStdlib } from './peers.js';

const { loadNative, SIMD_LEVELS } = built<typeof import('../lib/backend.js')>('backend.js');
const { Generator } = built<typeof import('../lib/random/generator.js')>('random/generator.js');
const { fallbackKernels } = built<typeof import('../lib/fallback/kernels.js')>('fallback/kernels.js');

const SEED = 20240611;
const CHECK_SLICE = 4096;

const { values: args } = parseArgs({
  options: {
    json: { type: 'string' },
    python: { type: 'string', multiple: true },
    'no-python': { type: 'boolean', default: false },
    sizes: { type: 'string', default: '1e5,1e6,1.6e7' },
    'fallback-max-size': { type: 'string', default: '1e6' },
    cases: { type: 'string' },
    repetitions: { type: 'string', default: '7' },
    'min-batch-ms': { type: 'string', default: '50' },
  },
});
const REPETITIONS = Number(args.repetitions);
const MIN_BATCH_NS = Number(args['min-batch-ms']) * 1e6;
const SIZES = args.sizes!.split(',').map(Number);
if (SIZES.some((size) => !Number.isSafeInteger(size) || size <= 0)) throw new Error(`--sizes: positive integers, got ${args.sizes}`);
/**
 * The fallback takes 40-260 ns a value on an idle core (0.7-4 s a call at 1.6e7, twice that under
 * load): timing it at 1.6e7 would add minutes, so by default it is timed up to 1e6 only. Above this
 * size its time per value at the largest size timed stands in for the ratios (marked †), and its
 * output is checked on three slices instead of whole.
 */
const FALLBACK_MAX_SIZE = Number(args['fallback-max-size']);

type Dtype = 'float32' | 'float64' | 'uint32' | 'int32';
type Distribution = 'uniform' | 'normal' | 'truncatedNormal' | 'bits' | 'integers';
type Out = Float32Array | Float64Array | Uint32Array | Int32Array;

interface Case {
  readonly distribution: Distribution;
  readonly dtype: Dtype;
}
const ALL_CASES: readonly Case[] = [
  { distribution: 'uniform', dtype: 'float32' },
  { distribution: 'normal', dtype: 'float32' },
  { distribution: 'truncatedNormal', dtype: 'float32' },
  { distribution: 'bits', dtype: 'uint32' },
  { distribution: 'integers', dtype: 'int32' },
  { distribution: 'uniform', dtype: 'float64' },
  { distribution: 'normal', dtype: 'float64' },
];
type CaseKey =
  | 'uniform/float32'
  | 'normal/float32'
  | 'truncatedNormal/float32'
  | 'bits/uint32'
  | 'integers/int32'
  | 'uniform/float64'
  | 'normal/float64';
const caseKey = (c: Case) => `${c.distribution}/${c.dtype}` as CaseKey;
/** --cases uniform/float32,normal/float32 times only those. */
const CASES = ALL_CASES.filter((c) => !args.cases || args.cases.split(',').includes(caseKey(c)));
const describeCase: Record<Distribution, string> = {
  uniform: 'uniform [0, 1)',
  normal: 'normal (0, 1)',
  truncatedNormal: 'truncatedNormal (default bounds ±2)',
  bits: 'bits (raw words)',
  integers: 'integers [0, 1000)',
};

function allocate(dtype: Dtype, n: number): Out {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'uint32':
      return new Uint32Array(n);
    case 'int32':
      return new Int32Array(n);
  }
}

type Run = (out: Out) => void;

/** One draw through the public Generator methods, validation included, as users call them. */
function draw(generator: GeneratorClass, c: Case, out: Out): Out {
  const n = out.length;
  switch (c.distribution) {
    case 'uniform':
      return generator.uniform(n, { out: out as Float32Array | Float64Array });
    case 'normal':
      return generator.normal(n, { out: out as Float32Array | Float64Array });
    case 'truncatedNormal':
      return generator.truncatedNormal(n, { out: out as Float32Array | Float64Array });
    case 'bits':
      return generator.bits(n, { out: out as Uint32Array });
    case 'integers':
      return generator.integers(n, { out: out as Int32Array, high: 1000 });
  }
}

/** Values [start, end) of a draw of `size` values, alone (docs/rng.md §2). */
function drawSlice(generator: GeneratorClass, c: Case, size: number, start: number, end: number): Out {
  const out = allocate(c.dtype, end - start);
  const slice: [number, number] = [start, end];
  switch (c.distribution) {
    case 'uniform':
      return generator.uniform(size, { out: out as Float32Array | Float64Array, slice });
    case 'normal':
      return generator.normal(size, { out: out as Float32Array | Float64Array, slice });
    case 'truncatedNormal':
      return generator.truncatedNormal(size, { out: out as Float32Array | Float64Array, slice });
    case 'bits':
      return generator.bits(size, { out: out as Uint32Array, slice });
    case 'integers':
      return generator.integers(size, { out: out as Int32Array, high: 1000, slice });
  }
}

function kindlingRun(kernels: Kernels, c: Case): Run {
  const generator = new Generator(SEED, { kernels });
  return (out) => void draw(generator, c, out);
}

// The loops a user would write without a library, one function per case so that each stays
// monomorphic, as in user code. Math.random() gives doubles with 52 random bits (V8: xorshift128+).
const naiveLoops: Record<CaseKey, Run> = {
  'uniform/float32'(out) {
    for (let i = 0; i < out.length; i++) out[i] = Math.random();
  },
  'uniform/float64'(out) {
    for (let i = 0; i < out.length; i++) out[i] = Math.random();
  },
  'normal/float32'(out) {
    for (let i = 0; i < out.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - Math.random()));
      const angle = 2 * Math.PI * Math.random();
      out[i] = r * Math.cos(angle);
      if (i + 1 < out.length) out[i + 1] = r * Math.sin(angle);
    }
  },
  'normal/float64'(out) {
    for (let i = 0; i < out.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - Math.random()));
      const angle = 2 * Math.PI * Math.random();
      out[i] = r * Math.cos(angle);
      if (i + 1 < out.length) out[i + 1] = r * Math.sin(angle);
    }
  },
  'truncatedNormal/float32'(out) {
    for (let i = 0; i < out.length; i++) {
      let z: number;
      do z = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
      while (z < -2 || z > 2);
      out[i] = z;
    }
  },
  'bits/uint32'(out) {
    for (let i = 0; i < out.length; i++) out[i] = Math.random() * 4294967296;
  },
  'integers/int32'(out) {
    for (let i = 0; i < out.length; i++) out[i] = Math.floor(Math.random() * 1000);
  },
};

// @stdlib/random, a peer users would reach for in JavaScript, from the peers directory
// (bench/peers.ts); it is not one of the project's dependencies.
type Strided2 = (n: number, a: number[], sa: number, b: number[], sb: number, out: Out, so: number) => void;
interface Stdlib {
  readonly version: string;
  readonly runs: Partial<Record<CaseKey, Run>>;
}
function stdlibRuns(): Stdlib | string {
  const stdlib = loadStdlib();
  if (typeof stdlib === 'string') return stdlib;
  const requirePeer = stdlib.require;
  const uniform = requirePeer('@stdlib/random/strided/uniform') as Strided2;
  const normal = requirePeer('@stdlib/random/strided/normal') as Strided2;
  const discreteUniform = requirePeer('@stdlib/random/strided/discrete-uniform') as Strided2;
  const mt19937 = requirePeer('@stdlib/random/strided/mt19937') as (n: number, out: Out, so: number) => void;
  const runs: Stdlib['runs'] = {};
  // Each call goes through the strided API with zero-stride parameters (MT19937 underneath).
  for (const dtype of ['float32', 'float64'] as const) {
    runs[`uniform/${dtype}`] = (out) => uniform(out.length, [0], 0, [1], 0, out, 1);
    runs[`normal/${dtype}`] = (out) => normal(out.length, [0], 0, [1], 0, out, 1);
  }
  runs['integers/int32'] = (out) => discreteUniform(out.length, [0], 0, [999], 0, out, 1); // b is inclusive
  runs['bits/uint32'] = (out) => mt19937(out.length, out, 1);
  return { version: stdlib.version, runs };
}

interface Contender {
  readonly label: string;
  readonly kind: 'native' | 'fallback' | 'naive' | 'stdlib' | 'write' | 'copy';
  readonly simd: SimdLevel | null;
  /** Threads the native addon is set to while this contender runs; null for JavaScript. */
  readonly threads: number | null;
  /** 'exact': the fallback's bits; 'plausible': the right range and moments; 'none': a reference. */
  readonly check: 'exact' | 'plausible' | 'none';
  /** A run for this case and size, or null when the contender sits this one out. */
  readonly runFor: (c: Case, n: number) => Run | null;
}

const loadReasons: string[] = [];
const native = loadNative(loadReasons);
const defaultThreads = native?.addon.threads() ?? 1;
const stdlib = stdlibRuns();
const notes: string[] = [];
if (typeof stdlib === 'string') notes.push(`@stdlib/random skipped: ${stdlib}`);

const contenders: Contender[] = [];
if (native) {
  for (const level of [...native.addon.supportedSimd].reverse()) {
    const kernels = native.addon.kernels(level);
    for (const threads of defaultThreads > 1 ? [defaultThreads, 1] : [1]) {
      const label = `native ${level}, ${threads} thread${threads > 1 ? 's' : ''}`;
      contenders.push({ label, kind: 'native', simd: level, threads, check: 'exact', runFor: (c) => kindlingRun(kernels, c) });
    }
  }
}
contenders.push(
  {
    label: 'fallback (TypeScript)',
    kind: 'fallback',
    simd: null,
    threads: null,
    check: native ? 'exact' : 'none',
    runFor: (c, n) => (n <= FALLBACK_MAX_SIZE ? kindlingRun(fallbackKernels, c) : null),
  },
  { label: 'naive JS (Math.random)', kind: 'naive', simd: null, threads: null, check: 'plausible', runFor: (c) => naiveLoops[caseKey(c)] },
);
if (typeof stdlib !== 'string') {
  contenders.push({
    label: `@stdlib/random ${stdlib.version} (strided, MT19937)`,
    kind: 'stdlib',
    simd: null,
    threads: null,
    check: 'plausible',
    runFor: (c) => stdlib.runs[caseKey(c)] ?? null,
  });
}
contenders.push(
  { label: 'write (out.fill(0))', kind: 'write', simd: null, threads: null, check: 'none', runFor: () => (out) => void out.fill(0) },
  {
    label: 'copy (out.set(src))',
    kind: 'copy',
    simd: null,
    threads: null,
    check: 'none',
    runFor: (c, n) => {
      const source = allocate(c.dtype, n).fill(1);
      return (out) => out.set(source as never);
    },
  },
);

function useThreads(threads: number | null): void {
  if (native && threads !== null) native.addon.setThreads(threads);
}

function sameBits(expected: Out, got: Out, offset: number, label: string, where: string): void {
  const [want, have] = [new Uint32Array(expected.buffer, expected.byteOffset, expected.byteLength / 4), new Uint32Array(got.buffer, got.byteOffset, got.byteLength / 4)];
  const scale = expected.BYTES_PER_ELEMENT / 4;
  for (let i = 0; i < want.length; i++) {
    if (want[i] !== have[offset * scale + i]) {
      const at = offset + Math.floor(i / scale);
      throw new Error(`${label} disagrees on ${where} at [${at}]: ${got[at]} vs ${expected[Math.floor(i / scale)]}`);
    }
  }
}

/** For the peers that draw other streams: the right range, and for the normals the first two moments. */
function checkPlausible(c: Case, out: Out, label: string, where: string): void {
  let [sum, squares, min, max] = [0, 0, Infinity, -Infinity];
  for (let i = 0; i < out.length; i++) {
    const x = out[i]!;
    sum += x;
    squares += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const [mean, variance] = [sum / out.length, squares / out.length - (sum / out.length) ** 2];
  // The sample moments of n normals wander by about 1/√n (mean) and √(2/n) (variance): over 4σ is implausible.
  const normalTolerance = Math.max(0.05, 6 / Math.sqrt(out.length));
  const bad =
    c.distribution === 'uniform'
      ? min < 0 || max > 1 || Math.abs(mean - 0.5) > 0.05
      : c.distribution === 'normal'
        ? Math.abs(mean) > normalTolerance || Math.abs(variance - 1) > normalTolerance
        : c.distribution === 'truncatedNormal'
          ? min < -2 || max > 2 || Math.abs(mean) > 0.05
          : c.distribution === 'integers'
            ? min < 0 || max > 999 || Math.abs(mean - 499.5) > 25
            : min < 0 || max > 2 ** 32 - 1;
  if (bad) throw new Error(`${label} gives implausible values on ${where}: min ${min}, max ${max}, mean ${mean}, variance ${variance}`);
}

function timeBatch(run: Run, out: Out, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run(out);
  return Number(process.hrtime.bigint() - start);
}

/** Iterations per batch for at least MIN_BATCH_NS; the batches run meanwhile are the warm-up. */
function calibrate(run: Run, out: Out): number {
  let iterations = 1;
  for (;;) {
    const elapsed = timeBatch(run, out, iterations);
    if (elapsed >= MIN_BATCH_NS) return iterations;
    iterations = Math.ceil(iterations * Math.min(100, (1.2 * MIN_BATCH_NS) / Math.max(elapsed, 1)));
  }
}

type Kind = Contender['kind'] | 'python';

interface Result {
  readonly distribution: Distribution;
  readonly dtype: Dtype;
  readonly size: number;
  readonly contender: string;
  readonly kind: Kind;
  readonly simd: SimdLevel | null;
  readonly threads: number | null;
  readonly iterationsPerBatch: number;
  /** ns per value of each repetition, in the order run. */
  readonly nsPerValue: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Bytes of output written per second (4 or 8 bytes a value), in GB/s. */
  readonly gbPerSecond: number;
  /** fallback time / this time; null when there is no fallback time. */
  readonly vsFallback: number | null;
  /** True when vsFallback uses the fallback's time per value at FALLBACK_MAX_SIZE (it was not timed at this size). */
  readonly fallbackFromSmallerSize: boolean;
  /** this time / the time of out.fill(0) on the same array: 1 means as fast as writing it. */
  readonly vsWrite: number;
  /** Set for peers that allocate their result on every call instead of filling `out`. */
  readonly allocates?: boolean;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((p, q) => p - q);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Timing {
  readonly contender: Contender;
  readonly iterations: number;
  readonly samples: number[];
}

/**
 * CPU time of the whole machine and of this process. The load average is no guide to other work
 * here (it counts tasks waiting on I/O), and other work on the second core is what spoils the
 * 2-thread rows, so each case records the share of the machine's CPU time other processes used.
 */
interface CpuSnapshot {
  readonly busyMs: number;
  readonly totalMs: number;
  readonly ownMs: number;
}
function cpuSnapshot(children: readonly { cpuMs(): number }[]): CpuSnapshot {
  let [busyMs, totalMs] = [0, 0];
  for (const { times } of cpus()) {
    busyMs += times.user + times.nice + times.sys + times.irq;
    totalMs += times.user + times.nice + times.sys + times.irq + times.idle;
  }
  const own = process.cpuUsage();
  const childrenMs = children.reduce((sum, child) => sum + child.cpuMs(), 0);
  return { busyMs, totalMs, ownMs: (own.user + own.system) / 1000 + childrenMs };
}
/** The share of the machine's CPU time (all cores) that other processes used between two snapshots. */
function othersShare(from: CpuSnapshot, to: CpuSnapshot): number {
  const total = to.totalMs - from.totalMs;
  return total > 0 ? Math.max(0, (to.busyMs - from.busyMs - (to.ownMs - from.ownMs)) / total) : 0;
}

// ---- Python peers --------------------------------------------------------------------------

/** What bench/random_peers.py says about itself when it starts. */
interface PeerMeta {
  readonly python: string;
  readonly executable: string;
  readonly env: Record<string, string | null>;
  readonly numpy: { version: string; config: unknown } | null;
  readonly torch: { version: string; defaultThreads: number; threadsAfterSet?: number } | null;
  readonly skipped: readonly string[];
}

/** One peer the script prepared for the current size. */
interface PeerContender {
  readonly distribution: Distribution;
  readonly dtype: Dtype;
  readonly contender: string;
  readonly library: string;
  readonly threads: number;
  readonly allocates: boolean;
  readonly iterationsPerBatch: number;
}

/**
 * bench/random_peers.py --serve as a child process: it builds and calibrates its peers for a
 * size when asked, then times one batch per request, so that its batches take their turn in the
 * round-robin beside the Node contenders and see the same machine.
 */
class PythonPeer {
  meta: PeerMeta | null = null;
  prepared: PeerContender[] = [];
  readonly #child: ChildProcess;
  readonly #waiting: { resolve: (answer: unknown) => void; reject: (error: Error) => void }[] = [];
  #buffer = '';
  #failure: Error | null = null;

  private constructor(readonly command: string) {
    const script = join(__dirname, 'random_peers.py');
    const cases = ['--cases', CASES.map(caseKey).join(',')];
    this.#child = spawn(command, [script, '--serve', '--min-batch-ms', String(MIN_BATCH_NS / 1e6), ...cases], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.#child.stdout!.setEncoding('utf8');
    this.#child.stdout!.on('data', (chunk: string) => {
      this.#buffer += chunk;
      for (let end; (end = this.#buffer.indexOf('\n')) >= 0; ) {
        const line = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 1);
        const waiter = this.#waiting.shift();
        try {
          const answer = JSON.parse(line) as { error?: string };
          if (answer.error) waiter?.reject(new Error(answer.error));
          else waiter?.resolve(answer);
        } catch {
          waiter?.reject(new Error(`unreadable answer: ${line.slice(0, 200)}`));
        }
      }
    });
    const fail = (error: Error) => {
      this.#failure ??= error;
      for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#failure);
    };
    this.#child.on('error', fail);
    this.#child.on('exit', (code, signal) => fail(new Error(`it exited (${code ?? signal})`)));
    this.#child.stdin!.on('error', () => {}); // EPIPE after it died: 'exit' says so
  }

  static async start(command: string): Promise<PythonPeer> {
    const peer = new PythonPeer(command);
    peer.meta = (await peer.#answer<{ report: PeerMeta }>()).report;
    return peer;
  }

  #answer<T>(): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<T>((resolve, reject) => this.#waiting.push({ resolve: resolve as (answer: unknown) => void, reject }));
  }

  request<T>(message: object): Promise<T> {
    const answer = this.#answer<T>();
    if (!this.#failure) this.#child.stdin!.write(`${JSON.stringify(message)}\n`);
    return answer;
  }

  /** CPU time the child has used so far, in ms (Linux), so that it does not count as other work. */
  cpuMs(): number {
    try {
      const fields = readFileSync(`/proc/${this.#child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
    } catch {
      return 0;
    }
  }

  close(): void {
    if (!this.#failure) this.#child.stdin!.end(`${JSON.stringify({ op: 'quit' })}\n`);
  }
}

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * Starts bench/random_peers.py with each interpreter (by default the `python3` on PATH and
 * Debian's /usr/bin/python3, which may hold different numpy versions, and torch); a missing
 * interpreter or module is a note, not an error.
 */
async function startPeers(): Promise<PythonPeer[]> {
  if (args['no-python']) {
    notes.push('Python peers skipped: --no-python');
    return [];
  }
  const peers: PythonPeer[] = [];
  for (const command of args.python ?? ['python3', '/usr/bin/python3']) {
    try {
      const peer = await PythonPeer.start(command);
      const meta = peer.meta!;
      if (peers.some((other) => other.meta!.executable === meta.executable)) {
        peer.close();
        continue;
      }
      for (const reason of meta.skipped) notes.push(`${command} (${meta.executable}, Python ${meta.python}): ${reason.split('\n')[0]}`);
      peers.push(peer);
    } catch (error) {
      notes.push(`Python peers with ${command} skipped: ${(error as Error).message}`);
    }
  }
  return peers;
}

/** A peer's contender for the case being timed. */
interface PeerRun {
  readonly peer: PythonPeer;
  readonly index: number;
  readonly description: PeerContender;
}

interface PeerTiming {
  readonly run: PeerRun;
  readonly samples: number[];
}

async function benchmark(c: Case, size: number, peerRuns: readonly PeerRun[]): Promise<{ timings: Timing[]; peerTimings: PeerTiming[] }> {
  const where = `${caseKey(c)} at ${sizeLabel(size)}`;
  const active = contenders.flatMap((contender) => {
    const run = contender.runFor(c, size);
    return run ? [{ contender, run }] : [];
  });
  const out = allocate(c.dtype, size);

  // The first native level's output is checked against the fallback (whole, or three slices at
  // the sizes the fallback is not timed at); every other level must give the same bits.
  let expected: Out | null = null;
  const sliceStarts = [0, Math.floor(size / 2 / CHECK_SLICE) * CHECK_SLICE - 7, size - CHECK_SLICE].filter((s) => s >= 0);
  for (const { contender } of active) {
    if (contender.kind !== 'native' && contender.kind !== 'fallback') continue;
    useThreads(contender.threads);
    const kernels = contender.kind === 'native' ? native!.addon.kernels(contender.simd!) : fallbackKernels;
    const got = draw(new Generator(SEED, { kernels }), c, allocate(c.dtype, size));
    if (expected === null) {
      expected = got;
      if (contender.kind === 'native' && size > FALLBACK_MAX_SIZE) {
        for (const start of sliceStarts) {
          const end = Math.min(size, start + CHECK_SLICE);
          const slice = drawSlice(new Generator(SEED, { kernels: fallbackKernels }), c, size, start, end);
          sameBits(slice, got, start, contender.label, `${where}, fallback slice [${start}, ${end})`);
        }
      }
    } else {
      sameBits(expected, got, 0, contender.label, where);
    }
  }
  const iterations = active.map(({ contender, run }) => {
    useThreads(contender.threads);
    if (contender.check === 'plausible') {
      run(out);
      checkPlausible(c, out, contender.label, where);
    }
    return calibrate(run, out);
  });

  // Round-robin: each repetition times every contender once, the Python peers included, so drift
  // over the run (clock boost, a noisy neighbour) spreads over all of them instead of favouring
  // the early ones.
  const samples: number[][] = active.map(() => []);
  const peerSamples: number[][] = peerRuns.map(() => []);
  for (let r = 0; r < REPETITIONS; r++) {
    active.forEach(({ contender, run }, i) => {
      useThreads(contender.threads);
      samples[i]!.push(timeBatch(run, out, iterations[i]!) / (iterations[i]! * size));
    });
    if (native) native.addon.setThreads(defaultThreads);
    for (const [i, { peer, index }] of peerRuns.entries()) {
      try {
        peerSamples[i]!.push((await peer.request<{ ns: number }>({ op: 'time', index })).ns);
      } catch (error) {
        notes.push(`Python peer ${peer.command} failed during ${where}: ${(error as Error).message}`);
      }
    }
  }
  if (native) native.addon.setThreads(defaultThreads);
  return {
    timings: active.map(({ contender }, i) => ({ contender, iterations: iterations[i]!, samples: samples[i]! })),
    // A peer that failed midway leaves an incomplete set of samples: its rows are dropped.
    peerTimings: peerRuns.map((run, i) => ({ run, samples: peerSamples[i]! })).filter((t) => t.samples.length === REPETITIONS),
  };
}

// ---- Report -------------------------------------------------------------------------------


const sizeLabel = (n: number) => n.toExponential().replace('e+', 'e');
const fixed = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value >= 0.1 ? value.toFixed(2) : value.toFixed(3));
const bytesOf = (dtype: Dtype) => (dtype === 'float64' ? 8 : 4);

function table(results: readonly Result[]): string {
  const rows = [
    '| distribution | dtype | size | contender | ns/value (median) | spread (min–max) | GB/s | × faster than fallback | × write time |',
    '|---|---|--:|---|--:|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    const vsFallback = r.vsFallback === null ? '—' : `${fixed(r.vsFallback)}${r.fallbackFromSmallerSize ? '†' : ''}`;
    rows.push(
      `| ${r.distribution} | ${r.dtype} | ${sizeLabel(r.size)} | ${r.contender} | ${fixed(r.median)} | ${fixed(r.min)}–${fixed(r.max)} | ` +
        `${fixed(r.gbPerSecond)} | ${vsFallback} | ${fixed(r.vsWrite)} |`,
    );
  }
  return rows.join('\n');
}

const info = machine(native, defaultThreads);
console.log(
  [
    '# kindling: random draws into preallocated arrays',
    '',
    `- Machine: ${info.cpu}, ${info.logicalCpus} logical CPUs on ${info.physicalCores} physical cores`,
    `- Node ${info.node} (V8 ${info.v8}); 1-minute load average at start: ${info.loadAverageAtStart.toFixed(2)}`,
    native
      ? `- Addon: ${info.addon}; SIMD levels supported here: ${info.supportedSimd.join(', ')} ` +
        `(of ${SIMD_LEVELS.filter((level) => info.compiledSimd.includes(level)).join(', ')} compiled); default threads: ${defaultThreads}`
      : `- Addon not loaded, JavaScript only: ${loadReasons.join('; ')}`,
    `- Generator(seed ${SEED}) draws through the public methods with \`out\` preallocated; ${REPETITIONS} repetitions of ` +
      `≥ ${MIN_BATCH_NS / 1e6} ms each, round-robin; GB/s counts the bytes written (4 a value, 8 for float64)`,
    `- Distributions: ${[...new Set(CASES.map((c) => describeCase[c.distribution]))].join('; ')}`,
    '',
  ].join('\n'),
);

// One untimed pass over every case and contender first, so that shared code paths (the
// Generator's validation, the fallback's loops) are polymorphic before anything is timed.
for (const c of CASES) {
  const out = allocate(c.dtype, 4096);
  for (const contender of contenders) {
    const run = contender.runFor(c, out.length);
    useThreads(contender.threads);
    if (run) timeBatch(run, out, 20);
  }
}
if (native) native.addon.setThreads(defaultThreads);

const started = process.hrtime.bigint();
const peers = await startPeers();
const results: Result[] = [];
const busyElsewhere: { case: string; size: number; othersShare: number }[] = [];
const runStart = cpuSnapshot(peers);
// Size by size, so that each Python peer holds one size's arrays at a time; the table is sorted
// back into case order at the end.
for (const size of SIZES) {
  const live: PythonPeer[] = [];
  for (const peer of peers) {
    process.stderr.write(`python peers (${peer.command}) ${sizeLabel(size)}: preparing...\n`);
    try {
      peer.prepared = (await peer.request<{ contenders: PeerContender[] }>({ op: 'prepare', size })).contenders;
      live.push(peer);
    } catch (error) {
      notes.push(`Python peer ${peer.command} dropped at ${sizeLabel(size)}: ${(error as Error).message}`);
    }
  }
  for (const c of CASES) {
    process.stderr.write(`${caseKey(c)} ${sizeLabel(size)}...\n`);
    const peerRuns = live.flatMap((peer) =>
      peer.prepared.flatMap((description, index) =>
        description.distribution === c.distribution && description.dtype === c.dtype ? [{ peer, index, description }] : [],
      ),
    );
    const before = cpuSnapshot(peers);
    const { timings, peerTimings } = await benchmark(c, size, peerRuns);
    busyElsewhere.push({ case: caseKey(c), size, othersShare: othersShare(before, cpuSnapshot(peers)) });
    const medianOf = (kind: Contender['kind']) => {
      const timing = timings.find((t) => t.contender.kind === kind);
      return timing ? median(timing.samples) : null;
    };
    const writeNs = medianOf('write')!;
    let fallbackNs = medianOf('fallback');
    const fallbackFromSmallerSize = fallbackNs === null && size > FALLBACK_MAX_SIZE;
    if (fallbackFromSmallerSize) {
      const timed = results.filter((r) => r.kind === 'fallback' && caseKey(r) === caseKey(c));
      fallbackNs = timed.length > 0 ? timed.reduce((p, q) => (q.size > p.size ? q : p)).median : null;
    }
    const row = (fields: Omit<Result, 'median' | 'min' | 'max' | 'gbPerSecond' | 'vsFallback' | 'vsWrite' | 'fallbackFromSmallerSize'>): Result => {
      const m = median(fields.nsPerValue);
      return {
        ...fields,
        median: m,
        min: Math.min(...fields.nsPerValue),
        max: Math.max(...fields.nsPerValue),
        gbPerSecond: bytesOf(c.dtype) / m,
        vsFallback: fallbackNs === null ? null : fallbackNs / m,
        fallbackFromSmallerSize: fallbackFromSmallerSize && fallbackNs !== null,
        vsWrite: m / writeNs,
      };
    };
    const common = { distribution: c.distribution, dtype: c.dtype, size };
    const references = timings.filter((t) => t.contender.kind === 'write' || t.contender.kind === 'copy');
    for (const t of timings.filter((t) => !references.includes(t))) {
      const { label, kind, simd, threads } = t.contender;
      results.push(row({ ...common, contender: label, kind, simd, threads, iterationsPerBatch: t.iterations, nsPerValue: t.samples }));
    }
    for (const { run, samples } of peerTimings) {
      const p = run.description;
      const contender = `${p.contender}${p.library === 'numpy' ? ', 1 thread' : ''}`;
      results.push(
        row({ ...common, contender, kind: 'python', simd: null, threads: p.threads, iterationsPerBatch: p.iterationsPerBatch, nsPerValue: samples, allocates: p.allocates }),
      );
    }
    for (const t of references) {
      const { label, kind } = t.contender;
      results.push(row({ ...common, contender: label, kind, simd: null, threads: null, iterationsPerBatch: t.iterations, nsPerValue: t.samples }));
    }
  }
}
const othersOverall = othersShare(runStart, cpuSnapshot(peers));
for (const peer of peers) peer.close();
// Back into case order (stable: sizes stay in order within a case, rows in contender order).
const caseIndex = (r: Result) => CASES.findIndex((c) => caseKey(c) === caseKey(r));
results.sort((p, q) => caseIndex(p) - caseIndex(q));
if (native) native.addon.setThreads(defaultThreads);

for (const { meta } of peers) {
  const report = meta!;
  const versions = [report.numpy && `numpy ${report.numpy.version}`, report.torch && `torch ${report.torch.version}`].filter(Boolean).join(', ');
  console.log(`- Python peers: ${report.executable} (Python ${report.python}): ${versions || 'no module'}`);
  const blas = JSON.stringify(report.numpy?.config ?? '').match(/openblas[^"\\,}]*/i)?.[0];
  if (report.numpy) console.log(`  numpy config: BLAS ${blas ?? 'unknown'}; OPENBLAS_CORETYPE=${report.env.OPENBLAS_CORETYPE ?? '(unset)'} (irrelevant to its RNG)`);
  if (report.torch) console.log(`  torch: default threads ${report.torch.defaultThreads}; set_num_threads(2) gives ${report.torch.threadsAfterSet ?? '?'}`);
}
const disturbed = busyElsewhere.filter((b) => b.othersShare > 0.1);
console.log(
  `- Other processes used ${(100 * othersOverall).toFixed(0)} % of the machine's CPU time during the run (the Python peers count as this run)` +
    (disturbed.length === 0
      ? ' (at most 10 % during every case)'
      : `; over 10 % during ${disturbed.map((b) => `${b.case} ${sizeLabel(b.size)} (${(100 * b.othersShare).toFixed(0)} %)`).join(', ')}: ` +
        'the 2-thread rows there are not reliable'),
);
for (const note of notes) console.log(`- ${note}`);
console.log(
  `- The fallback is timed up to ${sizeLabel(FALLBACK_MAX_SIZE)} only (--fallback-max-size; it takes 40–260 ns a value, seconds a call at 1.6e7); ` +
    `† marks ratios that use its time per value at the largest size timed. At larger sizes the native output is checked ` +
    `against fallback slices. "(allocates)" peers return a new array on every call (numpy's integers has no out=).`,
);
console.log('');
console.log(table(results));

// ---- The targets ------------------------------------------------------------------------------

const TARGET_SIZE = 1.6e7;
const find = (key: string, predicate: (r: Result) => boolean) =>
  results.filter((r) => caseKey(r) === key && r.size === TARGET_SIZE && predicate(r));
const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
const summary: string[] = [];
if (native && SIZES.includes(TARGET_SIZE)) {
  const best = native.addon.supportedSimd.at(-1)!;
  summary.push(`\n## Targets at ${sizeLabel(TARGET_SIZE)} (the loader's default level is ${best})\n`);

  const uniform = find('uniform/float32', (r) => r.kind === 'native' && r.threads === 1);
  summary.push('Uniform float32, one thread, within 1.5× the time to write the array (out.fill(0)):');
  for (const r of uniform) summary.push(`- ${r.contender}: ${fixed(r.median)} ns/value = ${fixed(r.vsWrite)}× the write time — ${verdict(r.vsWrite <= 1.5)}`);
  const fastestUniform = uniform.reduce((p, q) => (q.median < p.median ? q : p), uniform[0]!);
  summary.push(`- fastest level: ${fastestUniform?.contender} (${fixed(fastestUniform?.vsWrite ?? NaN)}× the write time)`);
  const write = find('uniform/float32', (r) => r.kind === 'write')[0];
  const copy = find('uniform/float32', (r) => r.kind === 'copy')[0];
  if (write && copy) summary.push(`- references: write ${fixed(write.median)} ns/value (${fixed(write.gbPerSecond)} GB/s), copy ${fixed(copy.median)} ns/value`);
  // The same level's raw words: what Philox itself costs, before any conversion to float.
  const bits = find('bits/uint32', (r) => r.kind === 'native' && r.threads === 1 && r.simd === fastestUniform?.simd)[0];
  if (bits) summary.push(`- the raw Philox words (bits) at that level take ${fixed(bits.median)} ns/value = ${fixed(bits.vsWrite)}× the write time`);

  const normal = find('normal/float32', () => true);
  const peersOf = (threads: number) =>
    normal.filter((r) => r.kind === 'python' && !r.allocates && (r.contender.startsWith('numpy') ? threads === 1 : r.threads === threads));
  for (const threads of [1, defaultThreads].filter((t, i, all) => all.indexOf(t) === i)) {
    const own = normal.filter((r) => r.kind === 'native' && r.threads === threads);
    const mine = own.find((r) => r.simd === best);
    const fastest = own.reduce((p, q) => (q.median < p.median ? q : p), own[0]!);
    const peerRows = peersOf(threads);
    summary.push(
      `\nNormal float32, kindling ${threads} thread${threads > 1 ? 's' : ''} against numpy (always 1 thread) and torch with ${threads} thread${threads > 1 ? 's' : ''}` +
        `${threads === 1 ? ' (target: at least 2× the throughput)' : ' (no target; for information)'}:`,
    );
    if (peerRows.length === 0) summary.push('- no Python peer ran');
    for (const peer of peerRows) {
      for (const r of [mine, fastest].filter((r, i, all): r is Result => r !== undefined && all.indexOf(r) === i)) {
        const ratio = peer.median / r.median;
        summary.push(
          `- ${r.contender} (${fixed(r.median)} ns/value) vs ${peer.contender} (${fixed(peer.median)} ns/value): ${fixed(ratio)}×` +
            (threads === 1 ? ` — ${verdict(ratio >= 2)}` : ''),
        );
      }
    }
  }
}
summary.push(
  `\nTotal run: ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s; 1-minute load average at the end: ${loadavg()[0]!.toFixed(2)}`,
);
console.log(summary.join('\n'));

if (args.json) {
  const raw = {
    machine: { ...info, loadAverageAtEnd: loadavg()[0]! },
    repetitions: REPETITIONS,
    minBatchNs: MIN_BATCH_NS,
    fallbackMaxSize: FALLBACK_MAX_SIZE,
    notes,
    othersShare: { overall: othersOverall, byCase: busyElsewhere },
    python: peers.map((peer) => peer.meta),
    results,
  };
  writeFileSync(args.json, `${JSON.stringify(raw, null, 2)}\n`);
  console.log(`Raw numbers written to ${args.json}`);
}
