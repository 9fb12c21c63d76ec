#!/usr/bin/env bash
# The one command to run on the GPU machine (from the repository root, with .gpu/trainer.tgz
# made by scripts/gpu-bundle.sh): devices, kernel self-test, eager vs graph at batch 64 and 512
# (CUDA graph off and on where `trainer compare` offers --cuda-graph) for the MLP and for LeNet-5
# with momentum 0.9 (the conv net: tiled implicit-GEMM convolutions on the GPU), the parity
# locator, a training run, and the PyTorch reference on the same GPU (MLP: data uploaded from host
# memory each step, then data resident on the device, eager and torch.compile; LeNet-5: the same
# job as trainer's, eager, at batch 64 and 512). Everything goes under $OUT (or ./gpu-results) as
# each step finishes; a summary table comes last.
#
# Budget: one device call of at most 540 s. Every step below has its own timeout (the number after
# its name in `run NAME SECONDS ...`); they add up to well under 540 s, with room for the unpack,
# the kill grace of each timeout and the summary (tests/Cli.Tests/GpuCheckScriptTests.cs checks the
# sum), and a step that would still cross the budget is skipped, not started.
#
#   TRAINER_DEVICE=ilgpu-cpu STEPS=10 scripts/gpu-check.sh   dry-runs the same steps here, the GPU kernels on
#       ILGPU's CPU accelerator (TRAINER_DEVICE=cpu: the native CPU backend), PyTorch on the CPU, one epoch,
#       two warm-up steps, LeNet-5 at 1 warm-up + 1 step (EPOCHS, WARMUP, STEPS, LENET_WARMUP and
#       LENET_STEPS override). See docs/results/gpu-check-dry-run-ilgpu-cpu.txt for how long it took.
set -uo pipefail
cd "$(dirname "$0")/.."
budget=540
summary_reserve=15 # seconds kept for the summary at the end
grace=3            # timeout -k: a step that ignores SIGTERM is killed this long after it
device=${TRAINER_DEVICE:-cuda}
torch_device=cpu
[ "$device" = cuda ] && torch_device=cuda
steps=${STEPS:-200}
epochs=${EPOCHS:-2}
warmup=${WARMUP:-20}
lenet_steps=${LENET_STEPS:-$steps}
lenet_warmup=${LENET_WARMUP:-$warmup}
if [ "$device" != cuda ]; then # a dry run on the CPU checks the plumbing, not the figures: one epoch, two warm-up steps
  epochs=${EPOCHS:-1}
  warmup=${WARMUP:-2}
  # LeNet-5 at batch 512 on ILGPU's CPU accelerator takes seconds a step: 1 warm-up + 1 step
  lenet_steps=${LENET_STEPS:-1}
  lenet_warmup=${LENET_WARMUP:-1}
fi
out=${OUT:-gpu-results}
mkdir -p "$out"
bin=/tmp/trainer-bundle
rm -rf "$bin" && mkdir -p "$bin"
tar xzf .gpu/trainer.tgz -C "$bin" || { echo "error: cannot unpack .gpu/trainer.tgz (run scripts/gpu-bundle.sh first)" >&2; exit 1; }
trainer="$bin/trainer"
status=0

# run NAME SECONDS COMMAND...: log to $out/NAME.log and the exit code to $out/NAME.rc; never stops the
# script. An exit code listed in OK_RC (default 0) is not a failure. Skipped if it could end past the budget.
run() {
  local name=$1 seconds=$2; shift 2
  local start=$SECONDS
  if [ $((SECONDS + seconds + grace)) -gt $((budget - summary_reserve)) ]; then
    echo "== $name: skipped, ${seconds} s more would pass the ${budget} s budget at ${SECONDS} s" | tee "$out/$name.log"
    echo skipped >"$out/$name.rc"
    status=1
    return
  fi
  echo "== $name: $*" | tee "$out/$name.log"
  timeout -k "$grace" "$seconds" "$@" >>"$out/$name.log" 2>&1
  local rc=$?
  echo "$rc" >"$out/$name.rc"
  tail -n 25 "$out/$name.log"
  echo "== $name: exit $rc after $((SECONDS - start)) s (${SECONDS} s of ${budget})" | tee -a "$out/$name.log"
  case " ${OK_RC:-0} " in *" $rc "*) ;; *) status=1 ;; esac
}

