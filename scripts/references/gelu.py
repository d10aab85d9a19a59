"""Reference functions for gelu and geluTanh (see scripts/make-references.py), and the fits behind
their kernels (native/kernels/activations/gelu-inl.h, lib/fallback/activations/gelu.ts).

Run as a script, it prints the kernels' coefficients:

    python3 scripts/references/gelu.py

- F(a) = Phi(-a) e^(a^2/2) and G(a) = F(a) - a/sqrt(2 pi), a >= 0, so that for a = |x|
  gelu(x) = x (1 - e^(-a^2/2) F(a)) (x >= 0) or x e^(-a^2/2) F(a) (x < 0), and
  gelu'(x) = 1 - e^(-a^2/2) G(a) (x >= 0) or e^(-a^2/2) G(a) (x < 0). With t = (a - 4)/(a + 4), which
  maps [0, inf] onto [-1, 1], the kernels evaluate F = P(t)/(a + 4) and G = (A0 - a) Q(t), A0 the
  zero of G (gelu's minimum is at -A0), so G keeps its relative accuracy where gelu' crosses zero.
  P and Q are Chebyshev interpolants on [-1, 1], rewritten as polynomials in t.
- geluTanh' has its zero at X1; on [-1.6, -0.3] around it, where the direct formula cancels, the
  kernel evaluates (x - X1) R(x - MID), R a Chebyshev interpolant rewritten in x - MID.
"""
from mpmath import binomial, cos, exp, findroot, mp, mpf, ncdf, npdf, pi, sech, sqrt

# Beyond this, gelu(x) and geluTanh(x) are x or 0 (and their slopes 1 or 0) to far more than 2^-120.
SATURATED = 10**4


def gelu(x):
    if abs(x) > SATURATED:
        return x if x > 0 else mpf(0)
    return x * ncdf(x)


def gelu_derivative(x):
    if abs(x) > SATURATED:
        return mpf(1) if x > 0 else mpf(0)
    return ncdf(x) + x * npdf(x)


# The constants are made at the working precision, on each call: made once at import they would be
# rounded to 53 bits.
def sqrt_2_over_pi():
    return sqrt(2 / pi)


def tanh_argument(x):
    return sqrt_2_over_pi() * (x + mpf("0.044715") * x**3)


# 0.5 x (1 + tanh(u)), written with 1 + tanh(u) = 2/(1 + e^(-2u)) so that mpmath keeps the left
# tail (1 + tanh(u) itself cancels to 0 long before the value underflows a double).
def gelu_tanh(x):
    if abs(x) > SATURATED:
        return x if x > 0 else mpf(0)
    return x / (1 + exp(-2 * tanh_argument(x)))


def gelu_tanh_derivative(x):
    if abs(x) > SATURATED:
        return mpf(1) if x > 0 else mpf(0)
    u = tanh_argument(x)
    return 1 / (1 + exp(-2 * u)) + x / 2 * sech(u) ** 2 * sqrt_2_over_pi() * (1 + 3 * mpf("0.044715") * x**2)


REFERENCES = {
    "gelu": (gelu, gelu_derivative),
    "geluTanh": (gelu_tanh, gelu_tanh_derivative),
}


def chebyshev_monomials(function, low, high, origin, degree, nodes=90):
    """The degree-`degree` Chebyshev interpolant of `function` on [low, high], as coefficients of
    powers of (x - origin), lowest first, rounded to doubles."""
    middle, half = (low + high) / 2, (high - low) / 2
    angles = [pi * (j + mpf(1) / 2) / nodes for j in range(nodes)]
    values = [function(middle + half * cos(angle)) for angle in angles]
    chebyshev = [2 * mp.fsum(v * cos(n * angle) for v, angle in zip(values, angles)) / nodes for n in range(degree + 1)]
    chebyshev[0] /= 2
    # T_n(s) as coefficient lists, s = (x - middle)/half
    basis = [[mpf(1)], [mpf(0), mpf(1)]]
    while len(basis) <= degree:
        previous, last = basis[-2], basis[-1]
        basis.append([(2 * last[i - 1] if i > 0 else 0) - (previous[i] if i < len(previous) else 0)
                      for i in range(len(last) + 1)])
    in_s = [mp.fsum(chebyshev[n] * basis[n][i] for n in range(i, degree + 1) if i < len(basis[n]))
            for i in range(degree + 1)]
    # s = s0 + (x - origin)/half
    s0 = (origin - middle) / half
    return [float(mp.fsum(in_s[i] * binomial(i, j) * s0 ** (i - j) for i in range(j, degree + 1)) / half**j)
            for j in range(degree + 1)]


def fits():
    mp.dps = 50
    sqrt_2pi = sqrt(2 * pi)

    def f(a):
        return ncdf(-a) * exp(a * a / 2)

    def g(a):
        return f(a) - a / sqrt_2pi

    a0 = findroot(g, mpf("0.75"))

    def a_of(t):
        return 4 * (1 + t) / (1 - t)

    def p(t):
        return 1 / sqrt_2pi if t == 1 else f(a_of(t)) * (a_of(t) + 4)

    def q(t):
        return 1 / sqrt_2pi if t == 1 else g(a_of(t)) / (a0 - a_of(t))

    x1 = findroot(gelu_tanh_derivative, mpf("-0.75"))

    def r(x):
        return gelu_tanh_derivative(x) / (x - x1)

    print(f"A0 = {float(a0)!r} + {float(a0 - mpf(float(a0)))!r}")
    print(f"X1 = {float(x1)!r} + {float(x1 - mpf(float(x1)))!r}")
    for name, function, low, high, origin, degrees in [
        ("P", p, -1, 1, 0, (24, 12)),
        ("Q", q, -1, 1, 0, (22, 12)),
        ("R", r, mpf("-1.6"), mpf("-0.3"), mpf("-0.9375"), (18, 11)),
    ]:
        for degree in degrees:
            coefficients = chebyshev_monomials(function, mpf(low), mpf(high), mpf(origin), degree)
            print(f"{name} degree {degree}, highest first: {', '.join(repr(c) for c in reversed(coefficients))}")


if __name__ == "__main__":
    fits()
