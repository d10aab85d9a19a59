#!/usr/bin/env python3
"""Make the high-precision reference values that kindling's accuracy tests use.

For every function, pass and dtype this writes one file

    test/fixtures/<function>-<pass>-<dtype>.f64    e.g. tanh-forward-float32.f64

function  pass        value
tanh      forward     tanh(x)
tanh      derivative  1 - tanh(x)^2 = sech(x)^2
sigmoid   forward     1 / (1 + e^-x)
sigmoid   derivative  sigmoid(x) * (1 - sigmoid(x))

Each file is a flat array of records of three little-endian IEEE float64
values, 24 bytes per record, sorted by x:

    x, hi, lo

x is an input exactly representable in <dtype>; hi is the double nearest to
the exact f(x), and lo the double nearest to f(x) - hi, so hi + lo carries f(x)
to far beyond double precision. When f(x) underflows (is below half the
smallest subnormal), hi is a zero of its sign; likewise lo when f(x) - hi does.
The tests run the kernel on each x in <dtype> and measure the distance of its
result from hi + lo in ULPs of <dtype>. Infinities and NaN are not in the
files; the tests cover them separately.

The inputs come from a seeded random.Random and exact bit-level construction
(no libm calls), so every machine produces the same bytes:
  - ±0, the smallest subnormal, a few subnormals, the smallest normal and the
    largest finite value;
  - a uniform grid of step 1/64 on [-10, 10];
  - the points within a few ULPs either side of the thresholds that the kernels
    branch on or saturate at (0.5 ... 746), both signs;
  - a few hundred log-uniform magnitudes from 1e3 up to the largest finite;
  - and, filling the file up to RECORDS_PER_FILE, log-uniform magnitudes from
    the smallest subnormal to about 1e3, with random signs.

Usage:
    python3 scripts/make-references.py           # (re)write the fixtures
    python3 scripts/make-references.py --check   # exit 1 unless they are up to date
"""

import argparse
import math
import random
import struct
import sys
from dataclasses import dataclass
from decimal import Context, Decimal, getcontext, localcontext
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "test" / "fixtures"

SEED = 20240531
RECORDS_PER_FILE = 6000
GRID_STEP = 1 / 64
GRID_LIMIT = 10
LARGE_MAGNITUDE_POINTS = 300
THRESHOLDS = (0.625, 0.55, 0.5, 1, 2, 9, 9.1, 19, 20, 44, 44.5, 87, 88.72, 89,
              103.9, 104, 709.78, 710, 745.13, 746)
ULPS_AROUND_THRESHOLDS = 4

# Significant digits kept for every function value. Far more than the 1e-30
# relative accuracy asked of hi + lo: it is what lets lo be correctly rounded
# too, even when f(x) lies within a hair of a halfway point between doubles.
PRECISION = 120
# Below this, e^-a - 1 comes from its series; above, exp(-a) - 1 cancels about
# log10(1/a) digits, fewer than the working precision adds for small a.
SERIES_BELOW = Decimal("1e-12")
# Past |x| = 800 every function is saturated: what is left (about e^-800) is
# far below half the smallest subnormal (about e^-745), so the record is the
# same as at 800, and exp never has to leave the decimal exponent range.
SATURATION = Decimal(800)

ZERO, QUARTER, HALF, ONE, TWO = (Decimal(v) for v in ("0", "0.25", "0.5", "1", "2"))


@dataclass(frozen=True)
class Dtype:
    name: str
    struct_float: str  # struct codes for the float and the same-sized integer
    struct_int: str
    significand_bits: int  # including the implicit leading bit
    min_normal_exponent: int
    max_exponent: int

    @property
    def min_subnormal_exponent(self):
        return self.min_normal_exponent - (self.significand_bits - 1)

    @property
    def max_finite(self):
        all_ones = (1 << self.significand_bits) - 1
        return math.ldexp(all_ones, self.max_exponent - self.significand_bits + 1)


