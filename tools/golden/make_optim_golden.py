"""PyTorch 1.13 optimizer trajectories for Nabla's optimizers.

Run from the repository root with Debian's PyTorch (apt-get install python3-torch):

    /usr/bin/python3 tools/golden/make_optim_golden.py

Writes src/test/resources/golden/optim.json: for each optimizer and option combination, two float64
parameters, the gradient given at each of 6 steps (random, fixed), and the parameters after every
step. Parameter-group cases give each group its own options. Seeded: the same file on every run.
"""
import json
import os

import torch

torch.manual_seed(7)
torch.set_default_dtype(torch.float64)

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.05}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.02, "weight_decay": 0.1, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.005, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1, "initial_accumulator_value": 0.2, "eps": 1e-8}),
]
GROUP_CASES = [
    ("SGD", {"lr": 0.1, "momentum": 0.9}, {"lr": 0.01}),
    ("Adam", {"lr": 0.01}, {"lr": 0.05, "weight_decay": 0.1}),
]
STEPS = 6


def t(x):
    return {"shape": list(x.shape), "data": [float(v) for v in x.detach().reshape(-1).tolist()]}


def run(name, options, group_override=None):
    p0 = torch.randn(3, 4)
    p1 = torch.randn(4)
    params = [p0.clone().requires_grad_(), p1.clone().requires_grad_()]
    cls = getattr(torch.optim, name)
    if group_override is None:
        opt = cls(params, **options)
    else:
        opt = cls([{"params": [params[0]]}, dict({"params": [params[1]]}, **group_override)], **options)
    grads, traj = [], []
    for _ in range(STEPS):
        g = [torch.randn(3, 4), torch.randn(4)]
        for p, gi in zip(params, g):
            p.grad = gi.clone()
        opt.step()
        grads.append([t(x) for x in g])
        traj.append([t(p) for p in params])
    opts = {k: (list(v) if isinstance(v, tuple) else v) for k, v in options.items()}
    return {"optimizer": name, "options": opts, "group1": group_override, "init": [t(p0), t(p1)], "grads": grads, "params": traj,
            "name": f"{name} {opts}" + (f" group1 {group_override}" if group_override else "")}


cases = [run(n, o) for n, o in CASES] + [run(n, o, g) for n, o, g in GROUP_CASES]
out = os.path.join("src", "test", "resources", "golden", "optim.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {out}")