{
  date -u +"date: %Y-%m-%dT%H:%M:%SZ"
  echo "commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "nvidia-smi: not available"
  nproc | sed 's/^/cpus: /'
  echo "device: $device, torch device: $torch_device, steps: $steps, warm-up: $warmup, epochs: $epochs, lenet steps: $lenet_steps, lenet warm-up: $lenet_warmup"
} | tee "$out/machine.txt"

# CUDA graphs: compared at batch 64 when this build's compare offers --cuda-graph, else "-" in the summary.
cuda_graph_off=() cuda_graph=no
if timeout 10 "$trainer" compare --help 2>/dev/null | grep -q -- '--cuda-graph'; then
  cuda_graph_off=(--cuda-graph off) cuda_graph=yes
fi
echo "cuda graph flag: $cuda_graph" | tee -a "$out/machine.txt"

run devices 8 "$trainer" devices
run selftest 45 "$trainer" selftest --device "$device"
run compare-b64 35 "$trainer" compare --device "$device" --steps "$steps" --warmup "$warmup" --batch-size 64 "${cuda_graph_off[@]}" --json "$out/compare-b64.json"
if [ "$cuda_graph" = yes ]; then
  run compare-b64-cuda-graph-on 30 "$trainer" compare --device "$device" --steps "$steps" --warmup "$warmup" --batch-size 64 --cuda-graph on --json "$out/compare-b64-cuda-graph-on.json"
fi
run compare-b512 60 "$trainer" compare --device "$device" --steps "$steps" --warmup "$warmup" --batch-size 512 --json "$out/compare-b512.json"
lenet=(--model lenet --optimizer momentum --momentum 0.9 --steps "$lenet_steps" --warmup "$lenet_warmup")
run compare-lenet-b64 35 "$trainer" compare --device "$device" "${lenet[@]}" --batch-size 64 "${cuda_graph_off[@]}" --json "$out/compare-lenet-b64.json"
if [ "$cuda_graph" = yes ]; then
  run compare-lenet-b64-cuda-graph-on 25 "$trainer" compare --device "$device" "${lenet[@]}" --batch-size 64 --cuda-graph on --json "$out/compare-lenet-b64-cuda-graph-on.json"
fi
run compare-lenet-b512 50 "$trainer" compare --device "$device" "${lenet[@]}" --batch-size 512 --json "$out/compare-lenet-b512.json"
# exit 1 means "a node differs", which is a finding, not a failure of the run
OK_RC="0 1" run locate-eager 12 "$trainer" compare --device "$device" --locate eager
OK_RC="0 1" run locate-unfused 12 "$trainer" compare --device "$device" --locate unfused
rm -f "$out/train-metrics.jsonl"
run train 34 "$trainer" train --device "$device" --epochs "$epochs" --progress none --metrics "$out/train-metrics.jsonl"
# a python3 that has torch: $PYTHON, else the first python3 on the PATH, else /usr/bin/python3
py=${PYTHON:-python3}
if ! "$py" -c "import torch" 2>/dev/null && [ -z "${PYTHON:-}" ] && /usr/bin/python3 -c "import torch" 2>/dev/null; then
  py=/usr/bin/python3
fi
if "$py" -c "import torch" 2>/dev/null; then
  for on in host device; do
    run "torch-$on" 52 "$py" bench/torch_reference.py --data data/mnist-10k --device "$torch_device" --data-on "$on" \
      --steps "$steps" --warmup "$warmup" --batch-size 64 --json "$out/torch-$on.json"
  done
  # LeNet-5, the job compare-lenet-* times: momentum 0.9, data on the device, eager (torch.compile's first step alone would take the budget)
  torch_lenet=(bench/torch_reference.py --data data/mnist-10k --device "$torch_device" --data-on device --model lenet
    --optimizer momentum --momentum 0.9 --modes eager --steps "$lenet_steps" --warmup "$lenet_warmup")
  run torch-lenet-b64 14 "$py" "${torch_lenet[@]}" --batch-size 64 --json "$out/torch-lenet-b64.json"
  run torch-lenet-b512 14 "$py" "${torch_lenet[@]}" --batch-size 512 --json "$out/torch-lenet-b512.json"
else
  echo "torch: not installed, PyTorch reference skipped" | tee "$out/torch-host.log" "$out/torch-device.log" "$out/torch-lenet-b64.log" "$out/torch-lenet-b512.log"
fi

