"""PyTorch golden values for Nabla's convolution and pooling layers.

Run from the repository root with Debian's PyTorch 1.13 (apt-get install python3-torch):

    /usr/bin/python3 tools/golden/make_conv_golden.py

It writes src/test/resources/golden/conv.json: for each case the layer's constructor arguments, its
state dict, a float64 input, the output, and the gradients of sum(out * w) with respect to the input
and every parameter, plus str(layer). Seeded: the output is the same on every run.
"""
import json
import os

import torch
import torch.nn as nn

torch.manual_seed(20261128)
torch.set_default_dtype(torch.float64)


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "data": [float(v) for v in x.reshape(-1).tolist()]}


CASES = [
    # (kind, args (as the Java side reads them), torch module, input shape)
    ("Conv2d", {"in": 1, "out": 4, "kh": 5, "kw": 5}, lambda: nn.Conv2d(1, 4, 5), [2, 1, 12, 12]),
    ("Conv2d", {"in": 3, "out": 4, "kh": 3, "kw": 2, "stride": [2, 1], "padding": [1, 2]},
     lambda: nn.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=(1, 2)), [2, 3, 9, 8]),
    ("Conv2d", {"in": 4, "out": 6, "kh": 3, "kw": 3, "dilation": [2, 1], "groups": 2, "bias": False},
     lambda: nn.Conv2d(4, 6, 3, dilation=(2, 1), groups=2, bias=False), [2, 4, 9, 7]),
    ("Conv2d", {"in": 2, "out": 3, "kh": 4, "kw": 3, "padding": "same"},
     lambda: nn.Conv2d(2, 3, (4, 3), padding="same"), [1, 2, 7, 6]),
    ("Conv2d", {"in": 2, "out": 2, "kh": 3, "kw": 3, "padding": "same", "dilation": [2, 2]},
     lambda: nn.Conv2d(2, 2, 3, padding="same", dilation=2), [2, 2, 8, 8]),
    ("Conv2d", {"in": 3, "out": 3, "kh": 3, "kw": 3, "groups": 3, "stride": [2, 2], "padding": [1, 1]},
     lambda: nn.Conv2d(3, 3, 3, groups=3, stride=2, padding=1), [2, 3, 8, 8]),
    ("Conv1d", {"in": 3, "out": 4, "k": 3},
     lambda: nn.Conv1d(3, 4, 3), [2, 3, 10]),
    ("Conv1d", {"in": 4, "out": 2, "k": 4, "stride": 2, "padding": 1, "dilation": 2, "groups": 2},
     lambda: nn.Conv1d(4, 2, 4, stride=2, padding=1, dilation=2, groups=2), [2, 4, 13]),
    ("Conv1d", {"in": 2, "out": 3, "k": 4, "padding": "same", "bias": False},
     lambda: nn.Conv1d(2, 3, 4, padding="same", bias=False), [2, 2, 9]),
    ("ConvTranspose2d", {"in": 3, "out": 2, "k": 3},
     lambda: nn.ConvTranspose2d(3, 2, 3), [2, 3, 4, 5]),
    ("ConvTranspose2d", {"in": 4, "out": 6, "k": 3, "stride": 2, "padding": 1, "output_padding": 1, "groups": 2},
     lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), [2, 4, 4, 3]),
    ("ConvTranspose2d", {"in": 2, "out": 2, "k": 2, "stride": 3, "dilation": 2, "bias": False},
     lambda: nn.ConvTranspose2d(2, 2, 2, stride=3, dilation=2, bias=False), [1, 2, 3, 3]),
    ("MaxPool2d", {"k": 3}, lambda: nn.MaxPool2d(3), [2, 3, 24, 24]),
    ("MaxPool2d", {"k": 2}, lambda: nn.MaxPool2d(2), [2, 3, 4, 4]),
    ("MaxPool2d", {"k": 3, "stride": 2, "padding": 1, "dilation": 1, "ceil": True},
     lambda: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), [2, 2, 8, 7]),
    ("MaxPool2d", {"k": 2, "stride": 1, "padding": 0, "dilation": 2, "ceil": False},
     lambda: nn.MaxPool2d(2, stride=1, dilation=2), [1, 2, 6, 6]),
    ("MaxPool1d", {"k": 3, "stride": 2, "padding": 1, "dilation": 1, "ceil": True},
     lambda: nn.MaxPool1d(3, stride=2, padding=1, ceil_mode=True), [2, 3, 10]),
    ("MaxPool1d", {"k": 2}, lambda: nn.MaxPool1d(2), [2, 3, 9]),
    ("AvgPool2d", {"k": 2}, lambda: nn.AvgPool2d(2), [2, 3, 6, 6]),
    ("AvgPool2d", {"k": 3, "stride": 2, "padding": 1, "ceil": True, "count_include_pad": True},
     lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True), [2, 2, 8, 7]),
    ("AvgPool2d", {"k": 3, "stride": 2, "padding": 1, "ceil": False, "count_include_pad": False},
     lambda: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), [2, 2, 7, 7]),
    ("AvgPool2d", {"k": 2, "stride": 2, "padding": 0, "ceil": True, "count_include_pad": True, "divisor_override": 3},
     lambda: nn.AvgPool2d(2, stride=2, ceil_mode=True, divisor_override=3), [1, 2, 5, 5]),
    ("AdaptiveAvgPool2d", {"oh": 1, "ow": 1, "square": True}, lambda: nn.AdaptiveAvgPool2d(1), [2, 3, 5, 5]),
    ("AdaptiveAvgPool2d", {"oh": 3, "ow": 2}, lambda: nn.AdaptiveAvgPool2d((3, 2)), [2, 2, 7, 5]),
    # Conv2d then MaxPool2d in a Sequential: the pair Nabla fuses into one op in float32 (appended last, so that the
    # cases above keep their random values)
    ("ConvPool", {"conv": {"in": 1, "out": 8, "kh": 5, "kw": 5}, "pool": {"k": 3}},
     lambda: nn.Sequential(nn.Conv2d(1, 8, 5), nn.MaxPool2d(3)), [4, 1, 28, 28]),
    ("ConvPool", {"conv": {"in": 3, "out": 4, "kh": 3, "kw": 2, "stride": [1, 2], "padding": [1, 1]},
                  "pool": {"k": 3, "stride": 2, "padding": 0, "dilation": 1, "ceil": False}},
     lambda: nn.Sequential(nn.Conv2d(3, 4, (3, 2), stride=(1, 2), padding=1), nn.MaxPool2d(3, stride=2)), [2, 3, 11, 13]),
    ("ConvPool", {"conv": {"in": 2, "out": 5, "kh": 3, "kw": 3, "bias": False}, "pool": {"k": 2}},
     lambda: nn.Sequential(nn.Conv2d(2, 5, 3, bias=False), nn.MaxPool2d(2)), [3, 2, 9, 8]),
    # mostly zero images: most windows tie (every value the bias), and the gradient goes to the first maximum
    ("ConvPool", {"conv": {"in": 1, "out": 3, "kh": 3, "kw": 3}, "pool": {"k": 2}, "sparse": True},
     lambda: nn.Sequential(nn.Conv2d(1, 3, 3), nn.MaxPool2d(2)), [2, 1, 10, 10]),
    # rectangular pooling modules: every size a pair (h, w)
    ("MaxPool2d", {"kh": 2, "kw": 3, "stride": [2, 1], "padding": [1, 0], "dilation": [1, 2], "ceil": False},
     lambda: nn.MaxPool2d((2, 3), stride=(2, 1), padding=(1, 0), dilation=(1, 2)), [2, 3, 7, 9]),
    ("MaxPool2d", {"kh": 3, "kw": 2}, lambda: nn.MaxPool2d((3, 2)), [1, 2, 9, 8]),
    ("MaxPool2d", {"kh": 3, "kw": 2, "stride": [1, 2], "padding": [1, 1], "dilation": [1, 1], "ceil": True},
     lambda: nn.MaxPool2d((3, 2), stride=(1, 2), padding=1, ceil_mode=True), [2, 2, 6, 7]),
    ("AvgPool2d", {"kh": 3, "kw": 2, "stride": [1, 2], "padding": [1, 0], "ceil": True, "count_include_pad": False},
     lambda: nn.AvgPool2d((3, 2), stride=(1, 2), padding=(1, 0), ceil_mode=True, count_include_pad=False), [2, 2, 6, 7]),
    ("AvgPool2d", {"kh": 2, "kw": 4}, lambda: nn.AvgPool2d((2, 4)), [2, 3, 6, 8]),
    # ResNet's convolutions at a batch (16) and channel counts (8+) where Nabla's default picks between libnd4j's
    # oneDNN kernels and its own by kernel size and stride ("resnet": also checked in float32); odd spatial sizes
    ("Conv2d", {"in": 8, "out": 8, "kh": 3, "kw": 3, "padding": [1, 1], "bias": False, "resnet": True},
     lambda: nn.Conv2d(8, 8, 3, padding=1, bias=False), [16, 8, 9, 7]),
    ("Conv2d", {"in": 8, "out": 16, "kh": 3, "kw": 3, "stride": [2, 2], "padding": [1, 1], "bias": False, "resnet": True},
     lambda: nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False), [16, 8, 9, 7]),
    ("Conv2d", {"in": 8, "out": 16, "kh": 1, "kw": 1, "stride": [2, 2], "bias": False, "resnet": True},
     lambda: nn.Conv2d(8, 16, 1, stride=2, bias=False), [16, 8, 9, 7]),
    ("Conv2d", {"in": 12, "out": 8, "kh": 1, "kw": 1, "stride": [2, 1], "resnet": True},
     lambda: nn.Conv2d(12, 8, 1, stride=(2, 1)), [17, 12, 6, 5]),
]

cases = []
for i, (kind, args, make, shape) in enumerate(CASES):
    m = make()
    x = torch.randn(*shape)
    if args.get("sparse"):
        x = x * (torch.rand(*shape) < 0.1)
    x.requires_grad_(True)
    y = m(x)
    w = torch.randn(*y.shape)
    (y * w).sum().backward()
    cases.append({
        "name": f"{i:02d} {m}",
        "kind": kind,
        "args": args,
        "repr": str(m),
        "state": {k: t(v) for k, v in m.state_dict().items()},
        "input": t(x),
        "output": t(y),
        "w": t(w),
        "grad_input": t(x.grad),
        "grads": {k: t(p.grad) for k, p in m.named_parameters()},
    })

out = os.path.join("src", "test", "resources", "golden", "conv.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {out}")
