"""PyTorch goldens for Nabla's layers and losses, and a PyTorch-written safetensors checkpoint.

Run from the repository root with Debian's python3-torch (1.13):

    /usr/bin/python3 tools/golden/make_layers_golden.py

It writes, deterministically (fixed seed, float64):

* src/test/resources/golden/layers.json with
  - "cases": for each layer or loss, its "op" and constructor "args", the "extras" (loss weights),
    the state dict loaded into it ("state"), whether it runs in training mode ("train"), the inputs,
    the output, a weight ``w`` of the output's shape, the gradients of ``sum(out * w)`` with respect
    to the floating-point inputs and every parameter ("grads"), and the state dict after the forward
    ("state_after": BatchNorm's updated running statistics). GoldenLayersTest builds the same layer
    in Nabla from "op" and "args", loads "state" with loadStateDict, and compares everything.
  - "reprs": str(module) for a few modules, compared with Nabla's Module.repr().
  - "mlp_bn": the input and PyTorch's eval-mode output of the checkpoint below.
* src/test/resources/golden/mlp_bn.safetensors: the float32 state dict of
  nn.Sequential(nn.Linear(6, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 3)) after one
  training-mode forward (non-trivial running statistics, num_batches_tracked = 1), written by
  ``write_safetensors`` below from the format's spec (the safetensors package is not in Debian).

The reverse direction (a file written by Nabla read by PyTorch) can be checked by hand with
``read_safetensors`` below, e.g. ``read_safetensors("model.safetensors")`` then
``model.load_state_dict(...)``; the test suite only checks Nabla's own round trip.
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(20240611)
D = torch.float64
OUT = os.path.join("src", "test", "resources", "golden")


def t(x):
    x = x.detach()
    dtype = "int64" if x.dtype == torch.int64 else "float64"
    return {"shape": list(x.shape), "dtype": dtype, "data": x.reshape(-1).double().tolist()}


def randomise(module):
    """Random weights and biases (BatchNorm's and LayerNorm's are ones and zeros by default)."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("weight") and isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm)):
                p.copy_(1 + 0.5 * torch.randn_like(p))
            elif name.endswith("bias") and isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm)):
                p.copy_(torch.randn_like(p))


def layer_case(name, op, args, module, x, train=False, stats=False):
    """stats: random running statistics before the forward (for eval mode)."""
    module = module.double()
    randomise(module)
    if stats:
        with torch.no_grad():
            module.running_mean.copy_(torch.randn_like(module.running_mean))
            module.running_var.copy_(0.5 + torch.rand_like(module.running_var))
            module.num_batches_tracked.fill_(3)
    state = {k: t(v) for k, v in module.state_dict().items()}
    module.train(train)
    if x.is_floating_point():
        x = x.detach().clone().double().requires_grad_(True)
    out = module(x)
    w = torch.randn(out.shape, dtype=D)
    (out * w).sum().backward()
    grads = {}
    if x.is_floating_point():
        grads["input"] = t(x.grad)
    for k, p in module.named_parameters():
        grads[k] = t(p.grad if p.grad is not None else torch.zeros_like(p))
    return {"name": name, "op": op, "args": args, "extras": {}, "state": state, "train": train, "inputs": [t(x)],
            "out": t(out), "w": t(w), "grads": grads, "state_after": {k: t(v) for k, v in module.state_dict().items()}}


def loss_case(name, op, args, fn, x, y, extras=None):
    x = x.detach().clone().double().requires_grad_(True)
    out = fn(x, y)
    w = torch.randn(out.shape, dtype=D)
    (out * w).sum().backward()
    return {"name": name, "op": op, "args": args, "extras": {k: t(v) for k, v in (extras or {}).items()}, "state": {},
            "train": True, "inputs": [t(x), t(y)], "out": t(out), "w": t(w), "grads": {"input": t(x.grad)}, "state_after": {}}


def hinge(reduction):
    def fn(f, y):
        l = torch.clamp(1 - y * f, min=0)
        return {"mean": l.mean(), "sum": l.sum(), "none": l}[reduction]
    return fn


