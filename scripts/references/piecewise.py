"""Reference functions for the piecewise group's rounded rows (see scripts/make-references.py)."""
from mpmath import mpf

ONE = mpf(1)
SIX = mpf(6)


def relu6(s):
    return min(max(s, mpf(0)), SIX)


def hard_swish_derivative(x):
    if x < -3:
        return mpf(0)
    return x / 3 + ONE / 2 if x <= 3 else ONE


REFERENCES = {
    "leakyRelu": (lambda x: x if x > 0 else mpf("0.01") * x, lambda x: ONE if x > 0 else mpf("0.01")),
    "hardSigmoid": (lambda x: relu6(x + 3) / SIX, lambda x: ONE / SIX if -3 < x < 3 else mpf(0)),
    "hardSwish": (lambda x: x * relu6(x + 3) / SIX, hard_swish_derivative),
    "softShrink": (
        lambda x: x - mpf("0.5") if x > 0.5 else (x + mpf("0.5") if x < -0.5 else mpf(0)),
        lambda x: ONE if abs(x) > 0.5 else mpf(0),
    ),
    "softsign": (lambda x: x / (ONE + abs(x)), lambda x: ONE / (ONE + abs(x)) ** 2),
}
