#!/usr/bin/env bash
# One Fashion-MNIST epoch of ResNet-8 with momentum 0.9 (lr 0.01, batch 64), side by side on this
# machine's CPU: `trainer train --model resnet8 --device cpu` (default threads) and PyTorch 1.13 with the
# same model (bench/torch_train.py --model resnet8, 1 and 2 threads). Every round runs every
# configuration once, in the same order, so a slow spell of a shared machine hits all alike; the
# table gives each configuration's median and best train seconds (the epoch's training loop, test
# excluded, as each program reports it), every run, and the test accuracy of the first run.
#
#   bench/resnet8-side-by-side.sh [DATA_DIR]          default /usr/share/datasets/fashion-mnist
#   RUNS=3 bench/resnet8-side-by-side.sh
#
# Needs the .NET SDK and PyTorch from Debian (apt-get install python3-torch libopenblas0-pthread).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/usr/share/datasets/fashion-mnist}
runs=${RUNS:-2}
python=${PYTHON:-/usr/bin/python3}
[ -d "$data" ] || { echo "error: data directory '$data' not found (apt-get install dataset-fashion-mnist)" >&2; exit 1; }
"$python" -c "import torch" 2>/dev/null || { echo "error: $python cannot import torch (apt-get install python3-torch libopenblas0-pthread)" >&2; exit 1; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "error: RUNS must be a positive integer, got '$runs'" >&2; exit 1; }
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
dotnet build -c Release src/Cli -v quiet -nologo >/dev/null
trainer=(dotnet src/Cli/bin/Release/net10.0/trainer.dll)

run_config() { # run_config NAME FILE: prints "TRAIN_SECONDS ACCURACY_PERCENT"
  case $1 in
    trainer)
      "${trainer[@]}" train --model resnet8 --optimizer momentum --momentum 0.9 --device cpu --data "$data" --epochs 1 > "$2" 2>&1
      echo "$(grep -E '^epoch 1: ' "$2" | sed -E 's/.*\(train ([0-9.]+) s.*/\1/') $(grep -E 'Accuracy' "$2" | tail -n 1 | sed -E 's/.*Accuracy: ([0-9.]+)%.*/\1/')" ;;
    torch-*)
      env -u OPENBLAS_CORETYPE "$python" bench/torch_train.py --data "$data" --threads "${1#torch-}" --epochs 1 \
        --model resnet8 --optimizer momentum --momentum 0.9 > "$2" 2> "$2.err"
      tail -n 1 "$2" | "$python" -c 'import json, sys; r = json.load(sys.stdin); print(r["train_s"][-1], 100 * r["test_accuracy"])' ;;
  esac
}
configs=(trainer torch-1 torch-2)
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; flags: $(grep -m1 -o -w -E 'avx512f|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with uncommitted changes)')"
echo "data: $data, ResNet-8, momentum 0.9, lr 0.01, 1 epoch, batch 64, $runs rounds; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 0; i < runs; i++)); do
  for c in "${configs[@]}"; do
    read -r s a <<< "$(run_config "$c" "$log/$c-$i.txt")"
    echo "$s" >> "$log/times-$c"
    [ "$i" -eq 0 ] && echo "$a" > "$log/acc-$c"
    echo "round $((i + 1)) $c: train $s s, accuracy $a%"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A med
printf '\n%-40s %9s %9s %9s   %s\n' "configuration" "median s" "best s" "accuracy" "every run (s)"
for c in "${configs[@]}"; do
  med[$c]=$(median < "$log/times-$c")
  case $c in trainer) label="ResNet-8 trainer --device cpu ($(nproc) threads)" ;; *) label="ResNet-8 PyTorch 1.13, ${c#torch-} thread(s)" ;; esac
  printf '%-40s %9.2f %9.2f %8s%%   %s\n' "$label" "${med[$c]}" "$(sort -g "$log/times-$c" | head -n 1)" "$(cat "$log/acc-$c")" "$(awk '{ printf "%.2f ", $1 }' "$log/times-$c")"
done
ref=$(printf '%s\n' "${med[torch-1]}" "${med[torch-2]}" | sort -g | head -n 1)
awk -v o="${med[trainer]}" -v r="$ref" 'BEGIN { printf "\nResNet-8: trainer median / faster PyTorch median: %.2f (%s s / %s s)\n", o / r, o, r }'
