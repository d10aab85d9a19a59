#!/usr/bin/env python3
"""Derives the gains kindling adds to PyTorch's calculate_gain table: gelu, silu, elu and mish.

The criterion is the one behind relu's sqrt(2): a layer y = W x with x = f(z), z standard normal,
and Var(W) = gain^2 / fan_in keeps E[y^2] = E[z^2] = 1 when

    gain = 1 / sqrt(E[f(Z)^2]),   Z ~ N(0, 1).

For relu, E[relu(Z)^2] = 1/2 gives sqrt(2); for leaky_relu it gives PyTorch's sqrt(2 / (1 + slope^2)).
elu with parameter alpha has E[elu(Z)^2] = 1/2 + alpha^2 C with C = E[(e^Z - 1)^2; Z < 0], so the
table stores C and the gain is 1 / sqrt(1/2 + alpha^2 C).

The second moments are integrals of f(z)^2 phi(z) over [-40, 0] and [0, 40] (phi is below 1e-347
beyond, and every f here grows at most linearly), each by Romberg integration (trapezoid rules
with 2^6 ... 2^18 panels, Richardson-extrapolated) in double precision with exactly rounded sums
(math.fsum). The integrands are analytic on each half, so the extrapolation converges to a few
units in the last place; the script prints the last correction as the error estimate, and checks
itself against closed forms: relu (1/2), leaky_relu ((1 + s^2) / 2), elu's C
(e^2 Phi(-2) - 2 e^(1/2) Phi(-1) + 1/2) and gelu (1/3 + 1/(2 pi sqrt 3)).

Standard library only. Usage:

    python3 scripts/derive-gains.py           print the constants (and a TypeScript snippet)
    python3 scripts/derive-gains.py --check   exit 1 unless lib/spec/initializers.ts holds them
"""
import math
import os
import re
import sys

# The constants of lib/spec/initializers.ts, by gain name.
CONSTANTS = {"gelu": "GELU_MOMENT", "silu": "SILU_MOMENT", "mish": "MISH_MOMENT", "elu": "ELU_TAIL_MOMENT"}
LIMIT = 40.0
LEVELS = 13  # trapezoid rules with 2^6 ... 2^18 panels per half


def phi(z):
    return math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)


def Phi(z):
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def softplus(z):
    return z + math.log1p(math.exp(-z)) if z > 0 else math.log1p(math.exp(z))


def gelu(z):
    return z * Phi(z)


def silu(z):
    return z / (1.0 + math.exp(-z)) if z > -700 else 0.0


def mish(z):
    return z * math.tanh(softplus(z))


def elu_tail(z):
    """(e^z - 1) on z < 0, the part of elu that alpha scales; 0 above."""
    return math.expm1(z) if z < 0 else 0.0


def relu(z):
    return max(z, 0.0)


def romberg(g, a, b):
    """Romberg integration of g on [a, b]; returns (value, last correction)."""
    panels = 64
    h = (b - a) / panels
    points = [g(a + i * h) for i in range(panels + 1)]
    trapezoid = h * (math.fsum(points) - 0.5 * (points[0] + points[-1]))
    rows = [[trapezoid]]
    for level in range(1, LEVELS):
        h /= 2
        panels *= 2
        midpoints = math.fsum(g(a + i * h) for i in range(1, panels, 2))
        trapezoid = 0.5 * trapezoid + h * midpoints
        row = [trapezoid]
        for k in range(1, level + 1):
            factor = 4.0**k
            row.append(row[k - 1] + (row[k - 1] - rows[-1][k - 1]) / (factor - 1))
        rows.append(row)
    return rows[-1][-1], abs(rows[-1][-1] - rows[-2][-2])


def second_moment(f):
    """E[f(Z)^2] and an error estimate."""
    g = lambda z: f(z) ** 2 * phi(z)
    low, low_error = romberg(g, -LIMIT, 0.0)
    high, high_error = romberg(g, 0.0, LIMIT)
    return low + high, low_error + high_error


def derive():
    results = {}
    for name, f in (("gelu", gelu), ("silu", silu), ("mish", mish)):
        moment, error = second_moment(f)
        results[name] = {"secondMoment": moment, "gain": 1.0 / math.sqrt(moment), "error": error}
    c, error = second_moment(elu_tail)
    results["elu"] = {"eluTailMoment": c, "gain": 1.0 / math.sqrt(0.5 + c), "error": error}
    return results


def self_checks(results):
    failures = []

    def close(label, value, exact, tolerance=4e-16):
        ok = abs(value - exact) <= tolerance * max(1.0, abs(exact))
        print(f"  check {label}: {value!r} vs closed form {exact!r} ({'ok' if ok else 'FAILED'})")
        if not ok:
            failures.append(label)

    close("E[relu(Z)^2] = 1/2", second_moment(relu)[0], 0.5)
    slope = 0.2
    close("E[leaky_relu(Z, 0.2)^2] = (1 + 0.04) / 2", second_moment(lambda z: z if z > 0 else slope * z)[0], (1 + slope * slope) / 2)
    elu_c = math.exp(2.0) * Phi(-2.0) - 2.0 * math.exp(0.5) * Phi(-1.0) + 0.5
    close("elu's C = e^2 Phi(-2) - 2 e^(1/2) Phi(-1) + 1/2", results["elu"]["eluTailMoment"], elu_c, 2e-15)
    close("E[gelu(Z)^2] = 1/3 + 1/(2 pi sqrt 3)", results["gelu"]["secondMoment"], 1.0 / 3.0 + 1.0 / (2.0 * math.pi * math.sqrt(3.0)))
    return failures


def main():
    results = derive()
    print("Second moments under Z ~ N(0, 1) and the gains 1 / sqrt(E[f(Z)^2]):")
    for name, values in results.items():
        moment = values.get("secondMoment", values.get("eluTailMoment"))
        print(f"  {name:5s} moment {moment!r:24s} gain {values['gain']!r:22s} (quadrature error estimate {values['error']:.1e})")
    failures = self_checks(results)
    if failures:
        print("self-checks failed:", ", ".join(failures))
        sys.exit(1)

    expected = {
        "gelu": results["gelu"]["secondMoment"],
        "silu": results["silu"]["secondMoment"],
        "mish": results["mish"]["secondMoment"],
        "elu": results["elu"]["eluTailMoment"],
    }
    if "--check" in sys.argv:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "spec", "initializers.ts")
        with open(path, encoding="utf8") as handle:
            source = handle.read()
        stale = []
        for name, value in expected.items():
            match = re.search(r"\bconst " + CONSTANTS[name] + r" = ([0-9.eE+-]+);", source)
            committed = float(match.group(1)) if match else None
            if committed is None or abs(committed - value) > 4e-16 * abs(value):
                stale.append(f"{name}: committed {committed!r}, derived {value!r}")
        if stale:
            print("lib/spec/initializers.ts is stale (run python3 scripts/derive-gains.py and copy the values):")
            for line in stale:
                print("  " + line)
            sys.exit(1)
        print("lib/spec/initializers.ts holds the derived moments")
    else:
        print("\nFor lib/spec/initializers.ts:")
        for name, value in expected.items():
            print(f"  const {CONSTANTS[name]} = {value!r};")


if __name__ == "__main__":
    main()
