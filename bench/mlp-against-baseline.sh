#!/usr/bin/env bash
# The quick-start MLP's Fashion-MNIST epoch with `trainer train --device cpu`, this tree against the trainer built
# from BASELINE (a commit), side by side in one run: each round runs both, alternating which goes first, so a slow
# spell of a shared machine hits both alike. Prints every run's train seconds (the epoch's training loop, test
# excluded, as the log reports it), each side's median and best, the ratio of medians, and whether the two logs
# are the same apart from their timing lines (they should be: same seed, data and kernels).
#
#   BASELINE=main RUNS=5 bench/mlp-against-baseline.sh [DATA_DIR]     default /usr/share/datasets/fashion-mnist
#   BASELINE=main FLAGS="--optimizer momentum" bench/mlp-against-baseline.sh    extra `trainer train` flags, both sides
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/usr/share/datasets/fashion-mnist}
runs=${RUNS:-5}
[ -n "${BASELINE:-}" ] || { echo "error: set BASELINE to the commit to compare against" >&2; exit 1; }
[ -d "$data" ] || { echo "error: data directory '$data' not found (apt-get install dataset-fashion-mnist)" >&2; exit 1; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "error: RUNS must be a positive integer, got '$runs'" >&2; exit 1; }
rev=$(git rev-parse --verify --quiet "$BASELINE^{commit}") || { echo "error: BASELINE '$BASELINE' is not a commit" >&2; exit 1; }
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
dotnet build -c Release src/Cli -v quiet -nologo >/dev/null
mkdir -p "$log/baseline"
git archive "$rev" | tar -x -C "$log/baseline"
dotnet build -c Release "$log/baseline/src/Cli" -v quiet -nologo >/dev/null
declare -A cmd=([this]="src/Cli/bin/Release/net10.0/trainer.dll" [baseline]="$log/baseline/src/Cli/bin/Release/net10.0/trainer.dll")

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "this: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)'); baseline: $(git rev-parse --short "$rev")"
read -r -a flags <<<"${FLAGS:-}"
echo "command: trainer train --device cpu --data $data --epochs 1 --progress none${FLAGS:+ $FLAGS}"
declare -A times=([this]="" [baseline]="")
for round in $(seq 1 "$runs"); do
  order=(this baseline); [ $((round % 2)) -eq 0 ] && order=(baseline this)
  for side in "${order[@]}"; do
    out="$log/$side.$round"
    dotnet "${cmd[$side]}" train --device cpu --data "$data" --epochs 1 --progress none "${flags[@]}" > "$out" 2>&1
    s=$(grep -E '^epoch 1: ' "$out" | sed -E 's/.*\(train ([0-9.]+) s.*/\1/')
    times[$side]="${times[$side]} $s"
    echo "round $round $side: train $s s"
  done
done
stats() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f %.2f", m, a[1]}'; }
read -r tm tb <<<"$(echo "${times[this]}" | stats)"
read -r bm bb <<<"$(echo "${times[baseline]}" | stats)"
echo "this:     median $tm s, best $tb s"
echo "baseline: median $bm s, best $bb s"
awk -v t="$tm" -v b="$bm" 'BEGIN { printf "this / baseline (medians): %.3f\n", t / b }'
strip() { grep -vE '^(epoch [0-9]+: |compile: )' "$1"; }
if diff <(strip "$log/this.1") <(strip "$log/baseline.1") >/dev/null; then echo "logs: identical apart from timing lines"; else echo "logs: DIFFER"; diff <(strip "$log/this.1") <(strip "$log/baseline.1") | head -20; fi
