"""PyTorch's side of RingBench: torch.distributed all_reduce (gloo, the CPU backend) of float32 tensors at N = 2
over loopback, for the same sizes, median of interleaved rounds; the mean is the sum then one division, as the ring.

    /usr/bin/python3 tools/bench/ring_torch.py [rounds]
"""
import os
import statistics
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

SIZES = [1, 256, 4096, 16384, 65536, 105506, 272474, 524288, 1048576, 4194304]


def rank_main(rank, world, port, rounds, out):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    data = [torch.full((s,), float(rank + 1)) for s in SIZES]
    per_op = [[] for _ in SIZES]
    for rnd in range(-1, rounds):
        for j in range(len(SIZES)):
            s = (j + rnd) % len(SIZES)
            iterations = max(5, min(2000, 8_000_000 // max(SIZES[s], 4000)))
            dist.barrier()
            t0 = time.perf_counter()
            for _ in range(iterations):
                dist.all_reduce(data[s])
                data[s].div_(world)
            t1 = time.perf_counter()
            if rnd >= 0:
                per_op[s].append((t1 - t0) / iterations)
    if rank == 0:
        out.put([statistics.median(t) for t in per_op])
    dist.destroy_process_group()


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    port = 29500 + os.getpid() % 1000
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=rank_main, args=(r, 2, port, rounds, out)) for r in range(2)]
    for p in procs:
        p.start()
    medians = out.get()
    for p in procs:
        p.join()
    print(f"torch {torch.__version__} gloo all_reduce + div_ at N = 2 over loopback, median of {rounds} rounds;"
          f" load {open('/proc/loadavg').read().split()[:3]}")
    print("| floats | median | effective GB/s |")
    print("| ---: | ---: | ---: |")
    for s, t in zip(SIZES, medians):
        print(f"| {s:,} | {t * 1e6:.1f} µs | {s * 4 / t / 1e9:.2f} |")


if __name__ == "__main__":
    main()
