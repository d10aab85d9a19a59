#!/usr/bin/env python3
"""Make the high-precision reference values that kindling's accuracy tests use.

For every activation, pass and dtype that has a reference function, this writes one file

    test/fixtures/<activation>-<pass>-<dtype>.f64    e.g. tanh-forward-float32.f64

The reference functions live in scripts/references/<group>.py, one module per group of the
activation table, each a dict REFERENCES = {name: (forward, derivative)} of functions of an mpmath
number, written straight from the mathematical definition at the row's example parameters (see
lib/spec/activations.ts). They need no care about cancellation: each value is evaluated at 256
bits and again at twice that, and the precision keeps doubling until the two agree to 2^-120
relative, so a form like x - tanh(x) at x = 1e-300 still comes out right.

Each file is a flat array of records of three little-endian IEEE float64
values, 24 bytes per record, sorted by x:

    x, hi, lo

x is an input exactly representable in <dtype>; hi is the double nearest to
f(x), and lo the double nearest to f(x) - hi, so hi + lo carries f(x)
to far beyond double precision. When f(x) underflows, hi is a zero of its
sign; likewise lo when f(x) - hi does. The tests run the kernel on each x in
<dtype> and measure the distance of its result from hi + lo in ULPs of
<dtype>. Inputs where f is infinite or NaN are left out; the tests cover them
through the table's edges.

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

Needs mpmath (Debian's python3-mpmath). Usage:
    python3 scripts/make-references.py           # (re)write the fixtures
    python3 scripts/make-references.py --check   # exit 1 unless they are up to date
    python3 scripts/make-references.py --only gelu,mish   # just these activations
"""

import argparse
import importlib.util
import math
import multiprocessing
import random
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from mpmath import mp, mpf

FIXTURES = Path(__file__).resolve().parent.parent / "test" / "fixtures"

SEED = 20240531
RECORDS_PER_FILE = 6000
GRID_STEP = 1 / 64
GRID_LIMIT = 10
LARGE_MAGNITUDE_POINTS = 300
THRESHOLDS = (0.625, 0.55, 0.5, 1, 2, 9, 9.1, 19, 20, 44, 44.5, 87, 88.72, 89,
              103.9, 104, 709.78, 710, 745.13, 746)
ULPS_AROUND_THRESHOLDS = 4

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
PASSES = ("forward", "derivative")
REFERENCE_MODULES = Path(__file__).resolve().parent / "references"

START_PRECISION = 256  # bits
AGREEMENT = mpf(2) ** -120
MAX_PRECISION = 1 << 16


def load_references():
    """{name: (forward, derivative)} from every module in scripts/references/."""
    references = {}
    for path in sorted(REFERENCE_MODULES.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"references_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, functions in module.REFERENCES.items():
            if name in references:
                raise SystemExit(f"{path.name}: {name} is defined twice")
            references[name] = functions
    return references


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


def evaluate(function, x):
    """f(x) as an mpf correct to 2^-120 relative (or exactly 0), or None where f is infinite or NaN."""
    precision = START_PRECISION
    with mp.workprec(precision):
        previous = function(mpf(x))
    while precision < MAX_PRECISION:
        precision *= 2
        with mp.workprec(precision):
            value = function(mpf(x))
            if not mp.isfinite(value):
                return None
            if value == previous or (value != 0 and abs((value - previous) / value) < AGREEMENT):
                return value
            previous = value
    raise ArithmeticError(f"{function.__qualname__}({x!r}) did not settle by {MAX_PRECISION} bits")


def split_to_doubles(value, x_sign):
    """(hi, lo): the double nearest to value and the double nearest to what is left. An exact zero
    takes the sign mpmath cannot carry from the reference function's own sign of zero at x."""
    with mp.workprec(max(mp.prec, 4096)):
        hi = float(value)
        lo = float(value - mpf(hi)) if mp.isfinite(hi) else 0.0
    if value == 0:
        hi = math.copysign(0.0, x_sign)
    return hi, lo


def records_for(job):
    """The packed records of one (name, pass, dtype)."""
    name, pass_index, dtype = job
    function = load_references()[name][pass_index]
    packed = []
    for x in make_inputs(dtype):
        value = evaluate(function, x)
        if value is None:
            continue
        hi, lo = split_to_doubles(value, x if pass_index == 0 else 1.0)
        if math.isinf(hi):
            continue
        packed.append(struct.pack("<3d", x, hi, lo))
    return fixture_name(name, PASSES[pass_index], dtype), b"".join(packed)


def fixture_name(function, pass_, dtype):
    return f"{function}-{pass_}-{dtype.name}.f64"


def make_fixtures(only=None):
    """{file name: file bytes} for every reference function (or those named), pass and dtype."""
    names = [name for name in load_references() if only is None or name in only]
    jobs = [(name, pass_index, dtype) for name in names for pass_index in range(len(PASSES)) for dtype in DTYPES]
    with multiprocessing.Pool() as pool:
        return dict(pool.map(records_for, jobs))


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
    parser.add_argument("--only", help="comma-separated activation names to make (default: all)")
    args = parser.parse_args()
    fixtures = make_fixtures(set(args.only.split(",")) if args.only else None)
    return check(fixtures) if args.check else write(fixtures)


if __name__ == "__main__":
    sys.exit(main())
