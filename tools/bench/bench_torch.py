#!/usr/bin/env python3
"""PyTorch peer of Nabla's side-by-side benchmark (dev.nabla.bench.VsPyTorch, BENCHMARKS.md).

Run by the harness as a long-lived worker:  python3 bench_torch.py DATA_DIR MEAN STD THREADS
It reads Fashion-MNIST's IDX files from DATA_DIR/fashion-mnist, then answers one command a line on
stdin with one line on stdout:
    convnet batches=N test=N seed=S   -> OK seconds=… eval_seconds=… acc=… loss=… hwm_mb=…
    mlp     batches=N test=N seed=S   -> the same for the MLP 784-512-512-10
    infer   batches=N                 -> OK seconds=… ips=… hwm_mb=…   (convnet, eval, no grad, batch 1000)
    step1   steps=N                   -> OK ms=… hwm_mb=…   (median ms of one convnet training step at batch 1)
    quit
The first line it writes is "INFO …" (versions, threads, BLAS). Settings are the harness's: SGD lr 0.1,
batch 100, inputs normalised by the given mean and std. Peak resident memory is VmHWM from
/proc/self/status, reset before each command (writing 5 to /proc/self/clear_refs).
"""
import gzip
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def hwm_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_hwm():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def blas():
    """The BLAS library this process mapped (Debian's torch links libblas.so.3, an alternative)."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if "blas" in p or "mkl" in p:
                libs.add(os.path.realpath(p))
    return ",".join(sorted(libs)) or "none"


def convnet():
    return nn.Sequential(
        nn.Conv2d(1, 32, 5), nn.MaxPool2d(3), nn.ReLU(),
        nn.Conv2d(32, 64, 5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(256, 200), nn.ReLU(), nn.Linear(200, 10))


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


def main():
    root, mean, std, threads = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    d = os.path.join(root, "fashion-mnist")

    def images(name):
        return torch.from_numpy(((idx(os.path.join(d, name)).astype(np.float32) / 255 - mean) / std).reshape(-1, 1, 28, 28).copy())

    def labels(name):
        return torch.from_numpy(idx(os.path.join(d, name)).astype(np.int64))

    xtr, ytr = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
    xte, yte = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
    print(f"INFO peer=torch-python version={torch.__version__} threads={torch.get_num_threads()} blas={blas()}", flush=True)

    def epoch(make, batches, test, seed):
        torch.manual_seed(seed)
        model = make()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(xtr.shape[0])
        loss_sum = 0.0
        for i in range(batches):
            j = perm[i * 100:(i + 1) * 100]
            x, y = xtr[j], ytr[j]
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item()
        t1 = time.perf_counter()
        model.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, test, 1000):
                correct += (model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item()
        t2 = time.perf_counter()
        return f"seconds={t1 - t0:.4f} eval_seconds={t2 - t1:.4f} acc={correct / test:.4f} loss={loss_sum / batches:.4f}"

    def infer(batches):
        torch.manual_seed(0)
        model = convnet().eval()
        xs = [xte[(i % 10) * 1000:(i % 10 + 1) * 1000] for i in range(batches)]
        with torch.no_grad():
            t0 = time.perf_counter()
            for x in xs:
                model(x).argmax(1)
            t = time.perf_counter() - t0
        return f"seconds={t:.4f} ips={batches * 1000 / t:.1f}"

    def step1(steps):
        torch.manual_seed(0)
        model = convnet()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = xtr[:1], ytr[:1]
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            times.append(time.perf_counter() - t0)
        return f"ms={statistics.median(times) * 1000:.4f}"

    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        cmd, kv = parts[0], dict(p.split("=", 1) for p in parts[1:])
        if cmd == "quit":
            break
        reset_hwm()
        try:
            if cmd in ("convnet", "mlp"):
                out = epoch(convnet if cmd == "convnet" else mlp, int(kv["batches"]), int(kv["test"]), int(kv.get("seed", 0)))
            elif cmd == "infer":
                out = infer(int(kv["batches"]))
            elif cmd == "step1":
                out = step1(int(kv["steps"]))
            else:
                raise ValueError("unknown command " + cmd)
            print(f"OK {out} hwm_mb={hwm_mb():.1f}", flush=True)
        except Exception as e:  # report, keep serving
            print(f"ERR {type(e).__name__}: {e}".replace("\n", " "), flush=True)


if __name__ == "__main__":
    main()
