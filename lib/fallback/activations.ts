/**
 * The TypeScript twin of native/kernels/activations-inl.h: each activation kernel as scalar
 * functions in float32 (emulated with Math.fround) and float64, operation for operation as the
 * native kernels. The groups beyond relu, sigmoid and tanh live in activations/*.ts, like their
 * native twins in native/kernels/activations/.
 */
import type { KernelName } from '../spec/activations.js';
import { exponential } from './activations/exponential.js';
import { gelu } from './activations/gelu.js';
import { logistic } from './activations/logistic.js';
import { piecewise } from './activations/piecewise.js';
import { copySign, exp32, exp64, expForFloat, sigmoid32, tanhNearZero32, tanhNearZero64 } from './math.js';

const f = Math.fround;

export type Scalar = (x: number, a: number, b: number) => number;
export type ScalarBackward = (gradOutput: number, x: number, a: number, b: number) => number;

/** One kernel as a group writes it: backward only where it is not the chain rule (relu's mask, say). */
export interface ScalarActivation {
  readonly forward32: Scalar;
  readonly forward64: Scalar;
  readonly derivative32: Scalar;
  readonly derivative64: Scalar;
  readonly backward32?: ScalarBackward;
  readonly backward64?: ScalarBackward;
  /** gradOutput * f'(x) from y = f(x), for activations whose derivative is a function of their output. */
  readonly backwardFromOutput32?: ScalarBackward;
  readonly backwardFromOutput64?: ScalarBackward;
}

/** A registered kernel: backward is always there. */
export interface RegisteredActivation extends ScalarActivation {
  readonly backward32: ScalarBackward;
  readonly backward64: ScalarBackward;
}

/** backward as written, or gradOutput * f'(x) rounded to the precision, as the native backwardLoop does. */
function withChainRule(kernel: ScalarActivation): RegisteredActivation {
  const { derivative32, derivative64 } = kernel;
  return {
    ...kernel,
    backward32: kernel.backward32 ?? ((g, x, a, b) => f(g * derivative32(x, a, b))),
    backward64: kernel.backward64 ?? ((g, x, a, b) => g * derivative64(x, a, b)),
  };
}

const relu = {
  forward32: (x) => (x <= 0 ? 0 : x),
  forward64: (x) => (x <= 0 ? 0 : x),
  derivative32: (x) => (x > 0 ? 1 : x <= 0 ? 0 : x),
  derivative64: (x) => (x > 0 ? 1 : x <= 0 ? 0 : x),
  backward32: (g, x) => (x > 0 ? g : x <= 0 ? 0 : x),
  backward64: (g, x) => (x > 0 ? g : x <= 0 ? 0 : x),
  backwardFromOutput32: (g, y) => (y > 0 ? g : y <= 0 ? 0 : y),
  backwardFromOutput64: (g, y) => (y > 0 ? g : y <= 0 ? 0 : y),
} satisfies ScalarActivation;

const sigmoidOf = (x: number, e: number): number => (x >= 0 ? 1 : e) / (e + 1);
function sigmoidDerivativeOf(e: number): number {
  const d = e + 1;
  return e / (d * d);
}
const sigmoidDerivative32 = (x: number): number => f(sigmoidDerivativeOf(expForFloat(-Math.abs(x))));
const sigmoidDerivative64 = (x: number): number => sigmoidDerivativeOf(exp64(-Math.abs(x)));

const sigmoid = {
  forward32: sigmoid32,
  forward64: (x) => sigmoidOf(x, exp64(-Math.abs(x))),
  derivative32: sigmoidDerivative32,
  derivative64: sigmoidDerivative64,
  backwardFromOutput32: (g, y) => f(g * f(y * f(1 - y))),
  backwardFromOutput64: (g, y) => g * (y * (1 - y)),
} satisfies ScalarActivation;

/** 4e / (1 + e)^2 for e = e^-2|x|: tanh'(x); float32 works in float64, as the native kernel does. */
function tanhDerivativeOf(e: number): number {
  const d = e + 1;
  return (e * 4) / (d * d);
}
const tanhDerivative32 = (x: number): number => f(tanhDerivativeOf(expForFloat(-2 * Math.abs(x))));
const tanhDerivative64 = (x: number): number => tanhDerivativeOf(exp64(-2 * Math.abs(x)));

const tanh = {
  forward32(x) {
    const a = Math.abs(x);
    const magnitude = a < 0.625 ? tanhNearZero32(a) : f(1 - f(2 / f(exp32(f(a + a)) + 1)));
    return copySign(magnitude, x);
  },
  forward64(x) {
    const a = Math.abs(x);
    const magnitude = a < 0.625 ? tanhNearZero64(a) : 1 - 2 / (exp64(a + a) + 1);
    return copySign(magnitude, x);
  },
  derivative32: tanhDerivative32,
  derivative64: tanhDerivative64,
  backwardFromOutput32: (g, y) => f(g * f(f(1 - y) * f(1 + y))),
  backwardFromOutput64: (g, y) => g * ((1 - y) * (1 + y)),
} satisfies ScalarActivation;

const identity = {
  forward32: (x) => x,
  forward64: (x) => x,
  derivative32: (x) => (x === x ? 1 : x),
  derivative64: (x) => (x === x ? 1 : x),
  backward32: (g, x) => (x === x ? g : x),
  backward64: (g, x) => (x === x ? g : x),
} satisfies ScalarActivation;

/** Every kernel of the table; a missing one is a compile error. */
const written: Readonly<Record<KernelName, ScalarActivation>> = {
  identity,
  relu,
  sigmoid,
  tanh,
  // Each group's kernels, from activations/<group>.ts.
  // piecewise linear
  ...piecewise,

  // logistic
  ...logistic,

  // exponential
  ...exponential,

  // gelu
  ...gelu,
};

export const scalarActivations = Object.fromEntries(
  Object.entries(written).map(([name, kernel]) => [name, withChainRule(kernel)]),
) as Readonly<Record<KernelName, RegisteredActivation>>;
