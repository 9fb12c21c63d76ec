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
bench_out=$(TERM=dumb mpirun -np 2 --oversubscribe --bind-to none "${root[@]}" dotnet bench/AllReduce.Bench/bin/Release/net10.0/Trainer.AllReduceBench.dll 100)
echo "$bench_out"

# The paper estimate for 8 GPUs: a ring all-reduce of S bytes over N ranks takes 2(N-1)a + 2(N-1)/N S/b. Checked
# against the fit above for N = 2, then with the link figures assumed below for N = 8 (nothing here is measured on
# a GPU). Step = per-GPU compute (assumed launch-bound: 14 launches at 5 us) + staging + all-reduce.
read -r alpha_us beta_gbs < <(sed -n 's/.*fit: \([0-9.]*\) us + bytes \/ \([0-9.]*\) GB\/s.*/\1 \2/p' <<<"$bench_out")
echo "## paper estimate for 8 GPUs, from the fit (a = $alpha_us us, b = $beta_gbs GB/s) and assumed links"
awk -v a="$alpha_us" -v b="$beta_gbs" 'BEGIN {
  S = 669706 * 4; compute = 14 * 5e-6; staging = 2 * S / 25e9
  t2 = 2 * a * 1e-6 + S / (b * 1e9)
  printf "  check, 2 ranks here: 2a + S/b = %.3f ms (the bench measured the 2.68 MB point above)\n", t2 * 1e3
  n = 8
  nv = 2 * (n - 1) * 5e-6 + 2 * (n - 1) / n * S / 300e9
  eth = 2 * (n - 1) * 20e-6 + 2 * (n - 1) / n * S / 11e9
  hostHere = 2 * (n - 1) * a * 1e-6 + 2 * (n - 1) / n * S / (b * 1e9)
  hostFast = 2 * (n - 1) * a * 1e-6 + 2 * (n - 1) / n * S / 15e9
  printf "  staging through the host, 2 x %.2f MB over PCIe at 25 GB/s: %.3f ms; compute, 14 launches at 5 us: %.3f ms\n", S / 1e6, staging * 1e3, compute * 1e3
  printf "  NVLink (a 5 us, b 300 GB/s): all-reduce %.3f ms; step %.2f ms with a device-side collective\n", nv * 1e3, (compute + nv) * 1e3
  printf "  NVLink node, our host path (MPI over host memory, b 15 GB/s to the measured %s GB/s): all-reduce %.2f-%.2f ms; step %.2f-%.2f ms\n", b, hostFast * 1e3, hostHere * 1e3, (compute + staging + hostFast) * 1e3, (compute + staging + hostHere) * 1e3
  printf "  100 Gb/s Ethernet (a 20 us, b 11 GB/s): all-reduce %.3f ms; step %.2f ms device-side, %.2f ms with host staging\n", eth * 1e3, (compute + eth) * 1e3, (compute + staging + eth) * 1e3
}'

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
