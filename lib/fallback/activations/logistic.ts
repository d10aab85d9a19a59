/**
 * The logistic group's kernels (swish, which silu runs at beta = 1, softplus, logSigmoid, mish and
 * tanhShrink): the TypeScript twin of native/kernels/activations/logistic-inl.h, operation for
 * operation. The derivatives and tanhShrink compute in double and round once for float32; the
 * float32 forward pass of swish runs in float32 arithmetic with exact error terms (math.ts's
 * logisticParts32); mish's takes e^-|x| from exp32 and the rest in double; softplus and logSigmoid
 * run in float32 arithmetic for float32 (see the native twin for why).
 */
import type { Scalar, ScalarActivation } from '../activations.js';
import { copySign, correctedQuotient32, exp32, exp64, log32, log64, logisticParts, logisticParts32, scaleByPow2For32, tanhNearZero64 } from '../math.js';

const f = Math.fround;

/** How the forward formulas divide, for float64 and for float32 results (ForFloat64 and ForFloat32 natively). */
interface Path {
  readonly quotient: (numerator: number, denominator: number) => number;
}

const FOR_FLOAT64: Path = { quotient: (numerator, denominator) => numerator / denominator };

const FOR_FLOAT32: Path = {
  quotient(numerator, denominator) {
    const r = f(1 / f(denominator));
    return numerator * (r + r * (1 - denominator * r));
  },
};

type Formula = (path: Path, x: number, z: number, mantissa: number, scale: number, a: number, b: number) => number;

/** The parts of a kernel, as in the native twin: z = zOf(x), a double formula of x, z and e^-|z| split, and the derivative. */
interface Body {
  readonly zOf32: (x: number, a: number) => number;
  readonly zOf64: (x: number, a: number) => number;
  readonly formula: Formula;
  readonly derivative: (x: number, a: number, b: number) => number;
}

/** The derivatives from a double derivative, rounded once for float32. */
function derivativeInDouble(derivative: Body['derivative']) {
  return {
    derivative32: (x: number, a: number, b: number) => f(derivative(x, a, b)),
    derivative64: derivative,
  };
}

/** A kernel whose forward pass runs in the array's own precision. */
function forwardInOwnPrecision(forward32: Scalar, forward64: Scalar, derivative: Body['derivative']): ScalarActivation {
  return { forward32, forward64, ...derivativeInDouble(derivative) };
}

/** A kernel whose forward pass is all double code, for float32 too. */
function computedInDouble(forward: (x: number) => number, derivative: (x: number) => number): ScalarActivation {
  return { forward32: (x) => f(forward(x)), forward64: forward, ...derivativeInDouble(derivative) };
}

/** A kernel built on e^-|z|: float32 takes z and e^-|z| from float arithmetic, the rest in double (FromExpOfMinusAbs). */
function fromExpOfMinusAbs({ zOf32, zOf64, formula, derivative }: Body): ScalarActivation {
  return {
    forward32(x, a, b) {
      const z = zOf32(x, a);
      const t = -Math.abs(z);
      const tail = t < -87;
      return f(formula(FOR_FLOAT32, x, z, exp32(tail ? f(t + 87) : t), tail ? EXP_MINUS_87 : 1, a, b));
    },
    forward64(x, a, b) {
      const z = zOf64(x, a);
      const [mantissa, scale] = splitExp(-Math.abs(z));
      return formula(FOR_FLOAT64, x, z, mantissa, scale, a, b);
    },
    ...derivativeInDouble(derivative),
  };
}

/** ln(1 + t) for -1 < t <= 1: ln u + err/u with u = 1 + t rounded and err = (1 + t) - u exact (Fast2Sum). */
export function log1p64(t: number): number {
  const u = t + 1;
  const err = t - (u - 1);
  return log64(u) + err / u;
}

/** The same in float32 arithmetic. */
export function log1p32(t: number): number {
  const u = f(t + 1);
  const err = f(t - f(u - 1));
  return f(log32(u) + f(err / u));
}

