/**
 * The activation family in one table. It drives the facade (lib/activations.ts), the fallback's
 * registry (lib/fallback/activations.ts, checked against it by the compiler), the native addon's
 * kernel ids (matched by name at load), the tests, the benchmarks and the docs.
 */

/** Worst error allowed against a high-precision reference, in units in the last place; 0 means exact. */
export interface UlpBudget {
  readonly forward: number;
  readonly derivative: number;
}

export interface ActivationSpec {
  readonly name: string;
  readonly summary: string;
  /** f(x), as written in the docs. */
  readonly formula: string;
  /** f'(x), as written in the docs, with the convention at any kink. */
  readonly derivativeFormula: string;
  /** Values where f is not differentiable, and the derivative kindling (like PyTorch) gives there. */
  readonly kinks: readonly { readonly at: number; readonly derivative: number }[];
  readonly ulp: { readonly float32: UlpBudget; readonly float64: UlpBudget };
  /** Inputs outside which f is constant in the given precision: benchmarks and tests sweep this range. */
  readonly interestingRange: readonly [number, number];
}

export const activationSpecs = [
  {
    name: 'relu',
    summary: 'Rectified linear unit.',
    formula: 'max(0, x)',
    derivativeFormula: "1 if x > 0, else 0 (relu'(0) = 0)",
    kinks: [{ at: 0, derivative: 0 }],
    ulp: { float32: { forward: 0, derivative: 0 }, float64: { forward: 0, derivative: 0 } },
    interestingRange: [-10, 10],
  },
  {
    name: 'sigmoid',
    summary: 'Logistic sigmoid, overflow-free for any input.',
    formula: '1 / (1 + e^-x)',
    derivativeFormula: 'sigmoid(x) * (1 - sigmoid(x)), computed as e^-|x| / (1 + e^-|x|)^2',
    kinks: [],
    ulp: { float32: { forward: 3, derivative: 4 }, float64: { forward: 2, derivative: 4 } },
    interestingRange: [-110, 40],
  },
  {
    name: 'tanh',
    summary: 'Hyperbolic tangent.',
    formula: '(e^x - e^-x) / (e^x + e^-x)',
    derivativeFormula: '1 - tanh(x)^2, computed as 4e^-2|x| / (1 + e^-2|x|)^2',
    kinks: [],
    ulp: { float32: { forward: 2, derivative: 4 }, float64: { forward: 2, derivative: 4 } },
    interestingRange: [-20, 20],
  },
] as const satisfies readonly ActivationSpec[];

export type ActivationName = (typeof activationSpecs)[number]['name'];

export const activationNames: readonly ActivationName[] = activationSpecs.map((spec) => spec.name);
