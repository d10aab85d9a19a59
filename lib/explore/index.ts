/**
 * The init explorer (docs/explore.md): for each activation × weight initializer, a deep MLP is
 * built with kindling's initializers, a batch is pushed forward and a loss's gradient backward
 * with kindling's activations, and each layer's statistics give a verdict (healthy, vanishing,
 * exploding, saturated, dead, symmetric). For each activation it recommends the gain that keeps
 * the variance steady, checked against calculateGain and by a run; with `train`, it also trains a
 * small MLP on two spirals per configuration. `kindling explore` prints what this returns.
 */
import type { Kernels } from '../../binding.js';
import { createActivations } from '../activations.js';
import { createAxisActivations } from '../axis-activations.js';
import { activeKernels } from '../backend.js';
import type { Dtype } from '../random/distributions.js';
import { Generator } from '../random/generator.js';
import { options as checkOptions, rangeError, typeError } from '../validate.js';
import { type ActivationChoice, type Choice, type InitializerChoice, activationChoices, initializerChoice } from './choices.js';
import { STREAMS, probe } from './probe.js';
import { type GainAdvice, adviseGain } from './recommend.js';
import { DEFAULT_TRAIN, type TrainSettings, type TrainingCurve, train } from './train.js';
import { type LayerStatistics, type Problem, type Verdict, judge } from './verdicts.js';

export type { Choice, ParamValue } from './choices.js';
export type { LayerStatistics, Problem, Verdict } from './verdicts.js';
export type { TrainSettings, TrainingCurve } from './train.js';

/** The classic comparison: six initializers × three activations, ten layers of 512. */
export const DEFAULTS = {
  depth: 10,
  width: 512,
  batch: 32,
  activations: ['tanh', 'sigmoid', 'relu'],
  initializers: ['zeros', 'normal:std=0.01', 'normal:std=1', 'xavierNormal', 'kaimingNormal', 'orthogonal'],
  bias: 'zeros',
  dtype: 'float32',
  seed: 0,
} as const;

/** Largest accepted sizes: they keep one run within memory and minutes. */
export const LIMITS = { depth: 1000, width: 8192, batch: 8192 } as const;

export interface ExploreOptions {
  /** Hidden layers of the network; default 10. */
  readonly depth?: number;
  /** Units per layer (and inputs); default 512. */
  readonly width?: number;
  /** Examples pushed through at once; default 32. */
  readonly batch?: number;
  /** Activations of the element-wise table, by name ('tanh') or with parameters ('leakyRelu:negativeSlope=0.2', or { name, params }). */
  readonly activations?: readonly (string | Choice)[];
  /** Weight initializers of the initializer table, the same way ('normal:std=0.01'). */
  readonly initializers?: readonly (string | Choice)[];
  /** The biases' initializer; default 'zeros'. */
  readonly bias?: string | Choice;
  /** Element type of every array; default 'float32'. */
  readonly dtype?: Dtype;
  /** The seed of every random draw; default 0. */
  readonly seed?: number;
  /** Whether to recommend and check a gain per activation; default true. */
  readonly recommend?: boolean;
  /** Also train a small MLP on two spirals per configuration (true for the defaults, or some settings). */
  readonly train?: boolean | Partial<TrainSettings>;
  /** Called after each network run (to show progress). */
  readonly onProgress?: (progress: ExploreProgress) => void;
  /** The kernels to run on (default: the backend the loader chose); for tests. */
  readonly kernels?: Kernels;
}

export interface ExploreProgress {
  readonly done: number;
  readonly total: number;
  /** What was just done, e.g. 'tanh × normal:std=0.01'. */
  readonly task: string;
}

export interface Configuration {
  readonly activation: string;
  readonly initializer: string;
  /** Standard deviation of the input batch (close to 1): the yardstick of vanishing and exploding. */
  readonly inputStd: number;
  readonly layers: readonly LayerStatistics[];
  readonly verdict: Verdict;
  readonly problems: readonly Problem[];
}

export interface Recommendation extends Omit<GainAdvice, 'initializer'> {
  readonly activation: string;
  /** The recommended initializer, as a choice the explorer accepts. */
  readonly initializer: string;
  /** The network run with it. */
  readonly check: Configuration;
}

export interface TrainingRun {
  readonly activation: string;
  readonly initializer: string;
  readonly curve: TrainingCurve;
}

export interface ExploreResult {
  readonly settings: {
    readonly depth: number;
    readonly width: number;
    readonly batch: number;
    readonly dtype: Dtype;
    readonly seed: number;
    readonly bias: string;
    readonly activations: readonly string[];
    readonly initializers: readonly string[];
  };
  readonly configurations: readonly Configuration[];
  readonly recommendations: readonly Recommendation[];
  readonly training: { readonly settings: TrainSettings; readonly runs: readonly TrainingRun[] } | null;
}

const OPTION_NAMES = ['depth', 'width', 'batch', 'activations', 'initializers', 'bias', 'dtype', 'seed', 'recommend', 'train', 'onProgress', 'kernels'];

function integer(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw typeError(`an integer from ${min} to ${max}`, name, value);
  if (!Number.isInteger(value) || value < min || value > max) throw rangeError(`an integer from ${min} to ${max}`, name, value);
  return value;
}

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw typeError('a positive number', name, value);
  if (!(value > 0) || !Number.isFinite(value)) throw rangeError('a positive finite number', name, value);
  return value;
}

