"""PyTorch's side of src/test/java/dev/nabla/bench/ActivationKernelBench.java: GELU and softmax forward + backward at
the same rows, interleaved, after warm-up; the median and the minimum over the rounds, in ms, on 2 threads (as Nabla).

    /usr/bin/python3 tools/bench/activations_torch.py [ROUNDS [REPS]]
"""
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def unary(shape, f):
    x = torch.randn(*shape, requires_grad=True)
    g = torch.randn(*shape)

    def step():
        x.grad = None
        f(x).backward(g)
    return step


cases = {
    "gelu [16, 128, 1024]": unary((16, 128, 1024), F.gelu),
    "gelu tanh [16, 128, 1024]": unary((16, 128, 1024), lambda x: F.gelu(x, approximate="tanh")),
    "softmax(-1) [16, 4, 128, 128]": unary((16, 4, 128, 128), lambda x: F.softmax(x, -1)),
    "logSoftmax(-1) [16, 4, 128, 128]": unary((16, 4, 128, 128), lambda x: F.log_softmax(x, -1)),
    "softmax(1) [16, 128, 256]": unary((16, 128, 256), lambda x: F.softmax(x, 1)),
}
times = {k: [] for k in cases}
for step in cases.values():
    for _ in range(5):
        step()
for _ in range(rounds):
    for k, step in cases.items():
        t0 = time.perf_counter()
        for _ in range(reps):
            step()
        times[k].append((time.perf_counter() - t0) / reps * 1e3)
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {rounds} rounds x {reps} reps, ms forward + backward: median, min")
for k, v in times.items():
    v.sort()
    print(f"{k:36s} {v[len(v) // 2]:9.3f} {v[0]:9.3f}")
