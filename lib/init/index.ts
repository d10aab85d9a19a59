/**
 * Weight initializers (docs/initializers.md): PyTorch's, Keras's and JAX's, with their exact
 * semantics, fans for either layout, gains, slices and recipes. Exported from the package as
 * `init`: init.kaimingNormal([256, 784]), init.computeFans(...), init.fromRecipe(...).
 */
export {
  type ConstantOptions,
  type DiracOptions,
  type EyeOptions,
  type FanInitOptions,
  type FromRecipeOptions,
  type InitOptions,
  type Initializer,
  type KaimingOptions,
  type NormalOptions,
  type OrthogonalOptions,
  type SparseOptions,
  type TruncatedNormalOptions,
  type UniformOptions,
  type VarianceScalingOptions,
  type XavierOptions,
  constant,
  deltaOrthogonal,
  dirac,
  eye,
  fromRecipe,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  initializers,
  kaimingNormal,
  kaimingUniform,
  lecunNormal,
  lecunUniform,
  normal,
  ones,
  orthogonal,
  sparse,
  truncatedNormal,
  uniform,
  varianceScaling,
  xavierNormal,
  xavierUniform,
  zeros,
} from './initializers.js';
export { type FanOptions, type Fans, computeFans } from './fans.js';
export { calculateGain } from './gains.js';
export type { Recipe } from './recipe.js';
export type { Shape } from './options.js';
export {
  type FanMode,
  type GainSpec,
  type InitializerName,
  type InitializerSpec,
  type Layout,
  type Nonlinearity,
  type ParamSpec,
  type VarianceDistribution,
  TRUNCATED_STD_2,
  gainSpecs,
  initializerNames,
  initializerSpecs,
  nonlinearities,
} from '../spec/initializers.js';