// 1/15!, 1/14!, ..., 1/2!: the Taylor series of e^d - 1 past d, highest degree first
const EXPM1 = [
  1 / 1307674368000, 1 / 87178291200, 1 / 6227020800, 1 / 479001600, 1 / 39916800, 1 / 3628800, 1 / 362880, 1 / 40320,
  1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5,
];

/** e^d - 1 for |d| < 1/2, with full relative accuracy. */
export function expm1NearZero64(d: number): number {
  let p = EXPM1[0]!;
  for (let i = 1; i < EXPM1.length; i++) p = p * d + EXPM1[i]!;
  return d * d * p + d;
}

const EXP_MINUS_652 = 6.918274648626584e-284; // to 2^-64 relative
const EXP_MINUS_87 = 1.6458114310822737e-38;

/** e^z for z <= 0 as [mantissa, scale], mantissa kept normal below -652 (see splitExpOf in the native twin). */
function splitExp(z: number): [mantissa: number, scale: number] {
  return z < -652 ? [exp64(z + 652), EXP_MINUS_652] : [exp64(z), 1];
}

const finiteOf = (x: number): number => (Math.abs(x) === Infinity ? copySign(Number.MAX_VALUE, x) : x);
const clampMagnitude = (z: number): number => (z < -2000 ? -2000 : z > 2000 ? 2000 : z);

function sigmoid64(z: number): number {
  const e = exp64(-Math.abs(z));
  return (z >= 0 ? 1 : e) / (e + 1);
}

function tanh64(x: number): number {
  const a = Math.abs(x);
  return copySign(a < 0.625 ? tanhNearZero64(a) : 1 - 2 / (exp64(a + a) + 1), x);
}

const SILU_ROOT_HI = -1.2784645427610737;
const SILU_ROOT_LO = -1.0946994183093437e-16;
const SILU_EXP_ROOT = 0.2784645427610738;

/** swish's float32 forward pass in float32 arithmetic (native Swish::forward on float lanes). */
function swishForward32(x: number, beta: number): number {
  const z = beta === 0 ? 0 : f(beta * x);
  logisticParts32(z, 174);
  const { s, t, k } = logisticParts;
  const negative = z < 0;
  const halved = k < 0;
  const u = halved ? f(logisticParts.u * 0.5) : logisticParts.u;
  const v = halved ? f(logisticParts.v * 0.5) : logisticParts.v;
  const unscaled = correctedQuotient32(negative ? f(x * u) : x, negative ? f(x * v) : 0, s, t);
  const y = negative ? scaleByPow2For32(unscaled, halved ? k + 1 : k) : unscaled;
  return z < -174 ? copySign(0, x) : Math.abs(x) === Infinity || x === 0 ? x : y;
}

const swishInDouble = fromExpOfMinusAbs({
  zOf32: (x, beta) => (beta === 0 ? 0 : f(beta * x)),
  zOf64: (x, beta) => (beta === 0 ? 0 : beta * x),
  formula(path, x, z, mantissa, scale) {
    const negative = z < 0;
    const numerator = negative ? finiteOf(x) * mantissa : x;
    return path.quotient(numerator, mantissa * scale + 1) * (negative ? scale : 1);
  },
  derivative(x, beta) {
    const z = clampMagnitude(beta === 0 ? 0 : beta * x);
    const negative = z < 0;
    const [mantissa, scale] = splitExp(-Math.abs(z));
    const e = mantissa * scale;
    const d = z - SILU_ROOT_HI - SILU_ROOT_LO;
    const n = Math.abs(d) < 0.5 ? SILU_EXP_ROOT * expm1NearZero64(d) + d : z + 1 + e;
    const sum = e + 1;
    const slope = ((negative ? mantissa * n : e * (z + 1) + 1) / (sum * sum)) * (negative ? scale : 1);
    return x === x ? slope : x;
  },
});
const swish: ScalarActivation = { ...swishInDouble, forward32: swishForward32 };

