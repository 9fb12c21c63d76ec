#!/usr/bin/env python3
"""PyTorch's side of the formats check for ResNet-8: the same images that bench/fashion_mnist_formats.py wrote as
IDX files and as a CIFAR-10 binary set (3x32x32, gray replicated, padded), ResNet-8 (bench/torch_train.py's copy of
`trainer --model resnet8`) with momentum 0.9, lr 0.01, batch 64, normalised as the trainer does (IDX: MNIST's
0.1307/0.3081; CIFAR: 0.5/0.5 per channel), test accuracy after each epoch. It shows how far apart two formats of
the same images land after a short run with BatchNorm, independently of our implementation.

    /usr/bin/python3 bench/torch_resnet8_formats.py idx|cifar EPOCHS SEED [DIR]     (DIR default /tmp/fashion-formats)
"""
import sys, numpy as np, torch
import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_train as tt
from torch import nn
torch.set_num_threads(2)
def cifar(path):
    raw = np.fromfile(path, dtype=np.uint8).reshape(-1, 3073)
    y = torch.from_numpy(raw[:, 0].astype(np.int64)); x = torch.from_numpy(raw[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32) / 255.0)
    return (x - 0.5) / 0.5, y
def idx(d, usage):
    return tt.load(d, usage)
fmt = sys.argv[1]; epochs = int(sys.argv[2]); seed = int(sys.argv[3]); root = sys.argv[4] if len(sys.argv) > 4 else '/tmp/fashion-formats'
if fmt == 'cifar':
    d = root + '/cifar'
    import glob
    parts = [cifar(p) for p in sorted(glob.glob(d + '/data_batch_*.bin'))]
    trx = torch.cat([p[0] for p in parts]); tr_y = torch.cat([p[1] for p in parts]); tex, tey = cifar(d + '/test_batch.bin'); ch = 3
else:
    trx, tr_y = idx(root + '/idx', 'train'); tex, tey = idx(root + '/idx', 'test'); ch = 1
torch.manual_seed(seed)
m = tt.ResNet8(ch, 10); opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9); lf = nn.CrossEntropyLoss()
for e in range(epochs):
    m.train(); order = torch.randperm(trx.shape[0])
    for b in range(0, trx.shape[0], 64):
        i = order[b:b+64]; loss = lf(m(trx[i]), tr_y[i]); opt.zero_grad(); loss.backward(); opt.step()
    m.eval()
    with torch.no_grad():
        acc = sum((m(tex[s:s+256]).argmax(1) == tey[s:s+256]).sum().item() for s in range(0, tex.shape[0], 256)) / tex.shape[0]
    print(fmt, 'seed', seed, 'epoch', e + 1, 'accuracy %.1f%%' % (100 * acc), flush=True)
