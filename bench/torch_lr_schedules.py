#!/usr/bin/env python3
"""PyTorch's learning-rate schedulers, stepped as a training loop steps them, as the reference for
trainer's schedules (src/Training/Optim/Schedules). Prints JSON: for each case the scheduler, its
arguments and the rate of every step 0..steps-1 (optimizer.param_groups[0]['lr'] before that step's
scheduler.step()). tests/Training.Tests/Optim/Schedules/TorchScheduleTests.cs compares against the
saved output, docs/results/torch-lr-schedules.json:

    /usr/bin/python3 bench/torch_lr_schedules.py > docs/results/torch-lr-schedules.json
"""
import json
import torch

torch.set_num_threads(1)
BASE = 0.1
STEPS = 300


def run(make):
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=BASE)
    sched = make(opt)
    rates = []
    for _ in range(STEPS):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return rates


S = torch.optim.lr_scheduler
cases = [
    ("StepLR(step_size=63, gamma=0.5)", {"kind": "step", "step_size": 63, "gamma": 0.5},
     lambda o: S.StepLR(o, step_size=63, gamma=0.5)),
    ("ExponentialLR(gamma=0.99)", {"kind": "exponential", "gamma": 0.99},
     lambda o: S.ExponentialLR(o, gamma=0.99)),
    ("CosineAnnealingLR(T_max=257, eta_min=0.001)", {"kind": "cosine", "t_max": 257, "eta_min": 0.001},
     lambda o: S.CosineAnnealingLR(o, T_max=257, eta_min=0.001)),
    ("LambdaLR(lambda t: min(t, 65) / 65)", {"kind": "warmup", "steps": 65, "start_factor": 0.0},
     lambda o: S.LambdaLR(o, lambda t: min(t, 65) / 65)),
    ("LinearLR(start_factor=0.25, total_iters=7)", {"kind": "warmup", "steps": 7, "start_factor": 0.25},
     lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=7)),
    ("PolynomialLR(total_iters=63, power=2.0)", {"kind": "polynomial", "steps": 63, "power": 2.0},
     lambda o: S.PolynomialLR(o, total_iters=63, power=2.0)),
    ("SequentialLR([LambdaLR(t / 10), CosineAnnealingLR(T_max=100)], milestones=[10])",
     {"kind": "warmup+cosine", "steps": 10, "t_max": 100, "eta_min": 0.0},
     lambda o: S.SequentialLR(o, [S.LambdaLR(o, lambda t: t / 10), S.CosineAnnealingLR(o, T_max=100, eta_min=0.0)], milestones=[10])),
]

print(json.dumps({
    "torch": torch.__version__, "base_lr": BASE,
    "cases": [{"scheduler": name, "args": args, "rates": run(make)} for name, args, make in cases],
}, indent=1))
