#!/usr/bin/python3
"""The same Fashion-MNIST images in three formats `trainer train --data` reads, for the issue-20 must-show.

    /usr/bin/python3 bench/fashion_mnist_formats.py OUT [--train 10000] [--test 2000] [--source /usr/share/datasets/fashion-mnist]

writes, from the first TRAIN training and first TEST test images of the source IDX files (same images, same order):
  OUT/idx/      the four IDX files (raw), 28x28 gray: what --data read before issue 20
  OUT/folders/  train/<class>/NNNNN.png and test/<class>/NNNNN.png, 8-bit gray 28x28 PNGs (written with zlib; no PIL)
  OUT/cifar/    CIFAR-10 binary: data_batch_1..5.bin (the training images split in five) and test_batch.bin, each record
                1 label byte + 3072 bytes CHW; the 28x28 gray image replicated to 3 channels and padded with 2 black pixels
                on every side to 32x32 (no resampling: every pixel value is kept, as LeNet's conv1 padding of 2 does).
Class folders are named '<label>_<name>' so that their ordinal order is the label order.
Needs python3 and numpy only.
"""
import argparse
import gzip
import os
import struct
import zlib

import numpy as np

CLASSES = ["0_tshirt_top", "1_trouser", "2_pullover", "3_dress", "4_coat",
           "5_sandal", "6_shirt", "7_sneaker", "8_bag", "9_ankle_boot"]


def read_idx(path):
    with (gzip.open(path) if path.endswith(".gz") else open(path, "rb")) as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, count * rows * cols, 16).reshape(count, rows, cols)
    if magic == 0x801:
        return np.frombuffer(data, np.uint8, count, 8)
    raise SystemExit(f"{path}: not an IDX image or label file (magic 0x{magic:08x})")


def write_idx(path, array):
    with open(path, "wb") as f:
        if array.ndim == 3:
            f.write(struct.pack(">IIII", 0x803, *array.shape))
        else:
            f.write(struct.pack(">II", 0x801, array.shape[0]))
        f.write(np.ascontiguousarray(array, np.uint8).tobytes())


def png_gray(image):
    """An 8-bit grayscale PNG (colour type 0), every row with filter type 0."""
    h, w = image.shape
    raw = b"".join(b"\x00" + image[y].tobytes() for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def cifar_records(images, labels):
    padded = np.zeros((len(images), 32, 32), np.uint8)
    padded[:, 2:30, 2:30] = images
    chw = np.repeat(padded[:, None, :, :], 3, axis=1).reshape(len(images), 3072)
    return np.concatenate([labels.astype(np.uint8)[:, None], chw], axis=1).tobytes()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--train", type=int, default=10000)
    parser.add_argument("--test", type=int, default=2000)
    parser.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    a = parser.parse_args()
    src = lambda name: os.path.join(a.source, name + ".gz")
    train_x = read_idx(src("train-images-idx3-ubyte"))[:a.train]
    train_y = read_idx(src("train-labels-idx1-ubyte"))[:a.train]
    test_x = read_idx(src("t10k-images-idx3-ubyte"))[:a.test]
    test_y = read_idx(src("t10k-labels-idx1-ubyte"))[:a.test]
    if a.train % 5:
        raise SystemExit("--train must be a multiple of 5 (the CIFAR training images are split into five files)")

    idx = os.path.join(a.out, "idx")
    os.makedirs(idx, exist_ok=True)
    write_idx(os.path.join(idx, "train-images-idx3-ubyte"), train_x)
    write_idx(os.path.join(idx, "train-labels-idx1-ubyte"), train_y)
    write_idx(os.path.join(idx, "t10k-images-idx3-ubyte"), test_x)
    write_idx(os.path.join(idx, "t10k-labels-idx1-ubyte"), test_y)

    for split, xs, ys in (("train", train_x, train_y), ("test", test_x, test_y)):
        for name in CLASSES:
            os.makedirs(os.path.join(a.out, "folders", split, name), exist_ok=True)
        for i, (x, y) in enumerate(zip(xs, ys)):
            with open(os.path.join(a.out, "folders", split, CLASSES[y], f"{i:05d}.png"), "wb") as f:
                f.write(png_gray(x))

    cifar = os.path.join(a.out, "cifar")
    os.makedirs(cifar, exist_ok=True)
    per_file = a.train // 5
    for k in range(5):
        with open(os.path.join(cifar, f"data_batch_{k + 1}.bin"), "wb") as f:
            f.write(cifar_records(train_x[k * per_file:(k + 1) * per_file], train_y[k * per_file:(k + 1) * per_file]))
    with open(os.path.join(cifar, "test_batch.bin"), "wb") as f:
        f.write(cifar_records(test_x, test_y))
    print(f"{a.out}: idx/, folders/ and cifar/ with the first {a.train} training and {a.test} test images of {a.source}")


if __name__ == "__main__":
    main()
