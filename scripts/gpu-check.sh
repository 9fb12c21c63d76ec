#!/usr/bin/env bash
# The one command to run on the GPU machine (from the repository root, with .gpu/trainer.tgz
# made by scripts/gpu-bundle.sh): devices, kernel self-test on CUDA, eager vs graph at batch 64
# and 512, a full training run, and the PyTorch reference on the same GPU. Everything goes under
# $OUT (or ./gpu-results); a summary table comes last. Budget: under 8 minutes.
#   TRAINER_DEVICE=ilgpu-cpu scripts/gpu-check.sh   dry-runs the same steps here, running the GPU kernels on
#                                                ILGPU's CPU accelerator (TRAINER_DEVICE=cpu: the native CPU backend).
set -uo pipefail
cd "$(dirname "$0")/.."
device=${TRAINER_DEVICE:-cuda}
out=${OUT:-gpu-results}
mkdir -p "$out"
bin=/tmp/trainer-bundle
rm -rf "$bin" && mkdir -p "$bin"
tar xzf .gpu/trainer.tgz -C "$bin" || { echo "error: cannot unpack .gpu/trainer.tgz (run scripts/gpu-bundle.sh first)" >&2; exit 1; }
trainer="$bin/trainer"
steps=${STEPS:-200}
status=0

run() { # run NAME SECONDS COMMAND...: log to $out/NAME.log, remember failures, never stop the script
  local name=$1 seconds=$2; shift 2
  local start=$SECONDS
  echo "== $name: $*" | tee "$out/$name.log"
  timeout "$seconds" "$@" >>"$out/$name.log" 2>&1
  local rc=$?
  tail -n 25 "$out/$name.log"
  echo "== $name: exit $rc after $((SECONDS - start)) s" | tee -a "$out/$name.log"
  [ "$rc" -eq 0 ] || status=1
}

{
  date -u +"date: %Y-%m-%dT%H:%M:%SZ"
  echo "commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "nvidia-smi: not available"
  nproc | sed 's/^/cpus: /'
} | tee "$out/machine.txt"

run devices 60 "$trainer" devices
run selftest 120 "$trainer" selftest --device "$device"
run compare-b64 150 "$trainer" compare --device "$device" --steps "$steps" --warmup 20 --batch-size 64 --json "$out/compare-b64.json"
run compare-b512 120 "$trainer" compare --device "$device" --steps "$steps" --warmup 20 --batch-size 512 --json "$out/compare-b512.json"
run train 120 "$trainer" train --device "$device"
if python3 -c "import torch" 2>/dev/null; then
  run torch-b64 150 python3 bench/torch_reference.py --data data/mnist-10k --device "$device" --steps "$steps" --warmup 20 --batch-size 64 --json "$out/torch-b64.json"
else
  echo "torch: not installed, PyTorch reference skipped" | tee "$out/torch-b64.log"
fi

python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
def load(name):
    path = os.path.join(out, name)
    return json.load(open(path)) if os.path.exists(path) else None
rows = []
for name in ("compare-b64.json", "compare-b512.json"):
    d = load(name)
    if d:
        for mode in ("eager", "graph"):
            m = d[mode]
            rows.append((f"trainer {mode}", d["batch_size"], m["step_ms_median"], m["samples_per_s"], m["launches_per_step"], m["test_accuracy"]))
        rows.append((f"  speedup b{d['batch_size']}", "", d["speedup"], None, None, None))
t = load("torch-b64.json")
if t:
    for mode in ("eager", "graph"):
        m = t.get(mode)
        if m:
            rows.append((f"torch {'eager' if mode == 'eager' else 'compile'}", t["batch_size"], m["step_ms_median"], m["samples_per_s"], m.get("launches_per_step"), m["test_accuracy"]))
print()
print(f"{'run':<22}{'batch':>6}{'step ms':>10}{'samples/s':>12}{'launches':>10}{'accuracy':>10}")
for name, batch, ms, sps, launches, acc in rows:
    fmt = lambda v, f: ("-" if v is None else format(v, f))
    print(f"{name:<22}{batch!s:>6}{fmt(ms, '.3f'):>10}{fmt(sps, '.0f'):>12}{fmt(launches, '.1f'):>10}{fmt(acc, '.4f'):>10}")
PY
exit $status
