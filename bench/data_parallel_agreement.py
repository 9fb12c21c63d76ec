#!/usr/bin/python3
"""How closely `trainer train --ranks 2` follows one process with the same global batch.

For each seed, trains the MLP for 2 epochs on the built-in digits with one process and with 2 ranks, saving
every 10 steps, and prints: the largest relative difference of the logged losses (metrics log, full precision),
the test accuracies, and the largest weight difference at every saved step (so where the runs part shows). Then
a control: one process with the learning rate 1% higher, to show how far a 1%-wrong gradient moves the weights
in the same steps. --model and --dropout train another model or add dropout (every rank then draws one process's
masks for its rows). Needs numpy, Open MPI and the .NET SDK; run from anywhere:

    /usr/bin/python3 bench/data_parallel_agreement.py [--seeds 0 5] [--model mlp|lenet] [--dropout P]
"""
import argparse
import json
import os
import struct
import subprocess
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAINER = ["dotnet", os.path.join(ROOT, "src/Cli/bin/Release/net10.0/trainer.dll")]


def weights(path):
    """The float32 tensors of a safetensors file, by name, as float64 arrays."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    header.pop("__metadata__", None)
    data = blob[8 + n:]
    return {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype=np.float32).astype(np.float64)
            for k, v in header.items() if v["dtype"] == "F32" and not k.startswith("optimizer.")}


def largest_difference(a, b):
    return max(np.abs(a[k] - b[k]).max() for k in a)


def train(directory, name, *args):
    save = os.path.join(directory, name)
    metrics = save + ".jsonl"
    subprocess.run([*TRAINER, "train", "--device", "cpu", "--epochs", "2", "--progress", "none",
                    "--save", save, "--save-every", "10", "--metrics", metrics, *args],
                   check=True, stdout=subprocess.DEVNULL, env={**os.environ, "TERM": "dumb"})
    with open(metrics) as f:
        return save, [json.loads(line) for line in f]


def checkpoint(save, step, steps_per_epoch):
    name = f"step-{step}.safetensors"
    if not os.path.exists(os.path.join(save, name)):
        name = f"epoch-{step // steps_per_epoch}.safetensors"  # a save that falls on an epoch's end
    return os.path.join(save, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 5])
    parser.add_argument("--model", default="mlp")
    parser.add_argument("--dropout", default="0")
    args = parser.parse_args()
    extra = ["--model", args.model, "--dropout", args.dropout]
    print(f"model {args.model}, dropout {args.dropout}")
    subprocess.run(["dotnet", "build", "-c", "Release", os.path.join(ROOT, "src/Cli"), "-v", "quiet", "-nologo"],
                   check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as directory:
        for seed in args.seeds:
            one, m1 = train(directory, f"one-{seed}", "--seed", str(seed), *extra)
            two, m2 = train(directory, f"two-{seed}", "--seed", str(seed), "--ranks", "2", *extra)
            assert [(r["kind"], r["step"]) for r in m1] == [(r["kind"], r["step"]) for r in m2]
            loss = max(abs(a["loss"] - b["loss"]) / abs(a["loss"]) for a, b in zip(m1, m2))
            accuracy = [(a["test_accuracy"], b["test_accuracy"]) for a, b in zip(m1, m2) if a["kind"] == "epoch"]
            steps = m1[-1]["step"]
            per_epoch = steps // 2
            final = largest_difference(weights(os.path.join(one, "last.safetensors")), weights(os.path.join(two, "last.safetensors")))
            print(f"seed {seed}, {steps} steps: losses within {loss:.2e} relative; test accuracy (1 process, 2 ranks) "
                  f"{', '.join(f'{a:.3f}/{b:.3f}' for a, b in accuracy)}; final weights within {final:.2e}")
            row = []
            for step in range(10, steps + 1, 10):
                d = largest_difference(weights(checkpoint(one, step, per_epoch)), weights(checkpoint(two, step, per_epoch)))
                row.append(f"{step}:{d:.1e}")
            print("  largest weight difference by step: " + " ".join(row))
        control_seed = args.seeds[-1]
        control, _ = train(directory, "control", "--seed", str(control_seed), "--lr", "0.0101", *extra)
        base = weights(os.path.join(directory, f"one-{control_seed}", "last.safetensors"))
        print(f"control, seed {control_seed}: lr 0.0101 against 0.01, one process each: final weights differ by "
              f"{largest_difference(base, weights(os.path.join(control, 'last.safetensors'))):.2e}")


if __name__ == "__main__":
    main()
