#!/usr/bin/env python3
"""Make the high-precision references for kindling's activations along an axis.

For softmax, logSoftmax, softmin and glu, and each dtype, this writes one file

    test/fixtures/axis-<activation>-<dtype>.f64    e.g. axis-softmax-float32.f64

holding fixed rows and their exact outputs. Each file is a flat array of little-endian IEEE float64
values, row after row:

    n, x_0 ... x_(n-1), m, hi_0, lo_0, ..., hi_(m-1), lo_(m-1)

x is one row along the axis, every value exactly representable in <dtype> (glu: the halves a | b,
so m = n / 2). hi is the double nearest to the exact output and lo the double nearest to what is
left, so hi + lo carries it far beyond double precision; an infinite output (logSoftmax at a -Inf
entry, or beyond float32's range in a float32 file) is stored as hi = +-Inf, lo = 0. The tests run each row on every backend, contiguous and
strided, and measure the error of hi + lo in ULPs of <dtype>.

The rows come from a seeded random.Random and exact bit-level rounding (no libm), so every machine
makes the same bytes: normal rows of many lengths and scales, wide uniform rows, log-uniform
magnitudes from the subnormals to the largest finite, ties, values near +-max, subnormal-only rows,
-Inf entries, one dominant entry over tiny ones (ln(1 + tiny)), and outputs deep in the subnormals.
glu rows pair wide values of a with b across sigmoid's range. Each output is evaluated at 256 bits
and again at doubling precision until two agree to 2^-120 relative.

Needs mpmath (Debian's python3-mpmath). Usage:
    python3 scripts/make-axis-references.py           # (re)write the fixtures
    python3 scripts/make-axis-references.py --check   # exit 1 unless they are up to date
"""

import argparse
import math
import random
import struct
import sys
from pathlib import Path

from mpmath import exp, log1p, mp, mpf

FIXTURES = Path(__file__).resolve().parent.parent / "test" / "fixtures"
SEED = 20240611
START_PRECISION = 256
MAX_PRECISION = 1 << 14
AGREEMENT = mpf(2) ** -120

# name: (struct code, largest finite, smallest subnormal, smallest exponent of e^x above 0)
DTYPES = {
    "float32": ("<f", 3.4028234663852886e38, 2.0 ** -149, 103.0),
    "float64": ("<d", sys.float_info.max, 2.0 ** -1074, 744.0),
}


def rounded(dtype, value):
    code = DTYPES[dtype][0]
    if math.isinf(value) or math.isnan(value):
        return value
    try:
        return struct.unpack(code, struct.pack(code, value))[0]
    except OverflowError:
        return math.copysign(DTYPES[dtype][1], value)


def log_uniform(rng, dtype, low_exponent, high_exponent):
    magnitude = 2.0 ** rng.uniform(low_exponent, high_exponent)
    return rounded(dtype, -magnitude if rng.random() < 0.5 else magnitude)


