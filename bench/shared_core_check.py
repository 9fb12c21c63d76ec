#!/usr/bin/env python3
"""Do this machine's CPUs have vector units of their own? Runs a one-thread torch.mm (512x512x512,
FMA-bound) alone, then one copy per CPU at the same time, and prints GFLOP/s of each. On
independent cores every concurrent copy keeps about the solo figure; where virtual CPUs are SMT
siblings of one physical core (which a VM may not report: lscpu can still say 1 thread per core),
the copies share it and each gets about solo / copies. Explains why more threads may not help.

    /usr/bin/python3 bench/shared_core_check.py
"""
import multiprocessing as mp
import os
import time


def gflops(_=None):
    import torch
    torch.set_num_threads(1)
    a, b = torch.rand(512, 512), torch.rand(512, 512)
    for _ in range(20):
        a @ b
    start = time.perf_counter()
    for _ in range(400):
        a @ b
    return 400 * 2 * 512 ** 3 / (time.perf_counter() - start) / 1e9


if __name__ == "__main__":
    cpus = os.cpu_count() or 1
    solo = gflops()
    with mp.get_context("spawn").Pool(cpus) as pool:
        together = pool.map(gflops, range(cpus))
    print(f"solo: {solo:.1f} GFLOP/s; {cpus} at once: " + ", ".join(f"{g:.1f}" for g in together)
          + f" GFLOP/s (sum {sum(together):.1f}, {sum(together) / solo:.2f}x solo)")
