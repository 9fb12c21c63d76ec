#!/usr/bin/env bash
# Side by side on this machine's CPU: `trainer train --device cpu` against MindSpore's quick-start
# job in PyTorch (bench/torch_train.py), one epoch each, and the ratio of training times.
#
#   bench/cpu-vs-torch.sh [DATA_DIR]        default /usr/share/datasets/fashion-mnist
#   RUNS=3 EPOCHS=1 bench/cpu-vs-torch.sh   RUNS rounds, each running every configuration once;
#                                            each configuration's median counts
#
# PyTorch runs with 1 thread and with one per core, each both with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE as this machine sets them and with them unset (they pin an older OpenBLAS
# kernel on some processors); its fastest configuration is the reference. The trainer runs with
# its default threads (one per core) against that, and with --threads 1 against PyTorch's best
# 1-thread time. Needs the .NET SDK, and PyTorch from Debian (apt-get install python3-torch
# libopenblas0-pthread), run with /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/usr/share/datasets/fashion-mnist}
runs=${RUNS:-3}
epochs=${EPOCHS:-1}
python=${PYTHON:-/usr/bin/python3}
[ -d "$data" ] || { echo "error: data directory '$data' not found (apt-get install dataset-fashion-mnist)" >&2; exit 1; }
"$python" -c "import torch" 2>/dev/null || { echo "error: $python cannot import torch (apt-get install python3-torch libopenblas0-pthread)" >&2; exit 1; }
cores=$(nproc)
dotnet build -c Release src/Cli -v quiet -nologo >/dev/null
trainer=(dotnet src/Cli/bin/Release/net10.0/trainer.dll)
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ours() { # ours THREADS RUN: train seconds of the last epoch
  local threads=$1 i=$2
  "${trainer[@]}" train --device cpu --threads "$threads" --data "$data" --epochs "$epochs" > "$log/ours-$threads-$i.txt"
  grep -E '^epoch [0-9]+: ' "$log/ours-$threads-$i.txt" | tail -n 1 | sed -E 's/.*\(train ([0-9.]+) s.*/\1/'
}

torch_run() { # torch_run THREADS ENV RUN: train seconds of the last epoch
  local threads=$1 env=$2 i=$3
  if [ "$env" = unset ]; then
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" bench/torch_train.py --data "$data" --threads "$threads" --epochs "$epochs" > "$log/torch-$threads-$env-$i.txt"
  else
    "$python" bench/torch_train.py --data "$data" --threads "$threads" --epochs "$epochs" > "$log/torch-$threads-$env-$i.txt"
  fi
  tail -n 1 "$log/torch-$threads-$env-$i.txt" | "$python" -c 'import json, sys; print(json.load(sys.stdin)["train_s"][-1])'
}

accuracy() { grep -E 'Accuracy' "$1" | tail -n 1 | sed -E 's/.*Accuracy: ([0-9.]+)%.*/\1/'; }

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $cores cores; flags: $(grep -m1 -o -w -E 'avx512f|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "data: $data, $epochs epoch(s), batch 64, median of $runs runs; OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
# Rounds: each round runs every configuration once, so a slow spell of a shared machine hits all
# of them alike rather than one configuration's whole series.
configs=()
for threads in 1 "$cores"; do configs+=("torch $threads set" "torch $threads unset" "ours $threads"); done
for ((i = 0; i < runs; i++)); do
  for c in "${configs[@]}"; do
    read -r who threads env <<< "$c"
    if [ "$who" = torch ]; then torch_run "$threads" "$env" "$i" >> "$log/times-torch-$threads-$env"
    else ours "$threads" "$i" >> "$log/times-ours-$threads"; fi
  done
done
declare -A t all
for f in "$log"/times-*; do
  key=${f##*/times-}
  t[$key]=$(median < "$f")
  all[$key]=$(sort -g "$f" | awk '{ printf "%.2f ", $1 }')
done
best() { printf '%s\n' "$@" | sort -g | head -n 1; }
torch1=$(best "${t[torch-1-set]}" "${t[torch-1-unset]}")
torchbest=$(best "${t[torch-1-set]}" "${t[torch-1-unset]}" "${t[torch-$cores-set]}" "${t[torch-$cores-unset]}")
printf '\n%-52s %10s %10s   %s\n' "run" "train s" "accuracy" "every run (s)"
for threads in 1 "$cores"; do
  for env in set unset; do
    printf '%-52s %10.2f %9s%%   %s\n' "pytorch $threads thread(s), OpenBLAS env $env" "${t[torch-$threads-$env]}" "$(accuracy "$log/torch-$threads-$env-0.txt")" "${all[torch-$threads-$env]}"
  done
  printf '%-52s %10.2f %9s%%   %s\n' "trainer --device cpu --threads $threads" "${t[ours-$threads]}" "$(accuracy "$log/ours-$threads-0.txt")" "${all[ours-$threads]}"
done
echo
awk -v o="${t[ours-$cores]}" -v b="$torchbest" 'BEGIN { printf "trainer (%s s) / pytorch fastest (%s s): %.2f  (%.2fx faster)\n", o, b, o / b, b / o }'
awk -v o="${t[ours-1]}" -v b="$torch1" 'BEGIN { printf "single core: trainer --threads 1 (%s s) / pytorch 1 thread (%s s): %.2f  (%.2fx faster)\n", o, b, o / b, b / o }'
