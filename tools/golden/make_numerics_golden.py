"""PyTorch goldens for Nabla's numerics (issue 16) and the API conveniences of issue 18.

Run from the repository root with Debian's python3-torch (1.13):

    /usr/bin/python3 tools/golden/make_numerics_golden.py

It writes src/test/resources/golden/numerics.json (read by NumericsGoldenTest), deterministically. Sections:

* "scalars": every scalar overload of Tensor (x op c, c op x, comparisons, clamp, maskedFill, add with alpha) for
  float32, float64 and int64 tensors, over scalars that ND4J's convenience methods used to change (NaN, +-inf,
  -0.0, subnormals of float32 and float64, values that overflow float32) and ordinary ones; with the gradient of
  out.sum() for the differentiable float cases. Java has one double for Python's int and float: an int64 tensor
  gets a Python int where the double is finite, integral and not -0.0 (as Nabla reads it), else a float.

A tensor is {"shape", "dtype", "data" (flat, row-major; bools as 0/1; NaN and Infinity as JSON extensions)}.
"""
import json
import math
import os

import torch

OUT = os.path.join("src", "test", "resources", "golden", "numerics.json")
GEN = torch.Generator().manual_seed(20261203)


def t(x):
    x = x.detach()
    name = str(x.dtype).replace("torch.", "")
    data = x.reshape(-1).to(torch.float64).tolist() if x.dtype != torch.bool else x.reshape(-1).int().tolist()
    return {"shape": list(x.shape), "dtype": name, "data": data, "requires_grad": False}


# ---------------------------------------------------------------- scalars

SCALARS = [float("nan"), float("inf"), float("-inf"), -0.0, 0.0, 2.0, 0.5, -3.0, 1e-310, 5e-324, 1e-40, 1e300, 3.4e38]
BINARY = {
    "add": lambda x, c: x + c, "sub": lambda x, c: x - c, "rsub": lambda x, c: c - x, "mul": lambda x, c: x * c,
    "div": lambda x, c: x / c, "rdiv": lambda x, c: c / x, "pow": lambda x, c: x ** c,
    "eq": lambda x, c: x == c, "ne": lambda x, c: x != c, "gt": lambda x, c: x > c, "ge": lambda x, c: x >= c,
    "lt": lambda x, c: x < c, "le": lambda x, c: x <= c,
    "clampMin": lambda x, c: torch.clamp(x, min=c), "clampMax": lambda x, c: torch.clamp(x, max=c),
    "maskedFill": lambda x, c: x.masked_fill(torch.tensor([True, False, True, False]), c),
    "addAlpha": lambda x, c: torch.add(x, torch.tensor([1.0, -1.0, 2.0, 0.0], dtype=x.dtype) if x.is_floating_point()
                                       else torch.tensor([1, -1, 2, 0]), alpha=c),
}
DIFFERENTIABLE = {"add", "sub", "rsub", "mul", "div", "rdiv", "pow", "clampMin", "clampMax", "addAlpha"}


def as_python(c, dtype):
    """The Python scalar Nabla reads a double as, next to a tensor of this dtype."""
    if not dtype.is_floating_point and math.isfinite(c) and c == int(c) and math.copysign(1, c) > 0:
        return int(c)
    if not dtype.is_floating_point and math.isfinite(c) and c == int(c) and c != 0:
        return int(c)
    return c


def scalar_cases():
    cases = []
    for dtype in (torch.float32, torch.float64, torch.int64):
        x0 = torch.tensor([1.5, -2.0, 0.0, 4.0], dtype=dtype) if dtype.is_floating_point else torch.tensor([3, -2, 0, 4])
        for op, fn in BINARY.items():
            for c in SCALARS:
                pc = as_python(c, dtype)
                if not dtype.is_floating_point and isinstance(pc, int) and abs(pc) > 2 ** 62:
                    continue   # overflows int64: refused by PyTorch, and not a scalar Nabla takes as an int
                if not dtype.is_floating_point and (op, c) in (("clampMin", -math.inf), ("clampMax", math.inf)):
                    continue   # Nabla's "no bound" (PyTorch's None), which keeps an int64 tensor int64
                x = x0.clone().requires_grad_(dtype.is_floating_point and op in DIFFERENTIABLE)
                try:
                    out = fn(x, pc)
                except RuntimeError as e:
                    cases.append({"op": op, "scalar": c, "input": t(x0), "error": str(e).split("\n")[0]})
                    continue
                case = {"op": op, "scalar": c, "input": t(x0), "out": t(out)}
                if x.requires_grad:
                    out.sum().backward()
                    case["grad"] = t(x.grad)
                cases.append(case)
    return cases


# ---------------------------------------------------------------- in-place forms

INPLACE = {
    "neg_": lambda b: b.neg_(), "exp_": lambda b: b.exp_(), "log_": lambda b: b.abs_().log_(), "sqrt_": lambda b: b.abs_().sqrt_(),
    "abs_": lambda b: b.abs_(), "sign_": lambda b: b.sign_(), "sin_": lambda b: b.sin_(), "cos_": lambda b: b.cos_(),
    "tanh_": lambda b: b.tanh_(), "sigmoid_": lambda b: b.sigmoid_(), "relu_": lambda b: b.relu_(),
    "pow_": lambda b: b.pow_(3.0), "clamp_": lambda b: b.clamp_(-0.5, 0.7),
    "transpose_": lambda b: b.transpose_(0, 1), "t_": lambda b: b.t_(), "squeeze_": lambda b: b.unsqueeze_(0).squeeze_(),
    "unsqueeze_": lambda b: b.unsqueeze_(1), "transpose_ then exp_": lambda b: b.transpose_(1, 0).exp_(),
}


def inplace_cases():
    """b = a * 1 (a non-leaf), then the in-place op on b: b's values and the gradient of sum(b * w) for a."""
    cases = []
    for op, fn in INPLACE.items():
        a = torch.randn(3, 4, generator=GEN, dtype=torch.float64).requires_grad_(True)
        b = a * 1.0
        out = fn(b)
        assert out is b
        w = torch.randn(b.shape, generator=GEN, dtype=torch.float64)
        (b * w).sum().backward()
        cases.append({"op": op, "input": t(a), "out": t(b), "w": t(w), "grad": t(a.grad), "version": b._version})
    return cases


if __name__ == "__main__":
    doc = {"torch": torch.__version__, "scalars": scalar_cases(), "inplace": inplace_cases()}
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", OUT, {k: len(v) for k, v in doc.items() if isinstance(v, list)})
