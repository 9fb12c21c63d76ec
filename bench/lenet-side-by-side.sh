#!/usr/bin/env bash
# One Fashion-MNIST epoch of LeNet-5 with momentum 0.9 (lr 0.01, batch 64), side by side on this
# machine's CPU: `trainer train --device cpu` (default threads, and --threads 1), PyTorch 1.13
# (bench/torch_train.py, 1 and 2 threads) and TorchSharp 0.107 on libtorch 2.10 (the anchor that
# ../shared/anchors/torchsharp/setup.sh builds, 1 and 2 threads); and the quick-start MLP's epoch
# with this trainer and, if BASELINE names a commit, with the trainer built from that commit, so a
# change can be checked not to slow the MLP down in the same run.
#
#   bench/lenet-side-by-side.sh [DATA_DIR]          default /usr/share/datasets/fashion-mnist
#   RUNS=3 BASELINE=main bench/lenet-side-by-side.sh
#
# Every round runs every configuration once, in the same order, so a slow spell of a shared machine
# hits all of them alike; the table gives each configuration's median and best train seconds (the
# epoch's training loop, test excluded, as each program reports it) and every run, the median CPU
# seconds of the whole process (user + system, from /usr/bin/time: start-up, data loading and the
# test loop included, and a spinning thread counts), and the test accuracy of its first run. The
# verdict lines compare medians, each side at its best thread count, and CPU seconds likewise.
# TORCHSHARP=DIR (default /tmp/torchsharp-anchor) is where the anchor is built; it is built there
# if missing, by TORCHSHARP_SETUP (default ../shared/anchors/torchsharp/setup.sh). SKIP_TORCHSHARP=1 leaves TorchSharp out. Needs the .NET SDK and PyTorch from Debian
# (apt-get install python3-torch libopenblas0-pthread), run with /usr/bin/python3; TorchSharp's
# build needs NuGet, patchelf and g++.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/usr/share/datasets/fashion-mnist}
runs=${RUNS:-3}
python=${PYTHON:-/usr/bin/python3}
ts_dir=${TORCHSHARP:-/tmp/torchsharp-anchor}
[ -d "$data" ] || { echo "error: data directory '$data' not found (apt-get install dataset-fashion-mnist)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time not found (apt-get install time)" >&2; exit 1; }
"$python" -c "import torch" 2>/dev/null || { echo "error: $python cannot import torch (apt-get install python3-torch libopenblas0-pthread)" >&2; exit 1; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "error: RUNS must be a positive integer, got '$runs'" >&2; exit 1; }
cores=$(nproc)
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

dotnet build -c Release src/Cli -v quiet -nologo >/dev/null
trainer=(dotnet src/Cli/bin/Release/net10.0/trainer.dll)
baseline=()
if [ -n "${BASELINE:-}" ]; then
  rev=$(git rev-parse --verify --quiet "$BASELINE^{commit}") || { echo "error: BASELINE '$BASELINE' is not a commit" >&2; exit 1; }
  mkdir -p "$log/baseline"
  git archive "$rev" | tar -x -C "$log/baseline"
  dotnet build -c Release "$log/baseline/src/Cli" -v quiet -nologo >/dev/null
  baseline=(dotnet "$log/baseline/src/Cli/bin/Release/net10.0/trainer.dll")
fi
if [ -z "${SKIP_TORCHSHARP:-}" ] && [ ! -x "$ts_dir/bin/torchsharp-anchor" ]; then
  setup=${TORCHSHARP_SETUP:-../shared/anchors/torchsharp/setup.sh}
  [ -f "$setup" ] || { echo "error: TorchSharp anchor not built in '$ts_dir' and its setup script '$setup' not found (set TORCHSHARP_SETUP, or SKIP_TORCHSHARP=1)" >&2; exit 1; }
  bash "$setup" "$ts_dir" >/dev/null
fi

lenet=(--model lenet --optimizer momentum --momentum 0.9)
# Each runner writes its output to FILE and prints "TRAIN_SECONDS ACCURACY_PERCENT".
trainer_run() { # trainer_run FILE TRAINER_CMD... -- ARGS...
  local out=$1; shift
  /usr/bin/time -f '%U %S' -o "$out.cpu" "$@" --device cpu --data "$data" --epochs 1 > "$out" 2>&1
  local s a
  s=$(grep -E '^epoch 1: ' "$out" | sed -E 's/.*\(train ([0-9.]+) s.*/\1/')
  a=$(grep -E 'Accuracy' "$out" | tail -n 1 | sed -E 's/.*Accuracy: ([0-9.]+)%.*/\1/')
  echo "$s $a"
}
torch_run() { # torch_run FILE THREADS
  /usr/bin/time -f '%U %S' -o "$1.cpu" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" bench/torch_train.py --data "$data" --threads "$2" --epochs 1 \
    --model lenet --optimizer momentum --momentum 0.9 > "$1" 2> "$1.err"
  tail -n 1 "$1" | "$python" -c 'import json, sys; r = json.load(sys.stdin); print(r["train_s"][-1], 100 * r["test_accuracy"])'
}
torchsharp_run() { # torchsharp_run FILE THREADS
  /usr/bin/time -f '%U %S' -o "$1.cpu" env LD_PRELOAD="$ts_dir/libiosshim.so" "$ts_dir/bin/torchsharp-anchor" --data "$data" --model lenet --momentum 0.9 --epochs 1 --threads "$2" > "$1" 2> "$1.err"
  tail -n 1 "$1" | "$python" -c 'import json, sys; e = json.load(sys.stdin)["epochs"][-1]; print(e["train_wall_s"], e["test_acc"])'
}

