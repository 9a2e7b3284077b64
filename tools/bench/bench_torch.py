#!/usr/bin/env python3
"""PyTorch peer of Nabla's side-by-side benchmark (dev.nabla.bench.VsPyTorch, BENCHMARKS.md).

Run by the harness as a long-lived worker:  python3 bench_torch.py DATA_DIR MEAN STD THREADS
It reads Fashion-MNIST's IDX files from DATA_DIR/fashion-mnist, then answers one command a line on
stdin with one line on stdout:
    convnet batches=N test=N seed=S   -> OK seconds=… eval_seconds=… acc=… loss=… hwm_mb=…
    mlp     batches=N test=N seed=S   -> the same for the MLP 784-512-512-10
    infer   batches=N                 -> OK seconds=… ips=… hwm_mb=…   (convnet, eval, no grad, batch 1000)
    step1   steps=N                   -> OK ms=… hwm_mb=…   (median ms of one convnet training step at batch 1)
    resnet20 steps=N batch=B seed=S   -> OK ms=… ips=… loss=… hwm_mb=…   (median ms of a ResNet-20 training step)
    transformer norm_first=0|1 steps=N batch=B seq=T seed=S -> OK ms=… loss=… hwm_mb=…   (token transformer step)
    micro   op=NAME reps=N            -> OK ms=… hwm_mb=…   (median ms of one op's forward + backward, see MICRO)
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


class BasicBlock(nn.Module):
    """ResNet-20's block: two 3x3 convolutions with BatchNorm, the input or its 1x1 projection added before the last ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                         if stride != 1 or cin != cout else None)

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)), inplace=True)))
        return F.relu(y + (x if self.shortcut is None else self.shortcut(x)), inplace=True)


class ResNet20(nn.Module):
    """He et al. 2016 section 4.2, projection shortcuts; the same network as Nabla's dev.nabla.bench.ResNet20."""

    def __init__(self, classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)

        def stage(cin, cout, stride):
            return nn.Sequential(BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1), BasicBlock(cout, cout, 1))

        self.layer1, self.layer2, self.layer3 = stage(16, 16, 1), stage(16, 32, 2), stage(32, 64, 2)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, classes))

    def forward(self, x):
        return self.head(self.layer3(self.layer2(self.layer1(F.relu(self.bn(self.conv(x)), inplace=True)))))


VOCAB, D_MODEL, HEADS, FEED_FORWARD, LAYERS, DROPOUT = 1000, 256, 4, 1024, 2, 0.1


class TokenTransformer(nn.Module):
    """Embedding -> TransformerEncoder (GELU, batch_first) -> Linear to the vocabulary; Nabla's dev.nabla.bench.TokenTransformer."""

    def __init__(self, norm_first):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, D_MODEL)
        layer = nn.TransformerEncoderLayer(D_MODEL, HEADS, FEED_FORWARD, DROPOUT, "gelu", batch_first=True, norm_first=norm_first)
        self.encoder = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
        self.head = nn.Linear(D_MODEL, VOCAB)

    def forward(self, tokens):
        return self.head(self.encoder(self.embed(tokens)))


CIFAR_MEAN, CIFAR_STD = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)


def cifar(root, n):
    """As dev.nabla.bench.Workloads.cifar: CIFAR-10's first n training images, else the same synthetic set."""
    f = os.path.join(root, "cifar-10-batches-bin", "data_batch_1.bin")
    if os.path.isfile(f):
        raw = np.fromfile(f, dtype=np.uint8)[:n * 3073].reshape(n, 3073)
        x = raw[:, 1:].astype(np.float32).reshape(n, 3, 32, 32) / 255
        x = (x - np.array(CIFAR_MEAN, dtype=np.float32).reshape(1, 3, 1, 1)) / np.array(CIFAR_STD, dtype=np.float32).reshape(1, 3, 1, 1)
        y = raw[:, 0].astype(np.int64)
    else:
        i = np.arange(n * 3072, dtype=np.uint64)
        x = (((i * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)).astype(np.float64) / 4294967296.0 * 2 - 1).astype(np.float32)
        x = x.reshape(n, 3, 32, 32)
        y = (np.arange(n, dtype=np.int64) * 7) % 10
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)), torch.from_numpy(y)


