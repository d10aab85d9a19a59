/**
 * The TypeScript twin of native/kernels/activations/gelu-inl.h: gelu and geluTanh, operation for
 * operation as the native kernels. Both are computed in double, the float32 ones with the
 * lower-degree fits and a single rounding (Math.fround) at the end, as the native float kernels
 * widen their lanes to double. The fits come from scripts/references/gelu.py.
 */
import type { ScalarActivation } from '../activations.js';
import { powersOfTwo } from '../math.js';

const f = Math.fround;

// The halves of the exponents expParts gives (its argument is clamped to [-900, 0]).
const POW2_MIN = -650;
const POW2 = powersOfTwo(POW2_MIN, 0);

/** v 2^k for k in [-1299, 0], in two halves so that a subnormal result is rounded once. */
function scale(v: number, k: number): number {
  const half = k >> 1;
  return v * POW2[half - POW2_MIN]! * POW2[k - half - POW2_MIN]!;
}

/** The high half of a (Veltkamp split), for Dekker's exact products. */
function splitHigh(a: number): number {
  const c = a * 134217729; // 2^27 + 1
  return c - (c - a);
}

// The second results of twoProduct, twoSum and expParts (module state: no allocation per element).
let productError = 0;
let sumError = 0;
let exponent = 0;

/** a * b, exactly a * b - productError. */
function twoProduct(a: number, b: number): number {
  const ah = splitHigh(a);
  const bh = splitHigh(b);
  const al = a - ah;
  const bl = b - bh;
  const product = a * b;
  productError = ((ah * bh - product) + ah * bl + al * bh) + al * bl;
  return product;
}

/** a + b, exactly a + b - sumError. */
function twoSum(a: number, b: number): number {
  const sum = a + b;
  const bPart = sum - a;
  sumError = (a - (sum - bPart)) + (b - bPart);
  return sum;
}

const SHIFT = 6755399441055744; // 1.5 * 2^52
// 1/13!, 1/12!, ..., 1/2!: the Taylor series, highest degree first
const EXP = [
  1 / 6227020800, 1 / 479001600, 1 / 39916800, 1 / 3628800, 1 / 362880, 1 / 40320, 1 / 5040, 1 / 720, 1 / 120, 1 / 24,
  1 / 6, 0.5,
];

/** e^(z + tail) = y 2^exponent for z <= 0; returns y. The native expParts, step for step. */
function expParts(z: number, tail: number): number {
  const clamped = z < -900 ? -900 : z;
  const shifted = clamped * 1.4426950408889634 + SHIFT;
  const n = shifted - SHIFT;
  exponent = n;
  let r = clamped - n * 6.9314718036912381649e-1;
  r = r - n * 1.90821492927058770002e-10;
  r = r + tail;
  const r2 = r * r;
  let p = EXP[0]!;
  for (let i = 1; i < EXP.length; i++) p = p * r + EXP[i]!;
  return p * r2 + r + 1;
}

// 1/8!, ..., 1/2!
const EXP_SHORT = [1 / 40320, 1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5];

/** e^z = y 2^exponent for the float kernels (z >= -320): no tail, the series to degree 8; returns y. */
function expPartsShort(z: number): number {
  const shifted = z * 1.4426950408889634 + SHIFT;
  const n = shifted - SHIFT;
  exponent = n;
  let r = z - n * 6.9314718036912381649e-1;
  r = r - n * 1.90821492927058770002e-10;
  const r2 = r * r;
  let p = EXP_SHORT[0]!;
  for (let i = 1; i < EXP_SHORT.length; i++) p = p * r + EXP_SHORT[i]!;
  return p * r2 + r + 1;
}

/** v 2^k: in two halves for the double kernels, in one (exact) product for the float ones. */
function scaled(v: number, k: number, double: boolean): number {
  return double ? scale(v, k) : v * POW2[k - POW2_MIN]!;
}

/** 1/d: a division for the double kernels; for the float ones a float reciprocal and a Newton step. */
function reciprocal(d: number, double: boolean): number {
  if (double) return 1 / d;
  const r0 = f(1 / f(d));
  return r0 * (2 - d * r0);
}

/** n/d, rounded once for the double kernels. */
function divide(n: number, d: number, double: boolean): number {
  return double ? n / d : n * reciprocal(d, double);
}

/** The polynomial with these coefficients (highest degree first) at t. */
function horner(t: number, coefficients: readonly number[]): number {
  let p = coefficients[0]!;
  for (let i = 1; i < coefficients.length; i++) p = p * t + coefficients[i]!;
  return p;
}

// gelu: with a = |x|, t = (a - 4)/(a + 4) and E = e^(-a^2/2), Phi(-a) = E P(t)/(a + 4) and
// gelu'(x) = 1 - E G(a) (x >= 0) or E G(a) (x < 0), G(a) = (A0 - a) Q(t), A0 the zero of G.
const A0_HIGH = 0.7517915246935645;
const A0_LOW = -1.4956759177009883e-17;
const GELU_TINY = 2 ** -54;

interface GeluFit {
  readonly saturation: number;
  readonly double: boolean;
  readonly p: readonly number[];
  readonly q: readonly number[];
}

