"""PyTorch 1.13 learning-rate sequences for Nabla's schedules.

Run from the repository root with Debian's PyTorch (apt-get install python3-torch):

    /usr/bin/python3 tools/golden/make_sched_golden.py

Writes src/test/resources/golden/sched.json: for each schedule and option set, an SGD optimizer with
two parameter groups (base lrs 0.1 and 0.02), the groups' learning rates right after the schedule is
built ("lrs"[0]) and after each of 30 steps. LinearWarmup cases are torch's LinearLR alone or
SequentialLR([LinearLR(start_factor, 1.0, N), other], milestones=[N]). ReduceLROnPlateau cases are
fed a fixed metric sequence with plateaus (seeded noise; 1 - error in max mode), stored with the case. Seeded: the same file
on every run.
"""
import json
import os
import warnings

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as S

warnings.simplefilter("ignore")  # "lr_scheduler.step() before optimizer.step()": no training here
torch.manual_seed(11)
STEPS = 30
BASE_LRS = [0.1, 0.02]


def optimizer():
    return SGD([{"params": [torch.zeros(2, requires_grad=True)]},
                {"params": [torch.zeros(3, requires_grad=True)], "lr": BASE_LRS[1]}], lr=BASE_LRS[0])


def build(opt, kind, o):
    if kind == "StepLR":
        return S.StepLR(opt, o["step_size"], o.get("gamma", 0.1))
    if kind == "MultiStepLR":
        return S.MultiStepLR(opt, o["milestones"], o.get("gamma", 0.1))
    if kind == "ExponentialLR":
        return S.ExponentialLR(opt, o["gamma"])
    if kind == "CosineAnnealingLR":
        return S.CosineAnnealingLR(opt, o["T_max"], o.get("eta_min", 0))
    if kind == "LinearWarmup":
        warm = S.LinearLR(opt, start_factor=o["start_factor"], end_factor=1.0, total_iters=o["warmup_steps"])
        if "after" not in o:
            return warm
        after = build(opt, o["after"]["kind"], o["after"]["options"])
        return S.SequentialLR(opt, [warm, after], milestones=[o["warmup_steps"]])
    raise ValueError(kind)


SCHEDULES = [
    ("StepLR", {"step_size": 7}),
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [8, 16]}),
    ("MultiStepLR", {"milestones": [5, 12, 12, 20], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("ExponentialLR", {"gamma": 0.97}),
    ("CosineAnnealingLR", {"T_max": 10}),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.001}),
    ("CosineAnnealingLR", {"T_max": 30, "eta_min": 1e-4}),
    ("LinearWarmup", {"start_factor": 0.25, "warmup_steps": 5}),
    ("LinearWarmup", {"start_factor": 0.1, "warmup_steps": 4}),
    ("LinearWarmup", {"start_factor": 0.1, "warmup_steps": 5,
                      "after": {"kind": "CosineAnnealingLR", "options": {"T_max": 20, "eta_min": 1e-4}}}),
    ("LinearWarmup", {"start_factor": 0.5, "warmup_steps": 3,
                      "after": {"kind": "StepLR", "options": {"step_size": 5, "gamma": 0.5}}}),
    ("LinearWarmup", {"start_factor": 0.2, "warmup_steps": 6,
                      "after": {"kind": "ExponentialLR", "options": {"gamma": 0.9}}}),
    ("LinearWarmup", {"start_factor": 0.3, "warmup_steps": 2,
                      "after": {"kind": "MultiStepLR", "options": {"milestones": [4, 10], "gamma": 0.2}}}),
]


def plateau_metrics():
    """A falling error with plateaus: flat stretches with noise far below the 1e-4 relative threshold, a step of
    1.25e-4 (just above it), 1.25e-2 and more."""
    levels = [1.0] * 2 + [0.8] * 4 + [0.7999] * 3 + [0.79] * 3 + [0.6] * 4 + [0.55] * 14
    noise = torch.rand(len(levels), dtype=torch.float64) * 2e-5
    return [float(v + n) for v, n in zip(levels, noise.tolist())]


PLATEAU = [
    {"mode": "min", "patience": 2},
    {"mode": "min", "patience": 1, "factor": 0.5, "cooldown": 2},
    {"mode": "min", "patience": 0, "factor": 0.5, "min_lr": 0.01},
    {"mode": "min", "patience": 0, "factor": 0.5, "min_lr": [0.02, 0.001]},
    {"mode": "min", "patience": 1, "threshold": 0.05, "threshold_mode": "abs"},
    {"mode": "min", "patience": 1, "factor": 0.9, "eps": 0.005},
    {"mode": "max", "patience": 2, "flip": True},
    {"mode": "max", "patience": 1, "cooldown": 1, "threshold": 0.015, "threshold_mode": "abs", "flip": True},
    {"mode": "min"},
]


def run(kind, options):
    opt = optimizer()
    sched = build(opt, kind, options)
    lrs = [[g["lr"] for g in opt.param_groups]]
    for _ in range(STEPS):
        opt.step()
        sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
    return {"name": f"{kind} {json.dumps(options)}", "kind": kind, "options": options, "base_lrs": BASE_LRS, "lrs": lrs}


def run_plateau(options, metrics):
    opt = optimizer()
    kwargs = {k: v for k, v in options.items() if k != "flip"}
    sched = S.ReduceLROnPlateau(opt, **kwargs)
    fed = [1 - m if options.get("flip") else m for m in metrics]  # max mode: an accuracy
    lrs = [[g["lr"] for g in opt.param_groups]]
    for m in fed:
        opt.step()
        sched.step(m)
        lrs.append([g["lr"] for g in opt.param_groups])
    return {"name": f"ReduceLROnPlateau {json.dumps(options)}", "kind": "ReduceLROnPlateau", "options": kwargs,
            "base_lrs": BASE_LRS, "metrics": fed, "lrs": lrs}


metrics = plateau_metrics()
cases = [run(k, o) for k, o in SCHEDULES] + [run_plateau(o, metrics) for o in PLATEAU]
out = os.path.join("src", "test", "resources", "golden", "sched.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {out}")
