"""PyTorch's LayerNorm(256), softmax(-1) and GELU forward + backward at the micro workloads' shapes, as VsPyTorch's
micro runs them (the gradient given), on one thread, timed by the thread's CPU clock (time.thread_time_ns): on a loaded
machine this counts the op's work, not the waits. The counterpart of dev.nabla.layers.kernels.VectorApiProbe's cpu
columns (THREADS = 1). Median and minimum in ms.

    /usr/bin/python3 tools/bench/micro_cpu_torch.py [ROUNDS [REPS]]
"""
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 8
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
torch.manual_seed(0)
ln = nn.LayerNorm(256)
rows = [("layernorm [16,128,256]", ln, (16, 128, 256)),
        ("softmax(-1) [16,4,128,128]", lambda x: F.softmax(x, -1), (16, 4, 128, 128)),
        ("gelu [16,128,1024]", F.gelu, (16, 128, 1024))]
data = [(name, op, torch.randn(shape, requires_grad=True), torch.randn(shape)) for name, op, shape in rows]
times = {name: [] for name, *_ in data}


def run(op, x, g):
    op(x).backward(g)
    x.grad = None


for name, op, x, g in data:
    for _ in range(2 * reps):
        run(op, x, g)
    for _ in range(rounds):
        for _ in range(reps):
            t0 = time.thread_time_ns()
            run(op, x, g)
            times[name].append((time.thread_time_ns() - t0) / 1e6)
print(f"torch {torch.__version__}: 1 thread, {rounds} rounds x {reps} reps, thread CPU ms forward + backward: median, min")
for name, v in times.items():
    print(f"{name:28s} {statistics.median(v):9.3f} {min(v):9.3f}")
