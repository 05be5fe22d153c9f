#!/usr/bin/env bash
# Issue 22 on the GPU machine (H200, PyTorch 2.11 + CUDA 13, no dotnet): everything in one prepared run, each step
# under its own time limit so one failure leaves the rest. See README.md beside this file for how it is packed.
# Usage (on the device): bash run.sh PACK   PACK holds app/ (the CLI and TrainBench), ref/, configs/ and this folder's
# peer_pytorch.py; /tmp/dotnet (.NET + ASP.NET Core runtime) and /tmp/fm (Fashion-MNIST idx files) must exist.
set -u
start=$SECONDS
budget=${BUDGET:-540}
pack=$(cd "$1" && pwd)
app=$pack/app
out=${OUT:-/tmp/out}
work=/tmp/gpu-work
mkdir -p "$out" "$work"
log=$out/log.txt
export DOTNET_ROOT=/tmp/dotnet PATH=$PATH:/tmp/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# PyTorch's own libtorch (with CUDA) serves TorchSharp; LIBTORCH_PATH set beforehand wins (a rehearsal on a CPU machine)
torchlib=${LIBTORCH_PATH:-$(python3 -c "import torch, os; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))")}
export LD_LIBRARY_PATH="$torchlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" LIBTORCH_PATH="$torchlib"
say() { echo "$*" | tee -a "$log"; }
# run SECONDS CMD...: logs the command, its output and its exit code
run() {
  local t=$1
  shift
  say "\$ $* [t=$((SECONDS - start))s]"
  timeout "$t" bash -c '"$@"' run "$@" >>"$log" 2>&1
  say "rc=$? [t=$((SECONDS - start))s]"
}
cli() { dotnet "$app/ShuffleNet.Cli.dll" "$@"; }
bench() { dotnet "$app/TrainBench.dll" "$@"; }
peer() { python3 "$pack/peer_pytorch.py" "$@"; }
export -f cli bench peer
export app pack

say "machine: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader); $(nproc) cores"
say "torch: $(python3 -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())')"

# 1. predict on CUDA against the CPU, reference checkpoint and photos: same top-5, scores within 1e-3
run 90 cli predict --checkpoint "$pack/ref/mmcls_1.0.pth" --device cpu --output "$work/pred-cpu.jsonl" "$pack/ref/images"
run 90 cli predict --checkpoint "$pack/ref/mmcls_1.0.pth" --device cuda --output "$work/pred-cuda.jsonl" "$pack/ref/images"
run 30 python3 - "$work/pred-cpu.jsonl" "$work/pred-cuda.jsonl" <<'PY'
import json, sys
a, b = ([json.loads(l) for l in open(f)] for f in sys.argv[1:3])
assert len(a) == len(b) == 3, (len(a), len(b))
worst = 0
for x, y in zip(a, b):
    assert [t['index'] for t in x['top']] == [t['index'] for t in y['top']], (x, y)
    worst = max(worst, max(abs(s['score'] - t['score']) for s, t in zip(x['top'], y['top'])))
print(f"predict cuda vs cpu: same top-5 on {len(a)} photos, max score difference {worst:.2e}",
      "ok" if worst < 1e-3 else "TOO LARGE")
PY
cp "$work/pred-cuda.jsonl" "$out/" 2>/dev/null

# 2. training step, 1.0x at 224, batch 256: ours against PyTorch, fp32 and channels-last + bf16
run 60 bench 256 20 5 fp32 imagenet cuda nchw
run 60 peer train 256 20 5 fp32
run 60 bench 256 20 5 bf16 imagenet cuda cl
run 60 peer train 256 20 5 bf16-cl
run 60 bench 256 20 5 fp32 imagenet cuda cl
# 3. inference at batch 256 and 1 (host batch in, logits out)
run 90 cli benchmark --device cuda --batch 1,256 --warmup 10 --iterations 50
run 60 peer infer 256 50 10 fp32
run 60 peer infer 1 50 10 fp32
run 60 peer infer 256 50 10 bf16-cl
# the Fashion-MNIST net (28x28, batch 128): launch-bound, what the training below runs
run 60 bench 128 50 10 fp32 fashion cuda nchw
run 60 peer fashion 128 50 10 fp32
# 4. NCCL, one rank (the machine has one GPU)
run 30 bench nccl

# 5. the training: the full Fashion-MNIST config (the model issues 18, 20 and 21 evaluate)
left=$((budget - (SECONDS - start) - 60))
say "training gets ${left}s"
say "\$ train full [t=$((SECONDS - start))s]"
(timeout -s INT -k 20 "$left" dotnet "$app/ShuffleNet.Cli.dll" train --device cuda --data /tmp/fm \
   --config "$pack/configs/shufflenet-v2-1x_fashion-mnist_full.json" --work-dir "$work/full" \
   >"$work/train-full.txt" 2>&1; echo "train full rc=$?" >>"$work/train-full.txt") &
# 6. meanwhile, the JPEG loader feeding the GPU (CPU-bound: the training above uses one core)
run 60 python3 - "$pack/ref/images" /tmp/jpegs/all 4096 <<'PY'
import os, sys
from concurrent.futures import ProcessPoolExecutor
import numpy as np
from PIL import Image
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
photos = [np.asarray(Image.open(os.path.join(src, p)).convert('RGB')) for p in sorted(os.listdir(src))]
os.makedirs(out, exist_ok=True)
def make(i):
    rng = np.random.default_rng(i)
    a = photos[i % len(photos)]
    h, w = a.shape[:2]
    ch, cw = int(h * rng.uniform(0.6, 1.0)), int(w * rng.uniform(0.6, 1.0))
    y, x = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
    img = Image.fromarray(a[y:y + ch, x:x + cw]).resize((500, 375) if i % 4 else (375, 500), Image.BILINEAR)
    img.save(os.path.join(out, f"{i:05d}.jpg"), quality=90)
with ProcessPoolExecutor(8) as pool:
    list(pool.map(make, range(n), chunksize=64))
print(n, "JPEGs in", out)
PY
mkdir -p /tmp/jpegs/first && ln -f /tmp/jpegs/all/00[01]*.jpg /tmp/jpegs/first/ 2>/dev/null   # 2,000 of them
declare -A took
# the rate is (4096 - 2000) / (time of all - time of first): start-up and model loading cancel out
for threads in 8 4 2; do
  for set in first all; do
    t0=$(date +%s.%N)
    run 90 cli predict --checkpoint "$pack/ref/mmcls_1.0.pth" --device cuda --batch 256 --threads $threads \
      --output "$work/loader-$set.csv" /tmp/jpegs/$set
    took[$threads$set]=$(python3 -c "import time; print(time.time() - $t0)")
  done
  say "loader: JPEGs to the GPU at batch 256, $((16 - threads)) decoding workers (training running):" \
      "$(python3 -c "print(f'{(4096 - 2000) / (${took[${threads}all]} - ${took[${threads}first]}):.0f} img/s')")"
done
wait
tail -n 8 "$work/train-full.txt" | tee -a "$log"

# 7. test on CUDA against the CPU with the model just trained: the same top-1 on the 10,000 test images
ck=$work/full/latest.pth
run 60 cli test --checkpoint "$ck" --data /tmp/fm --device cuda --json
run 90 cli test --checkpoint "$ck" --data /tmp/fm --device cpu --json

# what comes back (at most 8 files of 16 MiB): the logs, the full model (+ optimizer)
[ -f "$ck" ] && cp "$ck" "$out/full-latest.pth"
tar -C "$work" -czf "$out/runs.tar.gz" --exclude='*.pth' . 2>>"$log"
say "done [t=$((SECONDS - start))s]"
