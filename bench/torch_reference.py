#!/usr/bin/env python3
"""The quick-start job in PyTorch, for putting `trainer compare` beside PyTorch on one machine.

Same model (Flatten, Linear 784-512, ReLU, Linear 512-512, ReLU, Linear 512-10, PyTorch's default
U(-1/sqrt(fan_in), 1/sqrt(fan_in)) init), same loss, SGD(lr), batch size and data pipeline
((x/255 - 0.1307)/0.3081 on the same IDX files, reshuffled every epoch). Runs eagerly and, where
available, under torch.compile, and prints the figures `trainer compare --json` prints, under the
same keys ("graph" holds torch.compile's). Batches are the same within this script for both modes,
not the same as the trainer's (different shuffling generator), so compare losses within a script.

--data-on device (the default) keeps the data set on the device and indexes each batch there;
--data-on host keeps it in host memory and copies each batch inside the timed step with
.to(device, non_blocking=True) from pinned memory (when the device is a GPU), as the trainer uploads
each batch. The JSON is rewritten as soon as each mode's figures exist, so a later failure or
timeout loses nothing; if torch.compile fails, the eager figures stay and "graph_error" says why.

    python3 bench/torch_reference.py --data data/mnist-10k --device cuda --json torch.json

--model lenet --optimizer momentum runs LeNet-5 as `trainer --model lenet` builds it (conv1 1->6 5x5
padded by 2, ReLU, MaxPool 2x2, conv2 6->16 5x5, ReLU, MaxPool 2x2, Dense 400-120-84-10) with
MindSpore's Momentum (PyTorch's SGD momentum, the same update rule, --momentum 0.9): the job
`trainer compare --model lenet --optimizer momentum` times.
"""
import argparse
import datetime
import gzip
import json
import os
import struct
import sys
import time
import traceback

import torch
from torch import nn

NAMES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
         "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def read_idx(path, magic):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":  # gzip, detected by its magic bytes like the trainer does
        raw = gzip.decompress(raw)
    found, = struct.unpack(">i", raw[:4])
    if found != magic:
        sys.exit(f"error: {path}: bad magic number 0x{found:08x}, expected 0x{magic:08x}")
    dims = struct.unpack(f">{magic & 0xff}i", raw[4:4 + 4 * (magic & 0xff)])
    data = raw[4 + 4 * len(dims):]
    count = 1
    for d in dims:
        count *= d
    if len(data) != count:
        sys.exit(f"error: {path}: expected {count} bytes of data after the header, found {len(data)}")
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(dims)


def find(directory, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            return path
    sys.exit(f"error: data directory '{directory}' has no {name} or {name}.gz")


def load(directory, usage, device):
    images_name, labels_name = NAMES[usage]
    images = read_idx(find(directory, images_name), 0x803)
    labels = read_idx(find(directory, labels_name), 0x801)
    x = ((images.float() * (1.0 / 255.0)) - 0.1307) / 0.3081
    return x.unsqueeze(1).to(device), labels.long().to(device)


def batches(x, y, batch_size, seed, count, pin=False):
    """The first `count` full batches, epoch after epoch; on the data's device, pinned if `pin` (host data for a GPU)."""
    out, epoch = [], 0
    while len(out) < count:
        g = torch.Generator().manual_seed(seed + epoch)
        order = torch.randperm(x.shape[0], generator=g).to(x.device)
        for start in range(0, x.shape[0] - batch_size + 1, batch_size):
            idx = order[start:start + batch_size]
            bx, by = x[idx], y[idx]
            out.append((bx.pin_memory(), by.pin_memory()) if pin else (bx, by))
            if len(out) == count:
                break
        epoch += 1
    return out


def build_model(kind):
    if kind == "lenet":
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                             nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


def percentile(sorted_values, q):
    rank = q * (len(sorted_values) - 1)
    lo, hi = int(rank), min(int(rank) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (rank - lo)


def measure(mode, args, train, test, device):
    torch.manual_seed(args.seed)
    model = build_model(args.model).to(device)
    loss_fn = nn.CrossEntropyLoss()
    momentum = args.momentum if args.optimizer == "momentum" else 0.0
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=momentum)

    host = args.data_on == "host"

    def train_step(x, y):
        if host:  # the copy is part of the step, as the trainer's upload is
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        loss = loss_fn(model(x), y)
        optimizer.zero_grad(set_to_none=False)
        loss.backward()
        optimizer.step()
        return loss

    step = train_step
    if mode == "graph":
        if not hasattr(torch, "compile"):
            raise RuntimeError(f"torch {torch.__version__} has no torch.compile")
        step = torch.compile(train_step)

    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    data = batches(*train, args.batch_size, args.seed, args.warmup + args.steps, pin=host and device.type == "cuda")
    losses, times = [], []
    compile_ms = 0.0
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
        allocated_before = None
    for i, (x, y) in enumerate(data):
        if device.type == "cuda" and i == args.warmup:
            allocated_before = torch.cuda.memory_stats()["allocated_bytes.all.allocated"]
        sync()
        start = time.perf_counter()
        loss = step(x, y)
        sync()
        elapsed = (time.perf_counter() - start) * 1000
        if i == 0 and mode == "graph":
            compile_ms = elapsed
        if i >= args.warmup:
            times.append(elapsed)
        losses.append(float(loss.detach()))
    device_bytes = None
    peak = None
    if device.type == "cuda":
        device_bytes = (torch.cuda.memory_stats()["allocated_bytes.all.allocated"] - allocated_before) / args.steps
        peak = torch.cuda.max_memory_allocated()

    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, test[0].shape[0], 64):
            x, y = test[0][start:start + 64].to(device), test[1][start:start + 64].to(device)
            correct += int((model(x).argmax(1) == y).sum())
    times.sort()
    median = percentile(times, 0.5)
    return {
        "compile_ms": compile_ms,
        "step_ms_median": median,
        "step_ms_p10": percentile(times, 0.1),
        "step_ms_p90": percentile(times, 0.9),
        "steps_per_s": 1000.0 / median,
        "samples_per_s": 1000.0 * args.batch_size / median,
        "launches_per_step": None,
        "device_bytes_per_step": device_bytes,
        "managed_bytes_per_step": None,
        "peak_device_bytes": peak,
        "test_accuracy": correct / test[0].shape[0],
        "losses": losses,
    }


