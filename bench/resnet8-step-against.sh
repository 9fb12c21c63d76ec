#!/usr/bin/env bash
# ResNet-8's training step, this checkout against another build of trainer on the same machine:
# `trainer compare --model resnet8 --optimizer momentum --device cpu --steps 40 --warmup 5` of each, interleaved
# (base, this, base, this, ...) so a slow spell of a shared machine hits both alike. Prints every round's raw output,
# then each build's graph and eager step medians (median over rounds, and every round), the best of the graph step's
# 10th percentiles (the least disturbed steps of a loaded machine), the CPU seconds of each whole run (user + sys, eager
# and graph steps together: what contention for the cores disturbs least), launches per step, the max
# eager/graph loss difference, and the ratios this / base.
#
#   bench/resnet8-step-against.sh BASE_CHECKOUT [ROUNDS]     e.g. a `git worktree add ../base 9af2280`, built or not
#
# Builds src/Cli in Release in both checkouts first. Needs the .NET SDK and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bench/resnet8-step-against.sh BASE_CHECKOUT [ROUNDS]}
rounds=${2:-3}
[ -f "$base/src/Cli/Cli.csproj" ] || { echo "error: '$base' is not a trainer checkout (no src/Cli/Cli.csproj)" >&2; exit 1; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "error: ROUNDS must be a positive integer, got '$rounds'" >&2; exit 1; }
dotnet build -c Release src/Cli -v quiet -nologo >/dev/null
dotnet build -c Release "$base/src/Cli" -v quiet -nologo >/dev/null
args=(compare --model resnet8 --optimizer momentum --device cpu --steps 40 --warmup 5)
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') (model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# base $(git -C "$base" rev-parse --short HEAD), this $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)'); trainer ${args[*]}"
for r in $(seq 1 "$rounds"); do
  for which in base this; do
    dir=.; [ "$which" = base ] && dir=$base
    echo "## round $r, $which ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
    /usr/bin/time -f '%U %S' -o "$log/$which.$r.time" dotnet "$dir/src/Cli/bin/Release/net10.0/trainer.dll" "${args[@]}" | tee "$log/$which.$r"
    echo "process cpu seconds (user + sys, eager and graph together): $(awk '{print $1 + $2}' "$log/$which.$r.time")"
  done
done
field() { grep -E "^$2 " "$1" | awk '{print $(NF-2), $(NF-1)}'; } # eager graph
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "## summary ($rounds rounds)"
for which in base this; do
  graph=$(for r in $(seq 1 "$rounds"); do field "$log/$which.$r" "step ms median" | awk '{print $2}'; done)
  eager=$(for r in $(seq 1 "$rounds"); do field "$log/$which.$r" "step ms median" | awk '{print $1}'; done)
  p10=$(for r in $(seq 1 "$rounds"); do field "$log/$which.$r" "step ms p10" | awk '{print $2}'; done)
  cpu=$(for r in $(seq 1 "$rounds"); do awk '{print $1 + $2}' "$log/$which.$r.time"; done)
  launches=$(field "$log/$which.1" "launches/step" | awk '{print $2}')
  loss=$(grep -h "max loss difference" "$log/$which".* | awk '{print $4}' | sort -u | tr '\n' ' ')
  printf '%s graph_median_ms %s (%s) graph_best_p10_ms %s eager_median_ms %s (%s) process_cpu_s %s (%s) graph_launches %s max_loss_difference %s\n' "$which" \
    "$(echo "$graph" | median)" "$(echo $graph)" "$(echo "$p10" | sort -g | head -n 1)" "$(echo "$eager" | median)" "$(echo $eager)" \
    "$(echo "$cpu" | median)" "$(echo $cpu)" "$launches" "$loss"
  echo "$cpu" | median > "$log/$which.cpu"
  echo "$graph" | median > "$log/$which.graph"; echo "$eager" | median > "$log/$which.eager"; echo "$p10" | sort -g | head -n 1 > "$log/$which.p10"
done
awk -v bg="$(cat "$log/base.graph")" -v tg="$(cat "$log/this.graph")" -v be="$(cat "$log/base.eager")" -v te="$(cat "$log/this.eager")" \
  -v bp="$(cat "$log/base.p10")" -v tp="$(cat "$log/this.p10")" -v bc="$(cat "$log/base.cpu")" -v tc="$(cat "$log/this.cpu")" \
  'BEGIN { printf "this/base graph step median %.2f, graph step best p10 %.2f, eager step median %.2f, process cpu seconds %.2f\n", tg / bg, tp / bp, te / be, tc / bc }'
