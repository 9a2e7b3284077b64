#!/usr/bin/env python3
"""PyTorch peer of dev.nabla.bench.InPlaceViewBench: the same cases, timed the same way (warm-up, interleaved runs,
median µs per step), one thread per process as the shared machine allows. Run:  /usr/bin/python3 tools/bench/inplace_views_torch.py [runs]
"""
import statistics
import sys
import time

import torch

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 9
MS = 300


def calibrate(fn):
    end = time.perf_counter() + 1.0
    n = 0
    while time.perf_counter() < end:
        fn()
        n += 1
    return max(3, int(MS * 1000 / (1e6 / n)))


def timed(fn, iters):
    t0 = time.perf_counter()
    for _ in range(iters):
        fn()
    return (time.perf_counter() - t0) * 1e6 / iters


def compare(name, a, b):
    ia, ib = calibrate(a), calibrate(b)
    ta, tb = [], []
    for _ in range(RUNS):
        ta.append(timed(a, ia))
        tb.append(timed(b, ib))
    ma, mb = statistics.median(ta), statistics.median(tb)
    print(f"{name:44s} {ma:10.1f} ({min(ta):.1f}-{max(ta):.1f}) {mb:10.1f} ({min(tb):.1f}-{max(tb):.1f}) {ma / mb:6.2f}x")


def main():
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {RUNS} runs of ~{MS} ms per case, interleaved; "
          "µs per step: in place (CopySlices), out of place, ratio")
    for n in (64, 512):
        x = torch.randn(n, n, requires_grad=True)

        def inplace():
            x.grad = None
            y = x * 2
            y.narrow(1, 0, n // 2).mul_(3)
            y.sum().backward()

        def outofplace():
            x.grad = None
            y = x * 2
            torch.cat([y.narrow(1, 0, n // 2) * 3, y.narrow(1, n // 2, n - n // 2)], 1).sum().backward()

        compare(f"y=x*2; y[:, :n/2] *= 3; sum, n={n}", inplace, outofplace)
        rows = [torch.randn(n, requires_grad=True) for _ in range(8)]

        def copies():
            for r in rows:
                r.grad = None
            buf = torch.zeros(8, n)
            for i in range(8):
                buf[i].copy_(rows[i])
            (buf * buf).sum().backward()

        def stacked():
            for r in rows:
                r.grad = None
            buf = torch.stack(rows, 0)
            (buf * buf).sum().backward()

        compare(f"buf[i].copy_(x_i), 8 rows of {n}; sum", copies, stacked)


if __name__ == "__main__":
    main()
