#!/usr/bin/env bash
# Images per second of the host data pipeline alone (decode + augment + batch of 64, no training step), for
# an image folder of gray PNGs (decoded gray as they are, and decoded RGB, resized to 32x32 and augmented
# CIFAR-style) and for the same images as CIFAR-10 binary records (read on demand, augmented), each read
# on 1 and 2 worker threads by ParallelBatchDataset; and, in the same rounds, the training step's images
# per second on the native CPU backend (`trainer train --device cpu --epochs 1` on the full Fashion-MNIST,
# LeNet-5 with momentum and the quick-start MLP: 60,000 images / the epoch's train seconds).
# The pipeline's images are the first IMAGES (default 10000) Fashion-MNIST training images, written once
# into WORK (default /tmp/trainer-data-bench). Every round runs every configuration once, in the same
# order, so a slow spell of a shared machine hits all of them alike; the table gives median and best.
#
#   bench/data-pipeline.sh [DATA_DIR]        default /usr/share/datasets/fashion-mnist
#   IMAGES=10000 RUNS=3 WORK=/tmp/trainer-data-bench bench/data-pipeline.sh
#
# Needs the .NET SDK and the IDX files (apt-get install dataset-fashion-mnist), and python3 for the table.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/usr/share/datasets/fashion-mnist}
[ -d "$data" ] || { echo "error: data directory '$data' not found (apt-get install dataset-fashion-mnist)" >&2; exit 1; }
work=${WORK:-/tmp/trainer-data-bench}
runs=${RUNS:-3}
mkdir -p "$work"
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') (model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# bench/data-pipeline.sh $data (IMAGES=${IMAGES:-10000} RUNS=$runs)"
dotnet build -c Release src/Cli -v quiet -nologo >/dev/null
trainer=(dotnet src/Cli/bin/Release/net10.0/trainer.dll)
for round in $(seq 1 "$runs"); do
  dotnet run -c Release bench/data-pipeline.cs -- "$data" "$work" "${IMAGES:-10000}" 1 | tee -a "$log/results" | sed "s/^RESULT /round $round  /"
  for model in lenet mlp; do
    args=(--model "$model"); [ "$model" = lenet ] && args+=(--optimizer momentum --momentum 0.9)
    "${trainer[@]}" train "${args[@]}" --device cpu --data "$data" --epochs 1 > "$log/$model-$round.txt" 2>&1
    s=$(grep -E '^epoch 1: ' "$log/$model-$round.txt" | sed -E 's/.*\(train ([0-9.]+) s.*/\1/')
    line=$(awk -v s="$s" -v m="$model" 'BEGIN { printf "RESULT %.0f images/s  %6.2f s  training step: trainer train --model %s --device cpu, Fashion-MNIST 60,000 images", 60000 / s, s, m }')
    echo "$line" >> "$log/results"
    echo "${line/RESULT /round $round  }"
  done
done
echo "# load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 - "$log/results" <<'PY'
import sys, statistics, collections
rates = collections.OrderedDict()
for line in open(sys.argv[1]):
    if line.startswith("RESULT "):
        parts = line.split(None, 5)  # RESULT rate images/s seconds s name
        rates.setdefault(parts[5].strip(), []).append(float(parts[1]))
print(f"{'median images/s':>16} {'best':>9}  configuration")
for name, r in rates.items():
    print(f"{statistics.median(r):16.0f} {max(r):9.0f}  {name}")
PY
