/**
 * The suite's families, one entry each: which script measures it, with which arguments in the full
 * and the quick plan, how many trials (each a fresh process), and how its JSON becomes Samples. The
 * scripts are the ones that also run alone (bench/README.md); the suite only chooses their sizes.
 *
 * To add a family (bench/orthogonal.ts from the orthogonal-initializer work, say): write a script
 * that accepts `--json FILE` (plus `--quick` if it has a shorter plan) and writes
 * `{ "notes": [...], "results": Sample[] }` (bench/results.ts), then add one entry with `read: common`.
 */
import type { Sample } from './results.js';

export interface Plan {
  readonly quick: boolean;
  /** Activation rows to time (--only), from lib/spec/activations.ts. */
  readonly activations: readonly string[];
  readonly python: boolean;
}

export interface Job {
  readonly label: string;
  readonly args: readonly string[];
  /** Rough seconds per trial on an idle 2-core machine, for the estimate printed at the start. */
  readonly estimateSeconds: number;
}

export interface Family {
  readonly name: string;
  readonly title: string;
  readonly script: string;
  /** Skipped with a note when the script is not there (a family that lands with another issue). */
  readonly optional?: boolean;
  readonly trials: (plan: Plan) => number;
  readonly jobs: (plan: Plan) => readonly Job[];
  /** A trial's JSON as Samples; families reported in their own shape (crossover, server) return []. */
  readonly read: (json: unknown) => Sample[];
}

/** Issue #3's target rows: the ones the suite times unless --only says otherwise. */
export const TARGET_ACTIVATIONS = ['tanh', 'sigmoid', 'gelu', 'geluTanh', 'silu', 'elu', 'softplus', 'mish', 'relu', 'relu6', 'leakyRelu', 'hardTanh'];

const FULL_SIZES = '1,16,256,4096,1e5,1e6,1.6e7';
const QUICK_SIZES = '1,16,4096,1e6,1.6e7';
const trialCount = (plan: Plan) => (plan.quick ? 1 : 3);
const pythonArgs = (plan: Plan) => (plan.python ? [] : ['--no-python']);

interface ActivationsJson {
  results: { activation: string; size: number; contender: string; kind: string; threads: number | null; nsPerElement: number[] }[];
  pytorch: {
    torch: { version: string } | null;
    numpy?: { version: string };
    results: { library?: 'torch' | 'numpy'; activation: string; size: number; threads: number; allocates: boolean; median: number; min: number; max: number }[];
  } | null;
}

interface AxisJson {
  rows: number;
  results: { case: string; contender: string; cpuNsPerElement: number }[];
}

interface RandomJson {
  results: { distribution: string; dtype: string; size: number; contender: string; kind: string; threads: number | null; nsPerValue: number[]; allocates?: boolean }[];
}

interface InitJson {
  shape: number[];
  rows: { initializer: string; contender: string; msPerCall: number[] }[];
}

const threadsLabel = (threads: number) => `${threads} thread${threads > 1 ? 's' : ''}`;

/** The kind of a contender by its label, for the scripts whose rows carry none. */
function kindOf(contender: string): string {
  for (const kind of ['native', 'fallback', 'tfjs', 'torch', 'numpy', 'naive']) if (contender.startsWith(kind)) return kind;
  return contender.startsWith('PyTorch') ? 'torch' : 'other';
}

export const common = (json: unknown): Sample[] => (json as { results: Sample[] }).results;

