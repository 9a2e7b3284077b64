"""PyTorch's time for the ops the Nabla kernels in dev.nabla.layers.kernels replace, forward + backward, at the
workloads' shapes; the Java side is src/test/java/dev/nabla/bench/NormKernelBench.java. Medians of ROUNDS rounds of
REPS calls after warm-up, in ms, on torch.get_num_threads() threads (2 here, as Nabla).

    python3 tools/bench/kernels_torch.py [ROUNDS [REPS]]
"""
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 10


def bn(shape):
    c = shape[1]
    x = torch.randn(*shape, requires_grad=True)
    w = torch.ones(c, requires_grad=True)
    b = torch.zeros(c, requires_grad=True)
    rm, rv = torch.zeros(c), torch.ones(c)
    g = torch.randn(*shape)

    def step():
        y = F.batch_norm(x, rm, rv, w, b, True, 0.1, 1e-5)
        y.backward(g)
    return step


def ln(shape):
    d = shape[-1]
    x = torch.randn(*shape, requires_grad=True)
    w = torch.ones(d, requires_grad=True)
    b = torch.zeros(d, requires_grad=True)
    g = torch.randn(*shape)

    def step():
        F.layer_norm(x, (d,), w, b, 1e-5).backward(g)
    return step


def unary(shape, f):
    x = torch.randn(*shape, requires_grad=True)
    g = torch.randn(*shape)

    def step():
        f(x).backward(g)
    return step


cases = {}
for s in [(128, 16, 32, 32), (128, 32, 16, 16), (128, 64, 8, 8), (64, 32, 32, 32)]:
    cases["batchNorm2d " + str(list(s))] = bn(s)
cases["layerNorm [16, 128, 256]"] = ln((16, 128, 256))
cases["softmax(-1) [16, 4, 128, 128]"] = unary((16, 4, 128, 128), lambda x: F.softmax(x, -1))
cases["logSoftmax(-1) [16, 4, 128, 128]"] = unary((16, 4, 128, 128), lambda x: F.log_softmax(x, -1))
cases["softmax(1) [16, 128, 256]"] = unary((16, 128, 256), lambda x: F.softmax(x, 1))
cases["gelu [16, 128, 1024]"] = unary((16, 128, 1024), F.gelu)
cases["gelu tanh [16, 128, 1024]"] = unary((16, 128, 1024), lambda x: F.gelu(x, approximate="tanh"))
cases["relu [64, 32, 32, 32]"] = unary((64, 32, 32, 32), F.relu)

times = {k: [] for k in cases}
for step in cases.values():
    for _ in range(3):
        step()
for _ in range(rounds):
    for k, step in cases.items():
        t0 = time.perf_counter()
        for _ in range(reps):
            step()
        times[k].append((time.perf_counter() - t0) / reps * 1e3)
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, median of {rounds} x {reps}, ms forward + backward")
for k, v in times.items():
    v.sort()
    print(f"{k:40s} {v[len(v) // 2]:8.3f}")
