"""PyTorch goldens for the fused cross-entropy kernel (dev.nabla.layers.kernels CrossEntropyFunction) at the sizes
where it splits rows over threads and chunks rows of many classes: [N, C] logits with odd N and C (a vocabulary of
1,000 classes, a single class, single rows) and ignored targets. Run from the repository root with Debian's torch:

    /usr/bin/python3 tools/golden/make_cross_entropy_kernel_golden.py

It writes src/test/resources/golden/cross_entropy_kernel.json: "cases", each with the float64 "logits", "target",
"ignore_index", the mean "loss" and the gradient of loss·w with respect to the logits ("grad", w a scalar).
CrossEntropyKernelTest runs each in float32 and float64, on contiguous and transposed-storage logits.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261203)
D = torch.float64
OUT = os.path.join("src", "test", "resources", "golden", "cross_entropy_kernel.json")


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "data": x.reshape(-1).double().tolist()}


cases = []


def case(name, n, c, ignore=-100, ignored=0, scale=3.0):
    logits = (scale * torch.randn(n, c, dtype=D)).requires_grad_(True)
    target = torch.randint(0, c, (n,))
    if ignored:
        target[torch.randperm(n)[:ignored]] = ignore
    w = float(torch.randn(()).item())
    loss = F.cross_entropy(logits, target, ignore_index=ignore)
    (loss * w).backward()
    cases.append({"name": name, "logits": t(logits), "target": target.tolist(), "ignore_index": ignore, "w": w,
                  "loss": loss.item(), "grad": t(logits.grad)})


case("vocabulary 1000, 37 rows", 37, 1000)
case("odd classes, ignored targets", 129, 37, ignore=-100, ignored=11)
case("ignore index a class", 65, 7, ignore=3, ignored=9)
case("one class", 9, 1)
case("one row", 1, 13)
case("large logits", 17, 11, scale=200.0)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "tools/golden/make_cross_entropy_kernel_golden.py", "torch": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {OUT}")