const GELU_DOUBLE: GeluFit = {
  saturation: 40,
  double: true,
  p: [
    3.403312308649495e-10, -1.1997782031253095e-10, -3.73064508186837e-9, -5.873626764987191e-10, 2.1427603843452355e-8,
    1.7844927772981415e-8, -8.686647015997893e-8, -1.597739614223922e-7, 2.7246296951145873e-7, 1.0247851016552774e-6,
    -6.298367338492369e-7, -5.921611045923978e-6, 7.166587641195121e-7, 3.514511190283765e-5, -1.908246351414571e-6,
    -0.00023109501736277426, 0.00013334430941183256, 0.0016308184674099085, -0.0034796923670479736,
    -0.007540188967386312, 0.060396574890917876, -0.1865218579596366, 0.3871374007422149, -0.6078966419718923,
    0.7552851304157515,
  ],
  q: [
    -6.05555302980959e-11, -1.4342854649355361e-10, 4.929166588724104e-10, 1.6753142712837635e-9, -1.6146802746525225e-9,
    -1.1345296843067405e-8, -9.534703665956023e-10, 6.325387210039118e-8, 5.257210422572209e-8, -3.4935813863106715e-7,
    -4.922605230893777e-7, 2.2167310216509068e-6, 3.5389305121446815e-6, -1.8034936190147354e-5, -1.7477220164239747e-5,
    0.0001857757740166163, -0.00015461331219588406, -0.001788260541162668, 0.009504950375062741, -0.028083359953051716,
    0.06046293676785178, -0.10336589852195688, 0.4622112440495753,
  ],
};

const GELU_FLOAT: GeluFit = {
  saturation: 20,
  double: false,
  p: [
    -2.310677223929755e-7, 2.118298425522466e-5, -1.0378791342964916e-6, -0.0002155737762864521, 0.00013287353353136502,
    0.0016220401055284282, -0.0034795502689292123, -0.007537717159683632, 0.06039655350413443, -0.1865221598399514,
    0.38713740198331775, -0.6078966313662241, 0.7552851304037796,
  ],
  q: [
    -3.28224820962671e-7, 1.3983919107790807e-6, 3.324543890528025e-6, -1.7126281039953626e-5, -1.7335151866650856e-5,
    0.00018526193817324757, -0.0001546621425063392, -0.0017881158416324968, 0.009504958412204514, -0.02808337762769196,
    0.06046293627010214, -0.1033658979009205, 0.46221124405461916,
  ],
};

/** e^(-a^2/2) = y 2^exponent, with a^2 split for a double (a float's square is exact); returns y. */
function gaussianParts(a: number, double: boolean): number {
  if (!double) return expPartsShort(a * a * -0.5);
  const square = twoProduct(a, a);
  return expParts(square * -0.5, productError * -0.5);
}

function geluForward(x: number, fit: GeluFit): number {
  const a = Math.abs(x);
  const clamped = a > fit.saturation ? fit.saturation : a;
  const r = reciprocal(clamped + 4, fit.double);
  const fa = r * horner((clamped - 4) * r, fit.p);
  const y = gaussianParts(clamped, fit.double);
  const negative = x < 0;
  const tail = scaled(y * (negative ? clamped * fa : fa), exponent, fit.double);
  const value = negative ? -tail : x * (1 - tail);
  return a < GELU_TINY ? x * 0.5 : value;
}

function geluDerivative(x: number, fit: GeluFit): number {
  const a = Math.abs(x);
  const clamped = a > fit.saturation ? fit.saturation : a;
  const r = reciprocal(clamped + 4, fit.double);
  const g = ((A0_HIGH - clamped) + A0_LOW) * horner((clamped - 4) * r, fit.q);
  const y = gaussianParts(clamped, fit.double);
  const eg = scaled(y * g, exponent, fit.double);
  const value = x < 0 ? eg : 1 - eg;
  return a < GELU_TINY ? 0.5 : value;
}

// geluTanh(x) = x sigma(v), v = x (C1 + C3 x^2); with e = e^-|v|, x/(1 + e) or x e/(1 + e), and the
// derivative (1 + e + x v' e)/(1 + e)^2 or e (1 + e + x v')/(1 + e)^2, v' = C1 + 3 C3 x^2, except
// on [-1.6, -0.3] around its zero X1, where it is (x - X1) R(x + 0.9375).
const C1_HIGH = 1.5957691216057308;
const C1_LOW = -9.96930880911092e-17;
const C3_HIGH = 0.07135481627260025;
const C3_LOW = -6.175149918155315e-19;
const THREE_C3_HIGH = 0.21406444881780073;
const THREE_C3_LOW = 1.2025242832367862e-17;
const X1_HIGH = -0.7524614220710163;
const X1_LOW = 3.635560509207687e-17;
const CANCELLATION_LOW = -1.6;
const CANCELLATION_HIGH = -0.3;
const CANCELLATION_MIDDLE = -0.9375;

interface GeluTanhFit {
  readonly saturation: number;
  readonly double: boolean;
  readonly r: readonly number[];
}

