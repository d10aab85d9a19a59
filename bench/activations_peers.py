#!/usr/bin/env python3
"""PyTorch's CPU kernels (and numpy's ufuncs, where one computes the row) for the activations of
bench/activations.ts, timed the same way.

    /usr/bin/python3 bench/activations_peers.py --jobs '[{"name": "tanh", "range": [-20, 20]}]' \
        [--sizes 1e6,1.6e7] [--threads 1,2] [--repetitions 7] [--min-batch-ms 50]

Each job names a row of lib/spec/activations.ts and the range its inputs are drawn from (uniform,
float32, seeded). Each call writes into a preallocated output through the aten `.out` overload
where PyTorch has one (as kindling's `{ out }`), and allocates otherwise (noted per row); numpy's
rows call a ufunc with out= on the same arrays, one thread (numpy's ufuncs do not thread). Prints
one JSON document on stdout; rows PyTorch lacks and a missing torch are reported in "skipped".
Nothing in the project's tests uses this.
"""
import argparse
import json
import statistics
import sys
import time

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--jobs", required=True, help="JSON list of {name, range}")
parser.add_argument("--sizes", default="1e6,1.6e7")
parser.add_argument("--threads", default="1,2")
parser.add_argument("--repetitions", type=int, default=7)
parser.add_argument("--min-batch-ms", type=float, default=50.0)
args = parser.parse_args()

report = {"torch": None, "skipped": [], "results": []}
try:
    import torch
except ImportError as error:
    report["skipped"].append(f"torch: {error}")
    print(json.dumps(report))
    sys.exit(0)
report["torch"] = {"version": torch.__version__, "parallelInfo": torch.__config__.parallel_info()}
try:
    import numpy as np
    report["numpy"] = {"version": np.__version__}
except ImportError as error:
    np = None
    report["skipped"].append(f"numpy: {error}")
try:
    from scipy.special import expit
except ImportError:
    expit = None

# numpy: the rows one ufunc computes, into out (numpy arrays sharing the torch tensors' memory).
NUMPY_PEERS = {} if np is None else {
    "tanh": lambda x, o: np.tanh(x, out=o),
    "relu": lambda x, o: np.maximum(x, 0, out=o),
    "relu6": lambda x, o: np.clip(x, 0, 6, out=o),
    "hardTanh": lambda x, o: np.clip(x, -1, 1, out=o),
    "exponential": lambda x, o: np.exp(x, out=o),
    "softplus": lambda x, o: np.logaddexp(x, np.float32(0), out=o),
    **({"sigmoid": lambda x, o: expit(x, out=o)} if expit else {}),
}

aten = torch.ops.aten
functional = torch.nn.functional
RRELU_SLOPE = (1 / 8 + 1 / 3) / 2

# name -> (call(x, out), allocates): the row at its default (or example) parameters.
PEERS = {
    "identity": (lambda x, o: o.copy_(x), False),
    "relu": (lambda x, o: aten.clamp_min.out(x, 0, out=o), False),
    "relu6": (lambda x, o: aten.hardtanh.out(x, 0.0, 6.0, out=o), False),
    "leakyRelu": (lambda x, o: aten.leaky_relu.out(x, 0.01, out=o), False),
    "rrelu": (lambda x, o: aten.leaky_relu.out(x, RRELU_SLOPE, out=o), False),
    "hardTanh": (lambda x, o: aten.hardtanh.out(x, -1.0, 1.0, out=o), False),
    "hardSigmoid": (lambda x, o: aten.hardsigmoid.out(x, out=o), False),
    "hardSwish": (lambda x, o: aten.hardswish.out(x, out=o), False),
    "softShrink": (lambda x, o: aten.softshrink.out(x, 0.5, out=o), False),
    "hardShrink": (lambda x, o: aten.hardshrink.out(x, 0.5, out=o), False),
    "threshold": (lambda x, o: aten.threshold.out(x, 1.0, -2.0, out=o), False),
    "softsign": (lambda x, o: functional.softsign(x), True),
    "sigmoid": (lambda x, o: aten.sigmoid.out(x, out=o), False),
    "tanh": (lambda x, o: aten.tanh.out(x, out=o), False),
    "silu": (lambda x, o: aten.silu.out(x, out=o), False),
    "softplus": (lambda x, o: aten.softplus.out(x, 1.0, 20.0, out=o), False),
    "logSigmoid": (lambda x, o: functional.logsigmoid(x), True),
    "mish": (lambda x, o: aten.mish.out(x, out=o), False),
    "tanhShrink": (lambda x, o: functional.tanhshrink(x), True),
    "elu": (lambda x, o: aten.elu.out(x, 1.0, 1.0, 1.0, out=o), False),
    "selu": (lambda x, o: torch.selu(x), True),
    "celu": (lambda x, o: torch.celu(x), True),
    "exponential": (lambda x, o: aten.exp.out(x, out=o), False),
    "gelu": (lambda x, o: aten.gelu.out(x, approximate="none", out=o), False),
    "geluTanh": (lambda x, o: aten.gelu.out(x, approximate="tanh", out=o), False),
}


def time_batch(run, iterations):
    start = time.perf_counter_ns()
    for _ in range(iterations):
        run()
    return time.perf_counter_ns() - start


def calibrate(run):
    iterations = 1
    while True:
        elapsed = time_batch(run, iterations)
        if elapsed >= args.min_batch_ms * 1e6:
            return iterations
        iterations = int(-(-iterations * min(100, 1.2 * args.min_batch_ms * 1e6 / max(elapsed, 1)) // 1))


sizes = [int(float(size)) for size in args.sizes.split(",")]
threads = [int(t) for t in args.threads.split(",")]
generator = torch.Generator().manual_seed(20241123)
for job in json.loads(args.jobs):
    name, (low, high) = job["name"], job["range"]
    if name not in PEERS:
        report["skipped"].append(f"{name}: no PyTorch counterpart here")
        continue
    call, allocates = PEERS[name]
    for size in sizes:
        x = torch.rand(size, generator=generator, dtype=torch.float32) * (high - low) + low
        out = torch.empty(size, dtype=torch.float32)
        for count in threads:
            torch.set_num_threads(count)
            run = lambda: call(x, out)
            iterations = calibrate(run)
            samples = [time_batch(run, iterations) / (iterations * size) for _ in range(args.repetitions)]
            report["results"].append({
                "activation": name, "size": size, "threads": count, "allocates": allocates, "library": "torch",
                "median": statistics.median(samples), "min": min(samples), "max": max(samples),
            })
        if name in NUMPY_PEERS:
            numpy_call, xs, outs = NUMPY_PEERS[name], x.numpy(), out.numpy()
            run = lambda: numpy_call(xs, outs)
            iterations = calibrate(run)
            samples = [time_batch(run, iterations) / (iterations * size) for _ in range(args.repetitions)]
            report["results"].append({
                "activation": name, "size": size, "threads": 1, "allocates": False, "library": "numpy",
                "median": statistics.median(samples), "min": min(samples), "max": max(samples),
            })
        print(f"torch {name} {size}: done", file=sys.stderr, flush=True)
print(json.dumps(report))
