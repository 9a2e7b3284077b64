"""PyTorch's time for cumsum and cumprod at the shapes of src/test/java/dev/nabla/bench/CumulativeBench.java: forward
only, and forward + backward, on 1 and 2 threads. Medians of ROUNDS rounds of REPS calls after warm-up, in ms.

    /usr/bin/python3 tools/bench/cumulative_torch.py [ROUNDS [REPS]]
"""
import sys
import time

import torch

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.manual_seed(0)
rows = []
for shape in [(256, 4096), (64, 128, 128)]:
    x = torch.randn(*shape)
    xg = torch.randn(*shape, requires_grad=True)
    xp = torch.rand(*shape) * 0.2 + 0.9
    xpg = xp.clone().requires_grad_()
    for dim in (-1, 0, 1):
        if dim == 1 and len(shape) == 2:
            continue
        at = f"{list(shape)} dim {dim}"
        for threads in (1, 2):
            def fwd(op, t=x, dim=dim):
                return lambda: getattr(t, op)(dim)

            def both(op, t, dim=dim):
                def step():
                    t.grad = None
                    getattr(t, op)(dim).sum().backward()
                return step
            rows.append((f"cumsum {at} torch forward", threads, fwd("cumsum", x)))
            rows.append((f"cumsum {at} torch fwd+bwd", threads, both("cumsum", xg)))
            rows.append((f"cumprod {at} torch forward", threads, fwd("cumprod", xp)))
            rows.append((f"cumprod {at} torch fwd+bwd", threads, both("cumprod", xpg)))
times = {}
for name, threads, f in rows:
    torch.set_num_threads(threads)
    for _ in range(3):
        f()
for _ in range(rounds):
    for name, threads, f in rows:
        torch.set_num_threads(threads)
        t0 = time.perf_counter()
        for _ in range(reps):
            f()
        times.setdefault(f"{name}, {threads} thr", []).append((time.perf_counter() - t0) * 1e3 / reps)
print(f"cumulative_torch.py: torch {torch.__version__}, median of {rounds} rounds x {reps} reps, ms")
for k, v in times.items():
    v.sort()
    print(f"{k:55s} {v[len(v) // 2]:9.3f}")