DTYPES = (
    Dtype("float32", "<f", "<i", 24, -126, 127),
    Dtype("float64", "<d", "<q", 53, -1022, 1023),
)
FUNCTIONS = ("tanh", "sigmoid")
PASSES = ("forward", "derivative")


def round_to(dtype, value):
    return struct.unpack(dtype.struct_float, struct.pack(dtype.struct_float, value))[0]


def ulps_away(dtype, value, count):
    """The value `count` representable steps above a positive `value`."""
    bits = struct.unpack(dtype.struct_int, struct.pack(dtype.struct_float, value))[0]
    return struct.unpack(dtype.struct_float, struct.pack(dtype.struct_int, bits + count))[0]


def random_in_binade(rng, dtype, exponent):
    """A uniformly random value of dtype in [2^exponent, 2^(exponent+1)), built exactly."""
    fraction_bits = min(dtype.significand_bits - 1, exponent - dtype.min_subnormal_exponent)
    significand = (1 << fraction_bits) | rng.getrandbits(fraction_bits)
    return math.ldexp(significand, exponent - fraction_bits)


def random_log_uniform(rng, dtype, lowest_exponent, highest_exponent):
    """A random-signed value whose binade is uniform over the given exponents."""
    magnitude = random_in_binade(rng, dtype, rng.randint(lowest_exponent, highest_exponent))
    return -magnitude if rng.getrandbits(1) else magnitude


def make_inputs(dtype):
    rng = random.Random(SEED)
    smallest_subnormal = math.ldexp(1, dtype.min_subnormal_exponent)
    smallest_normal = math.ldexp(1, dtype.min_normal_exponent)
    magnitudes = [0.0, smallest_subnormal, 2 * smallest_subnormal, 3 * smallest_subnormal,
                  smallest_normal / 2, smallest_normal - smallest_subnormal, smallest_normal,
                  dtype.max_finite]
    magnitudes += [step * GRID_STEP for step in range(int(GRID_LIMIT / GRID_STEP) + 1)]
    for threshold in THRESHOLDS:
        nearest = round_to(dtype, threshold)
        magnitudes += [ulps_away(dtype, nearest, count)
                       for count in range(-ULPS_AROUND_THRESHOLDS, ULPS_AROUND_THRESHOLDS + 1)]
    points = [sign * magnitude for magnitude in magnitudes for sign in (1.0, -1.0)]

    # 2^9 < 1e3 < 2^10: the bulk stops at about 1e3, the sparse tail goes on to the largest finite.
    points += [random_log_uniform(rng, dtype, 10, dtype.max_exponent)
               for _ in range(LARGE_MAGNITUDE_POINTS)]
    # Keyed by bit pattern so that +0 and -0 both stay.
    unique = {struct.pack("<d", x): x for x in points}
    while len(unique) < RECORDS_PER_FILE:
        x = random_log_uniform(rng, dtype, dtype.min_subnormal_exponent, 9)
        unique[struct.pack("<d", x)] = x
    return sorted(unique.values(), key=lambda x: (x, math.copysign(1, x)))


def working_precision(x):
    """Digits to work with at x. For tiny x, f(x) is a polynomial in x whose
    leading terms can land exactly halfway between two doubles, and then the
    terms about x^2 further down decide how hi or lo rounds: add two digits
    per decade of smallness so that they are kept."""
    return PRECISION + 2 * max(0, -Decimal(x).adjusted())


def expm1_of_negative(a):
    """e^-a - 1 for 0 <= a < 1, accurate relative to the result however small a is."""
    if a >= SERIES_BELOW:
        return (-a).exp() - ONE
    total = term = -a
    order = 1
    while term and term.adjusted() > total.adjusted() - getcontext().prec:
        order += 1
        term = term * -a / order
        total += term
    return total


