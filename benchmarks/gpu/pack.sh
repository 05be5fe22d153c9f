#!/usr/bin/env bash
# Packs issue 22's run for the device machine in two parts, each under the device's 64 MiB per call:
#   .gpu-a  the .NET runtime with ASP.NET Core (the CLI's runtimeconfig names both) and Fashion-MNIST (xz)
#   .gpu-b  app/ (the CLI as ../shared/device/pack-for-gpu.sh packs it, minus ONNX Runtime's native library, plus
#           TrainBench), ref/ (reference checkpoint and photos), configs/, run.sh and peer_pytorch.py
# The first call unpacks .gpu-a into /tmp on the device; the second, made while the machine is still warm, runs
# `bash .gpu-b/run.sh .gpu-b`. Usage (repository root): benchmarks/gpu/pack.sh
set -euo pipefail
here=benchmarks/gpu
rm -rf .gpu-a .gpu-b
mkdir -p .gpu-a/fm .gpu-b/ref .gpu-b/configs
../shared/device/pack-for-gpu.sh src/ShuffleNet.Cli/ShuffleNet.Cli.csproj .gpu-pack >/dev/null
mv .gpu-pack/app .gpu-b/app
mv .gpu-pack/dotnet.tar.xz .gpu-a/
rm -rf .gpu-pack
rm -f .gpu-b/app/libonnxruntime*.so .gpu-b/app/*.pdb .gpu-b/app/*.xml
dotnet publish benchmarks/training/TrainBench/TrainBench.csproj -c Release -o /tmp/trainbench --nologo -v q >/dev/null
cp /tmp/trainbench/TrainBench.dll /tmp/trainbench/TrainBench.runtimeconfig.json .gpu-b/app/
root=$(dirname "$(readlink -f "$(command -v dotnet)")")
asp=$(ls "$root/shared/Microsoft.AspNetCore.App" | sort -V | tail -n 1)
tar -C "$root" -cf - "shared/Microsoft.AspNetCore.App/$asp" | xz -T2 -6 >.gpu-a/asp.tar.xz
for f in /usr/share/datasets/fashion-mnist/*-ubyte.gz; do
  zcat "$f" | xz -T2 -9 >".gpu-a/fm/$(basename "$f" .gz).xz"
done
cp tests/reference/mmcls_1.0.pth .gpu-b/ref/
cp -r tests/reference/images .gpu-b/ref/images
cp configs/shufflenet-v2-1x_fashion-mnist_full.json .gpu-b/configs/
cp $here/run.sh $here/peer_pytorch.py .gpu-b/
du -sh .gpu-a .gpu-b
