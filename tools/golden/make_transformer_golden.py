"""PyTorch goldens for Nabla's attention modules (MultiheadAttention, TransformerEncoderLayer, TransformerEncoder).

Run from the repository root with Debian's python3-torch (1.13):

    /usr/bin/python3 tools/golden/make_transformer_golden.py

It writes src/test/resources/golden/transformer.json, deterministically (fixed seed): for each case and each of
float64 and float32, the module's constructor arguments ("op", "args"), its state dict with every parameter
randomised ("state"), the inputs and masks, the call's keyword arguments, the outputs (the attention output and,
where asked, the weights), weights ``w`` of the outputs' shapes, and the gradients of ``sum(out * w)`` (summed over
the outputs) with respect to every floating-point input and every parameter. Dropout is 0 and the modules run in
training mode with gradients on, so PyTorch takes its composite (not its fused inference) path.
TransformerGoldenTest builds the same module in Nabla, loads the state dict by name and compares everything.
"""
import json
import os
import zlib

import torch
import torch.nn as nn

OUT = os.path.join("src", "test", "resources", "golden")


def t(x):
    x = x.detach()
    if x.dtype == torch.bool:
        dtype = "bool"
    elif x.dtype == torch.int64:
        dtype = "int64"
    else:
        dtype = str(x.dtype).replace("torch.", "")
    return {"shape": list(x.shape), "dtype": dtype, "data": x.reshape(-1).double().tolist()}


def randomise(module):
    with torch.no_grad():
        for name, p in module.named_parameters():
            if "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.3 * torch.randn_like(p))
            else:
                p.copy_(0.3 * torch.randn_like(p))


def run(name, op, args, make, inputs, masks, kwargs, dtype):
    torch.manual_seed(zlib.crc32(name.encode()) + (0 if dtype == torch.float64 else 1))
    module = make().to(dtype)
    randomise(module)
    module.train()
    # the same tensor given three times stays one tensor (self-attention), as in Nabla's test
    xs = [x.to(dtype).detach().clone().requires_grad_(True) for x in inputs[:1]]
    for x in inputs[1:]:
        xs.append(xs[0] if x is inputs[0] else x.to(dtype).detach().clone().requires_grad_(True))
    ms = {k: (v if v.dtype == torch.bool else v.to(dtype)) for k, v in masks.items()}
    if op == "MultiheadAttention":
        out = module(*xs, **ms, **kwargs)
        xs = [x for i, x in enumerate(xs) if all(x is not y for y in xs[:i])]
        outs = [out[0]] + ([out[1]] if kwargs.get("need_weights", True) else [])
    else:
        outs = [module(xs[0], **ms)]
    ws = [torch.randn(o.shape, dtype=dtype) for o in outs]
    sum((o * w).sum() for o, w in zip(outs, ws)).backward()
    grads = {f"input{i}": t(x.grad) for i, x in enumerate(xs)}
    for k, p in module.named_parameters():
        grads[k] = t(p.grad)
    return {"name": name, "op": op, "args": args, "dtype": str(dtype).replace("torch.", ""),
            "state": {k: t(v) for k, v in module.state_dict().items()},
            "inputs": [t(x) for x in xs], "masks": {k: t(v) for k, v in ms.items()}, "kwargs": kwargs,
            "outs": [t(o) for o in outs], "ws": [t(w) for w in ws], "grads": grads}


def layer(d, h, ff, act, batch_first, norm_first):
    return nn.TransformerEncoderLayer(d, h, dim_feedforward=ff, dropout=0.0, activation=act, batch_first=batch_first,
                                      norm_first=norm_first)


torch.manual_seed(20261203)
E, H, N, L, S = 8, 2, 3, 5, 4
x_bf = torch.randn(N, L, E, dtype=torch.float64)
q_sf, k_sf, v_sf = (torch.randn(L, N, E, dtype=torch.float64), torch.randn(S, N, E, dtype=torch.float64),
                    torch.randn(S, N, E, dtype=torch.float64))
pad = torch.tensor([[False] * L, [False, False, False, True, True], [False, True, False, False, False]])  # never the first key: causal row 0 sees only it
causal = torch.triu(torch.ones(L, L, dtype=torch.bool), 1)
float_mask = 0.5 * torch.randn(L, S, dtype=torch.float64)
mask3 = torch.rand(N * H, L, L) < 0.3
mask3[:, :, 0] = False  # no fully masked row

cases = []
for dtype in (torch.float64, torch.float32):
    cases.append(run("mha_self_batch_first_padding", "MultiheadAttention", {"embed_dim": E, "num_heads": H, "batch_first": True},
                     lambda: nn.MultiheadAttention(E, H, batch_first=True), [x_bf] * 3, {"key_padding_mask": pad},
                     {"need_weights": True}, dtype))
    cases.append(run("mha_cross_float_mask", "MultiheadAttention", {"embed_dim": E, "num_heads": H, "batch_first": False},
                     lambda: nn.MultiheadAttention(E, H), [q_sf, k_sf, v_sf], {"attn_mask": float_mask}, {"need_weights": True}, dtype))
    cases.append(run("mha_self_mask3_per_head", "MultiheadAttention", {"embed_dim": E, "num_heads": H, "batch_first": True},
                     lambda: nn.MultiheadAttention(E, H, batch_first=True), [x_bf] * 3, {"attn_mask": mask3},
                     {"need_weights": True, "average_attn_weights": False}, dtype))
    cases.append(run("mha_unbatched_no_bias", "MultiheadAttention", {"embed_dim": E, "num_heads": H, "batch_first": False, "bias": False},
                     lambda: nn.MultiheadAttention(E, H, bias=False), [x_bf[0]] * 3, {}, {"need_weights": False}, dtype))
    cases.append(run("layer_post_norm_relu_seq_first_padding", "TransformerEncoderLayer",
                     {"d_model": E, "nhead": H, "dim_feedforward": 16, "activation": "relu", "batch_first": False, "norm_first": False},
                     lambda: layer(E, H, 16, "relu", False, False), [q_sf], {"src_key_padding_mask": pad}, {}, dtype))
    cases.append(run("layer_pre_norm_gelu_causal", "TransformerEncoderLayer",
                     {"d_model": E, "nhead": H, "dim_feedforward": 16, "activation": "gelu", "batch_first": True, "norm_first": True},
                     lambda: layer(E, H, 16, "gelu", True, True), [x_bf], {"src_mask": causal}, {}, dtype))
    cases.append(run("layer_post_norm_gelu_both_masks", "TransformerEncoderLayer",
                     {"d_model": E, "nhead": H, "dim_feedforward": 16, "activation": "gelu", "batch_first": True, "norm_first": False},
                     lambda: layer(E, H, 16, "gelu", True, False), [x_bf], {"src_mask": causal, "src_key_padding_mask": pad}, {}, dtype))
    cases.append(run("encoder_two_pre_norm_layers_final_norm", "TransformerEncoder",
                     {"d_model": E, "nhead": H, "dim_feedforward": 16, "activation": "gelu", "batch_first": True, "norm_first": True,
                      "num_layers": 2, "norm": True},
                     lambda: nn.TransformerEncoder(layer(E, H, 16, "gelu", True, True), 2, norm=nn.LayerNorm(E), enable_nested_tensor=False),
                     [x_bf], {"src_key_padding_mask": pad}, {}, dtype))

with open(os.path.join(OUT, "transformer.json"), "w") as fh:
    json.dump({"torch": torch.__version__, "cases": cases}, fh)
print(f"wrote {len(cases)} cases to {OUT}/transformer.json")
