#!/usr/bin/env python3
"""PyTorch's avg_pool2d, adaptive_avg_pool2d, max_pool2d and conv2d (groups, dilation), forward and backward, in float64:
the independent reference the trainer's general pooling and convolution are tested against
(tests/Training.Tests/Primitives/TorchWindowOpsTests.cs).

stdin: a JSON list of cases {"op", "x": {"shape", "data"}, "w": {...} (conv2d), "dy": {...}, and the op's arguments};
stdout: a JSON list of {"y", "dx", "dw" (conv2d)}, each a flat list of float64 values.
"""
import json
import sys

import torch

torch.set_num_threads(1)


def tensor(t, grad):
    return torch.tensor(t["data"], dtype=torch.float64).reshape(t["shape"]).requires_grad_(grad)


def run(case):
    f = torch.nn.functional
    x = tensor(case["x"], True)
    w = tensor(case["w"], True) if "w" in case else None
    op = case["op"]
    if op == "avg_pool2d":
        y = f.avg_pool2d(x, case["kernel"], case["stride"], case["padding"], case["ceil_mode"], case["count_include_pad"])
    elif op == "adaptive_avg_pool2d":
        y = f.adaptive_avg_pool2d(x, case["output_size"])
    elif op == "max_pool2d":
        y = f.max_pool2d(x, case["kernel"], case["stride"], case["padding"], ceil_mode=case["ceil_mode"])
    elif op == "conv2d":
        y = f.conv2d(x, w, None, case["stride"], case["padding"], case["dilation"], case["groups"])
    else:
        raise SystemExit(f"torch_window_ops.py: unknown op {op!r}")
    dy = tensor(case["dy"], False)
    if list(dy.shape) != list(y.shape):
        raise SystemExit(f"torch_window_ops.py: {op}: dy is {list(dy.shape)}, y is {list(y.shape)}")
    (y * dy).sum().backward()
    result = {"shape": list(y.shape), "y": y.detach().flatten().tolist(), "dx": x.grad.flatten().tolist()}
    if w is not None:
        result["dw"] = w.grad.flatten().tolist()
    return result


json.dump([run(case) for case in json.load(sys.stdin)], sys.stdout)
