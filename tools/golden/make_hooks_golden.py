"""PyTorch goldens for gradient hooks (issue 20: Tensor.registerHook and registerPostAccumulateGradHook).

Run from the repository root with Debian's python3-torch (1.13):

    /usr/bin/python3 tools/golden/make_hooks_golden.py

It writes src/test/resources/golden/hooks.json (read by TensorHookTest), deterministically. Torch 1.13 has no
Tensor.register_post_accumulate_grad_hook (2.1 added it); its exact equivalent there, which DDP and Horovod used, is a
post-hook on the leaf's AccumulateGrad node (p.expand_as(p).grad_fn.next_functions[0][0].register_hook): it runs after
.grad has been accumulated, in the engine's order. Each program has float64 "inputs" (by name; "x" needs no grad),
"post": the post-accumulate firings in order, each {"name", "grad"} (the leaf's .grad at that moment), "hooked": what
each register_hook hook received, in order ({"name", "grad"}), and "grads": every leaf's .grad at the end. Parameter
names are "layer.param": engines may order the leaves of one layer's op differently (PyTorch reaches a linear's
weight through TBackward after its bias), so the test compares the order of layers and, within a layer, the set.
"refusals" holds PyTorch's messages for hooks it refuses.
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join("src", "test", "resources", "golden", "hooks.json")
GEN = torch.Generator().manual_seed(20261203)
D = torch.float64


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "dtype": str(x.dtype).replace("torch.", ""), "data": x.reshape(-1).tolist(),
            "requires_grad": False}


def randn(*shape):
    return torch.randn(*shape, generator=GEN, dtype=D)


def mlp_inputs():
    return {"x": randn(4, 5), "fc1.weight": randn(3, 5), "fc1.bias": randn(3), "fc2.weight": randn(2, 3),
            "fc2.bias": randn(2), "w": randn(4, 2)}


def mlp(p, hidden_hook=None):
    h = torch.tanh(F.linear(p["x"], p["fc1.weight"], p["fc1.bias"]))
    if hidden_hook is not None:
        h.register_hook(hidden_hook)
    return (F.linear(h, p["fc2.weight"], p["fc2.bias"]) * p["w"]).sum()


def conv_inputs():
    return {"x": randn(2, 1, 5, 5), "conv.weight": randn(2, 1, 3, 3), "conv.bias": randn(2), "fc.weight": randn(3, 18),
            "fc.bias": randn(3), "w": randn(2, 3)}


def convnet(p):
    h = torch.relu(F.conv2d(p["x"], p["conv.weight"], p["conv.bias"])).reshape(2, 18)
    return (F.linear(h, p["fc.weight"], p["fc.bias"]) * p["w"]).sum()


def shared_inputs():
    return {"x": randn(4, 3), "l.weight": randn(3, 3), "l.bias": randn(3), "w": randn(4, 3)}


def shared(p):
    h = torch.tanh(F.linear(p["x"], p["l.weight"], p["l.bias"]))
    return (F.linear(h, p["l.weight"]) * p["w"]).sum()


def unused_inputs():
    d = mlp_inputs()
    d["unused.weight"] = randn(3, 3)
    return d


def run(name, make, forward, backwards=1, hooks=None, hidden=None):
    raw = make()
    p = {k: (v.clone().requires_grad_(k not in ("x", "w"))) for k, v in raw.items()}
    post, hooked, keep = [], [], []
    for k, v in p.items():
        if not v.requires_grad:
            continue
        acc = v.expand_as(v).grad_fn.next_functions[0][0]
        keep.append(acc)
        acc.register_hook(lambda gi, go, k=k: post.append({"name": k, "grad": t(p[k].grad)}))
    for k, fn in (hooks or {}).items():
        p[k].register_hook(lambda g, k=k, fn=fn: (hooked.append({"name": k, "grad": t(g)}), fn(g))[1])
    hidden_hook = None
    if hidden is not None:
        hidden_hook = lambda g: (hooked.append({"name": "hidden", "grad": t(g)}), hidden(g))[1]
    loss = forward(p, hidden_hook) if hidden is not None else forward(p)
    for i in range(backwards):
        loss.backward(retain_graph=i + 1 < backwards)
    return {"name": name, "backwards": backwards, "inputs": {k: t(v) for k, v in raw.items()},
            "requires_grad": [k for k, v in p.items() if v.requires_grad], "post": post, "hooked": hooked,
            "grads": {k: t(v.grad) for k, v in p.items() if v.grad is not None}}


programs = [
    run("mlp", mlp_inputs, mlp),
    run("convnet", conv_inputs, convnet),
    # a weight used twice: one firing, after its last use, with the sum; its hook sees the sum and doubles it
    run("shared", shared_inputs, shared, hooks={"l.weight": lambda g: g * 2}),
    # a hook on a non-leaf scales what flows on; one on a bias adds 1 (None: a hook that keeps the gradient)
    run("hooks", mlp_inputs, mlp, hooks={"fc2.bias": lambda g: g + 1, "fc1.weight": lambda g: None}, hidden=lambda g: g * 0.5),
    # retain_graph and a second backward: every hook fires again, .grad holds the sum of both
    run("twice", mlp_inputs, mlp, backwards=2, hooks={"fc1.bias": lambda g: None}),
    # a parameter the loss does not use: its hook never fires and its .grad stays None
    run("unused", unused_inputs, mlp),
]

refusals = []
try:
    torch.zeros(3, dtype=D).register_hook(lambda g: g)
except RuntimeError as e:
    refusals.append({"case": "register_hook_no_grad", "message": str(e), "phrase": "doesn't require gradient"})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "programs": programs, "refusals": refusals}, f, indent=1)
print("wrote", OUT, len(programs), "programs")
