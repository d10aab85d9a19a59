// gelu (exact, x Phi(x)) and geluTanh (PyTorch's approximate='tanh'). Both are computed in double:
// the double kernels with extra-precise pieces where the tails and the derivatives' zeros need
// them, the float kernels on lanes widened to double with lower-degree fits, rounded once at the
// end. The fallback twin is lib/fallback/activations/gelu.ts; the fits come from
// scripts/references/gelu.py, which also explains them. Included by activations-inl.h.

namespace geluMath {

// Exact a * b = product + error for |a|, |b| below 2^996 (Dekker: no FMA, which the fallback lacks).
inline VD splitHigh(VD a) {
  const VD c = a * 134217729.0;  // 2^27 + 1
  return c - (c - a);
}
inline void twoProduct(VD a, VD b, VD* product, VD* error) {
  const VD ah = splitHigh(a);
  const VD bh = splitHigh(b);
  const VD al = a - ah;
  const VD bl = b - bh;
  *product = a * b;
  *error = ((ah * bh - *product) + ah * bl + al * bh) + al * bl;
}
// Exact a + b = sum + error.
inline void twoSum(VD a, VD b, VD* sum, VD* error) {
  *sum = a + b;
  const VD bPart = *sum - a;
  *error = (a - (*sum - bPart)) + (b - bPart);
}

// e^(z + tail) = y * 2^k for z <= 0 and |tail| <= 2^-40 |z|: expOf's reduction and polynomial, with
// the tail added to the reduced argument (where it is not lost) and the scaling left to the caller,
// so that a result in the subnormals is rounded once, after the last product. z is clamped at -900,
// where even 10^4 y 2^k rounds to 0 (and both halves of 2^k stay normal).
inline VD expParts(VD z, VD tail, VI64* k) {
  constexpr double kRoundingShift = 6755399441055744.0;  // 1.5 * 2^52
  const VD clamped = z < -900.0 ? splat<VD>(-900.0) : z;
  const VD shifted = clamped * 1.4426950408889634 + kRoundingShift;
  const VD n = shifted - kRoundingShift;
  *k = bitCast<VI64>(bitsOf(shifted) - bitsOf(splat<VD>(kRoundingShift)));
  VD r = clamped - n * 6.93147180369123816490e-01;
  r = r - n * 1.90821492927058770002e-10;
  r = r + tail;
  const VD r2 = r * r;
  VD p = splat<VD>(1.0 / 6227020800.0);  // 1/13!, then the Taylor series down to 1/2!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  return p * r2 + r + 1.0;
}

// The same for the float kernels, whose z >= -320 keeps 2^k normal: no tail, and the Taylor series
// only to degree 8, whose truncation error on |r| <= ln2/2 is below 2^-32.
inline VD expPartsShort(VD z, VI64* k) {
  constexpr double kRoundingShift = 6755399441055744.0;
  const VD shifted = z * 1.4426950408889634 + kRoundingShift;
  const VD n = shifted - kRoundingShift;
  *k = bitCast<VI64>(bitsOf(shifted) - bitsOf(splat<VD>(kRoundingShift)));
  VD r = z - n * 6.93147180369123816490e-01;
  r = r - n * 1.90821492927058770002e-10;
  const VD r2 = r * r;
  VD p = splat<VD>(1.0 / 40320.0);
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  return p * r2 + r + 1.0;
}

// v 2^k: in two halves for the double kernels, whose results reach the subnormals; in one product
// for the float kernels, exact there.
template <typename Fit>
inline VD scaled(VD v, VI64 k) {
  if constexpr (Fit::kDouble) {
    return scaleByPow2(v, k);
  } else {
    return v * pow2(k);
  }
}

// 1/d: a true division for the double kernels; for the float kernels a float reciprocal (a double
// division costs several times as much per lane) and one Newton step, good to 2^-46 for d in
// [1, 24], where they use it.
template <typename Fit>
inline VD reciprocal(VD d) {
  if constexpr (Fit::kDouble) {
    return 1.0 / d;
  } else {
    const VD r0 = toDouble(1.0f / toFloat(d));
    return r0 * (2.0 - d * r0);
  }
}

// n/d: rounded once for the double kernels.
template <typename Fit>
inline VD divide(VD n, VD d) {
  if constexpr (Fit::kDouble) {
    return n / d;
  } else {
    return n * reciprocal<Fit>(d);
  }
}

// Coefficients highest degree first.
template <size_t N>
inline VD horner(VD t, const double (&coefficients)[N]) {
  VD p = splat<VD>(coefficients[0]);
  for (size_t i = 1; i < N; ++i) p = p * t + coefficients[i];
  return p;
}

// gelu: with a = |x|, t = (a - 4)/(a + 4) and E = e^(-a^2/2),
//   Phi(-a) = E F(a), F = P(t)/(a + 4);   gelu'(x) = 1 - E G(a) (x >= 0) or E G(a) (x < 0),
//   G(a) = F(a) - a/sqrt(2 pi) = (A0 - a) Q(t), whose zero A0 is gelu's minimum at x = -A0.
constexpr double kA0High = 0.7517915246935645;
constexpr double kA0Low = -1.4956759177009883e-17;

// For double: P and Q to 2^-53, a^2 split exactly into the exponent and its tail.
struct GeluDouble {
  static constexpr double kSaturation = 40.0;  // e^(-a^2/2) is 0 beyond
  static constexpr bool kDouble = true;
  static constexpr double kP[] = {
      3.403312308649495e-10,  -1.1997782031253095e-10, -3.73064508186837e-09,   -5.873626764987191e-10,
      2.1427603843452355e-08, 1.7844927772981415e-08,  -8.686647015997893e-08,  -1.597739614223922e-07,
      2.7246296951145873e-07, 1.0247851016552774e-06,  -6.298367338492369e-07,  -5.921611045923978e-06,
      7.166587641195121e-07,  3.514511190283765e-05,   -1.908246351414571e-06,  -0.00023109501736277426,
      0.00013334430941183256, 0.0016308184674099085,   -0.0034796923670479736, -0.007540188967386312,
      0.060396574890917876,   -0.1865218579596366,     0.3871374007422149,      -0.6078966419718923,
      0.7552851304157515};
  static constexpr double kQ[] = {
      -6.05555302980959e-11,  -1.4342854649355361e-10, 4.929166588724104e-10,  1.6753142712837635e-09,
      -1.6146802746525225e-09, -1.1345296843067405e-08, -9.534703665956023e-10, 6.325387210039118e-08,
      5.257210422572209e-08,  -3.4935813863106715e-07, -4.922605230893777e-07, 2.2167310216509068e-06,
      3.5389305121446815e-06, -1.8034936190147354e-05, -1.7477220164239747e-05, 0.0001857757740166163,
      -0.00015461331219588406, -0.001788260541162668,  0.009504950375062741,   -0.028083359953051716,
      0.06046293676785178,    -0.10336589852195688,    0.4622112440495753};
};

// For float, widened: P and Q to 2^-29; a^2 of a float is exact in double; e^-200 already rounds
// every product below to a float 0.
struct GeluFloat {
  static constexpr double kSaturation = 20.0;
  static constexpr bool kDouble = false;
  static constexpr double kP[] = {
      -2.310677223929755e-07, 2.118298425522466e-05, -1.0378791342964916e-06, -0.0002155737762864521,
      0.00013287353353136502, 0.0016220401055284282, -0.0034795502689292123, -0.007537717159683632,
      0.06039655350413443,    -0.1865221598399514,   0.38713740198331775,     -0.6078966313662241,
      0.7552851304037796};
  static constexpr double kQ[] = {
      -3.28224820962671e-07,  1.3983919107790807e-06, 3.324543890528025e-06,  -1.7126281039953626e-05,
      -1.7335151866650856e-05, 0.00018526193817324757, -0.0001546621425063392, -0.0017881158416324968,
      0.009504958412204514,   -0.02808337762769196,   0.06046293627010214,    -0.1033658979009205,
      0.46221124405461916};
};

// Below this |x|, gelu(x) rounds to x/2 and gelu'(x) to 1/2 (the next terms are x^2/sqrt(2 pi) and
// 2x/sqrt(2 pi)); taken apart so that both are exact there.
constexpr double kGeluTiny = 0x1p-54;

// e^(-a^2/2) = y 2^k, with a^2 as a split sum for a double (a float's square is exact).
template <typename Fit>
inline VD gaussianParts(VD a, VI64* k) {
  if constexpr (!Fit::kDouble) {
    return expPartsShort(a * a * -0.5, k);
  } else {
    VD square, squareError;
    twoProduct(a, a, &square, &squareError);
    return expParts(square * -0.5, squareError * -0.5, k);
  }
}

template <typename Fit>
inline VD geluForward(VD x) {
  const VD a = absOf(x);
  const VD clamped = a > Fit::kSaturation ? splat<VD>(Fit::kSaturation) : a;  // (NaN stays NaN)
  const VD r = reciprocal<Fit>(clamped + 4.0);
  const VD f = r * horner((clamped - 4.0) * r, Fit::kP);
  VI64 k;
  const VD y = gaussianParts<Fit>(clamped, &k);
  // x < 0: -a E F, multiplied in an order that keeps every factor but the last normal; x >= 0:
  // x (1 - E F). The clamped a stands for x on the left, so -Inf gives -0.
  const auto negative = x < 0.0;
  const VD tail = scaled<Fit>(y * (negative ? clamped * f : f), k);
  const VD value = negative ? -tail : x * (1.0 - tail);
  return a < kGeluTiny ? x * 0.5 : value;
}

template <typename Fit>
inline VD geluDerivative(VD x) {
  const VD a = absOf(x);
  const VD clamped = a > Fit::kSaturation ? splat<VD>(Fit::kSaturation) : a;
  const VD r = reciprocal<Fit>(clamped + 4.0);
  // A0 - a exactly (Sterbenz) near the zero, where it matters, then its tail A0Low.
  const VD g = ((kA0High - clamped) + kA0Low) * horner((clamped - 4.0) * r, Fit::kQ);
  VI64 k;
  const VD y = gaussianParts<Fit>(clamped, &k);
  const VD eg = scaled<Fit>(y * g, k);
  const VD value = x < 0.0 ? eg : 1.0 - eg;
  return a < kGeluTiny ? splat<VD>(0.5) : value;
}

// geluTanh(x) = x sigma(v), v = 2 sqrt(2/pi) (x + 0.044715 x^3) = x (C1 + C3 x^2), sigma the logistic;
// with e = e^-|v|: x/(1 + e) for x >= 0, x e/(1 + e) below. Its derivative,
// sigma(v) + x v' sigma(v) sigma(-v) with v' = C1 + 3 C3 x^2, is (1 + e + x v' e)/(1 + e)^2 for
// x >= 0 and e (1 + e + x v')/(1 + e)^2 below, which cancels around its zero X1; there,
// on [-1.6, -0.3], it is (x - X1) R(x + 0.9375).
constexpr double kC1High = 1.5957691216057308;  // 2 sqrt(2/pi)
constexpr double kC1Low = -9.96930880911092e-17;
constexpr double kC3High = 0.07135481627260025;  // 0.044715 * 2 sqrt(2/pi)
constexpr double kC3Low = -6.175149918155315e-19;
constexpr double kThreeC3High = 0.21406444881780073;
constexpr double kThreeC3Low = 1.2025242832367862e-17;
constexpr double kX1High = -0.7524614220710163;
constexpr double kX1Low = 3.635560509207687e-17;
constexpr double kCancellationLow = -1.6;
constexpr double kCancellationHigh = -0.3;
constexpr double kCancellationMiddle = -0.9375;

struct GeluTanhDouble {
  static constexpr double kSaturation = 32.0;  // e^-|v| is 0 beyond
  static constexpr bool kDouble = true;
  static constexpr double kR[] = {
      4.170912518678632e-08,  -8.106665477022769e-08, -4.31621653492571e-07, 4.911601251326857e-07,
      3.0832973345418995e-06, -2.1577479786137227e-06, -2.079817318641446e-05, 9.528815568668695e-06,
      0.00015197848222408316, -5.835953200286593e-06, -0.0011495634383708788, -0.0008294206651271376,
      0.007402990291969355,    0.012460009528646858,   -0.031672209526087035,  -0.09565854303594346,
      0.04291077656986577,   0.38218426324206894,      0.35885221545799306};
};

struct GeluTanhFloat {
  static constexpr double kSaturation = 16.0;  // e^-|v| < e^-300: every product below rounds to a float 0
  static constexpr bool kDouble = false;
  static constexpr double kR[] = {
      9.529926706485414e-06,  0.00012867497707676561, -7.2076048085946086e-06, -0.0011389985241528416,
      -0.000828738241156028, 0.007400735916215943,   0.012459884870140096,   -0.03167199005071277,
      -0.09565853432872513,  0.04291076871322271,    0.38218426307878184,     0.3588522155037358};
};

// e^-|v| = y 2^k for the clamped x. A double's v carries an error of |v| 2^-53, which e^-|v| would
// magnify up to 2^9 times; there v is a double-double, and its low part joins the exponential.
template <typename Fit>
inline VD tanhExponentialParts(VD clamped, VI64* k) {
  if constexpr (Fit::kDouble) {
    VD square, squareError, cubic, cubicError, sum, sumError, v, vError;
    twoProduct(clamped, clamped, &square, &squareError);
    twoProduct(splat<VD>(kC3High), square, &cubic, &cubicError);
    cubicError = cubicError + (kC3High * squareError + kC3Low * square);
    twoSum(splat<VD>(kC1High), cubic, &sum, &sumError);
    sumError = sumError + (kC1Low + cubicError);
    twoProduct(clamped, sum, &v, &vError);
    vError = vError + clamped * sumError;
    const auto negative = v < 0.0;
    return expParts(negative ? v : -v, negative ? vError : -vError, k);
  } else {
    const VD v = clamped * (kC1High + kC3High * (clamped * clamped));
    return expPartsShort(-absOf(v), k);
  }
}

template <typename Fit>
inline VD clampTanh(VD x) {
  return x > Fit::kSaturation ? splat<VD>(Fit::kSaturation) : (x < -Fit::kSaturation ? splat<VD>(-Fit::kSaturation) : x);
}

template <typename Fit>
inline VD geluTanhForward(VD x) {
  const VD clamped = clampTanh<Fit>(x);
  VI64 k;
  const VD y = tanhExponentialParts<Fit>(clamped, &k);
  const auto nonnegative = x >= 0.0;
  // The clamped x stands for x on the left, so -Inf gives -0.
  const VD quotient = divide<Fit>(nonnegative ? x : clamped * y, scaled<Fit>(y, k) + 1.0);
  return nonnegative ? quotient : scaled<Fit>(quotient, k);
}

template <typename Fit>
inline VD geluTanhDerivative(VD x) {
  const VD clamped = clampTanh<Fit>(x);
  VI64 k;
  const VD y = tanhExponentialParts<Fit>(clamped, &k);
  const VD e = scaled<Fit>(y, k);
  const VD d = e + 1.0;
  const VD square = d * d;
  const VD slope = kC1High + kThreeC3High * (clamped * clamped);  // v'
  VD numerator;  // 1 + e + x v' for x < 0; in the tails x v' dominates, and a double-double keeps it
  if constexpr (Fit::kDouble) {
    VD square2, square2Error, term, termError, sum, sumError, product, productError, total, totalError;
    twoProduct(clamped, clamped, &square2, &square2Error);
    twoProduct(splat<VD>(kThreeC3High), square2, &term, &termError);
    termError = termError + (kThreeC3High * square2Error + kThreeC3Low * square2);
    twoSum(splat<VD>(kC1High), term, &sum, &sumError);
    sumError = sumError + (kC1Low + termError);
    twoProduct(clamped, sum, &product, &productError);
    productError = productError + clamped * sumError;
    twoSum(d, product, &total, &totalError);
    numerator = total + (totalError + productError);
  } else {
    numerator = d + clamped * slope;
  }
  const auto nonnegative = x >= 0.0;
  const VD quotient = divide<Fit>(nonnegative ? d + clamped * slope * e : y * numerator, square);
  const VD offset = (x - kX1High) - kX1Low;
  const VD nearZero = offset * horner(x - kCancellationMiddle, Fit::kR);
  const auto cancels = (x >= kCancellationLow) & (x <= kCancellationHigh);
  return nonnegative ? quotient : (cancels ? nearZero : scaled<Fit>(quotient, k));
}

}  // namespace geluMath

