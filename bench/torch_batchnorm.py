#!/usr/bin/env python3
"""PyTorch's side of the BatchNorm agreement check (issue 20): ResNet-8 in PyTorch 1.13 with the trainer's layer names.

Builds ResNet-8 (conv1 bn1, layer1..layer3 basic blocks with conv1 bn1 conv2 bn2 and, where the shape changes,
shortcut_conv shortcut_bn, global average pooling, fc) for 3-channel 8x8 images and 10 classes, seed 0, 1 thread,
and writes into OUT_DIR:
  weights.safetensors   the initial state_dict under PyTorch's names (BatchNorm: weight, bias, running_mean,
                        running_var, num_batches_tracked as I64), as safetensors.torch.save_file writes it;
  data.safetensors      20 training batches x.K [16,3,8,8] and y.K [16] (labels as F32: the best of ten fixed random projections of x), and eval_x [16,3,8,8];
  expected.safetensors  after 20 steps of SGD (lr 0.01, momentum 0.9, cross-entropy, train mode): every
                        BatchNorm's running_mean and running_var, and the eval-mode logits of eval_x.
The trainer's test (tests/Training.Tests/Loops/ResNet8TorchAgreementTests.cs) loads weights.safetensors into its
ResNet8, takes the same 20 steps and compares: running statistics within 1e-5 relative, eval logits within 1e-4.

    /usr/bin/python3 bench/torch_batchnorm.py OUT_DIR
"""
import sys

import torch
import torch.nn.functional as F

from torch_safetensors import save_file  # noqa: E402
from torch_train import ResNet8  # the same ResNet-8 the side-by-side timing runs, with the trainer's layer names

STEPS, BATCH, CHANNELS, SIZE, CLASSES = 20, 16, 3, 8, 10


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: torch_batchnorm.py OUT_DIR")
    out = sys.argv[1]
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = ResNet8(CHANNELS, CLASSES)
    save_file(model.state_dict(), f"{out}/weights.safetensors")

    # Labels a network can learn (the best of ten fixed random projections of the image), so the 20 steps descend
    # smoothly; random labels make a chaotic trajectory that amplifies float32 rounding between any two libraries.
    projection = torch.randn(CHANNELS * SIZE * SIZE, CLASSES)
    data = {}
    for k in range(STEPS):
        x = torch.randn(BATCH, CHANNELS, SIZE, SIZE) * 2 + 0.5
        data[f"x.{k}"] = x
        data[f"y.{k}"] = (x.reshape(BATCH, -1) @ projection).argmax(dim=1).to(torch.float32)
    data["eval_x"] = torch.randn(BATCH, CHANNELS, SIZE, SIZE) * 2 + 0.5
    save_file(data, f"{out}/data.safetensors")

    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    model.train()
    for k in range(STEPS):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(data[f"x.{k}"]), data[f"y.{k}"].to(torch.int64))
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(data["eval_x"])
    expected = {name: t for name, t in model.state_dict().items() if name.endswith(("running_mean", "running_var"))}
    expected["logits"] = logits
    save_file(expected, f"{out}/expected.safetensors")
    print(f"torch {torch.__version__}: {STEPS} steps, last loss {loss.item():.6f}, wrote {out}")


if __name__ == "__main__":
    main()
