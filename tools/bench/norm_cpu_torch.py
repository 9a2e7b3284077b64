"""PyTorch's BatchNorm2d (training) and LayerNorm forward + backward at the micro workloads' shapes, on one thread,
timed by the thread's CPU clock (time.thread_time_ns): on a loaded machine this counts the op's work, not the waits.
The counterpart of dev.nabla.layers.kernels.NormProbe's "cpu" mode (its "module" rows). Median and minimum in ms.

    /usr/bin/python3 tools/bench/norm_cpu_torch.py [ROUNDS [REPS]]
"""
import statistics
import sys
import time

import torch
import torch.nn as nn

torch.set_num_threads(1)
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 20
torch.manual_seed(0)
rows = []
for shape in [(128, 16, 32, 32), (128, 32, 16, 16), (128, 64, 8, 8)]:
    rows.append((f"bn {list(shape)} torch", nn.BatchNorm2d(shape[1]).train(), shape))
rows.append(("ln [16, 128, 256] torch", nn.LayerNorm(256), (16, 128, 256)))
data = [(name, op, torch.randn(shape, requires_grad=True), torch.randn(shape)) for name, op, shape in rows]
times = {name: [] for name, *_ in data}


def run(op, x, g):
    op(x).backward(g)
    x.grad = None


for name, op, x, g in data:
    for _ in range(30):
        run(op, x, g)
for _ in range(rounds):
    for name, op, x, g in data:
        for _ in range(reps):
            t0 = time.thread_time_ns()
            run(op, x, g)
            times[name].append((time.thread_time_ns() - t0) / 1e6)
print(f"torch {torch.__version__}: 1 thread, {rounds} rounds x {reps} reps, thread CPU ms forward + backward: median, min")
for name, v in times.items():
    print(f"{name:36s} {statistics.median(v):9.3f} {min(v):9.3f}")
