#!/usr/bin/env bash
# PyTorch-trained weights evaluated by `trainer eval`: trains PyTorch's quick-start model (1 thread) on
# the built-in digits, saves its state_dict as safetensors.torch.save_file writes it ({"format": "pt"},
# PyTorch's names), and compares `trainer eval --rename linear_relu_stack.=dense_relu_sequential.` and
# `trainer predict` with PyTorch's own accuracy and average loss (within 1e-4). See
# bench/pytorch_weights_roundtrip.py.
#
#   bench/pytorch-weights-roundtrip.sh [OUT.txt]     default docs/results/pytorch-weights-roundtrip.txt
#
# Needs the .NET SDK and PyTorch from Debian (apt-get install python3-torch libopenblas0-pthread).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/results/pytorch-weights-roundtrip.txt}
python=${PYTHON:-/usr/bin/python3}
"$python" -c "import torch" 2>/dev/null || { echo "error: $python cannot import torch (apt-get install python3-torch libopenblas0-pthread)" >&2; exit 1; }
dotnet build -c Release src/Cli -v quiet -nologo >/dev/null
{
  echo "# bench/pytorch-weights-roundtrip.sh, $(date -u +%Y-%m-%dT%H:%MZ), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) vCPU"
  "$python" bench/pytorch_weights_roundtrip.py --trainer "dotnet src/Cli/bin/Release/net10.0/trainer.dll"
} | tee "$out"
