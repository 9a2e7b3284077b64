"""PyTorch goldens for cross-entropy with class-probability targets (PyTorch >= 1.10: a float target of the input's
shape [N, C] or [N, C, d1, ...]), with label smoothing, class weights and the three reductions. Run from the
repository root with Debian's python3-torch (1.13):

    /usr/bin/python3 tools/golden/make_cross_entropy_golden.py

It writes src/test/resources/golden/cross_entropy.json: "cases", each with "args" (reduction, label_smoothing, and
a "weight" tensor or null), the "inputs" (logits, target), the "out"put, a weight "w" of the output's shape, and the
gradients of sum(out * w) with respect to the logits and the target ("grads"; both require grad). A tensor is
{"shape", "dtype", "data"}. CrossEntropyProbTargetTest runs each through F.crossEntropy and CrossEntropyLoss.
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join("src", "test", "resources", "golden", "cross_entropy.json")
GEN = torch.Generator().manual_seed(20261218)
F64, F32 = torch.float64, torch.float32


def randn(*shape, dtype=F64):
    return torch.randn(tuple(shape), generator=GEN, dtype=F64).to(dtype)


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": t.reshape(-1).tolist()}


def probs(shape, dtype=F64):
    """Random class probabilities along dim 1 (dim 0 for a 1-d shape)."""
    return torch.softmax(randn(*shape) * 2, dim=1 if len(shape) > 1 else 0).to(dtype)


cases = []


def case(name, shape, reduction="mean", smoothing=0.0, weighted=False, dtype=F64, target_dtype=None, target=None):
    logits = (randn(*shape) * 1.5).to(dtype).requires_grad_()
    t = (probs(shape, target_dtype or dtype) if target is None else target.to(target_dtype or dtype).clone()).requires_grad_()
    c = shape[1] if len(shape) > 1 else shape[0]
    weight = (torch.rand(c, generator=GEN, dtype=F64) + 0.5).to(dtype) if weighted else None
    out = F.cross_entropy(logits, t, weight=weight, reduction=reduction, label_smoothing=smoothing)
    w = randn(*out.shape, dtype=out.dtype)
    (out * w).sum().backward()
    cases.append({"name": name, "args": {"reduction": reduction, "label_smoothing": smoothing,
                                         "weight": enc(weight) if weighted else None},
                  "inputs": {"logits": enc(logits), "target": enc(t)}, "out": enc(out), "w": enc(w),
                  "grads": {"logits": enc(logits.grad), "target": enc(t.grad)}})


for reduction in ("mean", "sum", "none"):
    case(f"[5, 4] {reduction}", (5, 4), reduction)
    case(f"[5, 4] {reduction} weighted", (5, 4), reduction, weighted=True)
    case(f"[5, 4] {reduction} label smoothing 0.2", (5, 4), reduction, smoothing=0.2)
    case(f"[5, 4] {reduction} weighted, label smoothing 0.1", (5, 4), reduction, smoothing=0.1, weighted=True)
    case(f"[3, 4, 2, 3] {reduction}", (3, 4, 2, 3), reduction)
    case(f"[3, 4, 2, 3] {reduction} weighted, label smoothing 0.3", (3, 4, 2, 3), reduction, smoothing=0.3, weighted=True)
    case(f"[2, 3, 5] {reduction} weighted", (2, 3, 5), reduction, weighted=True)
    case(f"[6] (one sample) {reduction}", (6,), reduction, smoothing=0.1)
    case(f"[4, 3] float32 {reduction} weighted, label smoothing 0.1", (4, 3), reduction, smoothing=0.1, weighted=True, dtype=F32)
one_hot = torch.nn.functional.one_hot(torch.tensor([2, 0, 1, 2, 3]), 4).double()
case("[5, 4] one-hot float target equals class indices", (5, 4), target=one_hot)
case("[5, 4] one-hot float target, label smoothing 0.25", (5, 4), smoothing=0.25, target=one_hot)
case("[5, 4] unnormalised target", (5, 4), target=torch.rand(5, 4, generator=GEN, dtype=F64) * 3)
case("[4, 3] float32 logits, float64 target", (4, 3), dtype=F32, target_dtype=F64)
case("[4, 3] float64 logits, float32 target, sum", (4, 3), "sum", dtype=F64, target_dtype=F32)

with open(OUT, "w") as f:
    f.write('{"torch":' + json.dumps(torch.__version__) + ',"cases":[\n'
            + ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases) + "\n]}\n")
print(f"{len(cases)} cases -> {OUT}")
