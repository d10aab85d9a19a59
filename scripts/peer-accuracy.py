#!/usr/bin/env python3
"""PyTorch's float32 activation kernels against float64 references, in ULP: the accuracy a peer
gives for its speed, beside kindling's own budgets in docs/numerics.md.

    /usr/bin/python3 scripts/peer-accuracy.py [--points 2000001]

Needs Debian's python3-torch, python3-numpy and python3-scipy (dev tools; no test depends on
them). The references are float64 formulas that avoid cancellation (erfc for gelu's negative
side, expit, logaddexp), so their own error is far below a float32 ULP. Inputs are an even grid
over [-20, 20]; points whose true value is below the smallest normal float32 are left out, since
a ULP there means little.
"""
import argparse
import math

import numpy as np
import torch
from scipy.special import erfc, expit

parser = argparse.ArgumentParser()
parser.add_argument("--points", type=int, default=2_000_001)
args = parser.parse_args()
torch.set_num_threads(1)

x = np.linspace(-20, 20, args.points).astype(np.float32)
x64 = x.astype(np.float64)
t = torch.from_numpy(x)
F = torch.nn.functional
softplus64 = np.logaddexp(0, x64)

# name: (PyTorch's float32 result, float64 reference)
cases = {
    "tanh": (torch.tanh(t), np.tanh(x64)),
    "sigmoid": (torch.sigmoid(t), expit(x64)),
    "silu": (F.silu(t), x64 * expit(x64)),
    "gelu (exact)": (F.gelu(t), 0.5 * x64 * erfc(-x64 / math.sqrt(2))),
    "gelu (tanh)": (F.gelu(t, approximate="tanh"), 0.5 * x64 * (1 + np.tanh(math.sqrt(2 / math.pi) * (x64 + 0.044715 * x64**3)))),
    "elu": (F.elu(t), np.where(x64 > 0, x64, np.expm1(x64))),
    "softplus": (F.softplus(t), np.where(x64 > 20, x64, softplus64)),
    "mish": (F.mish(t), x64 * np.tanh(softplus64)),
}

tiny = np.finfo(np.float32).tiny
print(f"PyTorch {torch.__version__}, float32, 1 thread, {args.points} points in [-20, 20]")
print()
print("| activation | worst error (ULP) | at x | PyTorch there | true value |")
print("| --- | --: | --: | --: | --: |")
for name, (result, reference) in cases.items():
    got = result.numpy().astype(np.float64)
    keep = np.abs(reference) >= tiny
    spacing = np.spacing(np.abs(reference[keep]).astype(np.float32)).astype(np.float64)
    errors = np.abs(got[keep] - reference[keep]) / spacing
    worst = int(np.argmax(errors))
    print(f"| {name} | {errors[worst]:.3g} | {x[keep][worst]:.6g} | {got[keep][worst]:.6g} | {reference[keep][worst]:.6g} |")
