#!/usr/bin/env python3
"""LeNet's two convolutions and ResNet-8's (3x3 with 16/32/64 channels on 32x32/16x16/8x8, the
stride-2 ones and the 1x1 stride-2 shortcuts) at batch 64 in PyTorch on the CPU: forward, input
gradient and weight gradient, the reference for bench/Kernels.Bench's Conv2dBenchmarks (the same
list) on the same machine.

    /usr/bin/python3 bench/torch_conv.py             # threads 1 and one per core

Prints the median of --runs calls after --warmup calls, in microseconds and GFLOP/s (2 flops per
multiply-add of the forward pass, as the C# benchmark counts). --clock cpu times each call by the
process's CPU time (all its threads) instead of the wall clock (with --threads 1, what `--conv-probe`'s
one-thread column measures; far less inflated by other work on a shared machine), and also prints
the fastest call.
"""
import argparse
import os
import time

import torch
import torch.nn.functional as F

# name: (N, C, H, W, O, K, padding, stride)
LAYERS = {
    "lenet-conv1": (64, 1, 28, 28, 6, 5, 2, 1),
    "lenet-conv2": (64, 6, 14, 14, 16, 5, 0, 1),
    "rn8-stem": (64, 3, 32, 32, 16, 3, 1, 1),
    "rn8-s1": (64, 16, 32, 32, 16, 3, 1, 1),
    "rn8-s2-down": (64, 16, 32, 32, 32, 3, 1, 2),
    "rn8-s2": (64, 32, 16, 16, 32, 3, 1, 1),
    "rn8-s2-short": (64, 16, 32, 32, 32, 1, 0, 2),
    "rn8-s3-down": (64, 32, 16, 16, 64, 3, 1, 2),
    "rn8-s3": (64, 64, 8, 8, 64, 3, 1, 1),
    "rn8-s3-short": (64, 32, 16, 16, 64, 1, 0, 2),
}


def median_us(fn, warmup, runs, clock=time.perf_counter):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = clock()
        fn()
        times.append(clock() - start)
    times.sort()
    return times[len(times) // 2] * 1e6, times[0] * 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, nargs="*", default=[1, os.cpu_count() or 1])
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = parser.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    print(f"torch {torch.__version__}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}")
    g = torch.Generator().manual_seed(8)
    for threads in args.threads:
        torch.set_num_threads(threads)
        for name, (n, c, h, w, o, k, pad, stride) in LAYERS.items():
            x = torch.rand(n, c, h, w, generator=g)
            weight = torch.rand(o, c, k, k, generator=g)
            y = F.conv2d(x, weight, padding=pad, stride=stride)
            dy = torch.rand(y.shape, generator=g)
            macs = y.numel() * c * k * k
            cases = {
                "Forward": lambda: F.conv2d(x, weight, padding=pad, stride=stride),
                "BackwardData": lambda: torch.nn.grad.conv2d_input(x.shape, weight, dy, padding=pad, stride=stride),
                "BackwardFilter": lambda: torch.nn.grad.conv2d_weight(x, weight.shape, dy, padding=pad, stride=stride),
            }
            for method, fn in cases.items():
                us, fastest = median_us(fn, args.warmup, args.runs, clock)
                extra = f"  min {fastest:9.1f} us (process CPU time)" if args.clock == "cpu" else ""
                print(f"torch {threads} thread(s)  {name:<14} {method:<15} median {us:9.1f} us  {2 * macs / us / 1e3:7.2f} GFLOP/s{extra}")


if __name__ == "__main__":
    main()
