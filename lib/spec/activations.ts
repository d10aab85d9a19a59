/**
 * The element-wise activation family in one table. It drives the facade (lib/activations.ts), the
 * fallback's registry (lib/fallback/activations.ts, checked against it by the compiler), the native
 * addon's kernel ids (matched by name at load), the tests, the benchmarks and the docs.
 *
 * A row is one public function. Most run a kernel of their own name; a row may instead run another
 * row's kernel with derived parameters (`kernel` and `kernelParams`), and a row may route an option
 * to a variant row (gelu's `approximate: 'tanh'` runs geluTanh).
 */

/** Worst error allowed against a high-precision reference, in units in the last place; 0 means exact. */
export interface UlpBudget {
  readonly forward: number;
  readonly derivative: number;
}

/** A numeric parameter, given as an option of the same name. */
export interface ParamSpec {
  readonly name: string;
  /** Used when the option is absent; a parameter without one must be given (threshold's). */
  readonly default?: number;
  readonly summary: string;
  /** Which values are accepted: any finite number, or only those > 0 or >= 0. */
  readonly domain: 'finite' | 'positive' | 'nonnegative';
}

/** An exact value that every backend must give at the default parameters: [x, f(x), f'(x)]. */
export type Edge = readonly [x: number, value: number, slope: number];

export interface ActivationSpec {
  readonly name: string;
  readonly summary: string;
  /** The names PyTorch, Keras and TF.js use for it (snake_case and camelCase), for `activation(name)`. */
  readonly aliases: readonly string[];
  /** f(x), as written in the docs. */
  readonly formula: string;
  /** f'(x), as written in the docs, with the convention at any kink. */
  readonly derivativeFormula: string;
  /** Parameters, at most two, passed to the kernel in this order (unless `kernelParams` says otherwise). */
  readonly params: readonly ParamSpec[];
  /** A condition on the parameters together, checked after each is in its domain. */
  readonly paramsCheck?: { readonly what: string; readonly holds: (params: readonly number[]) => boolean };
  /** Values where f is not differentiable, and the derivative kindling (like PyTorch) gives there. */
  readonly kinks: readonly { readonly at: number; readonly derivative: number }[];
  /** Parameters for the examples, tests and benchmarks; the defaults when absent (required when a parameter has none). */
  readonly example?: readonly number[];
  /** Exact values at zeros, infinities, NaN, subnormals, kinks and huge inputs, at the example parameters. */
  readonly edges: readonly Edge[];
  /** f'(x) as a function of y = f(x), when `backwardFromOutput(gradOutput, y)` is offered. */
  readonly fromOutput?: string;
  /** Whether every finite x gives a finite f(x) and f'(x) (false for exponential, which overflows). */
  readonly finiteForFinite: boolean;
  readonly ulp: { readonly float32: UlpBudget; readonly float64: UlpBudget };
  /** Inputs outside which f is constant or trivial in the given precision: benchmarks and tests sweep this range. */
  readonly interestingRange: readonly [number, number];
  /** Runs this kernel instead of one of its own name. */
  readonly kernel?: string;
  /** The kernel's two parameters, from this row's parameters in order. */
  readonly kernelParams?: (params: readonly number[]) => readonly [number, number];
  /** A string option that selects a variant row: gelu's approximate ('none' | 'tanh'). */
  readonly variants?: { readonly option: string; readonly rows: { readonly [value: string]: string } };
  /** Set on a row that is also reachable as a variant of another (geluTanh is gelu with approximate 'tanh'). */
  readonly variantOf?: { readonly name: string; readonly option: string; readonly value: string };
}

const F32_MIN_SUBNORMAL = 2 ** -149;
const F32_MAX = 3.4028234663852886e38;

