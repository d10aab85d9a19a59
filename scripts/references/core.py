"""Reference functions for identity, relu, sigmoid and tanh (see scripts/make-references.py)."""
from mpmath import exp, mpf, sech, tanh

ONE = mpf(1)


def sigmoid(x):
    return ONE / (ONE + exp(-x))


REFERENCES = {
    "sigmoid": (sigmoid, lambda x: sigmoid(x) * sigmoid(-x)),
    "tanh": (tanh, lambda x: sech(x) ** 2),
}
