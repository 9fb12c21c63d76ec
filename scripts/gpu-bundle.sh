#!/usr/bin/env bash
# Publishes `trainer` self-contained for linux-x64 and packs it as .gpu/trainer.tgz: the GPU
# machine has no .NET. Carry that file to the device and run scripts/gpu-check.sh there.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .gpu/trainer .gpu/trainer.tgz
dotnet publish src/Cli -c Release -r linux-x64 --self-contained -o .gpu/trainer -p:DebugType=none >/dev/null
tar czf .gpu/trainer.tgz -C .gpu/trainer .
size=$(stat -c %s .gpu/trainer.tgz)
limit=$((60 * 1024 * 1024))
echo "bundle: .gpu/trainer.tgz, $((size / 1024 / 1024)) MiB ($size bytes), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ "$size" -ge "$limit" ]; then
  echo "error: the bundle is $size bytes, over the 60 MiB limit" >&2
  exit 1
fi
