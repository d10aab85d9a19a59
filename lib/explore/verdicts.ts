/**
 * The verdict on one configuration, from its per-layer statistics. Every threshold is a named
 * constant here, and docs/explore.md explains each one.
 */

/** An output closer to a bound of a bounded activation than this fraction of its range is saturated (tanh: |y| > 0.96). */
export const SATURATION_MARGIN = 0.02;
/** A layer with more than this fraction of saturated outputs makes the configuration saturated. */
export const SATURATED_FRACTION = 0.5;
/** A layer with more than this fraction of dead units (zero derivative on every example) makes it dead. */
export const DEAD_FRACTION = 0.5;
/**
 * Activations whose standard deviation falls below this multiple of the input's have vanished; so
 * has the gradient of a layer's weights that falls below this multiple of the last layer's (that
 * layer learns a hundred times slower).
 */
export const VANISHING_RATIO = 0.1;
/** The same upwards: an activation std or a weight gradient above this multiple has exploded. */
export const EXPLODING_RATIO = 10;

export type Verdict = 'healthy' | 'symmetric' | 'saturated' | 'dead' | 'exploding' | 'vanishing';

/** The verdicts in order of precedence: a configuration's verdict is its first problem's. */
export const VERDICTS: readonly Verdict[] = ['symmetric', 'saturated', 'dead', 'exploding', 'vanishing', 'healthy'];

/** One layer's statistics, as the explorer measures them. */
export interface LayerStatistics {
  /** 1 for the first hidden layer. */
  readonly layer: number;
  /** Mean and standard deviation of the layer's outputs over the batch and the units. */
  readonly mean: number;
  readonly std: number;
  /** Fraction of outputs within SATURATION_MARGIN of a bound; null for activations not bounded on both sides. */
  readonly saturated: number | null;
  /** Fraction of units whose derivative is zero on every example of the batch: no gradient reaches their weights. */
  readonly dead: number;
  /**
   * How unevenly the network up to this layer stretches directions: max/min over the batch of
   * ‖J·v‖/‖v‖, J the Jacobian of the layer's outputs with respect to the input at an example and v
   * a random direction for it. 1 for an isometry; large when the network is ill-conditioned.
   */
  readonly spread: number;
  /** ‖∂loss/∂W‖ (Frobenius) of the layer's weights. */
  readonly gradientNorm: number;
  /** Whether every unit of the layer starts with the same weights and bias, so they compute and learn the same thing. */
  readonly symmetric: boolean;
}

/** One finding: which kind, from which layer, and why in words. */
export interface Problem {
  readonly kind: Exclude<Verdict, 'healthy'>;
  readonly layer: number;
  readonly detail: string;
}

export interface Judgement {
  readonly verdict: Verdict;
  /** Every problem found, in order of precedence (at most one of each kind). */
  readonly problems: readonly Problem[];
}

const percent = (fraction: number) => `${(100 * fraction).toFixed(0)} %`;
const number = (value: number) => (Number.isFinite(value) ? value.toPrecision(2) : String(value));

/** The verdict on layers whose input had standard deviation `inputStd`. */
export function judge(layers: readonly LayerStatistics[], inputStd: number): Judgement {
  const firstWhere = (test: (layer: LayerStatistics) => boolean) => layers.find(test);
  const deepestWhere = (test: (layer: LayerStatistics) => boolean) => [...layers].reverse().find(test);
  const problems: Problem[] = [];

  const symmetric = firstWhere((layer) => layer.symmetric);
  if (symmetric) {
    problems.push({ kind: 'symmetric', layer: symmetric.layer, detail: `every unit of layer ${symmetric.layer} has the same weights: they compute the same value and get the same gradient, so training never tells them apart` });
  }
  const saturated = firstWhere((layer) => layer.saturated !== null && layer.saturated > SATURATED_FRACTION);
  if (saturated) {
    problems.push({ kind: 'saturated', layer: saturated.layer, detail: `${percent(saturated.saturated!)} of layer ${saturated.layer}'s outputs sit at a bound` });
  }
  const dead = firstWhere((layer) => layer.dead > DEAD_FRACTION);
  if (dead) problems.push({ kind: 'dead', layer: dead.layer, detail: `${percent(dead.dead)} of layer ${dead.layer}'s units are dead` });

  // Activations from the input side, where they start; a std that is not finite has overflowed.
  const ratio = (layer: LayerStatistics) => layer.std / inputStd;
  // Gradients against the last layer's, from the input side too, the side they reach last.
  const last = layers[layers.length - 1]!.gradientNorm;
  const comparable = last > 0 && Number.isFinite(last);
  const gradientRatio = (layer: LayerStatistics) => layer.gradientNorm / last;
  // A scale out of range in the activations if anywhere (the first layer), else in the gradients (the deepest).
  const scaleProblem = (kind: 'exploding' | 'vanishing', outOfRange: (ratio: number) => boolean, verb: string): void => {
    const activations = firstWhere((layer) => outOfRange(ratio(layer)));
    if (activations) {
      const detail = `the outputs' std ${verb} ${number(activations.std)} at layer ${activations.layer}, ${number(ratio(activations))} × the input's`;
      problems.push({ kind, layer: activations.layer, detail });
      return;
    }
    const gradients = comparable ? deepestWhere((layer) => outOfRange(gradientRatio(layer))) : undefined;
    if (gradients) {
      const detail = `the weight gradient of layer ${gradients.layer} is ${number(gradientRatio(gradients))} × the last layer's`;
      problems.push({ kind, layer: gradients.layer, detail });
    }
  };
  scaleProblem('exploding', (r) => !(r <= EXPLODING_RATIO), 'reaches');
  scaleProblem('vanishing', (r) => r < VANISHING_RATIO, 'falls to');
  return { verdict: problems[0]?.kind ?? 'healthy', problems };
}
