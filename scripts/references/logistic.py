"""Reference functions for the logistic group: silu, swish, softplus, logSigmoid, mish and tanhShrink
(see scripts/make-references.py), at each row's example parameters in lib/spec/activations.ts."""
from mpmath import exp, log1p, mp, mpf, sech, tanh

ONE = mpf(1)
SWISH_BETA = 2  # swish's example
SOFTPLUS_BETA = 1  # softplus's defaults
SOFTPLUS_THRESHOLD = 20


def sigmoid(x):
    return ONE / (ONE + exp(-x))


def softplus(x):
    z = SOFTPLUS_BETA * x
    return x if z > SOFTPLUS_THRESHOLD else log1p(exp(z)) / SOFTPLUS_BETA


def softplus_derivative(x):
    z = SOFTPLUS_BETA * x
    return ONE if z > SOFTPLUS_THRESHOLD else sigmoid(z)


def mish_derivative(x):
    sp = log1p(exp(x))
    return tanh(sp) + x * sech(sp) ** 2 * sigmoid(x)


def tanh_shrink(x):
    # x - tanh(x) cancels to about x^3/3: for tiny x the driver's first two precisions can both
    # round it to exactly 0 and agree, so work 2|log2 x| bits deeper from the start.
    with mp.extraprec(max(0, -2 * mp.mag(x)) + 64 if x != 0 else 0):
        return x - tanh(x)


REFERENCES = {
    "silu": (lambda x: x * sigmoid(x), lambda x: sigmoid(x) * (1 + x * (1 - sigmoid(x)))),
    "swish": (
        lambda x: x * sigmoid(SWISH_BETA * x),
        lambda x: sigmoid(SWISH_BETA * x) + SWISH_BETA * x * sigmoid(SWISH_BETA * x) * sigmoid(-SWISH_BETA * x),
    ),
    "softplus": (softplus, softplus_derivative),
    "logSigmoid": (lambda x: -log1p(exp(-x)), lambda x: sigmoid(-x)),
    "mish": (lambda x: x * tanh(log1p(exp(x))), mish_derivative),
    "tanhShrink": (tanh_shrink, lambda x: tanh(x) ** 2),
}
