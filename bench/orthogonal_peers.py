#!/usr/bin/env python3
"""Python peer of bench/orthogonal.ts: numpy.linalg.qr of an n × n float64 standard-normal matrix
(Q and R, as kindling's orthogonal computes Q) and torch.nn.init.orthogonal_ filling an n × n
float32 weight, each timed as the Node benchmark times kindling (the median of --repetitions calls
after one warm-up call). BLAS threads are fixed by the caller's environment (OPENBLAS_NUM_THREADS,
OMP_NUM_THREADS, MKL_NUM_THREADS) before numpy loads, and torch.set_num_threads(--threads). Prints one
JSON document on stdout; a missing numpy or torch is reported in "skipped", never an error.

    OPENBLAS_NUM_THREADS=1 python3 bench/orthogonal_peers.py [--sizes 512,1024,2048] [--threads 1]
"""
import argparse
import json
import os
import statistics
import sys
import time

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--sizes", default="512,1024,2048")
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--repetitions", type=int, default=3)
args = parser.parse_args()
SIZES = [int(size) for size in args.sizes.split(",")]

report = {"python": sys.version.split()[0], "threads": args.threads, "numpy": None, "torch": None, "skipped": [], "results": []}


def timed(run):
    """Wall-clock and CPU (this process, all threads) milliseconds of each call."""
    run()  # warm-up
    wall, cpu = [], []
    for _ in range(args.repetitions):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - start) * 1e3)
        cpu.append((time.process_time() - start_cpu) * 1e3)
    return wall, cpu


try:
    import numpy
    report["numpy"] = {"version": numpy.__version__, "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS")}
    try:
        blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        report["numpy"]["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older numpy: no dict mode
        pass
    for n in SIZES:
        a = numpy.random.default_rng(1).standard_normal((n, n))
        ms, cpu = timed(lambda: numpy.linalg.qr(a))
        report["results"].append({"contender": f"numpy.linalg.qr ({args.threads} thread{'s' if args.threads > 1 else ''})", "n": n, "msPerCall": ms, "cpuMsPerCall": cpu})
        print(f"numpy {n}: {statistics.median(ms):.1f} ms", file=sys.stderr)
except ImportError as error:
    report["skipped"].append(f"numpy: {error}")

try:
    import torch
    torch.set_num_threads(args.threads)
    report["torch"] = {"version": torch.__version__, "threads": torch.get_num_threads()}
    for n in SIZES:
        weight = torch.empty(n, n, dtype=torch.float32)
        ms, cpu = timed(lambda: torch.nn.init.orthogonal_(weight))
        report["results"].append({"contender": f"torch.nn.init.orthogonal_ ({args.threads} thread{'s' if args.threads > 1 else ''})", "n": n, "msPerCall": ms, "cpuMsPerCall": cpu})
        print(f"torch {n}: {statistics.median(ms):.1f} ms", file=sys.stderr)
except ImportError as error:
    report["skipped"].append(f"torch: {error}")

print(json.dumps(report))