def randn(*s):
    return torch.randn(*s, dtype=D)


cases = []
L = cases.append

# ---------------------------------------------------------------- layers
L(layer_case("Linear 5->3", "Linear", {"in": 5, "out": 3, "bias": True}, nn.Linear(5, 3), randn(4, 5)))
L(layer_case("Linear 5->3 no bias", "Linear", {"in": 5, "out": 3, "bias": False}, nn.Linear(5, 3, bias=False), randn(4, 5)))
L(layer_case("Linear 3-d input", "Linear", {"in": 4, "out": 2, "bias": True}, nn.Linear(4, 2), randn(2, 3, 4)))
L(layer_case("ReLU", "ReLU", {}, nn.ReLU(), randn(3, 4)))
L(layer_case("LeakyReLU default", "LeakyReLU", {"negative_slope": 0.01}, nn.LeakyReLU(), randn(3, 4)))
L(layer_case("LeakyReLU 0.2", "LeakyReLU", {"negative_slope": 0.2}, nn.LeakyReLU(0.2), randn(3, 4)))
L(layer_case("ELU default", "ELU", {"alpha": 1.0}, nn.ELU(), randn(3, 4)))
L(layer_case("ELU 0.5", "ELU", {"alpha": 0.5}, nn.ELU(0.5), randn(3, 4)))
L(layer_case("GELU", "GELU", {}, nn.GELU(), 2 * randn(3, 4)))
L(layer_case("Tanh", "Tanh", {}, nn.Tanh(), randn(3, 4)))
L(layer_case("Sigmoid", "Sigmoid", {}, nn.Sigmoid(), randn(3, 4)))
L(layer_case("Softplus default", "Softplus", {"beta": 1.0, "threshold": 20.0}, nn.Softplus(), 3 * randn(3, 4)))
L(layer_case("Softplus beta 2 threshold 1", "Softplus", {"beta": 2.0, "threshold": 1.0}, nn.Softplus(2.0, 1.0), randn(3, 4)))
L(layer_case("Softmax dim 1", "Softmax", {"dim": 1}, nn.Softmax(dim=1), randn(3, 4)))
L(layer_case("Softmax dim -1 3-d", "Softmax", {"dim": -1}, nn.Softmax(dim=-1), randn(2, 3, 4)))
L(layer_case("LogSoftmax dim 1", "LogSoftmax", {"dim": 1}, nn.LogSoftmax(dim=1), randn(3, 4)))
L(layer_case("LogSoftmax dim 0", "LogSoftmax", {"dim": 0}, nn.LogSoftmax(dim=0), randn(3, 4)))
L(layer_case("Identity", "Identity", {}, nn.Identity(), randn(3, 4)))
L(layer_case("Dropout eval", "Dropout", {"p": 0.5}, nn.Dropout(0.5), randn(3, 4), train=False))
L(layer_case("Dropout2d eval", "Dropout2d", {"p": 0.3}, nn.Dropout2d(0.3), randn(2, 3, 2, 2), train=False))
L(layer_case("Flatten default", "Flatten", {"start_dim": 1, "end_dim": -1}, nn.Flatten(), randn(2, 3, 2, 2)))
L(layer_case("Flatten 0..1", "Flatten", {"start_dim": 0, "end_dim": 1}, nn.Flatten(0, 1), randn(2, 3, 4)))
L(layer_case("Unflatten", "Unflatten", {"dim": 1, "sizes": [2, 3]}, nn.Unflatten(1, (2, 3)), randn(4, 6)))
L(layer_case("BatchNorm1d train [N, C]", "BatchNorm1d", {"num_features": 4}, nn.BatchNorm1d(4), randn(6, 4) * 2 + 1, train=True))
L(layer_case("BatchNorm1d train [N, C, L]", "BatchNorm1d", {"num_features": 3}, nn.BatchNorm1d(3), randn(4, 3, 5), train=True,
             stats=True))
