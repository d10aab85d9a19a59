#!/usr/bin/env python3
"""Python peers of bench/random.ts: numpy's Generator (Philox and the default PCG64) and torch,
timed the same way as the Node benchmark.

Alone, it times every peer and prints one JSON document on stdout (progress goes to stderr):

    python3 bench/random_peers.py [--sizes 1e6,1.6e7] [--repetitions 7] [--min-batch-ms 50]

With --serve, bench/random.ts drives it as a child process, one JSON line per request and per
answer, so that its batches join the Node benchmark's round-robin and every ratio between
kindling and numpy or torch comes from batches timed side by side:

    {"op": "prepare", "size": n}   -> {"contenders": [...]}  (builds and calibrates the peers for n)
    {"op": "time", "index": i}     -> {"ns": ns per value of one batch}
    {"op": "quit"}

Missing modules are reported in "skipped", never an error. Nothing in the project's tests uses this.
"""
import argparse
import contextlib
import io
import json
import os
import platform
import statistics
import sys
import time

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--sizes", default="1e5,1e6,1.6e7", help="comma-separated value counts")
parser.add_argument("--repetitions", type=int, default=7)
parser.add_argument("--min-batch-ms", type=float, default=50.0)
parser.add_argument("--threads", default="1,2", help="torch thread counts to time")
parser.add_argument("--serve", action="store_true", help="answer bench/random.ts's requests on stdin")
parser.add_argument("--cases", default="", help="distribution/dtype pairs to time, e.g. uniform/float32 (default: all)")
args = parser.parse_args()
SIZES = [int(float(size)) for size in args.sizes.split(",") if size]
TORCH_THREADS = [int(t) for t in args.threads.split(",") if t]
MIN_BATCH_NS = args.min_batch_ms * 1e6


def log(text):
    print(text, file=sys.stderr, flush=True)


