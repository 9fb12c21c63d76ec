#!/usr/bin/env bash
# Issue 20's must-show: the same Fashion-MNIST images as IDX files, as train/test image folders of PNGs and as a
# CIFAR-10 binary set (gray replicated to 3 channels, padded to 32x32), each trained with `--model lenet` by the same
# command; the accuracies should agree within about a point. Then the host pipeline's images per second (decode +
# augment on worker threads) against the training step's.
#
#   bash bench/fashion-mnist-formats.sh [OUT_DIR] [SEEDS]     (defaults: /tmp/fashion-formats, "0 1 2")
#   TRAIN=10000 TEST=2000 EPOCHS=5 FLAGS="--optimizer momentum" bash bench/fashion-mnist-formats.sh
#   MODEL=resnet8 EPOCHS=3 bash bench/fashion-mnist-formats.sh /tmp/fashion-formats 0      (default MODEL=lenet)
#
# Needs /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist) and python3-numpy.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-/tmp/fashion-formats}
seeds=${2:-"0 1 2"}
train=${TRAIN:-10000} test=${TEST:-2000} epochs=${EPOCHS:-5} flags=${FLAGS:---optimizer momentum} model=${MODEL:-lenet}
cd "$repo"
dotnet build src/Cli -c Release -v q -nologo >/dev/null
trainer=src/Cli/bin/Release/net10.0/trainer
/usr/bin/python3 bench/fashion_mnist_formats.py "$out" --train "$train" --test "$test"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; commit $(git rev-parse --short HEAD)"
echo "# ${train} train / ${test} test images (the first of Fashion-MNIST's), --model ${model} --epochs ${epochs} ${flags} --device cpu"
for seed in $seeds; do
  for format in idx folders cifar; do
    echo "## $format, seed $seed: trainer train --data $out/$format --model $model --epochs $epochs $flags --seed $seed --device cpu --progress none"
    # shellcheck disable=SC2086
    "$trainer" train --data "$out/$format" --model "$model" --epochs "$epochs" $flags --seed "$seed" --device cpu --progress none
  done
done
