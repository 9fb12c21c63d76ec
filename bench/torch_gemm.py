#!/usr/bin/env python3
"""torch.mm (OpenBLAS on the CPU) at the eight GEMM shapes of one training step of the quick-start
MLP at batch 64, the reference for the native GEMM's benchmark (bench/Kernels.Bench, class
NativeGemmBenchmarks, or `--native-probe`). Shapes are "layout MxNxK" as in GemmShapes.cs:
nt = A·Bᵀ with B stored [N,K] (the forward X·Wᵀ), nn = A·B, tn = Aᵀ·B with A stored [K,M];
transposes are .t() views, as a real step passes them.

    /usr/bin/python3 bench/torch_gemm.py            # threads 1 and one per core
    /usr/bin/python3 bench/torch_gemm.py --threads 2

Prints the median of --runs calls after --warmup calls, in microseconds and GFLOP/s.
"""
import argparse
import os
import time

import torch

SHAPES = ["nt 64x512x784", "nt 64x512x512", "nt 64x10x512", "nn 64x512x10",
          "nn 64x512x512", "tn 10x512x64", "tn 512x512x64", "tn 512x784x64"]


def operands(text):
    layout, dims = text.split(" ")
    m, n, k = (int(x) for x in dims.split("x"))
    g = torch.Generator().manual_seed(1)
    a = torch.rand(k, m, generator=g).t() if layout == "tn" else torch.rand(m, k, generator=g)
    b = torch.rand(n, k, generator=g).t() if layout == "nt" else torch.rand(k, n, generator=g)
    return a, b, 2.0 * m * n * k


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, nargs="*", default=[1, os.cpu_count()])
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    a = p.parse_args()
    print(f"torch {torch.__version__}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}")
    for threads in dict.fromkeys(a.threads):
        torch.set_num_threads(threads)
        for shape in SHAPES:
            x, y, flops = operands(shape)
            out = torch.empty(x.shape[0], y.shape[1])
            for _ in range(a.warmup):
                torch.mm(x, y, out=out)
            times = []
            for _ in range(a.runs):
                start = time.perf_counter()
                torch.mm(x, y, out=out)
                times.append(time.perf_counter() - start)
            times.sort()
            median = times[len(times) // 2]
            print(f"torch.mm {threads} thread(s)  {shape:<14}  median {median * 1e6:9.1f} us  {flops / median / 1e9:8.1f} GFLOP/s")


if __name__ == "__main__":
    main()
