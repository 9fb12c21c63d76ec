#!/usr/bin/env bash
# Data-parallel training on this machine: the MPI all-reduce the ranks pay every step, then strong and weak
# scaling of `trainer train --ranks N` against one process, on the same data, side by side.
#
#   bench/data-parallel.sh [DATA_DIR]       default /usr/share/datasets/fashion-mnist (60,000 training images)
#   RUNS=3 bench/data-parallel.sh           RUNS rounds of every configuration; each one's median counts
#
# Strong scaling keeps the global batch at 64 (each of 2 ranks trains on 32 rows a step); weak scaling keeps
# 64 rows a rank (global batch 128 on 2 ranks). --device cpu divides the cores among the ranks, so one process
# is measured with all cores and with as many as one rank gets. The time is the second epoch's training time
# (the first includes warm-up). Needs Open MPI (apt-get install openmpi-bin libopenmpi-dev) and the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/usr/share/datasets/fashion-mnist}
runs=${RUNS:-3}
[ -d "$data" ] || { echo "error: data directory '$data' not found (apt-get install dataset-fashion-mnist)" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "error: mpirun not found (apt-get install openmpi-bin libopenmpi-dev)" >&2; exit 1; }
cores=$(nproc)
half=$((cores / 2 > 0 ? cores / 2 : 1))   # the threads each of 2 ranks gets
dotnet build -c Release src/Cli -v quiet -nologo >/dev/null
dotnet build -c Release bench/AllReduce.Bench -v quiet -nologo >/dev/null
trainer=(dotnet src/Cli/bin/Release/net10.0/trainer.dll)
root=(); [ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# data-parallel figures, $(date -u +%Y-%m-%d), $(lscpu | sed -n 's/^Model name: *//p'), $cores cores, $(mpirun --version | head -1)"
echo "## MPI all-reduce, 2 ranks on this machine (bench/AllReduce.Bench)"
TERM=dumb mpirun -np 2 --oversubscribe --bind-to none "${root[@]}" dotnet bench/AllReduce.Bench/bin/Release/net10.0/Trainer.AllReduceBench.dll 100

# epoch2 RANKS BATCH [extra args]: prints the median over RUNS of the second epoch's training seconds
epoch2() {
  local ranks=$1 batch=$2; shift 2
  for _ in $(seq "$runs"); do
    TERM=dumb "${trainer[@]}" train --device cpu --data "$data" --epochs 2 --progress none --ranks "$ranks" --batch-size "$batch" "$@" \
      | sed -n 's/^epoch 2: .*(train \([0-9.]*\) s.*/\1/p'
  done | median
}
echo "## strong scaling: global batch 64, $data, median of $runs"
one_all=$(epoch2 1 64)
one_half=$(epoch2 1 64 --threads "$half")
two=$(epoch2 2 64)
awk -v a="$one_all" -v h="$one_half" -v t="$two" -v c="$cores" -v p="$half" 'BEGIN {
  printf "  1 process, %d threads:        %.2f s an epoch\n", c, a
  printf "  1 process, %d thread(s):      %.2f s an epoch\n", p, h
  printf "  2 ranks, %d thread(s) each:   %.2f s an epoch: speed-up %.2fx over 1 process on all cores, %.2fx over 1 process on one rank'"'"'s cores\n", p, t, a / t, h / t }'
echo "## weak scaling: 64 rows a rank, median of $runs"
weak_one=$(epoch2 1 64 --threads "$half")
weak_two=$(epoch2 2 128)
awk -v o="$weak_one" -v t="$weak_two" -v p="$half" 'BEGIN {
  printf "  1 rank, %d thread(s), batch 64:    %.2f s an epoch (%.0f samples/s)\n", p, o, 60000 / o
  printf "  2 ranks, %d thread(s) each, batch 128:  %.2f s an epoch (%.0f samples/s): %.2fx the samples/s, efficiency %.0f%%\n", p, t, 60000 / t, o / t, 50 * o / t }'
