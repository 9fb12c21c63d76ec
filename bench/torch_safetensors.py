"""safetensors.torch.save_file's layout, written without the safetensors package (Debian has no python3-safetensors):
float32 and int64 tensors, ordered by dtype size and then name as the package orders them, the JSON header padded to 8
bytes. Shared by the benchmarks that hand PyTorch's weights to the trainer (bench/torch_batchnorm.py,
bench/pytorch_weights_roundtrip.py); scripts/safetensors_check.py stays an independent reader and writer."""
import json
import struct

import torch


def save_file(tensors, path, metadata=None):
    """safetensors.torch.save_file's layout (Debian has no python3-safetensors): F32 and I64 tensors, by dtype size then name."""
    def encode(t):
        t = t.detach().contiguous()
        return ("I64", t.numpy().astype("<i8").tobytes()) if t.dtype == torch.int64 else ("F32", t.to(torch.float32).numpy().astype("<f4").tobytes())
    ordered = sorted(tensors.items(), key=lambda kv: (-(8 if kv[1].dtype == torch.int64 else 4), kv[0]))
    header, chunks, offset = {"__metadata__": metadata or {"format": "pt"}}, [], 0
    for name, t in ordered:
        dtype, raw = encode(t)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)
