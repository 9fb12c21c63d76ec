#!/usr/bin/python3
"""An independent reader and writer of MindSpore .ckpt files, to check the trainer's own against.

Uses Python's protobuf runtime with classes that protoc generates, at start, from the vendored
src/Training/Checkpoints/MindSpore/checkpoint.proto (MindSpore's own schema), and numpy; it shares no
code with the trainer. Needs protoc (protobuf-compiler), python3-protobuf and python3-numpy.

  mindspore_ckpt_check.py read FILE
      Parses FILE as a Checkpoint and prints one JSON line per value, in file order:
      {"tag": ..., "dims": [...], "tensor_type": ..., "bytes": N, "sum": <the elements' sum, exactly rounded (math.fsum)>}
      ("text" instead of "sum" for a str value). Exits 1 with one line on stderr if it does not parse.

  mindspore_ckpt_check.py write FILE
      Reads {"name": {"shape": [...], "data": [...], "type": "Float32"}, ...} from stdin (a "text"
      instead of "shape"/"data" makes a str value) and writes FILE as MindSpore's save_checkpoint does:
      one serialized Checkpoint per value, appended, dims the shape ([0] for a str), tensor_type the
      MindSpore type name, tensor_content the little-endian elements (a str in UTF-32LE, numpy's 'U').
"""
import importlib
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

PROTO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "Training", "Checkpoints", "MindSpore")
NUMPY = {"Float16": "<f2", "Float32": "<f4", "Float64": "<f8", "Int8": "i1", "UInt8": "u1", "Int16": "<i2",
         "UInt16": "<u2", "Int32": "<i4", "UInt32": "<u4", "Int64": "<i8", "UInt64": "<u8", "Bool": "?"}


def schema():
    out = tempfile.mkdtemp(prefix="ckpt-proto-")
    subprocess.run(["protoc", f"--python_out={out}", f"-I{PROTO_DIR}", "checkpoint.proto"], check=True)
    sys.path.insert(0, out)
    return importlib.import_module("checkpoint_pb2")


def read(pb, path):
    checkpoint = pb.Checkpoint()
    with open(path, "rb") as f:
        checkpoint.ParseFromString(f.read())
    for value in checkpoint.value:
        t = value.tensor
        row = {"tag": value.tag, "dims": list(t.dims), "tensor_type": t.tensor_type, "bytes": len(t.tensor_content)}
        if t.tensor_type == "str":
            row["text"] = str(np.frombuffer(t.tensor_content, f"<U{len(t.tensor_content) // 4}")[0])
        else:
            row["sum"] = math.fsum(np.frombuffer(t.tensor_content, NUMPY[t.tensor_type]).astype(np.float64).tolist())
        print(json.dumps(row))


def write(pb, path):
    values = json.loads(sys.stdin.read())
    with open(path, "wb") as f:
        for name, spec in values.items():
            checkpoint = pb.Checkpoint()
            value = checkpoint.value.add()
            value.tag = name
            if "text" in spec:
                value.tensor.dims.extend([0])
                value.tensor.tensor_type = "str"
                value.tensor.tensor_content = np.array(spec["text"]).astype("<U").tobytes()
            else:
                array = np.asarray(spec["data"], dtype=np.float64).astype(NUMPY[spec["type"]]).reshape(spec["shape"])
                value.tensor.dims.extend(spec["shape"])
                value.tensor.tensor_type = spec["type"]
                value.tensor.tensor_content = array.tobytes()
            f.write(checkpoint.SerializeToString())


def main(argv):
    if len(argv) != 3 or argv[1] not in ("read", "write"):
        print(__doc__, file=sys.stderr)
        return 2
    pb = schema()
    try:
        (read if argv[1] == "read" else write)(pb, argv[2])
    except Exception as e:  # one line, as the trainer's errors are
        print(f"{argv[2]}: invalid: {type(e).__name__}: {e}".replace("\n", " "), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