def exact_parts(x):
    """{(function, pass): (base, delta)} with f(x) = base + delta, where base is
    an exact constant and delta is right to the working precision relative to
    itself, so f(x) - hi stays accurate even when it is far smaller than f(x)."""
    exact_x = Decimal(x)
    a = min(abs(exact_x), SATURATION)
    sign = -ONE if exact_x.is_signed() else ONE
    if a < ONE:
        # Written in u = e^-a - 1 to avoid the cancellation in 1 - e^-a.
        u = expm1_of_negative(a)
        tanh_a = -u * (TWO + u) / (TWO + TWO * u + u * u)
        tanh_half_a = -u / (TWO + u)  # sigmoid(x) = (1 + tanh(x/2)) / 2
        return {
            ("tanh", "forward"): (ZERO, sign * tanh_a),
            ("tanh", "derivative"): (ONE, -tanh_a * tanh_a),
            ("sigmoid", "forward"): (HALF, sign * tanh_half_a / 2),
            ("sigmoid", "derivative"): (QUARTER, -tanh_half_a * tanh_half_a / 4),
        }
    # Written in t = e^-a, which is small here, as the distance from the limit.
    t = (-a).exp()
    t_squared = t * t
    return {
        ("tanh", "forward"): (sign, -sign * 2 * t_squared / (ONE + t_squared)),
        ("tanh", "derivative"): (ZERO, 4 * t_squared / (ONE + t_squared) ** 2),
        ("sigmoid", "forward"): (ONE, -t / (ONE + t)) if sign > 0 else (ZERO, t / (ONE + t)),
        ("sigmoid", "derivative"): (ZERO, t / (ONE + t) ** 2),
    }


def split_to_doubles(base, delta):
    """(hi, lo): the double nearest to base + delta and the double nearest to what is left.

    float(Decimal) is correctly rounded, subnormals included."""
    # Decimal gives +0 for 0 + -0, so add only nonzero parts: signed zeros and
    # underflowing values keep their sign.
    exact = base + delta if base and delta else base or delta
    hi = float(exact)
    lo = float(delta - (Decimal(hi) - base))
    return hi, lo


def reference_pairs(x):
    """{(function, pass): (hi, lo)} for one input."""
    with localcontext(Context(prec=working_precision(x))):
        return {key: split_to_doubles(base, delta) for key, (base, delta) in exact_parts(x).items()}


def fixture_name(function, pass_, dtype):
    return f"{function}-{pass_}-{dtype.name}.f64"


def make_fixtures():
    """{file name: file bytes} for every function, pass and dtype."""
    fixtures = {}
    for dtype in DTYPES:
        records = {(function, pass_): [] for function in FUNCTIONS for pass_ in PASSES}
        for x in make_inputs(dtype):
            for key, (hi, lo) in reference_pairs(x).items():
                records[key].append(struct.pack("<3d", x, hi, lo))
        for (function, pass_), packed in records.items():
            fixtures[fixture_name(function, pass_, dtype)] = b"".join(packed)
    return fixtures


def check(fixtures):
    stale = []
    for name, data in fixtures.items():
        path = FIXTURES / name
        if not path.exists():
            stale.append(f"{name}: missing")
        elif path.read_bytes() != data:
            stale.append(f"{name}: differs from what this script makes")
    if stale:
        print(f"{len(stale)} reference file(s) in {FIXTURES} out of date:", file=sys.stderr)
        for line in stale:
            print(f"  {line}", file=sys.stderr)
        print("Run `python3 scripts/make-references.py` to regenerate them.", file=sys.stderr)
        return 1
    print(f"All {len(fixtures)} reference files in {FIXTURES} are up to date.")
    return 0


def write(fixtures):
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, data in fixtures.items():
        (FIXTURES / name).write_bytes(data)
        print(f"wrote {FIXTURES / name} ({len(data) // 24} records)")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="compare the committed files with freshly made ones instead of writing")
    args = parser.parse_args()
    fixtures = make_fixtures()
    return check(fixtures) if args.check else write(fixtures)


if __name__ == "__main__":
    sys.exit(main())
