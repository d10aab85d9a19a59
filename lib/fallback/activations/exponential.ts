/**
 * The exponential group (elu, selu, celu, exponential) and expm1: the TypeScript twin of
 * native/kernels/activations/exponential-inl.h, operation for operation, so that every backend
 * gives the same bits. The reasons behind each step are written there.
 */
import { exp32, exp64, expm1Parts, expm1Reduction32, powersOfTwo } from '../math.js';
import type { ScalarActivation } from '../activations.js';

const f = Math.fround;

// The exponents expm1 meets on x <= 0 after its clamp: k in [-37, 0] (float) and [-58, 0] (double).
const POW2_MIN = -58;
const POW2 = powersOfTwo(POW2_MIN, 58);
const pow2 = (m: number): number => POW2[m - POW2_MIN]!;

/** e^x - 1 for x <= 0 in float32 arithmetic, with full relative accuracy near 0; x must be a float32 value. */
export function expm132(x: number): number {
  if (x !== x) return x;
  const k = expm1Reduction32(x < -25 ? -25 : x);
  const p = f(expm1Parts.r - expm1Parts.d);
  const twoToMinusK = pow2(-k);
  const sum = k < -24 ? f(f(p + 1) - twoToMinusK) : f(p - f(twoToMinusK - 1));
  return f(sum * pow2(k));
}

const SHIFT_64 = 6755399441055744; // 1.5 * 2^52
const LN2_HI_64 = 6.9314718036912381649e-1;
const LN2_LO_64 = 1.90821492927058770002e-10;
// 1/13!, 1/12!, ..., 1/2!: the Taylor series, highest degree first
const EXPM1_64 = [
  1 / 6227020800, 1 / 479001600, 1 / 39916800, 1 / 3628800, 1 / 362880, 1 / 40320, 1 / 5040, 1 / 720, 1 / 120, 1 / 24,
  1 / 6, 0.5,
];

/** e^x - 1 for x <= 0 in float64 arithmetic, with full relative accuracy near 0. */
export function expm164(x: number): number {
  if (x !== x) return x;
  const clamped = x < -40 ? -40 : x;
  const shifted = clamped * 1.4426950408889634 + SHIFT_64;
  const k = shifted - SHIFT_64;
  const hi = clamped - k * LN2_HI_64;
  const lo = k * LN2_LO_64;
  const r = hi - lo;
  const rExcess = r - hi + lo;
  let poly = EXPM1_64[0]!;
  for (let i = 1; i < EXPM1_64.length; i++) poly = poly * r + EXPM1_64[i]!;
  const d = rExcess + rExcess * r - poly * (r * r);
  const p = r - d;
  const twoToMinusK = pow2(-k);
  const sum = k < -53 ? p + 1 - twoToMinusK : p - (twoToMinusK - 1);
  return sum * pow2(k);
}

function eluDerivative32(x: number, alpha: number): number {
  return x > 0 ? 1 : f(alpha * exp32(x));
}

function eluDerivative64(x: number, alpha: number): number {
  return x > 0 ? 1 : alpha * exp64(x);
}

const elu = {
  forward32: (x, alpha) => (x > 0 ? x : f(alpha * expm132(x))),
  forward64: (x, alpha) => (x > 0 ? x : alpha * expm164(x)),
  derivative32: eluDerivative32,
  derivative64: eluDerivative64,
  backwardFromOutput32: (g, y, alpha) => f(g * (y > 0 ? 1 : f(y + alpha))),
  backwardFromOutput64: (g, y, alpha) => g * (y > 0 ? 1 : y + alpha),
} satisfies ScalarActivation;

// scale, and scale * alpha rounded once from the exact product, in each precision
const SELU_SCALE_32 = f(1.0507010221481323);
const SELU_SCALE_ALPHA_32 = f(1.7580993175506592);
const SELU_SCALE_64 = 1.0507009873554805;
const SELU_SCALE_ALPHA_64 = 1.7580993408473768;

function seluDerivative32(x: number): number {
  return x > 0 ? SELU_SCALE_32 : f(exp32(x) * SELU_SCALE_ALPHA_32);
}

function seluDerivative64(x: number): number {
  return x > 0 ? SELU_SCALE_64 : exp64(x) * SELU_SCALE_ALPHA_64;
}

const selu = {
  forward32: (x) => (x > 0 ? f(x * SELU_SCALE_32) : f(expm132(x) * SELU_SCALE_ALPHA_32)),
  forward64: (x) => (x > 0 ? x * SELU_SCALE_64 : expm164(x) * SELU_SCALE_ALPHA_64),
  derivative32: seluDerivative32,
  derivative64: seluDerivative64,
} satisfies ScalarActivation;

function celuDerivative32(x: number, alpha: number): number {
  return x > 0 ? 1 : exp32(f(x / alpha));
}

function celuDerivative64(x: number, alpha: number): number {
  return x > 0 ? 1 : exp64(x / alpha);
}

const celu = {
  forward32: (x, alpha) => (x > 0 ? x : f(alpha * expm132(f(x / alpha)))),
  forward64: (x, alpha) => (x > 0 ? x : alpha * expm164(x / alpha)),
  derivative32: celuDerivative32,
  derivative64: celuDerivative64,
} satisfies ScalarActivation;

const exponentialKernel = {
  forward32: exp32,
  forward64: exp64,
  derivative32: exp32,
  derivative64: exp64,
  backwardFromOutput32: (g, y) => f(g * y),
  backwardFromOutput64: (g, y) => g * y,
} satisfies ScalarActivation;

/** The group's kernels, spread into the fallback's registry (lib/fallback/activations.ts). */
export const exponential = { elu, selu, celu, exponential: exponentialKernel };
