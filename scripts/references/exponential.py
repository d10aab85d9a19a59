"""Reference functions for elu, selu, celu, exponential (at their default parameters) and expm1
(see scripts/make-references.py and lib/spec/activations.ts). At x = 0 the derivatives take the
left branch, as the kernels (and PyTorch) do."""
import struct

from mpmath import exp, expm1, mpf

ONE = mpf(1)
ELU_ALPHA = ONE
CELU_ALPHA = ONE
SELU_ALPHA = mpf("1.6732632423543772848170429916717")
SELU_SCALE = mpf("1.0507009873554804934193349852946")
# Values from here up round to +Inf in float32: the largest float32, 2^128 - 2^104, plus half an ULP.
FLOAT32_OVERFLOW = mpf(2) ** 128 - mpf(2) ** 103


def is_float32(x):
    x = float(x)
    return abs(x) < 2.0**128 and struct.unpack("<f", struct.pack("<f", x))[0] == x


def elu(x):
    return x if x > 0 else ELU_ALPHA * expm1(x)


def elu_derivative(x):
    return ONE if x > 0 else ELU_ALPHA * exp(x)


def selu(x):
    return SELU_SCALE * (x if x > 0 else SELU_ALPHA * expm1(x))


def selu_derivative(x):
    return SELU_SCALE * (ONE if x > 0 else SELU_ALPHA * exp(x))


def celu(x):
    return x if x > 0 else CELU_ALPHA * expm1(x / CELU_ALPHA)


def celu_derivative(x):
    return ONE if x > 0 else exp(x / CELU_ALPHA)


def overflowing_float32(function):
    """function, but +Inf where x is a float32 value and f(x) rounds to +Inf in float32. The driver
    leaves out only values that overflow double, and the float32 file must not hold inputs for which
    a float32 kernel rightly gives +Inf (the table's edges check those). The float64 file loses the
    few of its inputs that happen to be float32 values there, such as 89 and 104 for e^x."""

    def guarded(x):
        value = function(x)
        return mpf("inf") if value >= FLOAT32_OVERFLOW and is_float32(x) else value

    return guarded


REFERENCES = {
    "elu": (elu, elu_derivative),
    "selu": (overflowing_float32(selu), selu_derivative),
    "celu": (celu, celu_derivative),
    "exponential": (overflowing_float32(exp), overflowing_float32(exp)),
    # expm1 itself over its whole domain, for test/activations-exponential.test.ts
    "expm1": (overflowing_float32(expm1), overflowing_float32(exp)),
}
