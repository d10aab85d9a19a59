/**
 * The TypeScript twin of native/kernels/activations/piecewise-inl.h: comparisons and a few exact or
 * once-rounded operations; derivatives at kinks follow PyTorch, and NaN propagates in every pass.
 */
import type { ScalarActivation } from '../activations.js';

const f = Math.fround;

/** x itself where x is NaN, else `value`. */
const nanOr = (x: number, value: number): number => (x === x ? value : x);

const leakyReluDerivative = (x: number, slope: number): number => (x > 0 ? 1 : nanOr(x, slope));
const leakyRelu = {
  forward32: (x, slope) => (x > 0 ? x : f(x * slope)),
  forward64: (x, slope) => (x > 0 ? x : x * slope),
  derivative32: leakyReluDerivative,
  derivative64: leakyReluDerivative,
} satisfies ScalarActivation;

const clamp = (x: number, low: number, high: number): number => (x <= low ? low : x >= high ? high : x);
const hardTanhDerivative = (x: number, low: number, high: number): number => (x > low && x < high ? 1 : nanOr(x, 0));
const hardTanh = {
  forward32: clamp,
  forward64: clamp,
  derivative32: hardTanhDerivative,
  derivative64: hardTanhDerivative,
} satisfies ScalarActivation;

/** relu6(s), NaN passing through. */
const relu6 = (s: number): number => (s <= 0 ? 0 : s >= 6 ? 6 : s);
const SIXTH_32 = f(1 / 6);
const hardSigmoidDerivative32 = (x: number): number => (x > -3 && x < 3 ? SIXTH_32 : nanOr(x, 0));
const hardSigmoidDerivative64 = (x: number): number => (x > -3 && x < 3 ? 1 / 6 : nanOr(x, 0));
const hardSigmoid = {
  forward32: (x) => f(relu6(f(x + 3)) / 6),
  forward64: (x) => relu6(x + 3) / 6,
  derivative32: hardSigmoidDerivative32,
  derivative64: hardSigmoidDerivative64,
} satisfies ScalarActivation;

const hardSwishDerivative32 = (x: number): number => (x < -3 ? 0 : x <= 3 ? f(f(f(x + x) + 3) / 6) : nanOr(x, 1));
const hardSwishDerivative64 = (x: number): number => (x < -3 ? 0 : x <= 3 ? (x + x + 3) / 6 : nanOr(x, 1));
const hardSwish = {
  forward32: (x) => (x <= -3 ? -0 : f(x * f(relu6(f(x + 3)) / 6))),
  forward64: (x) => (x <= -3 ? -0 : x * (relu6(x + 3) / 6)),
  derivative32: hardSwishDerivative32,
  derivative64: hardSwishDerivative64,
} satisfies ScalarActivation;

const outside = (x: number, lambda: number): boolean => x > lambda || x < -lambda;
const shrinkDerivative = (x: number, lambda: number): number => (outside(x, lambda) ? 1 : nanOr(x, 0));
const softShrink = {
  forward32: (x, lambda) => (x > lambda ? f(x - lambda) : x < -lambda ? f(x + lambda) : nanOr(x, 0)),
  forward64: (x, lambda) => (x > lambda ? x - lambda : x < -lambda ? x + lambda : nanOr(x, 0)),
  derivative32: shrinkDerivative,
  derivative64: shrinkDerivative,
} satisfies ScalarActivation;

const hardShrinkForward = (x: number, lambda: number): number => (outside(x, lambda) ? x : nanOr(x, 0));
const hardShrink = {
  forward32: hardShrinkForward,
  forward64: hardShrinkForward,
  derivative32: shrinkDerivative,
  derivative64: shrinkDerivative,
} satisfies ScalarActivation;

const thresholdForward = (x: number, threshold: number, value: number): number => (x > threshold ? x : nanOr(x, value));
const thresholdDerivative = (x: number, threshold: number): number => (x > threshold ? 1 : nanOr(x, 0));
const threshold = {
  forward32: thresholdForward,
  forward64: thresholdForward,
  derivative32: thresholdDerivative,
  derivative64: thresholdDerivative,
} satisfies ScalarActivation;

/** x / (1 + |x|) in float64, +-1 at +-Inf; float32 rounds this once (see piecewise-inl.h). */
const softsignForward = (x: number): number => (Math.abs(x) === Infinity ? (x > 0 ? 1 : -1) : x / (Math.abs(x) + 1));
function softsignDerivative(x: number): number {
  const r = 1 / (Math.abs(x) + 1);
  return r * r;
}
const softsignDerivative32 = (x: number): number => f(softsignDerivative(x));
const softsign = {
  forward32: (x) => f(softsignForward(x)),
  forward64: softsignForward,
  derivative32: softsignDerivative32,
  derivative64: softsignDerivative,
} satisfies ScalarActivation;

export const piecewise = { leakyRelu, hardTanh, hardSigmoid, hardSwish, softShrink, hardShrink, threshold, softsign };
