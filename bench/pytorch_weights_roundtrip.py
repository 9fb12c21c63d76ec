#!/usr/bin/env python3
"""Weights trained by PyTorch, evaluated by `trainer eval`: the must-show of issue 22 for weights from elsewhere.

1. Trains PyTorch's own quick-start model (the tutorial's `NeuralNetwork`: `flatten`, then
   `linear_relu_stack` = Linear 784-512, ReLU, Linear 512-512, ReLU, Linear 512-10) on the built-in
   digits with 1 thread: SGD lr 0.01, batch 64, 2 epochs, seed 0, inputs (x/255 - 0.1307)/0.3081.
2. Evaluates it with the tutorial's test loop (batch 64: mean of the batch losses, correct/size) and
   takes its prediction for every test image.
3. Saves the weights only, as `safetensors.torch.save_file(model.state_dict(), F)` does: metadata
   {"format": "pt"}, PyTorch's names (`linear_relu_stack.0.weight`, ...), F32, the tensors ordered by
   dtype size then name, compact JSON padded with spaces to 8 bytes. Debian has no python3-safetensors,
   so the file is written here byte for byte as that library writes it (json + struct only).
4. Runs `trainer eval --checkpoint F --rename linear_relu_stack.=dense_relu_sequential.` and
   `trainer predict` over the whole test set in one batch, and compares: average loss within 1e-4,
   accuracy within 1e-4 (as a fraction, from the trainer's per-image predictions), and how many
   predictions differ.

    /usr/bin/python3 bench/pytorch_weights_roundtrip.py --trainer "dotnet src/Cli/bin/Release/net10.0/trainer.dll"

Prints a report and one JSON line last; exits 1 if either difference is over 1e-4.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_safetensors import save_file  # noqa: E402
from torch_train import load  # noqa: E402  (the same IDX reading and normalisation as the other benchmarks)

RENAME = "linear_relu_stack.=dense_relu_sequential."


class NeuralNetwork(nn.Module):
    """PyTorch's quick-start model, as its tutorial writes it (so its state_dict has PyTorch's names)."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"error: {' '.join(command)} exited {result.returncode}: {result.stderr.strip()}")
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--trainer", required=True, help="how to run trainer, e.g. 'dotnet src/Cli/bin/Release/net10.0/trainer.dll'")
    p.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "mnist-10k"))
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="directory for the safetensors file (default a temporary one)")
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    train_x, train_y = load(a.data, "train")
    test_x, test_y = load(a.data, "test")
    model = NeuralNetwork()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    batch = 64
    for epoch in range(a.epochs):
        order = torch.randperm(train_x.shape[0], generator=torch.Generator().manual_seed(a.seed + epoch))
        model.train()
        for s in range(0, train_x.shape[0], batch):
            idx = order[s:s + batch]
            loss = loss_fn(model(train_x[idx]), train_y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    total_loss, batches, predictions = 0.0, 0, []
    with torch.no_grad():
        for s in range(0, test_x.shape[0], batch):
            pred = model(test_x[s:s + batch])
            total_loss += loss_fn(pred, test_y[s:s + batch]).item()
            predictions += pred.argmax(1).tolist()
            batches += 1
    torch_loss = total_loss / batches
    labels = test_y.tolist()
    torch_accuracy = sum(int(p == y) for p, y in zip(predictions, labels)) / len(labels)

    out = a.out or tempfile.mkdtemp(prefix="pytorch-weights-")
    path = os.path.join(out, "pytorch-quickstart.safetensors")
    save_file(model.state_dict(), path, {"format": "pt"})
    trainer = shlex.split(a.trainer)
    common = ["--checkpoint", path, "--rename", RENAME, "--data", a.data, "--device", "cpu"]
    evaluated = run(trainer + ["eval", "--batch-size", str(batch)] + common)
    m = re.search(r"Accuracy: ([0-9.]+)%, Avg loss: +([0-9.]+)", evaluated.stdout)
    if not m:
        sys.exit(f"error: no 'Accuracy' line in trainer eval's output:\n{evaluated.stdout}")
    trainer_loss = float(m.group(2))
    n = len(labels)
    predicted = run(trainer + ["predict", "--batch-size", str(n), "--count", str(n)] + common)
    m2 = re.search(r'Predicted: "\[([0-9 ]+)\]", Actual: "\[([0-9 ]+)\]"', predicted.stdout)
    if not m2:
        sys.exit(f"error: no 'Predicted' line in trainer predict's output:\n{predicted.stdout}")
    ours = [int(v) for v in m2.group(1).split()]
    actual = [int(v) for v in m2.group(2).split()]
    if actual != labels:
        sys.exit("error: trainer predict's labels are not the test set's in order")
    trainer_accuracy = sum(int(p == y) for p, y in zip(ours, labels)) / n
    differing = sum(int(p != q) for p, q in zip(ours, predictions))
    loss_diff, accuracy_diff = abs(trainer_loss - torch_loss), abs(trainer_accuracy - torch_accuracy)

    print(f"torch {torch.__version__}, 1 thread, {a.epochs} epochs of SGD lr 0.01 batch {batch} on {len(train_y)} digits, seed {a.seed}")
    if a.out is None:
        shutil.rmtree(out)
    print(f"weights: {os.path.basename(path)} (format pt, PyTorch names, F32), read with --rename '{RENAME}'")
    print(f"PyTorch:          Accuracy: {100 * torch_accuracy:.2f}%, Avg loss: {torch_loss:.6f}")
    print(f"trainer eval:     Accuracy: {m.group(1)}%, Avg loss: {trainer_loss:.6f}   (printed to 6 decimals)")
    print(f"trainer predict:  Accuracy: {100 * trainer_accuracy:.2f}% over {n} images, {differing} prediction(s) differ from PyTorch's")
    print(f"difference:       loss {loss_diff:.2e}, accuracy {accuracy_diff:.2e} (limit 1e-4 each)")
    ok = loss_diff <= 1e-4 and accuracy_diff <= 1e-4
    print(json.dumps({"torch": torch.__version__, "epochs": a.epochs, "torch_accuracy": torch_accuracy, "torch_avg_loss": torch_loss,
                      "trainer_accuracy": trainer_accuracy, "trainer_avg_loss": trainer_loss, "predictions_differing": differing,
                      "loss_diff": loss_diff, "accuracy_diff": accuracy_diff, "ok": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
