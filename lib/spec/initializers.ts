/**
 * The initializer family in one table. It drives the facade (lib/init/), the validation of every
 * initializer's own parameters, the tests and docs/initializers.md (scripts/make-init-docs.mjs).
 *
 * - The Keras/JAX-named initializers are one-line settings of varianceScaling (`varianceScaling`).
 * - The PyTorch-named ones follow torch.nn.init exactly, in PyTorch's layout by default.
 * - Every entry says, per framework, how the same name there differs from kindling's.
 *
 * The gain table (calculateGain) is here too: PyTorch's entries, and the ones kindling derives
 * with scripts/derive-gains.py (which checks the committed moments with --check).
 */

/** How a weight's dimensions are ordered: PyTorch's [out, in, ...kernel] or Keras/TF.js/JAX's [...kernel, in, out]. */
export type Layout = 'torch' | 'keras';
export const layouts: readonly Layout[] = ['torch', 'keras'];

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg' | 'fan_geo_avg';
export const fanModes: readonly FanMode[] = ['fan_in', 'fan_out', 'fan_avg', 'fan_geo_avg'];

/** varianceScaling's distributions; 'normal' is JAX's name for 'untruncated_normal'. */
export type VarianceDistribution = 'truncated_normal' | 'untruncated_normal' | 'normal' | 'uniform';
export const varianceDistributions: readonly VarianceDistribution[] = ['truncated_normal', 'untruncated_normal', 'normal', 'uniform'];

/**
 * The standard deviation of the standard normal truncated to [-2, 2], as Keras and JAX write it
 * (scipy.stats.truncnorm.std(-2, 2)); varianceScaling's truncated_normal divides by it.
 */
export const TRUNCATED_STD_2 = 0.87962566103423978;

/** One entry of the gain table. */
export interface GainSpec {
  readonly name: string;
  /** The gain as written in the docs. */
  readonly formula: string;
  /** The gain without a parameter (the default parameter where there is one). */
  readonly gain: number;
  /** Where it comes from: PyTorch's table, or derived here (scripts/derive-gains.py). */
  readonly source: 'pytorch' | 'derived';
  /** The parameter the gain takes (calculateGain's second argument) and its default. */
  readonly param?: { readonly name: string; readonly default: number };
  /** For derived gains: E[f(Z)²] under Z ~ N(0, 1); for elu, C = E[(e^Z − 1)²; Z < 0]. */
  readonly moment?: number;
  readonly note?: string;
}

// Second moments from scripts/derive-gains.py (which checks these digits with --check).
const GELU_MOMENT = 0.42522148257029874;
const SILU_MOMENT = 0.35577551981735217;
const MISH_MOMENT = 0.45234219237588286;
const ELU_TAIL_MOMENT = 0.14494541749292386;

const linear = <N extends string>(name: N) => ({ name, formula: '1', gain: 1, source: 'pytorch' }) as const;

export const gainSpecs = [
  linear('linear'),
  linear('conv1d'),
  linear('conv2d'),
  linear('conv3d'),
  linear('conv_transpose1d'),
  linear('conv_transpose2d'),
  linear('conv_transpose3d'),
  { name: 'sigmoid', formula: '1', gain: 1, source: 'pytorch' },
  { name: 'tanh', formula: '5/3', gain: 5 / 3, source: 'pytorch' },
  { name: 'relu', formula: '√2', gain: Math.sqrt(2), source: 'pytorch' },
  {
    name: 'leaky_relu',
    formula: '√(2/(1 + negative_slope²))',
    gain: Math.sqrt(2 / (1 + 0.01 ** 2)),
    source: 'pytorch',
    param: { name: 'negative_slope', default: 0.01 },
  },
  {
    name: 'selu',
    formula: '3/4',
    gain: 3 / 4,
    source: 'pytorch',
    note: "PyTorch's empirical value; for self-normalising networks PyTorch advises 'linear' (gain 1)",
  },
  {
    name: 'gelu',
    formula: '1/√E[gelu(Z)²] (exact, erf-based gelu)',
    gain: 1 / Math.sqrt(GELU_MOMENT),
    source: 'derived',
    moment: GELU_MOMENT,
    note: 'E[gelu(Z)²] = 1/3 + 1/(2π√3) in closed form',
  },
  { name: 'silu', formula: '1/√E[silu(Z)²]', gain: 1 / Math.sqrt(SILU_MOMENT), source: 'derived', moment: SILU_MOMENT },
  {
    name: 'elu',
    formula: '1/√(1/2 + α²·C), C = E[(e^Z − 1)²; Z < 0] = e²Φ(−2) − 2e^½Φ(−1) + ½',
    gain: 1 / Math.sqrt(0.5 + ELU_TAIL_MOMENT),
    source: 'derived',
    param: { name: 'alpha', default: 1 },
    moment: ELU_TAIL_MOMENT,
  },
  { name: 'mish', formula: '1/√E[mish(Z)²]', gain: 1 / Math.sqrt(MISH_MOMENT), source: 'derived', moment: MISH_MOMENT },
] as const satisfies readonly GainSpec[];

