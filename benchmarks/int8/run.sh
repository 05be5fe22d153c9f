#!/usr/bin/env bash
# int8 benchmarks (benchmarks/int8/results.md): the int8 ceiling of this machine in ONNX Runtime, each graph choice
# against our fp32 export, and the main comparison with PyTorch's own int8 model, every case interleaved call by
# call in one process (ONNX Runtime cases on one shared pool of 2 threads, its default spinning threads).
# Usage: benchmarks/int8/run.sh [iterations=400]     (from the repository root; needs python3-onnx, python3-torch)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
iterations=${1:-400}
out=$(mktemp -d /tmp/int8bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
dotnet build "$here/Int8Bench.csproj" -c Release --nologo -v q -clp:ErrorsOnly >&2
bench="dotnet $here/bin/Release/net10.0/linux-x64/Int8Bench.dll"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 "$here/ceiling_models.py" "$out/ceiling"
$bench --ceiling "$out/ceiling" --iterations "$iterations"
$bench --variants int8 --pytorch ../shared/reference/torchvision_1.0.pth --iterations "$iterations" --out "$out/main"
/usr/bin/python3 "$here/pytorch_int8.py" ../shared/reference/torchvision_1.0.pth "$out/main/calibration.f32" 2 "$iterations" | tail -2
$bench --variants int8,relu-explicit,float-split-concat,split-by-convs,per-tensor,head-fp32,stem-fp32,stem-gemm,s8 --iterations "$iterations"
$bench --variants int8 --profile --batches 32,1