const softplus = forwardInOwnPrecision(
  (x, beta, threshold) => {
    const z = f(beta * x);
    const soft = f(f((z > 0 ? z : 0) + log1p32(exp32(-Math.abs(z)))) / beta);
    return z > threshold ? x : soft;
  },
  (x, beta, threshold) => {
    const z = beta * x;
    const soft = ((z > 0 ? z : 0) + log1p64(exp64(-Math.abs(z)))) / beta;
    return z > threshold ? x : soft;
  },
  (x, beta, threshold) => {
    const z = beta * x;
    return z > threshold ? 1 : sigmoid64(z);
  },
);

const logSigmoid = forwardInOwnPrecision(
  (x) => {
    const softplusOfMinusAbs = log1p32(exp32(-Math.abs(x)));
    return x < 0 ? f(x - softplusOfMinusAbs) : -softplusOfMinusAbs;
  },
  (x) => {
    const softplusOfMinusAbs = log1p64(exp64(-Math.abs(x)));
    return x < 0 ? x - softplusOfMinusAbs : -softplusOfMinusAbs;
  },
  (x) => sigmoid64(-x),
);

const MISH_ROOT_HI = -1.1924312145154952;
const MISH_ROOT_LO = -4.8484829848031044e-17;
const MISH_EXP_ROOT = 0.3034825352815289;
const MISH_U_ROOT = 1.303482535281529;
const MISH_U_ROOT_INVERSE = 0.7671756029964896;

const mish = fromExpOfMinusAbs({
  zOf32: (x) => x,
  zOf64: (x) => x,
  formula(path, x, _z, mantissa, scale) {
    const e = mantissa * scale;
    if (x < 0) return path.quotient(finiteOf(x) * mantissa * (e + 2), e * (e + 2) + 2) * scale;
    const twice = e + e;
    const one = twice + 1;
    return path.quotient(x * one, one + twice * e);
  },
  derivative(x) {
    const c = clampMagnitude(x);
    const [mantissa, scale] = splitExp(-Math.abs(c));
    const e = mantissa * scale;
    if (!(c < 0)) {
      const one = e + e + 1;
      const big = one + (e + e) * e;
      return (one * big + c * 4 * (e * e) * (e + 1)) / (big * big);
    }
    const u = e + 1;
    const d = c - MISH_ROOT_HI - MISH_ROOT_LO;
    const uMinusRoot = Math.abs(d) < 0.5 ? MISH_EXP_ROOT * expm1NearZero64(d) : e - MISH_EXP_ROOT;
    const h = uMinusRoot * (u * (u + (MISH_U_ROOT + 1)) - MISH_U_ROOT_INVERSE) + u * 4 * d;
    const n2 = e * (e + 2) + 2;
    return ((mantissa * h) / (n2 * n2)) * scale;
  },
});

// (a - tanh a) / a^3 as a polynomial in w = a^2 on [0, 1], highest degree first
const TANH_SHRINK = [
  -2.5155023659382105e-8, 2.6330772232959337e-7, -1.3791814499083342e-6, 4.987760317520347e-6, -1.4606131676715378e-5,
  3.8389607893147334e-5, -9.646277743313181e-5, 0.00023895705228738225, -0.0005899792946300052, 0.0014558246920964941,
  -0.003592126679366341, 0.008863235404578283, -0.02186948852912909, 0.05396825396804637, -0.1333333333333309,
  0.3333333333333333,
];

const tanhShrink = computedInDouble(
  (x) => {
    const a = Math.abs(x);
    if (!(a < 1)) return copySign(a - 1 + 2 / (exp64(a + a) + 1), x);
    const w = a * a;
    let p = TANH_SHRINK[0]!;
    for (let i = 1; i < TANH_SHRINK.length; i++) p = p * w + TANH_SHRINK[i]!;
    return copySign(a * (w * p), x);
  },
  (x) => {
    const t = tanh64(x);
    return t * t;
  },
);

export const logistic = { swish, softplus, logSigmoid, mish, tanhShrink } satisfies Record<string, ScalarActivation>;