export type Nonlinearity = (typeof gainSpecs)[number]['name'];

export const nonlinearities: readonly Nonlinearity[] = gainSpecs.map((spec) => spec.name);

/** One parameter of an initializer, validated from this description. */
export interface ParamSpec {
  readonly name: string;
  readonly type: 'number' | 'integer' | 'string' | 'boolean';
  /** The default; absent when the parameter is required. */
  readonly default?: number | string | boolean;
  /** Allowed strings (type 'string'). */
  readonly values?: readonly string[];
  /** Bounds for numbers, and whether each is allowed; numbers must be finite unless `infinite`. */
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  readonly infinite?: boolean;
  readonly doc: string;
}

/** How the same name behaves in each framework, compared with kindling's. */
export interface FrameworkNotes {
  readonly pytorch: string;
  readonly keras: string;
  readonly tfjs: string;
  readonly jax: string;
}

export interface InitializerSpec {
  readonly name: string;
  /** 'basic': plain distributions and deterministic fills; 'pytorch': torch.nn.init names; 'keras': Keras/JAX names. */
  readonly family: 'basic' | 'pytorch' | 'keras';
  readonly summary: string;
  /** What the values are, as written in the docs. */
  readonly formula: string;
  readonly params: readonly ParamSpec[];
  /** Whether the entry reads fans (and so takes the options groups, transposed, fanIn, fanOut). */
  readonly fans: boolean;
  /** The layout the entry assumes unless told otherwise; null when the layout does not matter. */
  readonly layout: Layout | null;
  /** The ranks the shape may have; absent for any rank. */
  readonly ranks?: readonly number[];
  /** Whether it draws from the generator. */
  readonly random: boolean;
  /** For the Keras/JAX-named entries: the varianceScaling setting they are. */
  readonly varianceScaling?: { readonly scale: number; readonly mode: FanMode; readonly distribution: VarianceDistribution };
  /** How it uses the generator (docs/rng.md's draws), in order: part of the stream contract. */
  readonly stream: string;
  readonly frameworks: FrameworkNotes;
}

const gainParam: ParamSpec = { name: 'gain', type: 'number', default: 1, min: 0, minExclusive: true, doc: 'scaling factor' };

const kaimingParams: readonly ParamSpec[] = [
  { name: 'a', type: 'number', default: 0, doc: "negative slope of the leaky_relu after this layer (used with 'leaky_relu' only, as in PyTorch)" },
  { name: 'mode', type: 'string', default: 'fan_in', values: ['fan_in', 'fan_out'], doc: "'fan_in' keeps the forward variance, 'fan_out' the backward one" },
  { name: 'nonlinearity', type: 'string', default: 'leaky_relu', values: nonlinearities, doc: 'a name of the gain table (calculateGain)' },
];

const noneSame = 'none';