timeout "$summary_reserve" "$py" - "$out" <<'PY' | tee "$out/summary.txt"
import json, os, re, sys
out = sys.argv[1]
def path(name): return os.path.join(out, name)
def load(name):
    try:
        return json.load(open(path(name)))
    except (OSError, ValueError):
        return None
def text(name):
    try:
        return open(path(name)).read()
    except OSError:
        return ""
def rc(name):
    r = text(name + ".rc").strip()
    return "not run" if not r else "pass" if r == "0" else "skipped" if r == "skipped" else f"FAIL (exit {r})"
def fmt(v, f):
    return "-" if v is None else format(v, f)

machine = text("machine.txt")
gpu = next((l for l in machine.splitlines() if l and not l.startswith(("date:", "commit:", "cpus:", "device:", "cuda graph"))), "-")
compares = [(n, load(f"compare-{n}.json")) for n in ("b64", "b512", "lenet-b64", "lenet-b512")]
print()
print(f"device:     {next((d['device'] for _, d in compares if d), '-')}   ({gpu})")
print(f"self-test:  {rc('selftest')}")
print()
print(f"{'run':<38}{'batch':>6}{'step ms':>10}{'samples/s':>12}{'launches':>10}{'uploads':>9}{'syncs':>7}{'accuracy':>10}")
def row(name, batch, m, top=None):
    top = top or {}
    get = lambda k: m.get(k, top.get(k)) if m else None
    print(f"{name:<38}{batch!s:>6}{fmt(get('step_ms_median'), '.3f'):>10}{fmt(get('samples_per_s'), '.0f'):>12}"
          f"{fmt(get('launches_per_step'), '.1f'):>10}{fmt(get('uploads_per_step'), '.1f'):>9}{fmt(get('syncs_per_step'), '.1f'):>7}"
          f"{fmt(get('test_accuracy'), '.4f'):>10}")
for n, d in compares:
    model = "lenet " if n.startswith("lenet") else ""
    batch = n.split("-b")[-1] if "-b" in n else n[1:]
    if not d:
        print(f"{'trainer ' + model + 'b' + batch:<38}{batch:>6}  - ({rc('compare-' + n)})")
        continue
    for mode in ("eager", "graph"):
        row(f"trainer {model}{mode}", d["batch_size"], d.get(mode), d)
    print(f"{'  speedup (eager/graph)':<38}{d['batch_size']:>6}{fmt(d.get('speedup'), '.2f'):>10}")
cg = re.search(r"^cuda graph flag: yes$", machine, re.M) is not None
for model in ("", "lenet-"):
    off, on = load(f"compare-{model}b64.json"), load(f"compare-{model}b64-cuda-graph-on.json")
    for label, d in (("graph, CUDA graph off", off if cg else None), ("graph, CUDA graph on", on if cg else None)):
        row(f"trainer {model.replace('-', ' ')}{label}", 64 if d else "-", d.get("graph") if d else None, d)
for on_ in ("host", "device"):
    t = load(f"torch-{on_}.json")
    for mode, label in (("eager", "eager"), ("graph", "compile")):
        row(f"torch {label}, data on {on_}", t["batch_size"] if t else "-", t.get(mode) if t else None)
    if t and t.get("graph_error"):
        print(f"  torch.compile failed (data on {on_}): {t['graph_error'].splitlines()[0][:160]}")
    if not t:
        print(f"  torch, data on {on_}: {rc('torch-' + on_)}")
for b in ("64", "512"):
    t = load(f"torch-lenet-b{b}.json")
    row("torch lenet eager, data on dev", b, t.get("eager") if t else None)
    if not t:
        print(f"  torch lenet, batch {b}: {rc('torch-lenet-b' + b)}")
print()
for name in ("locate-eager", "locate-unfused"):
    lines = [l for l in text(name + ".log").splitlines() if l.startswith(("all ", "first difference:", "error:"))]
    print(f"{name}: {lines[0] if lines else rc(name)}")
epochs = [json.loads(l) for l in text("train-metrics.jsonl").splitlines() if '"kind":"epoch"' in l]
times = re.findall(r"^epoch (\d+): ([\d.]+) s", text("train.log"), re.M)
print(f"train:      {rc('train')}, test accuracy {fmt(epochs[-1]['test_accuracy'], '.4f') if epochs else '-'}, "
      f"epoch time {times[-1][1] + ' s (epoch ' + times[-1][0] + ')' if times else '-'}")
PY
echo "total: $SECONDS s of $budget" | tee -a "$out/summary.txt"
exit $status