L(layer_case("BatchNorm1d train momentum 0.3 eps 1e-3", "BatchNorm1d", {"num_features": 4, "momentum": 0.3, "eps": 1e-3},
             nn.BatchNorm1d(4, eps=1e-3, momentum=0.3), randn(5, 4), train=True, stats=True))
L(layer_case("BatchNorm1d train momentum None (cumulative average)", "BatchNorm1d", {"num_features": 4, "momentum": None},
             nn.BatchNorm1d(4, momentum=None), randn(5, 4), train=True, stats=True))
L(layer_case("BatchNorm1d train no affine", "BatchNorm1d", {"num_features": 4, "affine": False},
             nn.BatchNorm1d(4, affine=False), randn(5, 4), train=True))
L(layer_case("BatchNorm1d eval", "BatchNorm1d", {"num_features": 4}, nn.BatchNorm1d(4), randn(6, 4), train=False, stats=True))
L(layer_case("BatchNorm1d eval [N, C, L]", "BatchNorm1d", {"num_features": 3}, nn.BatchNorm1d(3), randn(2, 3, 5), train=False,
             stats=True))
L(layer_case("BatchNorm1d eval no running stats", "BatchNorm1d", {"num_features": 4, "track_running_stats": False},
             nn.BatchNorm1d(4, track_running_stats=False), randn(6, 4), train=False))
L(layer_case("BatchNorm2d train", "BatchNorm2d", {"num_features": 3}, nn.BatchNorm2d(3), randn(2, 3, 4, 5) * 3 - 1, train=True,
             stats=True))
L(layer_case("BatchNorm2d eval", "BatchNorm2d", {"num_features": 3}, nn.BatchNorm2d(3), randn(2, 3, 4, 5), train=False, stats=True))
L(layer_case("LayerNorm (4,)", "LayerNorm", {"shape": [4]}, nn.LayerNorm(4), randn(2, 3, 4) * 2 + 1))
L(layer_case("LayerNorm (3, 4)", "LayerNorm", {"shape": [3, 4]}, nn.LayerNorm((3, 4)), randn(2, 3, 4)))
L(layer_case("LayerNorm no affine eps 1e-3", "LayerNorm", {"shape": [5], "eps": 1e-3, "elementwise_affine": False},
             nn.LayerNorm(5, eps=1e-3, elementwise_affine=False), randn(3, 5)))
L(layer_case("Embedding", "Embedding", {"num": 10, "dim": 3}, nn.Embedding(10, 3), torch.tensor([[1, 2, 4, 5], [4, 3, 2, 9]])))
L(layer_case("Embedding 0-d and 1-d", "Embedding", {"num": 4, "dim": 2}, nn.Embedding(4, 2), torch.tensor([3, 3, 0, 3])))
L(layer_case("Embedding padding_idx 0", "Embedding", {"num": 6, "dim": 4, "padding_idx": 0}, nn.Embedding(6, 4, padding_idx=0),
             torch.tensor([[0, 2, 0], [5, 2, 1]])))

# ---------------------------------------------------------------- losses
x, y = randn(4, 3), randn(4, 3)
for r in ["mean", "sum", "none"]:
    L(loss_case("MSELoss " + r, "MSELoss", {"reduction": r}, nn.MSELoss(reduction=r), x, y))
    L(loss_case("L1Loss " + r, "L1Loss", {"reduction": r}, nn.L1Loss(reduction=r), x, y))
    L(loss_case("SmoothL1Loss " + r, "SmoothL1Loss", {"reduction": r, "beta": 1.0}, nn.SmoothL1Loss(reduction=r), x, y))
L(loss_case("SmoothL1Loss beta 0.5", "SmoothL1Loss", {"reduction": "mean", "beta": 0.5}, nn.SmoothL1Loss(beta=0.5), x, y))
L(loss_case("SmoothL1Loss beta 2 sum", "SmoothL1Loss", {"reduction": "sum", "beta": 2.0}, nn.SmoothL1Loss(reduction="sum", beta=2.0),
            x, y))

