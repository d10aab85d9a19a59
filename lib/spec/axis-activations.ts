/**
 * The activations along an axis in one table: softmax, logSoftmax, softmin and glu. It drives the
 * facade (lib/axis-activations.ts), the fallback's kernel ids (lib/fallback/axis.ts, matched by name
 * with the native addon's at load), the tests, and the docs (scripts/make-axis-docs.mjs writes
 * docs/axis-activations.md from it).
 */

export interface AxisActivationSpec {
  readonly name: string;
  readonly summary: string;
  /** The names PyTorch, Keras and TF.js use for it. */
  readonly aliases: readonly string[];
  /** The output along the axis, as written in the docs. */
  readonly formula: string;
  /** The gradient with respect to x given gradOutput g, as `backward(gradOutput, x)` computes it. */
  readonly backwardFormula: string;
  /** The same from y = f(x), when `backwardFromOutput(gradOutput, y)` is offered. */
  readonly fromOutput?: string;
  /** Whether the `mask` option is accepted (elements whose mask byte is 0 take no part). */
  readonly masked: boolean;
  /** Whether the output's axis is half the input's (glu). */
  readonly halvesAxis: boolean;
  /** What rows with no finite maximum give: all -Inf or fully masked, containing +Inf, containing NaN. */
  readonly specialRows: string;
  /** Worst forward error allowed against a high-precision reference, in units in the last place. */
  readonly ulp: { readonly float32: number; readonly float64: number };
}

export const axisActivationSpecs = [
  {
    name: 'softmax',
    summary: 'Normalised exponentials along an axis: a probability distribution per row.',
    aliases: ['softmax', 'Softmax'],
    formula: 'e^(x_i - m) / Σ_j e^(x_j - m), m = max_j x_j',
    backwardFormula: 'y_i (g_i - Σ_j g_j y_j)',
    fromOutput: 'y_i (g_i - Σ_j g_j y_j)',
    masked: true,
    halvesAxis: false,
    specialRows:
      'all -Inf or fully masked: 0 everywhere, gradient 0; +Inf entries share 1 equally (1/c each, 0 elsewhere); any NaN: NaN row',
    ulp: { float32: 2, float64: 3 },
  },
  {
    name: 'logSoftmax',
    summary: 'The logarithm of softmax, without forming it: (x - m) - ln Σ e^(x - m).',
    aliases: ['log_softmax', 'logSoftmax', 'LogSoftmax'],
    formula: '(x_i - m) - ln Σ_j e^(x_j - m), m = max_j x_j',
    backwardFormula: 'g_i - softmax(x)_i Σ_j g_j',
    fromOutput: 'g_i - e^(y_i) Σ_j g_j',
    masked: true,
    halvesAxis: false,
    specialRows:
      'all -Inf or fully masked: -Inf everywhere, gradient 0; +Inf entries give -ln c (c of them), -Inf elsewhere; any NaN: NaN row',
    ulp: { float32: 2, float64: 2 },
  },
  {
    name: 'softmin',
    summary: 'Softmax of -x: most weight on the smallest values.',
    aliases: ['softmin', 'Softmin'],
    formula: 'softmax(-x)_i',
    backwardFormula: 'y_i (Σ_j g_j y_j - g_i)',
    fromOutput: 'y_i (Σ_j g_j y_j - g_i)',
    masked: true,
    halvesAxis: false,
    specialRows:
      'all +Inf or fully masked: 0 everywhere, gradient 0; -Inf entries share 1 equally, 0 elsewhere; any NaN: NaN row',
    ulp: { float32: 2, float64: 3 },
  },
  {
    name: 'glu',
    summary: 'Gated linear unit: the axis split in halves a | b, a * sigmoid(b).',
    aliases: ['glu', 'GLU'],
    formula: 'a_i sigmoid(b_i), x = [a | b] along the axis',
    backwardFormula: 'd/da_i = g_i sigmoid(b_i), d/db_i = g_i a_i sigmoid(b_i) (1 - sigmoid(b_i))',
    masked: false,
    halvesAxis: true,
    specialRows: 'elementwise: NaN in a or b gives NaN; b = +Inf gives a, b = -Inf gives 0 (NaN for a = ±Inf)',
    ulp: { float32: 1, float64: 2 },
  },
] as const satisfies readonly AxisActivationSpec[];

export type AxisActivationName = (typeof axisActivationSpecs)[number]['name'];

/** The kernel names every backend provides, in kernel-id order (native/kernels/axis.h). */
export const axisActivationNames: readonly AxisActivationName[] = axisActivationSpecs.map((spec) => spec.name);
