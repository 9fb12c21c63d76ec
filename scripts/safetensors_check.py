#!/usr/bin/python3
"""An independent safetensors reader and writer, to check the trainer's own against.

Uses only numpy, json and struct (not the safetensors package), so it shares no code with either
the trainer or the reference implementation.

  safetensors_check.py read FILE
      Checks FILE against the format and prints one JSON line per tensor, in header order:
      {"name": ..., "dtype": ..., "shape": [...], "sum": <float64 sum, exactly rounded>}
      then one line {"metadata": {...}}. Exits 1 with one line on stderr if the file is invalid.

  safetensors_check.py write FILE [--meta key=value ...] [--dtype F32|F16|BF16|F64]
      Reads {"name": {"shape": [...], "data": [...]}, ...} from stdin and writes those tensors as
      F32 (or --dtype: F16 and F64 by numpy's rounding, BF16 rounded to nearest, ties to even, from
      float32, as PyTorch rounds), in the order given, contiguous, the header padded with spaces to
      8-byte alignment. `--meta format=pt` writes what PyTorch's safetensors.torch.save_file writes.
"""
import argparse
import json
import math
import struct
import sys

import numpy as np

MAX_HEADER = 100_000_000
DTYPE_BITS = {
    "BOOL": 8, "U8": 8, "I8": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
    "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8,
    "I16": 16, "U16": 16, "F16": 16, "BF16": 16,
    "I32": 32, "U32": 32, "F32": 32, "I64": 64, "U64": 64, "F64": 64, "C64": 64,
}
NUMPY = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
         "U8": "u1", "U16": "<u2", "U32": "<u4", "U64": "<u8", "BOOL": "?"}


class Invalid(Exception):
    pass


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Invalid("duplicate key in header")
    return dict(pairs)


def is_count(x):
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise Invalid("shorter than 8 bytes")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > MAX_HEADER or 8 + n > len(blob):
        raise Invalid(f"bad header length {n}")
    header = json.loads(blob[8:8 + n].decode("utf-8"), object_pairs_hook=no_duplicates)
    if not isinstance(header, dict):
        raise Invalid("header is not an object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise Invalid("metadata is not an object of strings")
    data = blob[8 + n:]
    spans = []
    rows = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise Invalid(f"{name}: wrong fields")
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPE_BITS:
            raise Invalid(f"{name}: unknown dtype {dtype}")
        if not isinstance(shape, list) or not all(is_count(d) for d in shape):
            raise Invalid(f"{name}: bad shape")
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(is_count(o) for o in offsets):
            raise Invalid(f"{name}: bad data_offsets")
        begin, end = offsets
        if end < begin or end > len(data):
            raise Invalid(f"{name}: offsets out of range")
        if math.prod(shape) * DTYPE_BITS[dtype] != (end - begin) * 8:
            raise Invalid(f"{name}: byte length does not match shape")
        spans.append((begin, end, name))
        total = None
        if dtype in NUMPY:
            values = np.frombuffer(data[begin:end], dtype=NUMPY[dtype]).astype(np.float64)
            total = math.fsum(values.tolist())
        rows.append({"name": name, "dtype": dtype, "shape": shape, "sum": total})
    covered = 0
    for begin, end, name in sorted(spans):
        if begin != covered:
            raise Invalid(f"{name}: tensors overlap or leave a gap at byte {covered}")
        covered = end
    if covered != len(data):
        raise Invalid(f"data section has {len(data)} bytes, tensors cover {covered}")
    for row in rows:
        print(json.dumps(row))
    print(json.dumps({"metadata": metadata}))


def encode(values, dtype):
    """float64 values as little-endian bytes of dtype."""
    if dtype == "BF16":
        bits = values.astype("<f4").view("<u4").astype(np.uint64)
        rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
        return rounded.astype("<u2").tobytes()
    return values.astype({"F32": "<f4", "F16": "<f2", "F64": "<f8"}[dtype]).tobytes()


def write(path, meta_args, dtype="F32"):
    tensors = json.loads(sys.stdin.read(), object_pairs_hook=no_duplicates)
    metadata = dict(arg.split("=", 1) for arg in meta_args)
    header = {"__metadata__": metadata} if metadata else {}
    chunks = []
    offset = 0
    for name, spec in tensors.items():
        array = np.asarray(spec["data"], dtype=np.float64)
        if array.size != math.prod(spec["shape"]):
            raise Invalid(f"{name}: {array.size} values for shape {spec['shape']}")
        raw = encode(array, dtype)
        header[name] = {"dtype": dtype, "shape": spec["shape"], "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def main(argv):
    parser = argparse.ArgumentParser(description="Independent safetensors reader and writer.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("read", help="check FILE and print its tensors as JSON lines").add_argument("file")
    writer = commands.add_parser("write", help="write F32 tensors given as JSON on stdin to FILE")
    writer.add_argument("file")
    writer.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE")
    writer.add_argument("--dtype", choices=("F32", "F16", "BF16", "F64"), default="F32")
    args = parser.parse_args(argv[1:])
    try:
        if args.command == "read":
            read(args.file)
        else:
            write(args.file, args.meta, args.dtype)
    except (Invalid, ValueError, UnicodeDecodeError, KeyError, TypeError) as e:
        print(f"{args.file}: invalid: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
