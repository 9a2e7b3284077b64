"""PyTorch goldens for batched matmul read in place through strides (dev.nabla.api BatchedGemm): each operand is
stored in one shape and multiplied as a permuted view of it (attention's heads [N, L, H, d] seen as [N, H, L, d], a
key transposed to [..., d, S], column-major matrices), or broadcast over batch dimensions (stride 0), on odd sizes.
Run from the repository root with Debian's torch:

    /usr/bin/python3 tools/golden/make_matmul_golden.py

It writes src/test/resources/golden/matmul.json: "cases", each with the float64 "a" and "b" as stored, the
permutation of each ("pa", "pb") applied before torch.matmul, a weight "w" of the output's shape, the "out"put and
the gradients of sum(out * w) with respect to the stored a and b. BatchedGemmGoldenTest runs each in float32 and
float64.
"""
import json
import os

import torch

torch.manual_seed(20261203)
D = torch.float64
OUT = os.path.join("src", "test", "resources", "golden", "matmul.json")


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "data": x.reshape(-1).double().tolist()}


cases = []


def case(name, a_shape, pa, b_shape, pb):
    a = torch.randn(*a_shape, dtype=D).requires_grad_(True)
    b = torch.randn(*b_shape, dtype=D).requires_grad_(True)
    out = torch.matmul(a.permute(*pa), b.permute(*pb))
    w = torch.randn(out.shape, dtype=D)
    (out * w).sum().backward()
    cases.append({"name": name, "a": t(a), "pa": list(pa), "b": t(b), "pb": list(pb), "w": t(w), "out": t(out),
                  "grad_a": t(a.grad), "grad_b": t(b.grad)})


# attention's q·kᵀ and weights·v on heads of a [N, L, H, d] buffer: q, k as [N, H, L, d] views, k transposed
case("heads q.kT", (2, 5, 3, 4), (0, 2, 1, 3), (2, 7, 3, 4), (0, 2, 3, 1))
case("heads weights.v", (2, 3, 5, 7), (0, 1, 2, 3), (2, 7, 3, 4), (0, 2, 1, 3))
# contiguous 3-d and 4-d, odd sizes
case("contiguous 3d", (3, 5, 7), (0, 1, 2), (3, 7, 2), (0, 1, 2))
case("contiguous 4d", (2, 3, 1, 6), (0, 1, 2, 3), (2, 3, 6, 5), (0, 1, 2, 3))
# column-major matrices: the last two dims swapped in storage
case("column-major a", (3, 7, 5), (0, 2, 1), (3, 7, 4), (0, 1, 2))
case("column-major both", (2, 6, 3), (0, 2, 1), (2, 5, 6), (0, 2, 1))
# batch dims permuted (a batch stride smaller than a matrix stride)
case("batch dims permuted", (5, 2, 3, 4), (1, 2, 0, 3), (2, 3, 4, 6), (0, 1, 2, 3))
# broadcast batch: [2, 1, 3, 4] · [5, 4, 2], and a matrix against a batch
case("broadcast batch", (2, 1, 3, 4), (0, 1, 2, 3), (5, 4, 2), (0, 1, 2))
case("batch times matrix", (4, 3, 5), (0, 1, 2), (5, 6), (0, 1))
case("matrix times batch", (3, 5), (1, 0), (4, 3, 2), (0, 1, 2))
# one-row and one-column matrices
case("vector rows", (4, 1, 6), (0, 1, 2), (4, 6, 1), (0, 1, 2))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "tools/golden/make_matmul_golden.py", "torch": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {OUT}")