def write_json(path, report):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(report, f, indent=2)
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="data/mnist-10k")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--data-on", choices=("host", "device"), default="device",
                   help="device: the data set lives on the device (default); host: in host memory, each batch copied in the step")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model", choices=("mlp", "lenet"), default="mlp")
    p.add_argument("--optimizer", choices=("sgd", "momentum"), default="sgd")
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--modes", default="eager,graph", help="which to run, in order: eager, graph (torch.compile) or both (default)")
    p.add_argument("--json")
    args = p.parse_args()
    if args.steps <= 0 or args.batch_size <= 0 or args.warmup < 0:
        sys.exit("error: --steps and --batch-size must be positive, --warmup non-negative")
    modes = args.modes.split(",")
    if not modes or any(m not in ("eager", "graph") for m in modes):
        sys.exit(f"error: --modes must list eager and/or graph, got '{args.modes}'")
    device = torch.device(args.device)
    data_device = torch.device("cpu") if args.data_on == "host" else device
    train, test = load(args.data, "train", data_device), load(args.data, "test", data_device)

    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    report = {
        "device": f"{device.type}: {name}",
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "command": "python3 " + " ".join(sys.argv),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "batch_size": args.batch_size,
        "model": args.model,
        "optimizer": args.optimizer,
        "data_on": args.data_on,
        "steps": args.steps,
        "warmup": args.warmup,
        "max_loss_diff": None,
        "speedup": None,
        "eager": None,
        "graph": None,
        "graph_error": None,
    }
    print(f"device: {report['device']}, torch {report['torch']}, data on {args.data_on}", flush=True)
    print(f"{args.model}, {args.optimizer}, batch {args.batch_size}, {args.warmup} warm-up + {args.steps} timed steps", flush=True)
    results = {}
    for mode in modes:
        label = "eager" if mode == "eager" else "torch.compile"
        try:
            results[mode] = measure(mode, args, train, test, device)
        except Exception as e:  # torch.compile needs a compiler toolchain and can fail; keep what we have
            if mode == "eager":
                raise
            traceback.print_exc()
            report["graph_error"] = f"{type(e).__name__}: {e}"[:2000]
            print(f"{label}: failed, {report['graph_error'].splitlines()[0]}", flush=True)
            results[mode] = None
        m = results[mode]
        report[mode] = {k: v for k, v in m.items() if k != "losses"} if m else None
        eager, graph = results.get("eager"), results.get("graph")
        if eager and graph:
            report["max_loss_diff"] = max(abs(a - b) for a, b in zip(eager["losses"], graph["losses"]))
            report["speedup"] = eager["step_ms_median"] / graph["step_ms_median"]
        if m:
            fmt = lambda v: "-" if v is None else f"{v:.3f}"
            print(f"{label}: " + ", ".join(f"{k} {fmt(m[k])}" for k in
                  ("compile_ms", "step_ms_median", "step_ms_p10", "step_ms_p90", "samples_per_s", "peak_device_bytes", "test_accuracy")), flush=True)
        if args.json:  # at once: a later failure or timeout must not lose these figures
            write_json(args.json, report)
            print(f"wrote {args.json} ({', '.join(k for k in modes if k in results)})", flush=True)


if __name__ == "__main__":
    main()
