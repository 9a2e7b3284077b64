"""PyTorch goldens for the float32 fast paths of GELU and softmax (dev.nabla.layers.kernels.FastMath, GeluFunction,
SoftmaxFunction), in float32 and float64 as PyTorch computes each: the output and the input gradient for a given
output gradient g, over the values that matter for the approximations (±0, NaN, ±inf, subnormals, large |x|, the
tails, a fine grid, random values; lengths that are not multiples of a vector width), softmax and log-softmax over
every dim of a 4-d tensor (with masked −inf entries and large logits) and along rows longer than a kernel's chunk.
Run from the repository root with Debian's torch:

    /usr/bin/python3 tools/golden/make_activations_golden.py

It writes src/test/resources/golden/activations.json: "cases", each with its "op", "dtype", "args", the input "x"
(its "shape" and "data", the values in that dtype; float32 ones in their shortest decimal form), "g", the output "y" and the gradient "dx", all flattened in
C order. NaN and ±inf are written as the JSON extensions NaN and ±Infinity. ActivationGoldenTest reads it.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(20261203)
OUT = os.path.join("src", "test", "resources", "golden", "activations.json")


def flat(t):
    """The values, float32 ones in their shortest decimal form (a reader that rounds to float gets them back exactly)."""
    v = t.detach().reshape(-1)
    if v.dtype == torch.float32:
        return [float(repr(np.float32(e))) for e in v.numpy()]
    return [float(e) for e in v.tolist()]


cases = []


def case(op, dtype, x, args, f):
    x = x.to(dtype).detach().requires_grad_(True)
    g = torch.randn(x.shape, dtype=torch.float64).to(dtype)
    y = f(x)
    y.backward(g)
    cases.append({"op": op, "dtype": str(dtype).replace("torch.", ""), "args": args,
                  "x": {"shape": list(x.shape), "data": flat(x)}, "g": flat(g), "y": flat(y), "dx": flat(x.grad)})


inf, nan = math.inf, math.nan
special = [0.0, -0.0, nan, inf, -inf, 1e-45, -1e-45, 1e-40, -1e-40, 1.17549435e-38, -1.17549435e-38, 1e-30, -1e-30,
           1e-7, -1e-7, 1e-3, -1e-3, 0.5, -0.5, 1.0, -1.0, 1.4142135, -1.4142135, 3.0, -3.0, 4.0, -4.0, 5.5, -5.5, 5.6568542,
           -5.6568542, 5.66, -5.66, 6.0, -6.0, 8.0, -8.0, 9.0, -9.0, 10.0, -10.0, 13.0, -13.0, 88.0, -88.0, 1e4, -1e4,
           1e30, -1e30, 3.4e38, -3.4e38]
grid = torch.linspace(-14, 14, 2801, dtype=torch.float64)   # 2801: odd, every 0.01
x_gelu = torch.cat([torch.tensor(special, dtype=torch.float64), grid, 3 * torch.randn(997, dtype=torch.float64)])
for dtype in [torch.float32, torch.float64]:
    case("gelu", dtype, x_gelu, {"approximate": "none"}, F.gelu)

# softmax over every dim of a 4-d tensor with odd sizes; some entries masked to −inf, one slice of large logits
x4 = 4 * torch.randn(3, 5, 7, 11, dtype=torch.float64)
x4[0, 1, 2, 3:6] = -inf
x4[1, :, 3, 0] = -inf
x4[2, 2] *= 300
x4[2, 3, 4, 5] = 80.0
# rows along the last dim longer than a chunk (2048), and short ones
x_long = 5 * torch.randn(2, 2100, dtype=torch.float64)
x_long[1, 100:1900] = -inf   # most of a row masked
x_short = torch.randn(4, 1, dtype=torch.float64)
for op, fn in [("softmax", F.softmax), ("log_softmax", F.log_softmax)]:
    for dtype in [torch.float32, torch.float64]:
        for dim in range(4):
            case(op, dtype, x4, {"dim": dim}, lambda x, d=dim: fn(x, d))
        case(op, dtype, x_long, {"dim": 1}, lambda x: fn(x, 1))
        case(op, dtype, x_short, {"dim": 1}, lambda x: fn(x, 1))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {OUT}")