report = {
    "python": sys.version.split()[0],
    "executable": sys.executable,
    "platform": platform.platform(),
    "env": {name: os.environ.get(name) for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
    "numpy": None,
    "torch": None,
    "skipped": [],
    "results": [],
}

try:
    import numpy as np
except ImportError as error:
    np = None
    report["skipped"].append(f"numpy: {error}")
try:
    import torch
except ImportError as error:
    torch = None
    report["skipped"].append(f"torch: {error}")

if np is not None:
    # np.show_config prints; numpy >= 1.26 can return a dict instead.
    try:
        config = np.show_config(mode="dicts")
    except TypeError:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            np.show_config()
        config = buffer.getvalue()
    report["numpy"] = {"version": np.__version__, "config": config}
if torch is not None:
    report["torch"] = {
        "version": torch.__version__,
        "defaultThreads": torch.get_num_threads(),
        "parallelInfo": torch.__config__.parallel_info(),
    }


class Contender:
    """One timed call: run() fills a preallocated output of `size` values (unless it says it allocates)."""

    def __init__(self, distribution, dtype, label, library, run, threads=1, allocates=False):
        self.distribution, self.dtype, self.label, self.library = distribution, dtype, label, library
        self.run, self.threads, self.allocates = run, threads, allocates


def numpy_contenders(n):
    out = []
    arrays = {"float32": np.empty(n, np.float32), "float64": np.empty(n, np.float64)}
    version = np.__version__
    for name, make in (("PCG64", np.random.PCG64), ("Philox", np.random.Philox)):
        gen = np.random.Generator(make(12345))
        label = f"numpy {version} {name}"
        for dtype, array in arrays.items():
            kind = getattr(np, dtype)
            out.append(Contender("uniform", dtype, f"{label} random(out=)", "numpy",
                                 lambda g=gen, a=array, k=kind: g.random(out=a, dtype=k)))
            out.append(Contender("normal", dtype, f"{label} standard_normal(out=)", "numpy",
                                 lambda g=gen, a=array, k=kind: g.standard_normal(dtype=k, out=a)))
        # Generator.integers has no out=: these allocate their result on every call.
        out.append(Contender("integers", "int32", f"{label} integers(0, 1000) (allocates)", "numpy",
                             lambda g=gen: g.integers(0, 1000, size=n, dtype=np.int32), allocates=True))
        out.append(Contender("bits", "uint32", f"{label} integers(0, 2**32, uint32) (allocates)", "numpy",
                             lambda g=gen: g.integers(0, 2**32, size=n, dtype=np.uint32), allocates=True))
    return out


def torch_contenders(n):
    out = []
    tensors = {"float32": torch.empty(n, dtype=torch.float32), "float64": torch.empty(n, dtype=torch.float64)}
    ints = torch.empty(n, dtype=torch.int32)
    torch.manual_seed(12345)
    label = f"torch {torch.__version__}"
    for threads in TORCH_THREADS:
        suffix = f", {threads} thread{'s' if threads > 1 else ''}"
        for dtype, tensor in tensors.items():
            out.append(Contender("uniform", dtype, f"{label} rand(out=){suffix}", "torch",
                                 lambda t=tensor: torch.rand(n, out=t), threads))
            out.append(Contender("normal", dtype, f"{label} randn(out=){suffix}", "torch",
                                 lambda t=tensor: torch.randn(n, out=t), threads))
        # trunc_normal_ (inverse CDF: uniform_, erfinv_, ...) with kindling's default bounds, +-2 std.
        f32 = tensors["float32"]
        out.append(Contender("truncatedNormal", "float32", f"{label} nn.init.trunc_normal_{suffix}", "torch",
                             lambda t=f32: torch.nn.init.trunc_normal_(t, 0.0, 1.0, -2.0, 2.0), threads))
        out.append(Contender("integers", "int32", f"{label} randint(0, 1000, out=){suffix}", "torch",
                             lambda: torch.randint(0, 1000, (n,), out=ints), threads))
    return out


def use_threads(contender):
    if contender.library == "torch":
        torch.set_num_threads(contender.threads)


def time_batch(run, iterations):
    start = time.perf_counter_ns()
    for _ in range(iterations):
        run()
    return time.perf_counter_ns() - start


def calibrate(run):
    """Iterations per batch for at least MIN_BATCH_NS; the batches run meanwhile are the warm-up."""
    iterations = 1
    while True:
        elapsed = time_batch(run, iterations)
        if elapsed >= MIN_BATCH_NS:
            return iterations
        iterations = -(-iterations * min(100, 1.2 * MIN_BATCH_NS / max(elapsed, 1)) // 1)
        iterations = int(iterations)


def describe(contender, iterations):
    return {
        "distribution": contender.distribution,
        "dtype": contender.dtype,
        "contender": contender.label,
        "library": contender.library,
        "threads": contender.threads,
        "allocates": contender.allocates,
        "iterationsPerBatch": iterations,
    }


def contenders_for(n):
    every = (numpy_contenders(n) if np is not None else []) + (torch_contenders(n) if torch is not None else [])
    cases = [case for case in args.cases.split(",") if case]
    return [c for c in every if not cases or f"{c.distribution}/{c.dtype}" in cases]


def calibrated(contenders):
    iterations = []
    for contender in contenders:
        use_threads(contender)
        iterations.append(calibrate(contender.run))
    return iterations


def finish_torch():
    if torch is not None:
        report["torch"]["threadsTimed"] = TORCH_THREADS
        torch.set_num_threads(max(TORCH_THREADS or [1]))
        report["torch"]["threadsAfterSet"] = torch.get_num_threads()


def answer(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def serve():
    finish_torch()
    answer({"ready": True, "report": {key: value for key, value in report.items() if key != "results"}})
    contenders, iterations, size = [], [], 0
    for line in sys.stdin:
        request = json.loads(line)
        op = request.get("op")
        if op == "prepare":
            contenders, size = [], int(request["size"])  # frees the previous size's arrays first
            contenders = contenders_for(size)
            log(f"python peers ({sys.executable}) {size:.1e}: calibrating {len(contenders)} contenders...")
            iterations = calibrated(contenders)
            answer({"contenders": [describe(c, iterations[i]) for i, c in enumerate(contenders)]})
        elif op == "time":
            i = int(request["index"])
            use_threads(contenders[i])
            answer({"ns": time_batch(contenders[i].run, iterations[i]) / (iterations[i] * size)})
        elif op == "quit":
            break
        else:
            answer({"error": f"unknown request {line.strip()}"})


def run_alone():
    for n in SIZES:
        contenders = contenders_for(n)
        if not contenders:
            break
        log(f"python peers {n:.1e}: {len(contenders)} contenders...")
        iterations = calibrated(contenders)
        # Round-robin, as in bench/random.ts: each repetition times every contender once.
        samples = [[] for _ in contenders]
        for _ in range(args.repetitions):
            for c, contender in enumerate(contenders):
                use_threads(contender)
                samples[c].append(time_batch(contender.run, iterations[c]) / (iterations[c] * n))
        for c, contender in enumerate(contenders):
            report["results"].append({
                **describe(contender, iterations[c]),
                "size": n,
                "nsPerValue": samples[c],
                "median": statistics.median(samples[c]),
            })
    finish_torch()
    json.dump(report, sys.stdout)
    print()


if args.serve:
    serve()
else:
    run_alone()