def softmax_rows(dtype):
    """The rows every softmax-like function is checked on, values exact in dtype."""
    rng = random.Random(SEED)
    largest, smallest, deepest = DTYPES[dtype][1], DTYPES[dtype][2], DTYPES[dtype][3]
    top = 127 if dtype == "float32" else 1023
    rows = []
    for length in (1, 2, 3, 5, 16, 17, 31, 33, 100, 1000):
        for scale in (1, 5, 30):
            rows.append([rounded(dtype, rng.gauss(0, scale)) for _ in range(length)])
    for width in (100, 1e4):
        for length in (7, 64, 257):
            rows.append([rounded(dtype, rng.uniform(-width, width)) for _ in range(length)])
    for length in (4, 20, 200):
        rows.append([log_uniform(rng, dtype, -149 if dtype == "float32" else -1074, top) for _ in range(length)])
    for length in (3, 8, 50):  # ties, including ties at the maximum
        values = [rounded(dtype, rng.gauss(0, 2)) for _ in range(3)]
        rows.append([rng.choice(values) for _ in range(length)])
        rows.append([float(rng.randint(-3, 3)) for _ in range(length)])
    rows.append([largest, rounded(dtype, largest * 0.99), -largest, 0.0, rounded(dtype, largest / 3)])
    rows.append([-largest, rounded(dtype, -largest * 0.5), rounded(dtype, -largest * 0.999)])
    rows.append([smallest, -smallest, 0.0, 3 * smallest, rounded(dtype, smallest * 1000)])
    for length in (5, 40):
        row = [rounded(dtype, rng.gauss(0, 10)) for _ in range(length)]
        for i in rng.sample(range(length), length // 3):
            row[i] = -math.inf
        rows.append(row)
    for gap in (1e-3, 0.5, 9, 20, 40, 60, 90, 200):  # one dominant entry: ln(1 + tiny)
        rows.append([0.0] + [rounded(dtype, -gap - rng.random() * gap) for _ in range(6)])
        rows.append([rounded(dtype, 50.0)] + [rounded(dtype, 50.0 - gap * (1 + i)) for i in range(4)])
    for length in (3, 17):  # outputs deep in the subnormals
        rows.append([0.0] + [rounded(dtype, -deepest + rng.random() * 12) for _ in range(length - 1)])
    return rows


def glu_rows(dtype):
    rng = random.Random(SEED + 1)
    deepest = DTYPES[dtype][3]
    rows = []
    for length in (1, 2, 7, 64, 300):
        rows.append([rounded(dtype, rng.gauss(0, 3)) for _ in range(length)] +
                    [rounded(dtype, rng.uniform(-20, 20)) for _ in range(length)])
    top = 127 if dtype == "float32" else 1023
    bottom = -149 if dtype == "float32" else -1074
    a = [log_uniform(rng, dtype, bottom, top) for _ in range(400)]
    b = [log_uniform(rng, dtype, -30, 10) for _ in range(400)]
    rows.append(a + b)
    b = [rounded(dtype, -deepest + rng.random() * 40) for _ in range(100)]
    rows.append([rounded(dtype, rng.uniform(-4, 4)) for _ in range(100)] + b)
    return rows


def softmax(row, negate=False):
    x = [-mpf(v) if negate else mpf(v) for v in row]
    top = max(x)
    if top == mp.inf:  # the entries at +Inf share the whole mass (the limit as they grow together)
        return [mpf(1) / x.count(top) if v == top else mpf(0) for v in x]
    e = [exp(v - top) for v in x]
    total = sum(e)
    return [v / total for v in e]


def log_softmax(row):
    x = [mpf(v) for v in row]
    top = max(x)
    # ln(c + rest) as log1p((c - 1) + rest), c the entries at the maximum: ln(1 + tiny) keeps tiny
    # at any working precision
    rest = sum(exp(v - top) for v in x if v != top)
    log_total = log1p(x.count(top) - 1 + rest)
    return [v - top - log_total for v in x]


def glu(row):
    half = len(row) // 2
    return [mpf(a) / (1 + exp(-mpf(b))) for a, b in zip(row[:half], row[half:])]


FUNCTIONS = {
    "softmax": (softmax, softmax_rows),
    "logSoftmax": (log_softmax, softmax_rows),
    "softmin": (lambda row: softmax(row, negate=True), softmax_rows),
    "glu": (glu, glu_rows),
}


def settled(function, row):
    """function(row) with every finite output correct to 2^-120 relative (or exactly 0)."""
    precision = START_PRECISION
    with mp.workprec(precision):
        previous = function(row)
    while precision < MAX_PRECISION:
        precision *= 2
        with mp.workprec(precision):
            values = function(row)
            if all(not mp.isfinite(v) or v == p or (v != 0 and abs((v - p) / v) < AGREEMENT)
                   for v, p in zip(values, previous)):
                return values
            previous = values
    raise ArithmeticError(f"{function.__name__} did not settle by {MAX_PRECISION} bits")


# Float32 values from the midpoint between the largest finite and 2^128 on round to infinity.
FLOAT32_OVERFLOW = mpf(2) ** 128 - mpf(2) ** 103


def split(value, dtype):
    if not mp.isfinite(value) or (dtype == "float32" and abs(value) >= FLOAT32_OVERFLOW):
        return (math.inf if value > 0 else -math.inf), 0.0
    with mp.workprec(4096):
        hi = float(value)
        return hi, float(value - mpf(hi))


def fixture(name, dtype):
    function, rows = FUNCTIONS[name]
    values = []
    for row in rows(dtype):
        outputs = settled(function, row)
        values += [float(len(row))] + row + [float(len(outputs))]
        for output in outputs:
            values += split(output, dtype)
    return struct.pack(f"<{len(values)}d", *values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="compare the committed files with freshly made ones instead of writing")
    args = parser.parse_args()
    stale = []
    for name in FUNCTIONS:
        for dtype in DTYPES:
            path = FIXTURES / f"axis-{name}-{dtype}.f64"
            data = fixture(name, dtype)
            if args.check:
                if not path.exists() or path.read_bytes() != data:
                    stale.append(path.name)
            else:
                path.write_bytes(data)
                print(f"wrote {path} ({len(data) // 8} values)")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python3 scripts/make-axis-references.py", file=sys.stderr)
        return 1
    if args.check:
        print("All axis reference files are up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
