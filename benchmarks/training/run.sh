#!/usr/bin/env bash
# Side-by-side training throughput: TorchSharp (this repo) vs Debian's PyTorch 1.13, ShuffleNet V2 1.0x, 224x224,
# batch 32, 2 threads, SGD step included. Alternates the runs so machine load hits both alike.
# Usage: benchmarks/training/run.sh [rounds=2] [steps=20]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rounds=${1:-2}; steps=${2:-20}
out="$here/.build"
dotnet build "$here/TrainBench/TrainBench.csproj" -c Release -o "$out" --nologo -v q -clp:ErrorsOnly >&2
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  echo "-- round $r (load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo -n "pytorch, glibc:                    "; /usr/bin/python3 "$here/train_step_pytorch.py" 32 "$steps"
  echo -n "pytorch, tcmalloc:                 "; LD_PRELOAD=$tcmalloc /usr/bin/python3 "$here/train_step_pytorch.py" 32 "$steps"
  echo -n "torchsharp, library mallopt:       "; dotnet "$out/TrainBench.dll" 32 "$steps"
  echo -n "torchsharp, tcmalloc:              "; LD_PRELOAD=$tcmalloc dotnet "$out/TrainBench.dll" 32 "$steps"
  # glibc's static default thresholds (128 KiB); setting them by environment also stops the library's mallopt
  echo -n "torchsharp, glibc defaults:        "; SHUFFLENET_MALLOPT=0 dotnet "$out/TrainBench.dll" 32 "$steps"
  echo -n "torchsharp, glibc 128K thresholds: "; MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072 dotnet "$out/TrainBench.dll" 32 "$steps"
done
