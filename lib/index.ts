/**
 * kindling: neural-network activations (forward, derivative, backward) on Float32Array and
 * Float64Array, and seeded random streams (Philox4x32-10) for weight initialisation, with native
 * SIMD kernels and a pure-TypeScript fallback that gives the same bits.
 */
import { activeKernels } from './backend.js';
import { createActivations } from './activations.js';

export type { FloatArray, SimdLevel } from '../binding.js';
export type {
  Activation,
  ActivationOptions,
  Activations,
  BackwardOperation,
  UnaryOperation,
} from './activations.js';
export { type BackendInfo, backend } from './backend.js';
export { type ActivationName, type ActivationSpec, type UlpBudget, activationSpecs } from './spec/activations.js';

/** The activations, on the backend the loader chose. */
export const activations = createActivations(activeKernels());
export const { relu, sigmoid, tanh } = activations;

// @axis
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
export const axisActivations = createAxisActivations(activeKernels());
export const { softmax, logSoftmax, softmin, glu } = axisActivations;

// @prelu


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