def tokens(k, batch, seq):
    """As dev.nabla.bench.Workloads.tokens: token ids [batch, seq] and each one's target (the next position's token)."""
    b = np.arange(batch, dtype=np.int64).reshape(-1, 1)
    t = np.arange(seq, dtype=np.int64).reshape(1, -1)
    x = ((k * batch + b) * 7919 + t * 104729 + (b * t) % 13) % VOCAB
    return torch.from_numpy(x), torch.from_numpy(np.roll(x, -1, axis=1).copy())


# the micro-benchmarks: an op's forward + backward at the shapes of ResNet-20 (batch 128) and the transformer
MICRO = {
    "bn2d-16": (128, 16, 32, 32), "bn2d-32": (128, 32, 16, 16), "bn2d-64": (128, 64, 8, 8),
    "layernorm": (16, 128, 256), "softmax": (16, 4, 128, 128), "gelu": (16, 128, 1024),
}


def micro_op(name):
    shape = MICRO[name]
    if name.startswith("bn2d"):
        return shape, nn.BatchNorm2d(shape[1])
    if name == "layernorm":
        return shape, nn.LayerNorm(shape[-1])
    if name == "softmax":
        return shape, lambda x: torch.softmax(x, -1)
    return shape, F.gelu


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

    def resnet20(steps, batch, seed):
        torch.manual_seed(seed)
        model = ResNet20().train()
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
        xs, ys = cifar(root, 1280)
        times, loss = [], 0.0
        for i in range(steps):
            k = (i % (1280 // batch)) * batch
            x, y = xs[k:k + batch], ys[k:k + batch]
            t0 = time.perf_counter()
            loss_t = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss_t.backward()
            opt.step()
            loss = loss_t.item()
            times.append(time.perf_counter() - t0)
        ms = statistics.median(times) * 1000
        return f"ms={ms:.4f} ips={batch * 1000 / ms:.1f} loss={loss:.4f}"

    def transformer(norm_first, steps, batch, seq, seed):
        torch.manual_seed(seed)
        model = TokenTransformer(norm_first).train()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        times, loss = [], 0.0
        for i in range(steps):
            x, y = tokens(i % 4, batch, seq)
            t0 = time.perf_counter()
            loss_t = F.cross_entropy(model(x).reshape(-1, VOCAB), y.reshape(-1))
            opt.zero_grad()
            loss_t.backward()
            opt.step()
            loss = loss_t.item()
            times.append(time.perf_counter() - t0)
        return f"ms={statistics.median(times) * 1000:.4f} loss={loss:.4f}"

    def micro(name, reps):
        torch.manual_seed(0)
        shape, op = micro_op(name)
        x = torch.randn(shape, requires_grad=True)
        g = torch.randn(shape)
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            op(x).backward(g)
            times.append(time.perf_counter() - t0)
            x.grad = None
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
            elif cmd == "resnet20":
                out = resnet20(int(kv["steps"]), int(kv.get("batch", 128)), int(kv.get("seed", 0)))
            elif cmd == "transformer":
                out = transformer(kv["norm_first"] == "1", int(kv["steps"]), int(kv.get("batch", 16)), int(kv.get("seq", 128)),
                                  int(kv.get("seed", 0)))
            elif cmd == "micro":
                out = micro(kv["op"], int(kv["reps"]))
            else:
                raise ValueError("unknown command " + cmd)
            print(f"OK {out} hwm_mb={hwm_mb():.1f}", flush=True)
        except Exception as e:  # report, keep serving
            print(f"ERR {type(e).__name__}: {e}".replace("\n", " "), flush=True)


if __name__ == "__main__":
    main()