logits = randn(6, 4)
target = torch.tensor([0, 3, 1, 1, 2, 3])
target_ign = torch.tensor([0, 3, -100, 1, 2, -100])
target_ign2 = torch.tensor([0, 3, 2, 1, 2, 2])
cw = torch.tensor([0.5, 2.0, 1.0, 1.5], dtype=D)
for r in ["mean", "sum", "none"]:
    L(loss_case("CrossEntropyLoss " + r, "CrossEntropyLoss", {"reduction": r}, nn.CrossEntropyLoss(reduction=r), logits, target))
    L(loss_case("CrossEntropyLoss weight " + r, "CrossEntropyLoss", {"reduction": r}, nn.CrossEntropyLoss(weight=cw, reduction=r),
                logits, target, {"weight": cw}))
    L(loss_case("CrossEntropyLoss ignore_index -100 " + r, "CrossEntropyLoss", {"reduction": r}, nn.CrossEntropyLoss(reduction=r),
                logits, target_ign))
    L(loss_case("CrossEntropyLoss label_smoothing 0.1 " + r, "CrossEntropyLoss", {"reduction": r, "label_smoothing": 0.1},
                nn.CrossEntropyLoss(reduction=r, label_smoothing=0.1), logits, target))
    L(loss_case("CrossEntropyLoss weight ignore_index 2 label_smoothing 0.2 " + r, "CrossEntropyLoss",
                {"reduction": r, "ignore_index": 2, "label_smoothing": 0.2},
                nn.CrossEntropyLoss(weight=cw, ignore_index=2, label_smoothing=0.2, reduction=r), logits, target_ign2, {"weight": cw}))
L(loss_case("CrossEntropyLoss [N, C, d]", "CrossEntropyLoss", {"reduction": "mean"}, nn.CrossEntropyLoss(), randn(2, 4, 3),
            torch.tensor([[0, 3, 1], [2, 2, 1]])))
L(loss_case("CrossEntropyLoss [N, C, d] weight smoothing", "CrossEntropyLoss", {"reduction": "mean", "label_smoothing": 0.3},
            nn.CrossEntropyLoss(weight=cw, label_smoothing=0.3), randn(2, 4, 3), torch.tensor([[0, 3, 1], [2, 2, 1]]), {"weight": cw}))

logp = F.log_softmax(randn(6, 4), dim=1)
for r in ["mean", "sum", "none"]:
    L(loss_case("NLLLoss " + r, "NLLLoss", {"reduction": r}, nn.NLLLoss(reduction=r), logp, target))
    L(loss_case("NLLLoss weight ignore_index 1 " + r, "NLLLoss", {"reduction": r, "ignore_index": 1},
                nn.NLLLoss(weight=cw, ignore_index=1, reduction=r), logp, target, {"weight": cw}))
L(loss_case("NLLLoss ignore_index -100", "NLLLoss", {"reduction": "mean"}, nn.NLLLoss(), logp, target_ign))

p = torch.sigmoid(randn(4, 3))
yb = torch.rand(4, 3, dtype=D)
bw = torch.rand(4, 3, dtype=D) + 0.5
z = 3 * randn(4, 3)
pw = torch.tensor([0.5, 2.0, 3.0], dtype=D)
for r in ["mean", "sum", "none"]:
    L(loss_case("BCELoss " + r, "BCELoss", {"reduction": r}, nn.BCELoss(reduction=r), p, yb))
    L(loss_case("BCELoss weight " + r, "BCELoss", {"reduction": r}, nn.BCELoss(weight=bw, reduction=r), p, yb, {"weight": bw}))
    L(loss_case("BCEWithLogitsLoss " + r, "BCEWithLogitsLoss", {"reduction": r}, nn.BCEWithLogitsLoss(reduction=r), z, yb))
    L(loss_case("BCEWithLogitsLoss pos_weight " + r, "BCEWithLogitsLoss", {"reduction": r},
                nn.BCEWithLogitsLoss(pos_weight=pw, reduction=r), z, yb, {"pos_weight": pw}))
    L(loss_case("BCEWithLogitsLoss weight pos_weight " + r, "BCEWithLogitsLoss", {"reduction": r},
                nn.BCEWithLogitsLoss(weight=bw, pos_weight=pw, reduction=r), z, yb, {"weight": bw, "pos_weight": pw}))