function list(value: unknown, name: string, fallback: readonly (string | Choice)[]): readonly unknown[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value)) throw typeError('an Array of names', name, value);
  if (value.length === 0) throw rangeError('at least one name', name, value);
  return value;
}

function trainSettings(value: unknown): TrainSettings | null {
  if (value === undefined || value === false) return null;
  if (value === true) return DEFAULT_TRAIN;
  const given = checkOptions(value, 'train', Object.keys(DEFAULT_TRAIN));
  const d = DEFAULT_TRAIN;
  return {
    depth: integer(given.depth, 'train.depth', d.depth, 1, LIMITS.depth),
    width: integer(given.width, 'train.width', d.width, 1, LIMITS.width),
    steps: integer(given.steps, 'train.steps', d.steps, 1, 1_000_000),
    learningRate: positive(given.learningRate, 'train.learningRate', d.learningRate),
    pointsPerClass: integer(given.pointsPerClass, 'train.pointsPerClass', d.pointsPerClass, 1, 1_000_000),
    batch: integer(given.batch, 'train.batch', d.batch, 1, LIMITS.batch),
  };
}

/** Runs the explorer: validates every option first, then each configuration in turn. */
export function explore(options?: ExploreOptions): ExploreResult {
  const given = checkOptions(options, 'explore options', OPTION_NAMES);
  const depth = integer(given.depth, 'depth', DEFAULTS.depth, 1, LIMITS.depth);
  const width = integer(given.width, 'width', DEFAULTS.width, 1, LIMITS.width);
  const batch = integer(given.batch, 'batch', DEFAULTS.batch, 1, LIMITS.batch);
  const seed = integer(given.seed, 'seed', DEFAULTS.seed, 0, Number.MAX_SAFE_INTEGER);
  if (given.dtype !== undefined && given.dtype !== 'float32' && given.dtype !== 'float64') throw typeError('"float32" or "float64"', 'dtype', given.dtype);
  const dtype = (given.dtype ?? DEFAULTS.dtype) as Dtype;
  if (given.recommend !== undefined && typeof given.recommend !== 'boolean') throw typeError('a boolean', 'recommend', given.recommend);
  const recommend = given.recommend ?? true;
  if (given.onProgress !== undefined && typeof given.onProgress !== 'function') throw typeError('a function', 'onProgress', given.onProgress);
  const onProgress = given.onProgress as ExploreOptions['onProgress'];
  const kernels = given.kernels as Kernels | undefined;
  if (kernels !== undefined && (kernels === null || typeof kernels !== 'object' || typeof kernels.activation !== 'function')) {
    throw typeError('a Kernels object (as the addon or the fallback gives)', 'kernels', kernels);
  }
  const training = trainSettings(given.train);

  const activations = activationChoices(list(given.activations, 'activations', DEFAULTS.activations), createActivations(kernels ?? activeKernels()));
  const initializers = list(given.initializers, 'initializers', DEFAULTS.initializers).map((value, i) =>
    initializerChoice(value, `initializers[${i}]`, [width, width]),
  );
  const bias = initializerChoice(given.bias ?? DEFAULTS.bias, 'bias', [width]);
  const axis = createAxisActivations(kernels ?? activeKernels());
  const root = new Generator(seed, kernels ? { kernels } : {});
  const architecture = { depth, width, batch, dtype };

  const pairs = activations.flatMap((activation) => initializers.map((initializer) => [activation, initializer] as const));
  const total = pairs.length * (training ? 2 : 1) + (recommend ? activations.length : 0);
  let done = 0;
  const report = (task: string) => onProgress?.({ done: ++done, total, task });

  const run = (activation: ActivationChoice, initializer: InitializerChoice): Configuration => {
    const { inputStd, layers } = probe(architecture, activation, initializer, bias, root);
    report(`${activation.label} × ${initializer.label}`);
    return { activation: activation.label, initializer: initializer.label, inputStd, layers, ...judge(layers, inputStd) };
  };
  const configurations = pairs.map(([activation, initializer]) => run(activation, initializer));

  const recommendations = recommend
    ? activations.map((activation): Recommendation => {
        const advice = adviseGain(activation, root.foldIn(STREAMS.gains));
        const choice = initializerChoice({ name: advice.initializer.name, params: advice.initializer.params }, 'recommended initializer', [width, width]);
        const check = run(activation, { ...choice, label: advice.initializer.label });
        return { ...advice, activation: activation.label, initializer: advice.initializer.label, check };
      })
    : [];

  const runs = training
    ? pairs.map(([activation, initializer]): TrainingRun => {
        const curve = train(training, dtype, activation, initializer, bias, axis, root.foldIn(STREAMS.train));
        report(`training ${activation.label} × ${initializer.label}`);
        return { activation: activation.label, initializer: initializer.label, curve };
      })
    : [];

  return {
    settings: {
      depth,
      width,
      batch,
      dtype,
      seed,
      bias: bias.label,
      activations: activations.map((activation) => activation.label),
      initializers: initializers.map((initializer) => initializer.label),
    },
    configurations,
    recommendations,
    training: training ? { settings: training, runs } : null,
  };
}