export const families: readonly Family[] = [
  {
    name: 'activations',
    title: 'Element-wise activations (forward, float32)',
    script: 'bench/activations.ts',
    trials: trialCount,
    // One process per row and trial: a row's contenders and sizes run round-robin inside it.
    jobs: (plan) =>
      plan.activations.map((name) => ({
        label: name,
        args: [
          '--only', name,
          '--sizes', plan.quick ? QUICK_SIZES : FULL_SIZES,
          '--repetitions', '3',
          '--min-batch-ms', plan.quick ? '10' : '15',
          '--fallback-max-size', '1e6',
          ...pythonArgs(plan),
        ],
        estimateSeconds: plan.quick ? 8 : 12,
      })),
    read: (json) => {
      const { results, pytorch } = json as ActivationsJson;
      const samples: Sample[] = results.map((r) => ({ case: r.activation, size: r.size, contender: r.contender, kind: r.kind, threads: r.threads, nsPerElement: r.nsPerElement }));
      for (const peer of pytorch?.results ?? []) {
        const numpy = peer.library === 'numpy';
        samples.push({
          case: peer.activation,
          size: peer.size,
          contender: numpy
            ? `numpy ${pytorch!.numpy?.version ?? ''} ufunc, 1 thread`
            : `PyTorch ${pytorch!.torch?.version ?? ''}, ${threadsLabel(peer.threads)}${peer.allocates ? ' (allocates)' : ''}`,
          kind: numpy ? 'numpy' : 'torch',
          threads: peer.threads,
          // The companion reports its repetitions as median, min and max: the same median and spread.
          nsPerElement: [peer.min, peer.median, peer.max],
          allocates: peer.allocates,
        });
      }
      return samples;
    },
  },
  {
    name: 'softmax',
    title: 'Softmax and friends along an axis of [1000, 1000] float32, one thread',
    script: 'bench/axis.ts',
    trials: trialCount,
    jobs: (plan) => [{ label: 'rows of 1000', args: ['--min-batch-ms', plan.quick ? '60' : '150'], estimateSeconds: plan.quick ? 10 : 18 }],
    // CPU time per element, as bench/axis.ts reports it: less disturbed by other work than wall time.
    read: (json) => {
      const { rows, results } = json as AxisJson;
      return results.map((r) => ({
        case: r.case,
        size: rows * rows,
        contender: r.contender,
        kind: kindOf(r.contender),
        threads: r.contender.startsWith('native') || r.contender.startsWith('PyTorch') ? 1 : null,
        nsPerElement: [r.cpuNsPerElement],
      }));
    },
  },
  {
    name: 'random',
    title: 'Random draws into preallocated arrays',
    script: 'bench/random.ts',
    trials: trialCount,
    jobs: (plan) => [
      {
        label: 'uniform and normal float32',
        args: [
          '--cases', 'uniform/float32,normal/float32',
          '--sizes', plan.quick ? '1e6,1.6e7' : '4096,1e5,1e6,1.6e7',
          '--fallback-max-size', plan.quick ? '1e5' : '1e6',
          '--repetitions', '3',
          '--min-batch-ms', plan.quick ? '10' : '20',
          ...(plan.python ? ['--python', '/usr/bin/python3'] : ['--no-python']),
        ],
        estimateSeconds: plan.quick ? 25 : 35,
      },
    ],
    read: (json) =>
      (json as RandomJson).results.map((r) => ({
        case: `${r.distribution} ${r.dtype}`,
        size: r.size,
        contender: r.contender,
        kind: r.kind === 'python' ? kindOf(r.contender) : r.kind,
        threads: r.threads,
        nsPerElement: r.nsPerValue,
        allocates: r.allocates ?? false,
      })),
  },
  {
    name: 'initializers',
    title: 'Initializers filling a [4096, 4096] float32 weight',
    script: 'bench/init.ts',
    trials: trialCount,
    jobs: (plan) => [
      { label: 'kaimingNormal, xavierUniform', args: ['--repetitions', '3', '--min-batch-ms', plan.quick ? '30' : '60'], estimateSeconds: plan.quick ? 25 : 30 },
    ],
    read: (json) => {
      const { shape, rows } = json as InitJson;
      const size = shape.reduce((p, d) => p * d, 1);
      // One row per contender across both initializers: the labels lose the peer's own op name.
      return rows.map((r) => ({
        case: r.initializer,
        size,
        contender: r.contender.replace(/ (kaiming_normal_|xavier_uniform_)$/, ' nn.init').replace(/ (heNormal|glorotUniform)$/, ' (heNormal, glorotUniform)'),
        kind: kindOf(r.contender),
        threads: r.contender.includes('1 thread') || r.contender.startsWith('torch') ? 1 : null,
        nsPerElement: r.msPerCall.map((ms) => (ms * 1e6) / size),
        allocates: r.contender.includes('allocating') || r.contender.startsWith('tfjs'),
      }));
    },
  },
  {
    name: 'orthogonal',
    title: 'Orthogonal initializer',
    script: 'bench/orthogonal.ts',
    optional: true,
    trials: trialCount,
    jobs: (plan) => [{ label: 'orthogonal', args: plan.quick ? ['--quick'] : [], estimateSeconds: plan.quick ? 20 : 60 }],
    read: common,
  },
  {
    name: 'crossover',
    title: 'Per-call overhead and the small-array crossover',
    script: 'bench/crossover.ts',
    // One trial: its lengths run round-robin inside, and it is the tool that chose lib/spec/crossovers.ts.
    trials: () => 1,
    // The kernels of the timed rows (a quick run takes the first three).
    jobs: (plan) => {
      const rows = plan.quick ? plan.activations.slice(0, 3) : plan.activations;
      return [{ label: 'element-wise kernels', args: ['--only', rows.join(',')], estimateSeconds: 6 * rows.length }];
    },
    read: () => [],
  },
  {
    name: 'server',
    title: 'A server under load',
    script: 'bench/server/load.ts',
    trials: () => 1,
    jobs: (plan) => [{ label: 'sync, promise, fallback', args: ['--requests', plan.quick ? '100' : '400'], estimateSeconds: plan.quick ? 15 : 25 }],
    read: () => [],
  },
];
