"""PyTorch goldens for the fused kernels of dev.nabla.layers.kernels (batch norm, layer norm, softmax, log-softmax,
GELU), forward and every gradient, on odd shapes: sizes that are not multiples of a vector width, one-element channels and rows. (KernelGoldenTest also
runs every case with the kernels' chunk set to a few elements, so that planes and rows longer than a chunk are covered
without large files.) Run from the repository root with Debian's torch:

    /usr/bin/python3 tools/golden/make_kernels_golden.py

It writes src/test/resources/golden/kernels.json: "cases", each with its "op" and "args", the float64 "inputs" (by
name), a weight "w" of the output's shape, the "out"put, the gradients of sum(out * w) with respect to every input
("grads"), and for batch norm in training the running statistics after the forward ("running_after").
KernelGoldenTest runs each in float32 and float64 against these, with contiguous and non-contiguous inputs.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261203)
D = torch.float64
OUT = os.path.join("src", "test", "resources", "golden", "kernels.json")


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "data": x.reshape(-1).double().tolist()}


def finish(case, out, inputs):
    w = torch.randn(out.shape, dtype=D)
    (out * w).sum().backward()
    case["out"] = t(out)
    case["w"] = t(w)
    case["grads"] = {k: t(v.grad) for k, v in inputs.items() if v.requires_grad}
    case["inputs"] = {k: t(v) for k, v in inputs.items()}
    return case


def leaf(*shape, scale=1.0, shift=0.0):
    return (shift + scale * torch.randn(*shape, dtype=D)).requires_grad_(True)


cases = []


def batch_norm(shape, training, affine=True, momentum=0.1, eps=1e-5, scale=2.0, shift=3.0):
    c = shape[1]
    x = leaf(*shape, scale=scale, shift=shift)   # an offset mean: the statistics must not cancel
    inputs = {"x": x}
    if affine:
        inputs["weight"] = leaf(c, scale=0.5, shift=1.0)
        inputs["bias"] = leaf(c)
    rm = torch.randn(c, dtype=D)
    rv = 0.5 + torch.rand(c, dtype=D)
    case = {"op": "batch_norm", "args": {"training": training, "momentum": momentum, "eps": eps},
            "running": {"mean": t(rm), "var": t(rv)}}
    out = F.batch_norm(x, rm, rv, inputs.get("weight"), inputs.get("bias"), training, momentum, eps)
    case["running_after"] = {"mean": t(rm), "var": t(rv)}
    cases.append(finish(case, out, inputs))


for shape in [(5, 3, 7, 9), (4, 1, 5), (6, 4), (2, 5, 3, 1, 3)]:
    batch_norm(shape, True)
batch_norm((5, 3, 7, 9), True, affine=False, momentum=0.3, eps=1e-3)
batch_norm((5, 3, 7, 9), False)
batch_norm((6, 4), False, affine=False)


def layer_norm(shape, normalized, affine=True, eps=1e-5, scale=1.5, shift=-2.0):
    x = leaf(*shape, scale=scale, shift=shift)
    inputs = {"x": x}
    if affine:
        inputs["weight"] = leaf(*normalized, scale=0.5, shift=1.0)
        inputs["bias"] = leaf(*normalized)
    out = F.layer_norm(x, normalized, inputs.get("weight"), inputs.get("bias"), eps)
    cases.append(finish({"op": "layer_norm", "args": {"normalized_shape": list(normalized), "eps": eps}}, out, inputs))


layer_norm((3, 5, 7), (7,))
layer_norm((3, 5, 7), (5, 7))
layer_norm((4, 1), (1,))
layer_norm((2, 2, 3, 11), (3, 11))
layer_norm((3, 5, 7), (7,), affine=False, eps=1e-3)

for op in ["softmax", "log_softmax"]:
    for shape, dim in [((3, 5, 7), -1), ((3, 5, 7), 1), ((3, 5, 7), 0), ((2, 3, 4, 5), 2), ((4, 1), 1), ((9,), 0), ((2, 33, 7), 1)]:
        x = leaf(*shape, scale=3.0)
        out = getattr(F, op)(x, dim)
        cases.append(finish({"op": op, "args": {"dim": dim}}, out, {"x": x}))

for approximate in ["none", "tanh"]:
    for shape in [(4, 37), (2, 3, 5)]:
        x = leaf(*shape, scale=3.0)
        out = F.gelu(x, approximate=approximate)
        cases.append(finish({"op": "gelu", "args": {"approximate": approximate}}, out, {"x": x}))

# issue 17: the float32 kernels' paths (LayerNormF32, BatchNormF32): many sample blocks (their float lanes fold into
# double every 32 blocks, with KernelGoldenTest's chunk of 5), H = W = 1, one channel, N = 1 in eval, rows longer
# than a float block of 512, sizes off the vector width, a mean far from zero
torch.manual_seed(17)
batch_norm((40, 3, 5), True)
batch_norm((6, 5, 17), True, momentum=0.5)
batch_norm((4, 3, 1, 1), True)
batch_norm((3, 1, 6, 5), True, affine=False)
batch_norm((7, 2, 3, 3), True, scale=0.5, shift=20.0)
batch_norm((1, 3, 2, 2), False)
batch_norm((1, 1, 5), False, affine=False)
layer_norm((3, 37), (37,))
layer_norm((2, 600), (600,))
layer_norm((5, 3), (3,), affine=False)
layer_norm((2, 3, 1), (3, 1))
layer_norm((4, 9, 19), (19,), scale=0.5, shift=20.0)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {OUT}")