configs=("lenet-trainer" "lenet-trainer-1" "lenet-torch-1" "lenet-torch-2")
[ -z "${SKIP_TORCHSHARP:-}" ] && configs+=("lenet-torchsharp-1" "lenet-torchsharp-2")
[ ${#baseline[@]} -gt 0 ] && configs+=("lenet-baseline")
configs+=("mlp-trainer")
[ ${#baseline[@]} -gt 0 ] && configs+=("mlp-baseline")

run_config() { # run_config NAME ROUND
  local f="$log/$1-$2.txt"
  case $1 in
    lenet-trainer) trainer_run "$f" "${trainer[@]}" train "${lenet[@]}" ;;
    lenet-trainer-1) trainer_run "$f" "${trainer[@]}" train --threads 1 "${lenet[@]}" ;;
    lenet-baseline) trainer_run "$f" "${baseline[@]}" train "${lenet[@]}" ;;
    lenet-torch-1) torch_run "$f" 1 ;;
    lenet-torch-2) torch_run "$f" 2 ;;
    lenet-torchsharp-1) torchsharp_run "$f" 1 ;;
    lenet-torchsharp-2) torchsharp_run "$f" 2 ;;
    mlp-trainer) trainer_run "$f" "${trainer[@]}" train ;;
    mlp-baseline) trainer_run "$f" "${baseline[@]}" train ;;
  esac
}

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $cores cores; flags: $(grep -m1 -o -w -E 'avx512f|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with uncommitted changes)')${BASELINE:+, baseline $BASELINE = $(git rev-parse --short "$BASELINE")}"
echo "data: $data, 1 epoch, batch 64, $runs rounds; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 0; i < runs; i++)); do
  for c in "${configs[@]}"; do
    read -r s a <<< "$(run_config "$c" "$i")"
    echo "$s" >> "$log/times-$c"
    awk '{ print $1 + $2 }' "$log/$c-$i.txt.cpu" >> "$log/cpu-$c"
    [ "$i" -eq 0 ] && echo "$a" > "$log/acc-$c"
    echo "round $((i + 1)) $c: train $s s, CPU $(tail -n 1 "$log/cpu-$c") s, accuracy $a%"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A med cpu
printf '\n%-44s %9s %9s %9s %9s   %s\n' "configuration" "median s" "best s" "CPU s" "accuracy" "every run (s)"
for c in "${configs[@]}"; do
  med[$c]=$(median < "$log/times-$c")
  cpu[$c]=$(median < "$log/cpu-$c")
  best=$(sort -g "$log/times-$c" | head -n 1)
  case $c in
    lenet-trainer) label="LeNet trainer --device cpu ($cores threads)" ;;
    lenet-trainer-1) label="LeNet trainer --device cpu --threads 1" ;;
    lenet-baseline) label="LeNet trainer at $BASELINE" ;;
    lenet-torch-*) label="LeNet PyTorch 1.13, ${c##*-} thread(s)" ;;
    lenet-torchsharp-*) label="LeNet TorchSharp (libtorch 2.10), ${c##*-} thread(s)" ;;
    mlp-trainer) label="MLP trainer --device cpu ($cores threads)" ;;
    mlp-baseline) label="MLP trainer at $BASELINE" ;;
  esac
  printf '%-44s %9.2f %9.2f %9.2f %8s%%   %s\n' "$label" "${med[$c]}" "$best" "${cpu[$c]}" "$(cat "$log/acc-$c")" "$(awk '{ printf "%.2f ", $1 }' "$log/times-$c")"
done
echo
best_of() { # best_of PATTERN: "median name" of the configurations matching PATTERN with the lowest median
  for c in "${configs[@]}"; do [[ $c == $1 ]] && echo "${med[$c]} $c"; done | sort -g | head -n 1
}
cpu_of() { for c in "${configs[@]}"; do [[ $c == $1 ]] && echo "${cpu[$c]} $c"; done | sort -g | head -n 1; }
read -r ours oursname <<< "$(best_of 'lenet-trainer*')"
read -r ref refname <<< "$(best_of 'lenet-torch*')"
awk -v o="$ours" -v on="$oursname" -v r="$ref" -v n="$refname" 'BEGIN { printf "LeNet: trainer at its best, %s (%s s) / fastest reference, %s (%s s): %.2f  (%.2fx faster; the bar is at most 0.50)\n", on, o, n, r, o / r, r / o }'
read -r ourscpu oursname <<< "$(cpu_of 'lenet-trainer*')"
read -r refcpu refname <<< "$(cpu_of 'lenet-torch*')"
awk -v o="$ourscpu" -v on="$oursname" -v r="$refcpu" -v n="$refname" 'BEGIN { printf "LeNet CPU seconds: trainer, %s (%s) / reference, %s (%s): %.2f\n", on, o, n, r, o / r }'
acc_t=$(cat "$log/acc-lenet-trainer"); acc_p=$(cat "$log/acc-lenet-torch-1")
awk -v a="$acc_t" -v b="$acc_p" 'BEGIN { d = a - b; printf "LeNet accuracy: trainer %s%%, PyTorch %s%%, difference %+.2f points (the bar is within 1)\n", a, b, d }'
if [ ${#baseline[@]} -gt 0 ]; then
  awk -v o="${med[mlp-trainer]}" -v b="${med[mlp-baseline]}" -v n="$BASELINE" 'BEGIN { printf "MLP: trainer (%s s) / trainer at %s (%s s): %.2f\n", o, n, b, o / b }'
  awk -v o="${med[lenet-trainer]}" -v b="${med[lenet-baseline]}" -v n="$BASELINE" 'BEGIN { printf "LeNet: trainer (%s s) / trainer at %s (%s s): %.2f\n", o, n, b, o / b }'
fi
