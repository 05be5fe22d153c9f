#!/usr/bin/env bash
# bf16 vs fp32 training steps in TorchSharp on this CPU (issue 21), interleaved per round so both see the same load.
# Usage: benchmarks/training/run-bf16.sh [rounds=3] [steps=10]   (from anywhere; builds TrainBench into .build/)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/../../.build/trainbench"
dotnet build "$here/TrainBench/TrainBench.csproj" -c Release -o "$out" --nologo -v q -clp:ErrorsOnly >&2
export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4   # as ./shufflenet runs
rounds=${1:-3} steps=${2:-10}
grep -o -m1 'avx512_bf16' /proc/cpuinfo || echo "no avx512_bf16 on this CPU"
for r in $(seq "$rounds"); do
  echo "round $r, load $(cut -d' ' -f1-3 /proc/loadavg)"
  for shape in fashion imagenet; do
    batch=$([ "$shape" = fashion ] && echo 128 || echo 32)
    for dtype in fp32 bf16; do dotnet "$out/TrainBench.dll" "$batch" "$steps" 2 "$dtype" "$shape"; done
  done
done
echo "end, load $(cut -d' ' -f1-3 /proc/loadavg)"
