#!/usr/bin/env bash
# Times `trainer plot` on synthetic metrics logs of growing length, to show its work grows linearly with the log
# (the curve is thinned per pixel column). With a second trainer.dll (e.g. a build from before the thinning) the two
# are run interleaved, each size REPEAT times, and the best time of each is reported.
# usage: bench/plot-scaling.sh [TRAINER_DLL] [OTHER_TRAINER_DLL]   (defaults: this checkout's Release build)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
new=${1:-$here/src/Cli/bin/Release/net10.0/trainer.dll}
old=${2:-}
repeat=${REPEAT:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import math, sys
for n in (30000, 100000, 300000):
    with open(f'{sys.argv[1]}/log{n}.jsonl', 'w') as f:
        for s in range(n):
            f.write('{"kind":"step","epoch":1,"step":%d,"loss":%r,"lr":0.01,"samples_per_s":100}\n' % (s, 2.3 * math.exp(-s / (n / 5)) + 0.1 * math.sin(s)))
PY
grep -m1 "model name" /proc/cpuinfo || true
date -u
best() { sort -n | head -1; }
for n in 30000 100000 300000; do
  for build in new old; do
    dll=$([ "$build" = new ] && echo "$new" || echo "$old")
    [ -z "$dll" ] && continue
    times=()
    for _ in $(seq "$repeat"); do
      start=$(date +%s.%N)
      dotnet "$dll" plot "$work/log$n.jsonl" --out "$work/$build.png" > /dev/null
      end=$(date +%s.%N)
      times+=("$(echo "$end - $start" | bc)")
    done
    printf '%7d records  %-3s  best %.2f s  (all: %s)\n' "$n" "$build" "$(printf '%s\n' "${times[@]}" | best)" "${times[*]}"
  done
done