const GELU_TANH_DOUBLE: GeluTanhFit = {
  saturation: 32,
  double: true,
  r: [
    4.170912518678632e-8, -8.106665477022769e-8, -4.31621653492571e-7, 4.911601251326857e-7, 3.0832973345418995e-6,
    -2.1577479786137227e-6, -2.079817318641446e-5, 9.528815568668695e-6, 0.00015197848222408316, -5.835953200286593e-6,
    -0.0011495634383708788, -0.0008294206651271376, 0.007402990291969355, 0.012460009528646858, -0.031672209526087035,
    -0.09565854303594346, 0.04291077656986577, 0.38218426324206894, 0.35885221545799306,
  ],
};

const GELU_TANH_FLOAT: GeluTanhFit = {
  saturation: 16,
  double: false,
  r: [
    9.529926706485414e-6, 0.00012867497707676561, -7.2076048085946086e-6, -0.0011389985241528416, -0.000828738241156028,
    0.007400735916215943, 0.012459884870140096, -0.03167199005071277, -0.09565853432872513, 0.04291076871322271,
    0.38218426307878184, 0.3588522155037358,
  ],
};

/** e^-|v| = y 2^exponent for the clamped x, v a double-double for the double kernels; returns y. */
function tanhExponentialParts(clamped: number, double: boolean): number {
  if (!double) {
    const v = clamped * (C1_HIGH + C3_HIGH * (clamped * clamped));
    return expPartsShort(-Math.abs(v));
  }
  const square = twoProduct(clamped, clamped);
  const squareError = productError;
  const cubic = twoProduct(C3_HIGH, square);
  const cubicError = productError + (C3_HIGH * squareError + C3_LOW * square);
  const sum = twoSum(C1_HIGH, cubic);
  const sumLow = sumError + (C1_LOW + cubicError);
  const v = twoProduct(clamped, sum);
  const vError = productError + clamped * sumLow;
  const negative = v < 0;
  return expParts(negative ? v : -v, negative ? vError : -vError);
}

function clampTanh(x: number, saturation: number): number {
  return x > saturation ? saturation : x < -saturation ? -saturation : x;
}

function geluTanhForward(x: number, fit: GeluTanhFit): number {
  const clamped = clampTanh(x, fit.saturation);
  const y = tanhExponentialParts(clamped, fit.double);
  const k = exponent;
  const nonnegative = x >= 0;
  const quotient = divide(nonnegative ? x : clamped * y, scaled(y, k, fit.double) + 1, fit.double);
  return nonnegative ? quotient : scaled(quotient, k, fit.double);
}

function geluTanhDerivative(x: number, fit: GeluTanhFit): number {
  const clamped = clampTanh(x, fit.saturation);
  const y = tanhExponentialParts(clamped, fit.double);
  const k = exponent;
  const e = scaled(y, k, fit.double);
  const d = e + 1;
  const square = d * d;
  const slope = C1_HIGH + THREE_C3_HIGH * (clamped * clamped);
  let numerator: number;
  if (fit.double) {
    const square2 = twoProduct(clamped, clamped);
    const square2Error = productError;
    const term = twoProduct(THREE_C3_HIGH, square2);
    const termError = productError + (THREE_C3_HIGH * square2Error + THREE_C3_LOW * square2);
    const sum = twoSum(C1_HIGH, term);
    const sumLow = sumError + (C1_LOW + termError);
    const product = twoProduct(clamped, sum);
    const productLow = productError + clamped * sumLow;
    const total = twoSum(d, product);
    numerator = total + (sumError + productLow);
  } else {
    numerator = d + clamped * slope;
  }
  const nonnegative = x >= 0;
  const quotient = divide(nonnegative ? d + clamped * slope * e : y * numerator, square, fit.double);
  const nearZero = ((x - X1_HIGH) - X1_LOW) * horner(x - CANCELLATION_MIDDLE, fit.r);
  const cancels = x >= CANCELLATION_LOW && x <= CANCELLATION_HIGH;
  return nonnegative ? quotient : cancels ? nearZero : scaled(quotient, k, fit.double);
}

const geluDerivative32 = (x: number) => f(geluDerivative(x, GELU_FLOAT));
const geluDerivative64 = (x: number) => geluDerivative(x, GELU_DOUBLE);
const geluTanhDerivative32 = (x: number) => f(geluTanhDerivative(x, GELU_TANH_FLOAT));
const geluTanhDerivative64 = (x: number) => geluTanhDerivative(x, GELU_TANH_DOUBLE);

/** The gelu group's kernels, registered in lib/fallback/activations.ts. */
export const gelu = {
  gelu: {
    forward32: (x) => f(geluForward(x, GELU_FLOAT)),
    forward64: (x) => geluForward(x, GELU_DOUBLE),
    derivative32: geluDerivative32,
    derivative64: geluDerivative64,
  },
  geluTanh: {
    forward32: (x) => f(geluTanhForward(x, GELU_TANH_FLOAT)),
    forward64: (x) => geluTanhForward(x, GELU_TANH_DOUBLE),
    derivative32: geluTanhDerivative32,
    derivative64: geluTanhDerivative64,
  },
} satisfies Record<string, ScalarActivation>;