struct Gelu {
  static constexpr size_t kGrain = size_t{1} << 13;

  static VD forward(VD x, const Params<VD>&) { return geluMath::geluForward<geluMath::GeluDouble>(x); }
  static VF forward(VF x, const Params<VF>&) {
    return viaDouble(x, [](VD v) { return geluMath::geluForward<geluMath::GeluFloat>(v); });
  }
  static VD derivative(VD x, const Params<VD>&) { return geluMath::geluDerivative<geluMath::GeluDouble>(x); }
  static VF derivative(VF x, const Params<VF>&) {
    return viaDouble(x, [](VD v) { return geluMath::geluDerivative<geluMath::GeluFloat>(v); });
  }
};

struct GeluTanh {
  static constexpr size_t kGrain = size_t{1} << 13;

  static VD forward(VD x, const Params<VD>&) { return geluMath::geluTanhForward<geluMath::GeluTanhDouble>(x); }
  static VF forward(VF x, const Params<VF>&) {
    return viaDouble(x, [](VD v) { return geluMath::geluTanhForward<geluMath::GeluTanhFloat>(v); });
  }
  static VD derivative(VD x, const Params<VD>&) {
    return geluMath::geluTanhDerivative<geluMath::GeluTanhDouble>(x);
  }
  static VF derivative(VF x, const Params<VF>&) {
    return viaDouble(x, [](VD v) { return geluMath::geluTanhDerivative<geluMath::GeluTanhFloat>(v); });
  }
};
