#!/usr/bin/env bash
# Images per second of the host data pipeline alone (decode + augment + batch of 64, no training step), for
# an image folder of gray PNGs (decoded gray as they are, and decoded RGB, resized to 32x32 and augmented
# CIFAR-style) and for the same images as CIFAR-10 binary records (read on demand, augmented), each read
# on 1 and 2 worker threads by ParallelBatchDataset. The images are the first IMAGES (default 10000)
# Fashion-MNIST training images, written once into WORK (default /tmp/trainer-data-bench). Every round
# runs every configuration once, in the same order; the table gives each configuration's median and best.
#
#   bench/data-pipeline.sh [DATA_DIR]        default /usr/share/datasets/fashion-mnist
#   IMAGES=10000 RUNS=3 WORK=/tmp/trainer-data-bench bench/data-pipeline.sh
#
# Needs the .NET SDK and the IDX files (apt-get install dataset-fashion-mnist).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/usr/share/datasets/fashion-mnist}
[ -d "$data" ] || { echo "error: data directory '$data' not found (apt-get install dataset-fashion-mnist)" >&2; exit 1; }
work=${WORK:-/tmp/trainer-data-bench}
mkdir -p "$work"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') (model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')), $(nproc) CPUs"
echo "# bench/data-pipeline.sh $data (IMAGES=${IMAGES:-10000} RUNS=${RUNS:-3})"
dotnet run -c Release bench/data-pipeline.cs -- "$data" "$work" "${IMAGES:-10000}" "${RUNS:-3}"
