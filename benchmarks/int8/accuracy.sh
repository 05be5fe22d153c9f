#!/usr/bin/env bash
# int8 accuracy of a Fashion-MNIST checkpoint (benchmarks/int8/results.md, "Accuracy"): quantizes it with each
# calibration method and prints fp32 and int8 top-1 on the 10,000 test images (the gate's own evaluation), the
# agreement, and the gate's speed check. Usage, from the repository root:
#   benchmarks/int8/accuracy.sh CHECKPOINT [calibration images=256]
# e.g. for the full 1.0x model: benchmarks/int8/accuracy.sh work_dirs/shufflenet-v2-1x_fashion-mnist_full/latest.pth
set -euo pipefail
checkpoint=$1; images=${2:-256}
out=$(mktemp -d /tmp/int8acc.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "$checkpoint, $images calibration images, load $(cut -d' ' -f1-3 /proc/loadavg)"
for method in MinMax Percentile; do
  # --min-speedup 0: report the speed, judge accuracy only (speed is measured by run.sh on a quiet machine)
  ./shufflenet quantize --checkpoint "$checkpoint" --output "$out/m.onnx" --calibration fashion-mnist --images "$images" \
    --method "$method" --min-speedup 0 --json > "$out/$method.json" || true
  /usr/bin/python3 - "$out/$method.json" "$method" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); g = r["gate"]
drop = g["fp32_accuracy"] - g["int8_accuracy"]
speed = ", ".join(f"batch {s['batch']} {s['speedup']:.2f}x" for s in g["speed"])
print(f"{sys.argv[2]:>10}: fp32 {g['fp32_accuracy']:.2f}%  int8 {g['int8_accuracy']:.2f}%  drop {drop:.2f} points  "
      f"agreement {100 * g['agreement']:.2f}% on {g['images']} images; {speed}; passed {g['passed']}")
PY
done