export const initializerSpecs = [
  {
    name: 'zeros',
    family: 'basic',
    summary: 'All zeros.',
    formula: '0',
    params: [],
    fans: false,
    layout: null,
    random: false,
    stream: 'none',
    frameworks: { pytorch: 'zeros_: same', keras: 'Zeros: same', tfjs: 'zeros: same', jax: 'zeros: same' },
  },
  {
    name: 'ones',
    family: 'basic',
    summary: 'All ones.',
    formula: '1',
    params: [],
    fans: false,
    layout: null,
    random: false,
    stream: 'none',
    frameworks: { pytorch: 'ones_: same', keras: 'Ones: same', tfjs: 'ones: same', jax: 'ones: same' },
  },
  {
    name: 'constant',
    family: 'basic',
    summary: 'Every element equal to `value`.',
    formula: 'value',
    params: [{ name: 'value', type: 'number', doc: 'the value (required)' }],
    fans: false,
    layout: null,
    random: false,
    stream: 'none',
    frameworks: {
      pytorch: 'constant_(val): same',
      keras: 'Constant(value=0): value defaults to 0 there; required here',
      tfjs: 'constant({value}): same',
      jax: 'constant(value): same',
    },
  },
  {
    name: 'uniform',
    family: 'basic',
    summary: 'Uniform on [low, high).',
    formula: 'U(low, high)',
    params: [
      { name: 'low', type: 'number', default: 0, doc: 'lower bound (can occur)' },
      { name: 'high', type: 'number', default: 1, doc: 'upper bound (never occurs); above low' },
    ],
    fans: false,
    layout: null,
    random: true,
    stream: 'uniform(size, {low, high})',
    frameworks: {
      pytorch: 'uniform_(a=0, b=1): same defaults',
      keras: 'RandomUniform(minval=-0.05, maxval=0.05): other defaults',
      tfjs: 'randomUniform({minval: -0.05, maxval: 0.05}): other defaults',
      jax: 'uniform(scale=0.01) is U(0, scale): pass high = scale',
    },
  },
  {
    name: 'normal',
    family: 'basic',
    summary: 'Normal with the given mean and standard deviation.',
    formula: 'N(mean, std²)',
    params: [
      { name: 'mean', type: 'number', default: 0, doc: 'mean' },
      { name: 'std', type: 'number', default: 1, min: 0, doc: 'standard deviation, at least 0' },
    ],
    fans: false,
    layout: null,
    random: true,
    stream: 'normal(size, {mean, std})',
    frameworks: {
      pytorch: 'normal_(mean=0, std=1): same defaults',
      keras: 'RandomNormal(mean=0, stddev=0.05): other default std',
      tfjs: 'randomNormal({mean: 0, stddev: 0.05}): other default std',
      jax: 'normal(stddev=0.01): other default std',
    },
  },
  {
    name: 'truncatedNormal',
    family: 'basic',
    summary: "Normal conditioned on [a, b]: PyTorch's absolute bounds by default, or bounds in standard deviations with `bounds: 'std'`.",
    formula: "N(mean, std²) restricted to [a, b] ('absolute') or [mean + a·std, mean + b·std] ('std')",
    params: [
      { name: 'mean', type: 'number', default: 0, doc: 'mean of the normal before truncation' },
      { name: 'std', type: 'number', default: 1, min: 0, minExclusive: true, doc: 'standard deviation of the normal before truncation (the result has less)' },
      { name: 'a', type: 'number', default: -2, infinite: true, doc: 'lower bound (may be -Infinity)' },
      { name: 'b', type: 'number', default: 2, infinite: true, doc: 'upper bound, above a (may be Infinity)' },
      { name: 'bounds', type: 'string', default: 'absolute', values: ['absolute', 'std'], doc: "'absolute': a and b are values (PyTorch); 'std': standard deviations from the mean (Keras, TF.js, JAX)" },
    ],
    fans: false,
    layout: null,
    random: true,
    stream: 'truncatedNormal(size, {mean, std, a, b, bounds})',
    frameworks: {
      pytorch:
        "trunc_normal_(mean=0, std=1, a=-2, b=2): same; its bounds are absolute, so ±2σ only when mean=0 and std=1 (its inverse-CDF method also loses accuracy when [a, b] lies far in a tail; kindling's doesn't)",
      keras: "TruncatedNormal(mean=0, stddev=0.05): truncates at ±2 stddev: bounds 'std', std 0.05",
      tfjs: "truncatedNormal({mean: 0, stddev: 0.05}): ±2 stddev: bounds 'std', std 0.05",
      jax: "truncated_normal(stddev=0.01, lower=-2, upper=2): bounds in stddevs: bounds 'std'",
    },
  },
  {
    name: 'eye',
    family: 'basic',
    summary: 'The identity matrix times gain (2-D; may be non-square: ones on the main diagonal).',
    formula: 'gain if row = column, else 0',
    params: [{ ...gainParam, doc: 'the diagonal value' }],
    fans: false,
    layout: null,
    ranks: [2],
    random: false,
    stream: 'none',
    frameworks: {
      pytorch: 'eye_: same (no gain there)',
      keras: 'Identity(gain=1): same',
      tfjs: 'identity({gain}): square matrices only there',
      jax: noneSame,
    },
  },
  {
    name: 'dirac',
    family: 'basic',
    summary: 'Identity convolution weights (3-, 4- or 5-D): each group keeps as many input channels as it can.',
    formula: '1 at [g·(shape[0]/groups) + d, d, centre…] for every group g and d < min(shape[0]/groups, shape[1]), else 0; centre = ⌊k/2⌋ in each kernel dimension',
    params: [{ name: 'groups', type: 'integer', default: 1, min: 1, doc: 'groups of the convolution; must divide the output channels' }],
    fans: false,
    layout: 'torch',
    ranks: [3, 4, 5],
    random: false,
    stream: 'none',
    frameworks: {
      pytorch: 'dirac_(groups=1): same',
      keras: "none (layout 'keras' gives the same weights as [...kernel, in/groups, out])",
      tfjs: noneSame,
      jax: noneSame,
    },
  },
  {
    name: 'xavierUniform',
    family: 'pytorch',
    summary: 'Glorot/Xavier uniform, as torch.nn.init.xavier_uniform_.',
    formula: 'U(−bound, bound), std = gain·√(2/(fan_in + fan_out)), bound = √3·std',
    params: [gainParam],
    fans: true,
    layout: 'torch',
    random: true,
    stream: 'uniform(size, {low: -bound, high: bound})',
    frameworks: {
      pytorch: 'xavier_uniform_(gain=1): same',
      keras: "GlorotUniform: the same distribution in layout 'keras' (see glorotUniform)",
      tfjs: 'glorotUniform: as Keras',
      jax: 'glorot_uniform: as Keras',
    },
  },
  {
    name: 'xavierNormal',
    family: 'pytorch',
    summary: 'Glorot/Xavier normal, as torch.nn.init.xavier_normal_ (untruncated).',
    formula: 'N(0, std²), std = gain·√(2/(fan_in + fan_out))',
    params: [gainParam],
    fans: true,
    layout: 'torch',
    random: true,
    stream: 'normal(size, {std})',
    frameworks: {
      pytorch: 'xavier_normal_(gain=1): same',
      keras: 'GlorotNormal is a truncated normal (see glorotNormal)',
      tfjs: 'glorotNormal is a truncated normal with a smaller std (see glorotNormal)',
      jax: 'glorot_normal is a truncated normal (see glorotNormal)',
    },
  },
  {
    name: 'kaimingUniform',
    family: 'pytorch',
    summary: 'He/Kaiming uniform, as torch.nn.init.kaiming_uniform_.',
    formula: 'U(−bound, bound), gain = calculateGain(nonlinearity, a), std = gain/√fan, bound = √3·std; fan = fan_in or fan_out (mode)',
    params: kaimingParams,
    fans: true,
    layout: 'torch',
    random: true,
    stream: 'uniform(size, {low: -bound, high: bound})',
    frameworks: {
      pytorch:
        "kaiming_uniform_(a=0, mode='fan_in', nonlinearity='leaky_relu'): same (the defaults give gain √2; nn.Linear and nn.Conv* use a = √5, bound = 1/√fan_in)",
      keras: "HeUniform: U(±√(6/fan_in)), the same as nonlinearity 'relu' in layout 'keras' (see heUniform)",
      tfjs: 'heUniform: as Keras',
      jax: 'he_uniform: as Keras',
    },
  },
  {
    name: 'kaimingNormal',
    family: 'pytorch',
    summary: 'He/Kaiming normal, as torch.nn.init.kaiming_normal_ (untruncated).',
    formula: 'N(0, std²), gain = calculateGain(nonlinearity, a), std = gain/√fan; fan = fan_in or fan_out (mode)',
    params: kaimingParams,
    fans: true,
    layout: 'torch',
    random: true,
    stream: 'normal(size, {std})',
    frameworks: {
      pytorch: "kaiming_normal_(a=0, mode='fan_in', nonlinearity='leaky_relu'): same",
      keras: 'HeNormal is a truncated normal (see heNormal)',
      tfjs: 'heNormal is a truncated normal with a smaller std (see heNormal)',
      jax: 'he_normal is a truncated normal (see heNormal)',
    },
  },
  {
    name: 'sparse',
    family: 'pytorch',
    summary: 'Normal values with a fixed fraction of zeros in every column (2-D), as torch.nn.init.sparse_ (Martens 2010).',
    formula: 'N(0, std²), then ⌈sparsity·rows⌉ zeros in each column, at rows chosen by a random permutation',
    params: [
      { name: 'sparsity', type: 'number', min: 0, max: 1, doc: 'fraction of each column set to zero, from 0 to 1 (required)' },
      { name: 'std', type: 'number', default: 0.01, min: 0, doc: 'standard deviation of the non-zero values' },
    ],
    fans: false,
    layout: 'torch',
    ranks: [2],
    random: true,
    stream:
      'normal(size, {std}); then bits(2·size): the unit (column in torch layout, row in keras layout) u with m entries uses words [2mu, 2m(u+1)) as m 64-bit keys, and its zeros are at the ⌈sparsity·m⌉ entries with the smallest keys (ties by position), the first entries of permutation(m) drawn from those keys',
    frameworks: {
      pytorch:
        'sparse_(sparsity, std=0.01): same values distribution and zero count (⌈sparsity·rows⌉ in float64, so 0.07·100 gives 8); it draws torch.randperm per column, so the bits differ; it accepts any sparsity, kindling requires 0 to 1',
      keras: noneSame,
      tfjs: noneSame,
      jax: noneSame,
    },
  },
  {
    name: 'orthogonal',
    family: 'pytorch',
    summary:
      "A (semi-)orthogonal matrix, Haar-distributed, times gain (Saxe et al. 2014), as torch.nn.init.orthogonal_ (layout 'torch': rows = shape[0]) or Keras/JAX Orthogonal (layout 'keras': cols = the last dimension); rank 2 or more.",
    formula:
      "gain·Q, Q from the QR (R's diagonal positive) of a standard-normal matrix, transposed when rows < cols; computed in float64 (docs/orthogonal.md)",
    params: [gainParam],
    fans: false,
    layout: 'torch',
    random: true,
    stream:
      "normal(rows·cols, {dtype: 'float64'}): 'torch' reads it as rows × cols and transposes it when rows < cols, 'keras' as max(rows, cols) × min(rows, cols); a slice is cut from the whole tensor",
    frameworks: {
      pytorch: 'orthogonal_(gain=1): same semantics (LAPACK QR in float32 there, so other bits); it too refuses rank < 2 and leaves an empty tensor alone',
      keras: "Orthogonal(gain=1): same semantics in layout 'keras'",
      tfjs: "orthogonal({gain: 1}): 2-D only, and it warns above 2000 elements (a slow QR in JavaScript)",
      jax: "orthogonal(scale=1, column_axis=-1): same semantics in layout 'keras' (column_axis -1 only)",
    },
  },
  {
    name: 'deltaOrthogonal',
    family: 'keras',
    summary:
      "Delta-orthogonal convolution kernels (Xiao et al. 2018), as JAX's delta_orthogonal: orthogonal([in, out], layout 'keras') at the spatial centre, zeros elsewhere; 3-, 4- or 5-D with in <= out.",
    formula:
      "W[c…, i, o] = gain·Q'[i][o] at the centre c = ⌊(k − 1)/2⌋ of each kernel dimension, 0 elsewhere ('torch' layout: W[o, i, c…], the same weights)",
    params: [gainParam],
    fans: false,
    layout: 'keras',
    ranks: [3, 4, 5],
    random: true,
    stream: "normal(in·out, {dtype: 'float64'}), read as out × in (orthogonal's draw for [in, out] in layout 'keras')",
    frameworks: {
      pytorch: noneSame,
      keras: noneSame,
      tfjs: noneSame,
      jax: 'delta_orthogonal(scale=1, column_axis=-1): same (its centre is (k − 1) // 2 too)',
    },
  },
  {
    name: 'glorotUniform',
    family: 'keras',
    summary: 'Glorot uniform, as Keras/JAX glorot_uniform.',
    formula: "varianceScaling(1, 'fan_avg', 'uniform'): U(±√(6/(fan_in + fan_out)))",
    params: [],
    fans: true,
    layout: 'keras',
    random: true,
    varianceScaling: { scale: 1, mode: 'fan_avg', distribution: 'uniform' },
    stream: 'uniform(size, {low: -limit, high: limit})',
    frameworks: {
      pytorch: "xavier_uniform_: the same distribution in layout 'torch' (see xavierUniform)",
      keras: 'GlorotUniform: same',
      tfjs: 'glorotUniform: same, but fans for rank 1 or above 5 are √size there',
      jax: 'glorot_uniform: same, but JAX refuses rank < 2 and rounds to the dtype at each step',
    },
  },
  {
    name: 'glorotNormal',
    family: 'keras',
    summary: 'Glorot normal, as Keras/JAX glorot_normal: a truncated normal whose std after truncation is √(2/(fan_in + fan_out)).',
    formula: "varianceScaling(1, 'fan_avg', 'truncated_normal')",
    params: [],
    fans: true,
    layout: 'keras',
    random: true,
    varianceScaling: { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' },
    stream: "truncatedNormal(size, {std: √s / 0.8796…, a: -2, b: 2, bounds: 'std'})",
    frameworks: {
      pytorch: 'xavier_normal_ is untruncated (see xavierNormal)',
      keras: 'GlorotNormal: same',
      tfjs: 'glorotNormal: truncated without the 0.8796 correction: std 12 % smaller than Keras',
      jax: 'glorot_normal: same (JAX rounds to the dtype at each step)',
    },
  },
  {
    name: 'heUniform',
    family: 'keras',
    summary: 'He uniform, as Keras/JAX he_uniform.',
    formula: "varianceScaling(2, 'fan_in', 'uniform'): U(±√(6/fan_in))",
    params: [],
    fans: true,
    layout: 'keras',
    random: true,
    varianceScaling: { scale: 2, mode: 'fan_in', distribution: 'uniform' },
    stream: 'uniform(size, {low: -limit, high: limit})',
    frameworks: {
      pytorch: "kaiming_uniform_(nonlinearity='relu') in layout 'torch' (see kaimingUniform)",
      keras: 'HeUniform: same',
      tfjs: 'heUniform: same (fans for rank 1 or above 5 differ)',
      jax: 'he_uniform: same',
    },
  },
  {
    name: 'heNormal',
    family: 'keras',
    summary: 'He normal, as Keras/JAX he_normal: truncated, std after truncation √(2/fan_in).',
    formula: "varianceScaling(2, 'fan_in', 'truncated_normal')",
    params: [],
    fans: true,
    layout: 'keras',
    random: true,
    varianceScaling: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' },
    stream: "truncatedNormal(size, {std: √s / 0.8796…, a: -2, b: 2, bounds: 'std'})",
    frameworks: {
      pytorch: 'kaiming_normal_ is untruncated (see kaimingNormal)',
      keras: 'HeNormal: same',
      tfjs: 'heNormal: truncated without the 0.8796 correction: std 12 % smaller',
      jax: 'he_normal: same',
    },
  },
  {
    name: 'lecunUniform',
    family: 'keras',
    summary: 'LeCun uniform, as Keras/JAX lecun_uniform.',
    formula: "varianceScaling(1, 'fan_in', 'uniform'): U(±√(3/fan_in))",
    params: [],
    fans: true,
    layout: 'keras',
    random: true,
    varianceScaling: { scale: 1, mode: 'fan_in', distribution: 'uniform' },
    stream: 'uniform(size, {low: -limit, high: limit})',
    frameworks: {
      pytorch: "kaiming_uniform_(nonlinearity='linear') in layout 'torch'",
      keras: 'LecunUniform: same',
      tfjs: 'leCunUniform: same (fans for rank 1 or above 5 differ)',
      jax: 'lecun_uniform: same',
    },
  },
  {
    name: 'lecunNormal',
    family: 'keras',
    summary: 'LeCun normal, as Keras/JAX lecun_normal: truncated, std after truncation √(1/fan_in).',
    formula: "varianceScaling(1, 'fan_in', 'truncated_normal')",
    params: [],
    fans: true,
    layout: 'keras',
    random: true,
    varianceScaling: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' },
    stream: "truncatedNormal(size, {std: √s / 0.8796…, a: -2, b: 2, bounds: 'std'})",
    frameworks: {
      pytorch: "kaiming_normal_(nonlinearity='linear') is untruncated",
      keras: 'LecunNormal: same',
      tfjs: 'leCunNormal: truncated without the 0.8796 correction: std 12 % smaller',
      jax: 'lecun_normal: same',
    },
  },
  {
    name: 'varianceScaling',
    family: 'keras',
    summary: 'The general initializer the Keras/JAX names are settings of.',
    formula:
      "s = scale / max(1, n), n = fan_in, fan_out, (fan_in + fan_out)/2 or √(fan_in·fan_out) (mode); truncated_normal: std √s/0.87962566103423978 truncated at ±2 std (so the result's std is √s); untruncated_normal (or 'normal'): N(0, s); uniform: U(±√(3s))",
    params: [
      { name: 'scale', type: 'number', default: 1, min: 0, minExclusive: true, doc: 'positive scaling factor' },
      { name: 'mode', type: 'string', default: 'fan_in', values: fanModes, doc: 'which fans set n' },
      { name: 'distribution', type: 'string', default: 'truncated_normal', values: varianceDistributions, doc: "'truncated_normal', 'untruncated_normal' (or JAX's name 'normal') or 'uniform'" },
    ],
    fans: true,
    layout: 'keras',
    random: true,
    stream: "by distribution: truncatedNormal(size, {std, a: -2, b: 2, bounds: 'std'}), normal(size, {std}) or uniform(size, {low: -limit, high: limit})",
    frameworks: {
      pytorch: noneSame,
      keras:
        "VarianceScaling(scale=1, mode='fan_in', distribution='truncated_normal'): same; Keras has no 'fan_geo_avg', Keras 3 refuses 'normal' and tf.keras 2 took 'normal' to mean truncated_normal",
      tfjs: "VarianceScaling: its 'normal' is truncated WITHOUT the 0.8796 correction (std 12 % small); in the tfjs-layers source we read, any other distribution, 'truncatedNormal' included, gives a uniform, drawn without the seed",
      jax: "variance_scaling: same ('normal' is untruncated there too); JAX has no max(1, n) guard and rounds variance and std to the dtype",
    },
  },
] as const satisfies readonly InitializerSpec[];

export type InitializerName = (typeof initializerSpecs)[number]['name'];

export const initializerNames: readonly InitializerName[] = initializerSpecs.map((spec) => spec.name);