export const activationSpecs = [
  // ---- piecewise linear ----
  {
    name: 'identity',
    summary: 'The identity, for configurations that name a "linear" activation.',
    aliases: ['linear', 'none'],
    formula: 'x',
    derivativeFormula: '1 (NaN at NaN)',
    params: [],
    kinks: [],
    edges: [
      [0, 0, 1],
      [-0, -0, 1],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -Infinity, 1],
      [-F32_MIN_SUBNORMAL, -F32_MIN_SUBNORMAL, 1],
      [F32_MAX, F32_MAX, 1],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 0, derivative: 0 }, float64: { forward: 0, derivative: 0 } },
    interestingRange: [-10, 10],
  },
  {
    name: 'relu',
    summary: 'Rectified linear unit.',
    aliases: ['relu', 'ReLU'],
    formula: 'max(0, x)',
    derivativeFormula: "1 if x > 0, else 0 (relu'(0) = 0)",
    params: [],
    kinks: [{ at: 0, derivative: 0 }],
    edges: [
      [0, 0, 0],
      [-0, 0, 0],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, 0, 0],
      [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL, 1],
      [-F32_MIN_SUBNORMAL, 0, 0],
      [F32_MAX, F32_MAX, 1],
      [-F32_MAX, 0, 0],
      [2.5, 2.5, 1],
    ],
    fromOutput: '1 if y > 0, else 0',
    finiteForFinite: true,
    ulp: { float32: { forward: 0, derivative: 0 }, float64: { forward: 0, derivative: 0 } },
    interestingRange: [-10, 10],
  },
  // ---- piecewise linear ----
  {
    name: 'relu6',
    summary: 'ReLU capped at 6 (MobileNet): hardTanh on [0, 6].',
    aliases: ['relu6', 'ReLU6'],
    formula: 'min(max(0, x), 6)',
    derivativeFormula: "1 if 0 < x < 6, else 0 (relu6'(0) = relu6'(6) = 0)",
    params: [],
    kinks: [
      { at: 0, derivative: 0 },
      { at: 6, derivative: 0 },
    ],
    edges: [
      [0, 0, 0],
      [-0, 0, 0],
      [6, 6, 0],
      [3, 3, 1],
      [NaN, NaN, NaN],
      [Infinity, 6, 0],
      [-Infinity, 0, 0],
      [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL, 1],
      [-F32_MIN_SUBNORMAL, 0, 0],
      [F32_MAX, 6, 0],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 0, derivative: 0 }, float64: { forward: 0, derivative: 0 } },
    interestingRange: [-2, 8],
    kernel: 'hardTanh',
    kernelParams: () => [0, 6],
  },
  {
    name: 'leakyRelu',
    summary: 'Leaky ReLU: a small slope for negative inputs.',
    aliases: ['leaky_relu', 'leakyrelu', 'LeakyReLU', 'leakyReLU'],
    formula: 'x if x > 0, else negativeSlope * x',
    derivativeFormula: "1 if x > 0, else negativeSlope (leakyRelu'(0) = negativeSlope)",
    params: [{ name: 'negativeSlope', default: 0.01, summary: 'slope for x <= 0', domain: 'finite' }],
    kinks: [{ at: 0, derivative: 0.01 }],
    edges: [
      [0, 0, 0.01],
      [-0, -0, 0.01],
      [-4, -0.04, 0.01],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -Infinity, 0.01],
      [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL, 1],
      [F32_MAX, F32_MAX, 1],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 1, derivative: 0.5 }, float64: { forward: 1, derivative: 0.5 } }, // 0.01 itself rounds
    interestingRange: [-10, 10],
  },
  {
    name: 'rrelu',
    summary: 'Randomized leaky ReLU; here in evaluation mode, the fixed slope (lower + upper) / 2.',
    aliases: ['rrelu', 'RReLU'],
    formula: 'x if x > 0, else (lower + upper) / 2 * x',
    derivativeFormula: "1 if x > 0, else (lower + upper) / 2 (rrelu'(0) = the slope)",
    params: [
      { name: 'lower', default: 1 / 8, summary: 'lower bound of the slope', domain: 'finite' },
      { name: 'upper', default: 1 / 3, summary: 'upper bound of the slope', domain: 'finite' },
    ],
    paramsCheck: { what: 'lower <= upper', holds: ([lower, upper]) => lower! <= upper! },
    kinks: [{ at: 0, derivative: (1 / 8 + 1 / 3) / 2 }],
    edges: [
      [0, 0, (1 / 8 + 1 / 3) / 2],
      [-0, -0, (1 / 8 + 1 / 3) / 2],
      [-4, -4 * ((1 / 8 + 1 / 3) / 2), (1 / 8 + 1 / 3) / 2],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -Infinity, (1 / 8 + 1 / 3) / 2],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 0.5, derivative: 0 }, float64: { forward: 0.5, derivative: 0 } },
    interestingRange: [-10, 10],
    kernel: 'leakyRelu',
    kernelParams: ([lower, upper]) => [(lower! + upper!) / 2, 0],
  },
  {
    name: 'hardTanh',
    summary: 'tanh-like clamp to [minVal, maxVal].',
    aliases: ['hardtanh', 'hard_tanh', 'Hardtanh', 'HardTanh'],
    formula: 'min(max(x, minVal), maxVal)',
    derivativeFormula: "1 if minVal < x < maxVal, else 0 (hardTanh'(minVal) = hardTanh'(maxVal) = 0)",
    params: [
      { name: 'minVal', default: -1, summary: 'lower bound', domain: 'finite' },
      { name: 'maxVal', default: 1, summary: 'upper bound', domain: 'finite' },
    ],
    paramsCheck: { what: 'minVal <= maxVal', holds: ([low, high]) => low! <= high! },
    kinks: [
      { at: -1, derivative: 0 },
      { at: 1, derivative: 0 },
    ],
    edges: [
      [0, 0, 1],
      [-0, -0, 1],
      [-1, -1, 0],
      [1, 1, 0],
      [0.5, 0.5, 1],
      [NaN, NaN, NaN],
      [Infinity, 1, 0],
      [-Infinity, -1, 0],
      [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL, 1],
      [-F32_MAX, -1, 0],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 0, derivative: 0 }, float64: { forward: 0, derivative: 0 } },
    interestingRange: [-3, 3],
  },
  {
    name: 'hardSigmoid',
    summary: 'Piecewise-linear sigmoid (PyTorch and Keras 3 definition).',
    aliases: ['hardsigmoid', 'hard_sigmoid', 'Hardsigmoid', 'HardSigmoid'],
    formula: 'relu6(x + 3) / 6',
    derivativeFormula: "1/6 if -3 < x < 3, else 0 (0 at x = -3 and x = 3)",
    params: [],
    kinks: [
      { at: -3, derivative: 0 },
      { at: 3, derivative: 0 },
    ],
    edges: [
      [0, 0.5, 1 / 6],
      [-0, 0.5, 1 / 6],
      [-3, 0, 0],
      [3, 1, 0],
      [NaN, NaN, NaN],
      [Infinity, 1, 0],
      [-Infinity, 0, 0],
      [F32_MAX, 1, 0],
      [-F32_MAX, 0, 0],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 1, derivative: 0.5 }, float64: { forward: 1, derivative: 0.5 } },
    interestingRange: [-4, 4],
  },
  {
    name: 'hardSwish',
    summary: 'x times hardSigmoid(x) (MobileNetV3).',
    aliases: ['hardswish', 'hard_swish', 'Hardswish', 'HardSwish', 'hard_silu', 'hardSilu'],
    formula: 'x * relu6(x + 3) / 6',
    derivativeFormula: "0 if x < -3, (2x + 3)/6 if -3 <= x <= 3, 1 if x > 3 (as PyTorch: -1/2 at -3, 3/2 at 3)",
    params: [],
    kinks: [
      { at: -3, derivative: -0.5 },
      { at: 3, derivative: 1.5 },
    ],
    edges: [
      [0, 0, 0.5],
      [-0, -0, 0.5],
      [-3, -0, -0.5],
      [3, 3, 1.5],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -0, 0],
      [F32_MAX, F32_MAX, 1],
      [-F32_MAX, -0, 0],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 2, derivative: 1 }, float64: { forward: 2, derivative: 1 } },
    interestingRange: [-4, 4],
  },
  {
    name: 'softShrink',
    summary: 'Soft thresholding: shrinks x towards 0 by lambda.',
    aliases: ['softshrink', 'soft_shrink', 'Softshrink', 'SoftShrink'],
    formula: 'x - lambda if x > lambda, x + lambda if x < -lambda, else 0',
    derivativeFormula: "1 if |x| > lambda, else 0 (0 at x = ±lambda)",
    params: [{ name: 'lambda', default: 0.5, summary: 'half-width of the dead zone', domain: 'nonnegative' }],
    kinks: [
      { at: -0.5, derivative: 0 },
      { at: 0.5, derivative: 0 },
    ],
    edges: [
      [0, 0, 0],
      [-0.5, 0, 0],
      [0.5, 0, 0],
      [2, 1.5, 1],
      [-2, -1.5, 1],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -Infinity, 1],
      [F32_MAX, F32_MAX, 1],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 0.5, derivative: 0 }, float64: { forward: 0.5, derivative: 0 } },
    interestingRange: [-3, 3],
  },
  {
    name: 'hardShrink',
    summary: 'Hard thresholding: 0 inside [-lambda, lambda], x outside.',
    aliases: ['hardshrink', 'hard_shrink', 'Hardshrink', 'HardShrink'],
    formula: 'x if |x| > lambda, else 0',
    derivativeFormula: "1 if |x| > lambda, else 0 (0 at x = ±lambda)",
    params: [{ name: 'lambda', default: 0.5, summary: 'half-width of the dead zone', domain: 'nonnegative' }],
    kinks: [
      { at: -0.5, derivative: 0 },
      { at: 0.5, derivative: 0 },
    ],
    edges: [
      [0, 0, 0],
      [-0.5, 0, 0],
      [0.5, 0, 0],
      [2, 2, 1],
      [-2, -2, 1],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -Infinity, 1],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 0, derivative: 0 }, float64: { forward: 0, derivative: 0 } },
    interestingRange: [-3, 3],
  },
  {
    name: 'threshold',
    summary: 'x above a threshold, a fixed value at or below it (PyTorch nn.Threshold).',
    aliases: ['threshold', 'Threshold'],
    formula: 'x if x > threshold, else value',
    derivativeFormula: "1 if x > threshold, else 0 (0 at the threshold)",
    params: [
      { name: 'threshold', summary: 'inputs at or below it are replaced', domain: 'finite' },
      { name: 'value', summary: 'what replaces them', domain: 'finite' },
    ],
    example: [1, -2],
    kinks: [{ at: 1, derivative: 0 }],
    edges: [
      [1, -2, 0],
      [0, -2, 0],
      [1.5, 1.5, 1],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -2, 0],
      [F32_MAX, F32_MAX, 1],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 0, derivative: 0 }, float64: { forward: 0, derivative: 0 } },
    interestingRange: [-3, 3],
  },
  {
    name: 'softsign',
    summary: 'x / (1 + |x|): a sigmoid shape with polynomial tails.',
    aliases: ['softsign', 'soft_sign', 'Softsign'],
    formula: 'x / (1 + |x|)',
    derivativeFormula: '1 / (1 + |x|)^2',
    params: [],
    kinks: [],
    edges: [
      [0, 0, 1],
      [-0, -0, 1],
      [1, 0.5, 0.25],
      [-1, -0.5, 0.25],
      [NaN, NaN, NaN],
      [Infinity, 1, 0],
      [-Infinity, -1, 0],
      [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL, 1],
      [F32_MAX, 1, (1 / (1 + F32_MAX)) ** 2],
      [-F32_MAX, -1, (1 / (1 + F32_MAX)) ** 2],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 1, derivative: 1 }, float64: { forward: 2, derivative: 3 } },
    interestingRange: [-20, 20],
  },

  // ---- logistic ----
  {
    name: 'sigmoid',
    summary: 'Logistic sigmoid, overflow-free for any input.',
    aliases: ['sigmoid', 'logistic', 'Sigmoid'],
    formula: '1 / (1 + e^-x)',
    derivativeFormula: 'sigmoid(x) * (1 - sigmoid(x)), computed as e^-|x| / (1 + e^-|x|)^2',
    params: [],
    kinks: [],
    edges: [
      [0, 0.5, 0.25],
      [-0, 0.5, 0.25],
      [NaN, NaN, NaN],
      [Infinity, 1, 0],
      [-Infinity, 0, 0],
      [F32_MIN_SUBNORMAL, 0.5, 0.25],
      [-F32_MIN_SUBNORMAL, 0.5, 0.25],
      [1e4, 1, 0],
      [-1e4, 0, 0],
      [F32_MAX, 1, 0],
      [-F32_MAX, 0, 0],
    ],
    fromOutput: 'y * (1 - y)',
    finiteForFinite: true,
    // float32 forward: 1.104 the worst over every float32 (float arithmetic with one corrected division)
    ulp: { float32: { forward: 1.5, derivative: 1 }, float64: { forward: 2, derivative: 4 } },
    interestingRange: [-110, 40],
  },
  {
    name: 'tanh',
    summary: 'Hyperbolic tangent.',
    aliases: ['tanh', 'Tanh'],
    formula: '(e^x - e^-x) / (e^x + e^-x)',
    derivativeFormula: '1 - tanh(x)^2, computed as 4e^-2|x| / (1 + e^-2|x|)^2',
    params: [],
    kinks: [],
    edges: [
      [0, 0, 1],
      [-0, -0, 1],
      [NaN, NaN, NaN],
      [Infinity, 1, 0],
      [-Infinity, -1, 0],
      [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL, 1],
      [-F32_MIN_SUBNORMAL, -F32_MIN_SUBNORMAL, 1],
      [1e4, 1, 0],
      [-1e4, -1, 0],
      [F32_MAX, 1, 0],
      [-F32_MAX, -1, 0],
    ],
    fromOutput: '1 - y^2',
    finiteForFinite: true,
    ulp: { float32: { forward: 2, derivative: 1 }, float64: { forward: 2, derivative: 4 } },
    interestingRange: [-20, 20],
  },
  // ---- logistic ----
  {
    name: 'silu',
    summary: 'Sigmoid-weighted linear unit (swish with beta = 1).',
    aliases: ['silu', 'SiLU'],
    formula: 'x * sigmoid(x)',
    derivativeFormula: 'sigmoid(x) * (1 + x * (1 - sigmoid(x))), computed without cancellation at its zero x = -1.27846',
    params: [],
    kinks: [],
    edges: [
      [0, 0, 0.5],
      [-0, -0, 0.5],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -0, -0],
      [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL / 2, 0.5],
      [-F32_MIN_SUBNORMAL, -F32_MIN_SUBNORMAL / 2, 0.5],
      [1e4, 1e4, 1],
      [-1e4, -0, -0],
      [F32_MAX, F32_MAX, 1],
      [-F32_MAX, -0, -0],
    ],
    finiteForFinite: true,
    // float32 forward: 1.982 the worst over every float32 (float arithmetic: x (u + v) over a corrected division)
    ulp: { float32: { forward: 2, derivative: 0.5 }, float64: { forward: 2.05, derivative: 3.65 } },
    interestingRange: [-110, 20],
    kernel: 'swish',
    kernelParams: () => [1, 0],
  },
  {
    name: 'swish',
    summary: 'Swish: x times the sigmoid of beta x (beta = 1 is silu).',
    aliases: ['swish', 'Swish'],
    formula: 'x * sigmoid(beta * x)',
    derivativeFormula: 'sigmoid(z) * (1 + z * (1 - sigmoid(z))) with z = beta * x (NaN at NaN, 1/2 everywhere else at beta = 0)',
    params: [{ name: 'beta', default: 1, summary: 'The slope of the sigmoid gate; 0 gives x / 2.', domain: 'finite' }],
    kinks: [],
    // beta = 2 keeps beta * x exact in float64 too, so the references measure the kernel itself.
    example: [2],
    edges: [
      [0, 0, 0.5],
      [-0, -0, 0.5],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -0, -0],
      [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL / 2, 0.5],
      [-F32_MIN_SUBNORMAL, -F32_MIN_SUBNORMAL / 2, 0.5],
      [1e4, 1e4, 1],
      [-1e4, -0, -0],
      [F32_MAX, F32_MAX, 1],
      [-F32_MAX, -0, -0],
    ],
    finiteForFinite: true,
    // float32 forward: 1.982 the worst over every float32 at beta = 1 and 2
    ulp: { float32: { forward: 2, derivative: 0.5 }, float64: { forward: 2.05, derivative: 3.45 } },
    interestingRange: [-55, 10],
  },
  {
    name: 'softplus',
    summary: "Softplus, PyTorch's: a smooth relu that returns x itself where beta * x exceeds the threshold.",
    aliases: ['softplus', 'Softplus'],
    formula: 'x if beta * x > threshold, else ln(1 + e^(beta * x)) / beta',
    // The switch is a jump of ln(1 + e^-threshold) / beta, not a kink: the slope there, sigmoid(threshold), differs between precisions.
    derivativeFormula: '1 if beta * x > threshold, else sigmoid(beta * x); at beta * x == threshold sigmoid, as in PyTorch',
    params: [
      { name: 'beta', default: 1, summary: 'The sharpness of the curve.', domain: 'positive' },
      { name: 'threshold', default: 20, summary: 'Above this beta * x the result is x itself.', domain: 'finite' },
    ],
    kinks: [],
    edges: [
      [0, Math.LN2, 0.5],
      [-0, Math.LN2, 0.5],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, 0, 0],
      [F32_MIN_SUBNORMAL, Math.LN2, 0.5],
      [-F32_MIN_SUBNORMAL, Math.LN2, 0.5],
      [1e4, 1e4, 1],
      [-1e4, 0, 0],
      [F32_MAX, F32_MAX, 1],
      [-F32_MAX, 0, 0],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 1.9, derivative: 0.5 }, float64: { forward: 1.65, derivative: 1.71 } },
    interestingRange: [-110, 20],
  },
  {
    name: 'logSigmoid',
    summary: 'The logarithm of the sigmoid, -softplus(-x), overflow-free both ways.',
    aliases: ['log_sigmoid', 'logsigmoid', 'LogSigmoid'],
    formula: 'ln(1 / (1 + e^-x)) = min(x, 0) - ln(1 + e^-|x|)',
    derivativeFormula: 'sigmoid(-x) = 1 - sigmoid(x)',
    params: [],
    kinks: [],
    edges: [
      [0, -Math.LN2, 0.5],
      [-0, -Math.LN2, 0.5],
      [NaN, NaN, NaN],
      [Infinity, -0, 0],
      [-Infinity, -Infinity, 1],
      [F32_MIN_SUBNORMAL, -Math.LN2, 0.5],
      [-F32_MIN_SUBNORMAL, -Math.LN2, 0.5],
      [1e4, -0, 0],
      [-1e4, -1e4, 1],
      [F32_MAX, -0, 0],
      [-F32_MAX, -F32_MAX, 1],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 1.9, derivative: 0.5 }, float64: { forward: 1.65, derivative: 1.71 } },
    interestingRange: [-20, 110],
  },
  {
    name: 'mish',
    summary: 'Mish: x times the tanh of softplus(x).',
    aliases: ['mish', 'Mish'],
    formula: 'x * tanh(ln(1 + e^x))',
    derivativeFormula: 'tanh(softplus(x)) + x * sech(softplus(x))^2 * sigmoid(x), computed without cancellation at its zero x = -1.19243',
    params: [],
    kinks: [],
    edges: [
      [0, 0, 0.6],
      [-0, -0, 0.6],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -0, -0],
      [F32_MIN_SUBNORMAL, 8.407790785948902e-46, 0.6],
      [-F32_MIN_SUBNORMAL, -8.407790785948902e-46, 0.6],
      [1e4, 1e4, 1],
      [-1e4, -0, -0],
      [F32_MAX, F32_MAX, 1],
      [-F32_MAX, -0, -0],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 1.65, derivative: 0.5 }, float64: { forward: 3.03, derivative: 3.8 } },
    interestingRange: [-110, 20],
  },
  {
    name: 'tanhShrink',
    summary: 'x minus tanh(x), accurate near 0 where the two cancel (about x^3 / 3).',
    aliases: ['tanhshrink', 'tanh_shrink', 'Tanhshrink'],
    formula: 'x - tanh(x)',
    derivativeFormula: 'tanh(x)^2',
    params: [],
    kinks: [],
    edges: [
      [0, 0, 0],
      [-0, -0, 0],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -Infinity, 1],
      [F32_MIN_SUBNORMAL, 9.172140178864931e-136, 1.9636373861190906e-90],
      [-F32_MIN_SUBNORMAL, -9.172140178864931e-136, 1.9636373861190906e-90],
      [1e4, 9999, 1],
      [-1e4, -9999, 1],
      [F32_MAX, F32_MAX, 1],
      [-F32_MAX, -F32_MAX, 1],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 0.5, derivative: 0.5 }, float64: { forward: 2.12, derivative: 2.22 } },
    interestingRange: [-20, 20],
  },

  // ---- exponential ----
  // ---- exponential ----
  {
    name: 'elu',
    summary: 'Exponential linear unit: the identity above 0, a saturating exponential below.',
    aliases: ['elu', 'ELU'],
    formula: 'x if x > 0, else alpha (e^x - 1)',
    derivativeFormula: "1 if x > 0, else alpha e^x (elu'(0) = alpha, the left branch, as PyTorch)",
    params: [{ name: 'alpha', default: 1, summary: 'The value elu approaches as x goes to -Inf, negated.', domain: 'nonnegative' }],
    kinks: [{ at: 0, derivative: 1 }],
    edges: [
      [0, 0, 1],
      [-0, -0, 1],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -1, 0],
      [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL, 1],
      [-F32_MIN_SUBNORMAL, -F32_MIN_SUBNORMAL, 1],
      [1e4, 1e4, 1],
      [-1e4, -1, 0],
      [F32_MAX, F32_MAX, 1],
      [-F32_MAX, -1, 0],
    ],
    fromOutput: '1 if y > 0, else y + alpha',
    finiteForFinite: true,
    ulp: { float32: { forward: 1, derivative: 1 }, float64: { forward: 1, derivative: 1 } },
    interestingRange: [-20, 10],
  },
  {
    name: 'selu',
    summary: 'Scaled exponential linear unit, with the self-normalizing constants of Klambauer et al. (as PyTorch).',
    aliases: ['selu', 'SELU'],
    formula: 'scale * (x if x > 0, else alpha (e^x - 1)), alpha = 1.6732632423543772848, scale = 1.0507009873554804934',
    derivativeFormula: "scale if x > 0, else scale alpha e^x (selu'(0) = scale alpha = 1.7580993408473768, the left branch, as PyTorch)",
    params: [],
    // scale = 1.0507009873554805 and scale alpha = 1.7580993408473768 below (doubles nearest to the
    // exact values). selu'(0) = scale alpha is not a float32 value, so that kink is stated in
    // derivativeFormula and checked by the edges (in each precision's rounding) rather than listed here.
    kinks: [],
    edges: [
      [0, 0, 1.7580993408473768],
      [-0, -0, 1.7580993408473768],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1.0507009873554805],
      [-Infinity, -1.7580993408473768, 0],
      [1, 1.0507009873554805, 1.0507009873554805],
      [1e4, 1.0507009873554805 * 1e4, 1.0507009873554805],
      [-1e4, -1.7580993408473768, 0],
      [F32_MAX, 1.0507009873554805 * F32_MAX, 1.0507009873554805],
      [-F32_MAX, -1.7580993408473768, 0],
    ],
    // scale x overflows above F32_MAX / scale (float32) and 1.7e308 (float64), as the exact value does.
    finiteForFinite: false,
    ulp: { float32: { forward: 2, derivative: 2 }, float64: { forward: 3, derivative: 3 } },
    interestingRange: [-20, 10],
  },
  {
    name: 'celu',
    summary: 'Continuously differentiable exponential linear unit: elu with its exponential stretched by alpha.',
    aliases: ['celu', 'CELU'],
    formula: 'max(0, x) + min(0, alpha (e^(x/alpha) - 1))',
    derivativeFormula: "1 if x > 0, else e^(x/alpha) (continuous: celu'(0) = 1)",
    params: [
      {
        name: 'alpha',
        default: 1,
        summary: 'The value celu approaches as x goes to -Inf, negated, and the scale of its exponential.',
        domain: 'positive',
      },
    ],
    kinks: [],
    edges: [
      [0, 0, 1],
      [-0, -0, 1],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -1, 0],
      [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL, 1],
      [-F32_MIN_SUBNORMAL, -F32_MIN_SUBNORMAL, 1],
      [1e4, 1e4, 1],
      [-1e4, -1, 0],
      [F32_MAX, F32_MAX, 1],
      [-F32_MAX, -1, 0],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 1, derivative: 1 }, float64: { forward: 1, derivative: 1 } },
    interestingRange: [-20, 10],
  },
  {
    name: 'exponential',
    summary: 'The exponential e^x (Keras\'s "exponential" activation); overflows to +Inf above about 88.72 in float32.',
    aliases: ['exponential', 'exp'],
    formula: 'e^x',
    derivativeFormula: 'e^x',
    params: [],
    kinks: [],
    edges: [
      [0, 1, 1],
      [-0, 1, 1],
      [NaN, NaN, NaN],
      [Infinity, Infinity, Infinity],
      [-Infinity, 0, 0],
      [F32_MIN_SUBNORMAL, 1, 1],
      [-F32_MIN_SUBNORMAL, 1, 1],
      [1e4, Infinity, Infinity],
      [-1e4, 0, 0],
      [F32_MAX, Infinity, Infinity],
      [-F32_MAX, 0, 0],
    ],
    fromOutput: 'y',
    finiteForFinite: false,
    ulp: { float32: { forward: 1, derivative: 1 }, float64: { forward: 1, derivative: 1 } },
    interestingRange: [-104, 88],
  },

  // ---- gelu ----
  {
    name: 'gelu',
    summary: 'Gaussian error linear unit, exact: x weighted by the standard normal CDF.',
    aliases: ['gelu', 'GELU'],
    formula: 'x Φ(x) = (x/2) erfc(-x/√2)',
    derivativeFormula: "Φ(x) + x φ(x), φ the standard normal density; zero at x = -0.75179 (gelu's minimum)",
    params: [],
    kinks: [],
    edges: [
      [0, 0, 0.5],
      [-0, -0, 0.5],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -0, -0],
      [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL / 2, 0.5],
      [-F32_MIN_SUBNORMAL, -F32_MIN_SUBNORMAL / 2, 0.5],
      [1e4, 1e4, 1],
      [-1e4, -0, -0],
      [F32_MAX, F32_MAX, 1],
      [-F32_MAX, -0, -0],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 1, derivative: 1 }, float64: { forward: 4, derivative: 3 } },
    interestingRange: [-40, 10],
    variants: { option: 'approximate', rows: { none: 'gelu', tanh: 'geluTanh' } },
  },
  {
    name: 'geluTanh',
    summary: "GELU's tanh approximation (PyTorch's approximate='tanh', GPT-2's gelu_new).",
    aliases: ['gelu_new', 'gelu_pytorch_tanh', 'gelu_fast', 'gelu_tanh'],
    formula: '(x/2) (1 + tanh(√(2/π) (x + 0.044715 x³)))',
    derivativeFormula:
      '(1 + tanh(u))/2 + (x/2) sech²(u) √(2/π) (1 + 0.134145 x²), u = √(2/π) (x + 0.044715 x³); zero at x = -0.75246',
    params: [],
    kinks: [],
    edges: [
      [0, 0, 0.5],
      [-0, -0, 0.5],
      [NaN, NaN, NaN],
      [Infinity, Infinity, 1],
      [-Infinity, -0, -0],
      [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL / 2, 0.5],
      [-F32_MIN_SUBNORMAL, -F32_MIN_SUBNORMAL / 2, 0.5],
      [1e4, 1e4, 1],
      [-1e4, -0, -0],
      [F32_MAX, F32_MAX, 1],
      [-F32_MAX, -0, -0],
    ],
    finiteForFinite: true,
    ulp: { float32: { forward: 1, derivative: 1 }, float64: { forward: 3, derivative: 4 } },
    interestingRange: [-30, 10],
    variantOf: { name: 'gelu', option: 'approximate', value: 'tanh' },
  },
] as const satisfies readonly ActivationSpec[];

export type ActivationName = (typeof activationSpecs)[number]['name'];

export const activationNames: readonly ActivationName[] = activationSpecs.map((spec) => spec.name);

type RowsRunningOthers = Extract<(typeof activationSpecs)[number], { readonly kernel: string }>['name'];
/** The names of the element-wise kernels: every row but those that run another row's kernel. */
export type KernelName = Exclude<ActivationName, RowsRunningOthers>;

/** The parameters a row's examples, tests and benchmarks use, as an options object. */
export function exampleOptions(spec: ActivationSpec): Record<string, number> {
  return Object.fromEntries(spec.params.map((param, i) => [param.name, spec.example?.[i] ?? param.default!]));
}

/** The kernel each row runs: its own name unless it says otherwise. */
export function kernelOf(spec: ActivationSpec): string {
  return spec.kernel ?? spec.name;
}

/** Names of the kernels the rows run, each once, in table order: what every backend must provide. */
export const kernelNames = [...new Set(activationSpecs.map((spec: ActivationSpec) => kernelOf(spec)))] as readonly KernelName[];
