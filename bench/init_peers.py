#!/usr/bin/env python3
"""Python peer of bench/init.ts: PyTorch's kaiming_normal_ and xavier_uniform_ filling a float32
weight in place, with torch.set_num_threads(1), timed as the Node benchmark times kindling (batches
of at least --min-batch-ms, --repetitions of them, the median reported). Prints one JSON document on
stdout; progress goes to stderr. A missing torch is reported in "skipped", never an error.

    python3 bench/init_peers.py [--shape 4096,4096] [--repetitions 7] [--min-batch-ms 200]
"""
import argparse
import json
import platform
import statistics
import sys
import time

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--shape", default="4096,4096")
parser.add_argument("--repetitions", type=int, default=7)
parser.add_argument("--min-batch-ms", type=float, default=200.0)
args = parser.parse_args()
SHAPE = [int(dim) for dim in args.shape.split(",")]

report = {"python": sys.version.split()[0], "executable": sys.executable, "platform": platform.platform(), "torch": None, "skipped": [], "results": []}

try:
    import torch
except ImportError as error:
    torch = None
    report["skipped"].append(f"torch: {error}")

if torch is not None:
    torch.set_num_threads(1)
    report["torch"] = {"version": torch.__version__, "threads": torch.get_num_threads()}
    weight = torch.empty(*SHAPE, dtype=torch.float32)
    contenders = {
        "kaimingNormal": lambda: torch.nn.init.kaiming_normal_(weight),
        "xavierUniform": lambda: torch.nn.init.xavier_uniform_(weight),
    }
    for name, run in contenders.items():
        iterations = 1
        while True:  # calibrate: a batch of at least min-batch-ms (also the warm-up)
            start = time.perf_counter_ns()
            for _ in range(iterations):
                run()
            elapsed = time.perf_counter_ns() - start
            if elapsed >= args.min_batch_ms * 1e6:
                break
            iterations *= 2
        samples = []
        for _ in range(args.repetitions):
            start = time.perf_counter_ns()
            for _ in range(iterations):
                run()
            samples.append((time.perf_counter_ns() - start) / iterations / 1e6)
        print(f"torch {name}: {statistics.median(samples):.2f} ms", file=sys.stderr, flush=True)
        report["results"].append({"initializer": name, "contender": f"torch {torch.__version__} {name.replace('Normal', '_normal_').replace('Uniform', '_uniform_').lower()}", "msPerCall": samples, "iterationsPerBatch": iterations})

print(json.dumps(report))
