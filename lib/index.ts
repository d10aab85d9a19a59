/**
 * kindling: neural-network activations (forward, derivative, backward) on Float32Array and
 * Float64Array, and seeded random streams (Philox4x32-10) for weight initialisation, with native
 * SIMD kernels and a pure-TypeScript fallback that gives the same bits.
 */
import { activeKernels } from './backend.js';
import { createActivations } from './activations.js';
import { fallbackKernels } from './fallback/kernels.js';
import { smallArrayCrossovers } from './spec/crossovers.js';
import { axisEntries, createLookup, elementwiseEntries, preluEntry } from './lookup.js';
import { createPrelu } from './prelu.js';
import { createRrelu } from './rrelu.js';

export type { FloatArray, SimdLevel } from '../binding.js';
export type {
  Activation,
  ActivationOptions,
  Activations,
  BackwardOperation,
  OptionsOf,
  UnaryOperation,
} from './activations.js';
export { type BackendInfo, backend } from './backend.js';
export { type ActivationName, type ActivationSpec, type ParamSpec, type UlpBudget, activationSpecs } from './spec/activations.js';

const kernels = activeKernels();
/** The activations, on the backend the loader chose; arrays too short to repay a native call run on the fallback. */
export const activations = createActivations(
  kernels,
  kernels.simd === null ? undefined : { kernels: fallbackKernels, below: smallArrayCrossovers },
);
export const {
  identity,
  relu,
  relu6,
  leakyRelu,
  hardTanh,
  hardSigmoid,
  hardSwish,
  softShrink,
  hardShrink,
  threshold,
  softsign,
  sigmoid,
  tanh,
  elu,
  selu,
  celu,
  exponential,
  gelu,
  geluTanh,
  silu,
  swish,
  softplus,
  logSigmoid,
  mish,
  tanhShrink,
} = activations;

// along an axis
import { createAxisActivations } from './axis-activations.js';
export type {
  AxisActivation,
  AxisActivations,
  AxisBackwardOperation,
  AxisOperation,
  AxisOptions,
  MaskedAxisOptions,
} from './axis-activations.js';
export { type AxisActivationName, type AxisActivationSpec, axisActivationSpecs } from './spec/axis-activations.js';
/** Softmax, logSoftmax, softmin and glu along an axis (docs/axis-activations.md), on the backend the loader chose. */
export const axisActivations = createAxisActivations(kernels);
export const { softmax, logSoftmax, softmin, glu } = axisActivations;

// prelu and rrelu
export type { Prelu, PreluBackward, PreluBackwardOptions, PreluGradients, PreluOperation, PreluOptions } from './prelu.js';
export type { Rrelu, RreluBackwardOptions, RreluOptions } from './rrelu.js';
/** prelu with learned slopes (one per channel or one shared), as torch.nn.functional.prelu. */
export const prelu = createPrelu(kernels);
/** rrelu: the evaluation-mode row of the table, plus PyTorch's training mode (`training: true`). */
export const rrelu = createRrelu(kernels, activations.rrelu);

/** Any activation by a PyTorch, Keras or TF.js name, with its parameters bound: activation('leaky_relu', { negativeSlope: 0.2 }). */
export const activation = createLookup([...elementwiseEntries(activations, { rrelu }), ...axisEntries(axisActivations), preluEntry(prelu)]);


export type { BoundActivation } from './lookup.js';
export {
  type BernoulliOptions,
  type DrawOptions,
  type FloatDrawOptions,
  Generator,
  type GeneratorOptions,
  type GeneratorState,
  type IntegersOptions,
  type NormalOptions,
  type Seed,
  type TruncatedNormalOptions,
  type UniformOptions,
  defaultGenerator,
  manualSeed,
} from './random/generator.js';

/** Weight initializers (docs/initializers.md): init.kaimingNormal, init.glorotUniform, init.computeFans, init.fromRecipe, … */
export * as init from './init/index.js';

/** The init explorer (docs/explore.md): what `kindling explore` reports, as data. */
export {
  type Choice,
  type Configuration,
  type ExploreOptions,
  type ExploreProgress,
  type ExploreResult,
  type LayerStatistics,
  type Problem,
  type Recommendation,
  type TrainSettings,
  type TrainingCurve,
  type TrainingRun,
  type Verdict,
  explore,
} from './explore/index.js';