f, yh = randn(5, 2), torch.tensor([[1., -1.], [-1., -1.], [1., 1.], [-1., 1.], [1., -1.]], dtype=D)
for r in ["mean", "sum", "none"]:
    L(loss_case("HingeLoss " + r, "HingeLoss", {"reduction": r}, hinge(r), f, yh))

# ---------------------------------------------------------------- reprs
reprs = {
    "mlp": nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2), nn.BatchNorm1d(128), nn.LeakyReLU(0.2), nn.ELU(),
                         nn.Softplus(), nn.LogSoftmax(dim=1)),
    "activations": nn.Sequential(nn.GELU(), nn.Tanh(), nn.Sigmoid(), nn.Softmax(dim=1), nn.Identity(), nn.LeakyReLU(),
                                 nn.Dropout2d(0.3)),
    "shapes": nn.Sequential(nn.Flatten(), nn.Unflatten(1, (1, 28, 28)), nn.Linear(3, 2, bias=False)),
    "norms": nn.Sequential(nn.BatchNorm2d(32), nn.BatchNorm1d(8, eps=1e-3, momentum=0.01, affine=False, track_running_stats=False),
                           nn.BatchNorm1d(4, momentum=None),
                           nn.LayerNorm(10), nn.LayerNorm((3, 4), eps=1e-6, elementwise_affine=False)),
    "embeddings": nn.Sequential(nn.Embedding(10, 3), nn.Embedding(10, 3, padding_idx=-1)),
    "losses": nn.Sequential(nn.MSELoss(), nn.L1Loss(reduction="sum"), nn.SmoothL1Loss(), nn.CrossEntropyLoss(label_smoothing=0.1),
                            nn.NLLLoss(), nn.BCELoss(), nn.BCEWithLogitsLoss()),
}


# ---------------------------------------------------------------- safetensors
def write_safetensors(tensors, path):
    """The safetensors format by its spec: u64 header length, JSON header padded with spaces to 8 bytes, raw data."""
    codes = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
    header, blobs, offset = {}, [], 0
    for name, x in tensors.items():
        b = x.detach().contiguous().numpy().tobytes()   # little-endian on x86
        header[name] = {"dtype": codes[x.dtype], "shape": list(x.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(h)))
        out.write(h)
        for b in blobs:
            out.write(b)


def read_safetensors(path):
    """Reads a safetensors file (e.g. one written by Nabla's Safetensors.save) into a dict of tensors."""
    import numpy as np
    dtypes = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "F16": np.float16, "U8": np.uint8,
              "I8": np.int8, "I16": np.int16, "BOOL": np.bool_}
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, v in header.items():
        if name == "__metadata__":
            continue
        b, e = v["data_offsets"]
        a = np.frombuffer(raw[8 + n + b:8 + n + e], dtype=dtypes[v["dtype"]]).reshape(v["shape"])
        out[name] = torch.from_numpy(a.copy())
    return out


mlp = nn.Sequential(nn.Linear(6, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 3))
with torch.no_grad():
    mlp.train()
    mlp(torch.randn(8, 6) * 2 + 0.5)
    mlp.eval()
    mlp_x = torch.randn(4, 6)
    mlp_out = mlp(mlp_x)
os.makedirs(OUT, exist_ok=True)
st_path = os.path.join(OUT, "mlp_bn.safetensors")
write_safetensors(mlp.state_dict(), st_path)
back = read_safetensors(st_path)
assert all(torch.equal(back[k], v) for k, v in mlp.state_dict().items())

with open(os.path.join(OUT, "layers.json"), "w") as fh:
    json.dump({"torch": torch.__version__, "cases": cases, "reprs": {k: str(m) for k, m in reprs.items()},
               "mlp_bn": {"input": t(mlp_x), "output": t(mlp_out)}}, fh)
print(f"wrote {len(cases)} cases, {len(reprs)} reprs and {st_path}")
