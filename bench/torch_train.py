#!/usr/bin/env python3
"""MindSpore's MNIST quick-start job in PyTorch on the CPU: the reference `bench/cpu-vs-torch.sh`
times `trainer train --device cpu` against.

Same model (Flatten, Linear 784-512, ReLU, Linear 512-512, ReLU, Linear 512-10), same loss
(cross-entropy), SGD(lr=0.01), batch 64, the same IDX files, normalised (x/255 - 0.1307)/0.3081
and reshuffled every epoch, the tutorial's log every 100 batches (which reads the loss, as the
trainer does), then the test loop. Written the fastest plain way PyTorch allows: the whole set is
normalised once up front and batches are index slices, so the timed loop is the training itself.

    /usr/bin/python3 bench/torch_train.py --data /usr/share/datasets/fashion-mnist --threads 1

`--model lenet --optimizer momentum --momentum 0.9` runs LeNet-5 as `trainer --model lenet` builds
it (conv1 padded by 2, MaxPool 2x2, Dense 400-120-84-10) with MindSpore's Momentum (PyTorch's SGD
momentum, the same update rule). `--model resnet8` runs ResNet-8 as `trainer --model resnet8` builds it
(conv3x3 16 no bias, BatchNorm, ReLU; basic blocks of 16, 32, 64 channels at strides 1, 2, 2 with
conv1x1 + BatchNorm projection shortcuts; global average pooling; Linear 64-10; PyTorch's BatchNorm
momentum 0.1 is MindSpore's 0.9).

Prints one JSON line last: {"threads", "epochs", "train_s" (per epoch), "test_accuracy", ...}.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import torch
from torch import nn

class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.project = stride != 1 or cin != cout
        if self.project:
            self.shortcut_conv = nn.Conv2d(cin, cout, 1, stride, bias=False)
            self.shortcut_bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (self.shortcut_bn(self.shortcut_conv(x)) if self.project else x))


class ResNet8(nn.Module):
    def __init__(self, channels, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = Block(16, 16, 1)
        self.layer2 = Block(16, 32, 2)
        self.layer3 = Block(32, 64, 2)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(x.mean(dim=(2, 3)))


NAMES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
         "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def read_idx(path, magic):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    found, = struct.unpack(">i", raw[:4])
    if found != magic:
        sys.exit(f"error: {path}: bad magic number 0x{found:08x}, expected 0x{magic:08x}")
    dims = struct.unpack(f">{magic & 0xff}i", raw[4:4 + 4 * (magic & 0xff)])
    return torch.frombuffer(bytearray(raw[4 + 4 * len(dims):]), dtype=torch.uint8).reshape(dims)


def find(directory, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            return path
    sys.exit(f"error: data directory '{directory}' has no {name} or {name}.gz")


def load(directory, usage):
    images_name, labels_name = NAMES[usage]
    images = read_idx(find(directory, images_name), 0x803)
    labels = read_idx(find(directory, labels_name), 0x801)
    x = ((images.float() * (1.0 / 255.0)) - 0.1307) / 0.3081
    return x.unsqueeze(1).contiguous(), labels.long()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model", choices=("mlp", "lenet", "resnet8"), default="mlp")
    p.add_argument("--optimizer", choices=("sgd", "momentum"), default="sgd")
    p.add_argument("--momentum", type=float, default=0.9)
    a = p.parse_args()
    if a.threads < 1 or a.epochs < 1 or a.batch_size < 1:
        sys.exit("error: --threads, --epochs and --batch-size must be positive")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train_x, train_y = load(a.data, "train")
    test_x, test_y = load(a.data, "test")
    if a.model == "resnet8":
        model = ResNet8(1, 10)
    elif a.model == "lenet":
        model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
                              nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                              nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    else:
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    loss_fn = nn.CrossEntropyLoss()
    momentum = a.momentum if a.optimizer == "momentum" else 0.0
    optimizer = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=momentum)
    size = (train_x.shape[0] + a.batch_size - 1) // a.batch_size
    train_s = []
    accuracy = avg_loss = float("nan")
    for epoch in range(a.epochs):
        print(f"Epoch {epoch + 1}\n-------------------------------")
        order = torch.randperm(train_x.shape[0], generator=torch.Generator().manual_seed(a.seed + epoch))
        model.train()
        start = time.perf_counter()
        for batch in range(size):
            idx = order[batch * a.batch_size:(batch + 1) * a.batch_size]
            loss = loss_fn(model(train_x[idx]), train_y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if batch % 100 == 0:
                print(f"loss: {loss.item():>7f}  [{batch:>3d}/{size:>3d}]")
        train_s.append(time.perf_counter() - start)
        model.eval()
        correct, total_loss, batches = 0, 0.0, 0
        with torch.no_grad():
            for s in range(0, test_x.shape[0], a.batch_size):
                pred = model(test_x[s:s + a.batch_size])
                total_loss += loss_fn(pred, test_y[s:s + a.batch_size]).item()
                correct += (pred.argmax(1) == test_y[s:s + a.batch_size]).sum().item()
                batches += 1
        accuracy, avg_loss = correct / test_x.shape[0], total_loss / batches
        print(f"Test: \n Accuracy: {100 * accuracy:>0.1f}%, Avg loss: {avg_loss:>8f} \n")
    print(json.dumps({"framework": f"torch {torch.__version__}", "model": a.model,
                      "optimizer": a.optimizer, "threads": a.threads, "epochs": a.epochs,
                      "batch_size": a.batch_size, "train_s": train_s, "test_accuracy": accuracy, "avg_loss": avg_loss}))


if __name__ == "__main__":
    main()
