# The PyTorch peer for int8: torchvision's quantizable ShuffleNet V2 1.0x with the given weights, BatchNorm and ReLU
# fused, post-training static quantization with the onednn engine and qconfig (Debian's PyTorch 1.13 has no
# fbgemm), calibrated on the same images as ours. Int8Bench starts it and times it call by call, interleaved with
# ONNX Runtime: it answers each line "B" on stdin with the milliseconds of one forward pass on B images.
# Usage: /usr/bin/python3 benchmarks/int8/pytorch_int8.py WEIGHTS.pth CALIBRATION.f32 THREADS [CALLS]
#   WEIGHTS.pth: a torchvision-layout state dict; CALIBRATION.f32: raw float32 [N, 3, 224, 224] written by Int8Bench.
#   With CALLS it times itself instead, CALLS calls back to back at batch 1 and CALLS / 8 at batch 32, and prints
#   the medians (the peer without pauses between calls, for comparison with the interleaved figures).
import sys
import time

import numpy as np
import torch
from torch.ao.quantization import convert, get_default_qconfig, prepare
from torchvision.models.quantization import shufflenet_v2_x1_0

weights, calibration, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
torch.set_num_threads(threads)
torch.backends.quantized.engine = "onednn"
images = torch.from_numpy(np.fromfile(calibration, dtype=np.float32).reshape(-1, 3, 224, 224))

fp32 = shufflenet_v2_x1_0(weights=None, quantize=False)
fp32.load_state_dict(torch.load(weights, map_location="cpu"))
fp32.eval()
model = shufflenet_v2_x1_0(weights=None, quantize=False)
model.load_state_dict(fp32.state_dict())
model.eval()
model.fuse_model(is_qat=False)
model.qconfig = get_default_qconfig("onednn")
prepare(model, inplace=True)
with torch.no_grad():
    for batch in images.split(8):
        model(batch)
convert(model, inplace=True)

with torch.no_grad():
    agree = (model(images).argmax(1) == fp32(images).argmax(1)).float().mean().item()
print(f"ready: torch {torch.__version__}, engine {torch.backends.quantized.engine}, {threads} threads, "
      f"calibrated on {len(images)} images, top-1 agreement with its fp32 on them {agree:.4f}", flush=True)

if len(sys.argv) > 4:
    calls = int(sys.argv[4])
    with torch.no_grad():
        for b, n in ((1, calls), (32, max(10, calls // 8))):
            x = images[torch.arange(b) % len(images)].contiguous()
            for _ in range(5):
                model(x)
            times = []
            for _ in range(n):
                start = time.perf_counter()
                model(x)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            print(f"pytorch-int8 back to back, batch {b}: median {times[len(times) // 2]:.3f} ms, min {times[0]:.3f} ms, "
                  f"{b * 1000 / times[len(times) // 2]:.0f} img/s ({n} calls)")
    sys.exit(0)

inputs = {}
with torch.no_grad():
    for line in sys.stdin:
        if line.strip() == "quit":
            break
        b = int(line)
        x = inputs.setdefault(b, images[torch.arange(b) % len(images)].contiguous())
        start = time.perf_counter()
        model(x)
        print(f"{(time.perf_counter() - start) * 1000:.4f}", flush=True)
