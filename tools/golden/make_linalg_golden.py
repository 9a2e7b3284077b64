"""PyTorch goldens for Nabla's linear algebra (inverse, det, solve, lstsq, eigh).

Run from the repository root with Debian's python3-torch (1.13):

    /usr/bin/python3 tools/golden/make_linalg_golden.py

It writes src/test/resources/golden/linalg.json: for each case the float64 inputs, the output of
``op(*inputs)``, a weight ``w`` of the output's shape and the gradients of ``sum(op(*inputs) * w)``
with respect to every input. LinalgTest maps each ``op`` name to the same Nabla expression.
Eigenvectors are only defined up to sign, so the eigh cases use sign-invariant outputs (V * V,
V diag(c) V^T); the eigenvectors themselves are compared up to sign in the test.
"""
import json
import os

import torch

torch.manual_seed(20240607)
D = torch.float64


def well_conditioned(*shape):
    n = shape[-1]
    return torch.randn(*shape, dtype=D) + 3 * torch.eye(n, dtype=D)


def symmetric(*shape):
    a = torch.randn(*shape, dtype=D)
    return a + a.transpose(-2, -1)


def eigh_reconstruct(a):
    """V diag(1..n) V^T: invariant to the eigenvectors' signs, and independent of the eigenvalues."""
    v = torch.linalg.eigh(a).eigenvectors
    return (v * torch.arange(1, v.shape[-1] + 1, dtype=D)) @ v.transpose(-2, -1)


OPS = {
    "inverse": lambda a: torch.linalg.inv(a),
    "det": lambda a: torch.det(a),
    "solve": lambda a, b: torch.linalg.solve(a, b),
    # driver gels (QR, as the course's torch.gels): the default gelsy differs in the last bit from run to run
    "lstsq": lambda a, b: torch.linalg.lstsq(a, b, driver="gels").solution,
    # torch 1.13 has no backward for a 1-d B; Nabla's a.lstsq(b) treats it as one column
    "lstsq_vector": lambda a, b: torch.linalg.lstsq(a, b.unsqueeze(-1), driver="gels").solution.squeeze(-1),
    "eigh_values": lambda a: torch.linalg.eigh(a).eigenvalues,
    "eigh_vectors_squared": lambda a: torch.linalg.eigh(a).eigenvectors ** 2,
    "eigh_reconstruct": lambda a: eigh_reconstruct(a),
}


def t(x):
    return {"shape": list(x.shape), "data": x.detach().reshape(-1).tolist()}


def case(name, op, *inputs):
    inputs = [x.detach().clone().requires_grad_(True) for x in inputs]
    out = OPS[op](*inputs)
    w = torch.randn(out.shape, dtype=D)
    (out * w).sum().backward()
    return {"name": name, "op": op, "inputs": [t(x) for x in inputs], "out": t(out), "w": t(w),
            "grads": [t(x.grad) for x in inputs]}


cases = [
    case("inverse 4x4", "inverse", well_conditioned(4, 4)),
    case("inverse batched 2x3x3", "inverse", well_conditioned(2, 3, 3)),
    case("det 3x3", "det", torch.randn(3, 3, dtype=D)),
    case("det 1x1", "det", torch.randn(1, 1, dtype=D)),
    case("det batched 2x2x3x3", "det", torch.randn(2, 2, 3, 3, dtype=D)),
    # no singular det case: torch 1.13 returns a zero gradient there, while the true gradient is
    # the (nonzero) cofactor matrix; LinalgTest checks that one against finite differences
    case("solve matrix B", "solve", well_conditioned(4, 4), torch.randn(4, 2, dtype=D)),
    case("solve vector b", "solve", well_conditioned(3, 3), torch.randn(3, dtype=D)),
    case("solve batched", "solve", well_conditioned(2, 3, 3), torch.randn(2, 3, 2, dtype=D)),
    case("solve broadcast A", "solve", well_conditioned(3, 3), torch.randn(2, 3, 2, dtype=D)),
    case("lstsq 6x3 matrix B", "lstsq", torch.randn(6, 3, dtype=D), torch.randn(6, 2, dtype=D)),
    case("lstsq 5x2 vector b", "lstsq_vector", torch.randn(5, 2, dtype=D), torch.randn(5, dtype=D)),
    case("lstsq square", "lstsq", well_conditioned(3, 3), torch.randn(3, 1, dtype=D)),
    case("eigh values 4x4", "eigh_values", symmetric(4, 4)),
    case("eigh vectors squared 4x4", "eigh_vectors_squared", symmetric(4, 4)),
    case("eigh reconstruct 3x3", "eigh_reconstruct", symmetric(3, 3)),
    case("eigh values batched 2x3x3", "eigh_values", symmetric(2, 3, 3)),
    case("eigh vectors squared batched 2x3x3", "eigh_vectors_squared", symmetric(2, 3, 3)),
]

# eigh reads only the lower triangle (UPLO='L'); eigenvectors compared up to sign
a = torch.randn(4, 4, dtype=D)
lower = torch.linalg.eigh(a)
eigh_lower = {"input": t(a), "eigenvalues": t(lower.eigenvalues), "eigenvectors": t(lower.eigenvectors)}

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
path = os.path.join(root, "src", "test", "resources", "golden", "linalg.json")
with open(path, "w") as f:
    json.dump({"generator": "tools/golden/make_linalg_golden.py", "torch": torch.__version__,
               "cases": cases, "eigh_lower": eigh_lower}, f)
    f.write("\n")
print("wrote", os.path.normpath(path), len(cases), "cases")
