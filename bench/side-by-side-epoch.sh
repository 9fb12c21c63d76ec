#!/usr/bin/env bash
# One Fashion-MNIST epoch of `trainer train --device cpu` from two builds, interleaved, on this
# machine: the check that a change to the training step costs no time (for the learning rate as a
# device value: the GEMM's SGD epilogue now reads the rate from the hyperparameter block).
#
#   bench/side-by-side-epoch.sh BASE_BIN NEW_BIN [ROUNDS] [-- extra train flags]
#
# BASE_BIN and NEW_BIN are folders holding a built trainer.dll (dotnet build -c Release src/Cli of
# each commit). Each round runs base then new (then new then base in the next round, so neither
# always goes first); prints every run's training seconds ("epoch 1: ... (train X s") and the
# medians and the best runs, and their ratios. Needs dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
set -euo pipefail
base=$1; new=$2; rounds=${3:-5}; shift 3 || shift $#
if [ "${1:-}" = "--" ]; then shift; fi
data=${DATA:-/usr/share/datasets/fashion-mnist}
[ -d "$data" ] || { echo "error: data directory '$data' not found (apt-get install dataset-fashion-mnist)" >&2; exit 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
run() {
  local bin=$1; shift
  dotnet "$bin/trainer.dll" train --device cpu --data "$data" --epochs 1 --progress none "$@" 2>&1 \
    | sed -n 's/^epoch 1: .*(train \([0-9.]*\) s.*/\1/p'
}
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "# base $base, new $new, $rounds rounds, flags: ${*:-none}"
b=(); n=()
for ((i = 0; i < rounds; i++)); do
  if ((i % 2 == 0)); then tb=$(run "$base" "$@"); tn=$(run "$new" "$@"); else tn=$(run "$new" "$@"); tb=$(run "$base" "$@"); fi
  echo "round $((i + 1)): base ${tb} s, new ${tn} s"
  b+=("$tb"); n+=("$tn")
done
mb=$(printf '%s\n' "${b[@]}" | median); mn=$(printf '%s\n' "${n[@]}" | median)
lb=$(printf '%s\n' "${b[@]}" | sort -g | head -n 1); ln=$(printf '%s\n' "${n[@]}" | sort -g | head -n 1)
echo "median train seconds: base $mb, new $mn, new/base $(awk -v a="$mn" -v b="$mb" 'BEGIN { printf "%.3f", a / b }')"
echo "best train seconds:   base $lb, new $ln, new/base $(awk -v a="$ln" -v b="$lb" 'BEGIN { printf "%.3f", a / b }')"
