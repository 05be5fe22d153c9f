#!/usr/bin/env bash
# The evaluation that explains, for any checkpoint: `shufflenet test --report` (metrics, confusion matrix, most
# confident mistakes) and `shufflenet cam` (Grad-CAM / Grad-CAM++) on the mistakes or on given images.
#
#   benchmarks/eval/run.sh CHECKPOINT DATA [OUT]
#
# DATA: fashion-mnist (or a folder of its IDX files): the CAMs explain the 8 most confident mistakes, extracted as
#       PNGs (idx_to_png.py); an image folder, or mmpretrain's ImageNet layout (DATA/meta/val.txt, images in
#       DATA/val): the CAMs explain $CAM_IMAGES (default: the repository's reference photos).
# OUT:  default benchmarks/eval/out/<checkpoint name>. $LAYERS: the CAM layers (default "conv5 stage3").
# Example, the full Fashion-MNIST model once trained:
#   benchmarks/eval/run.sh work_dirs/fashion-mnist-full/latest.pth fashion-mnist
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 2 ] || { sed -n '2,12p' "$0"; exit 1; }
checkpoint=$1 data=$2
out=${3:-$here/out/$(basename "${checkpoint%.*}")}
layers=${LAYERS:-conv5 stage3}
shufflenet="$root/shufflenet"
mkdir -p "$out"

args=(--data "$data")
[ -f "$data/meta/val.txt" ] && args+=(--ann-file meta/val.txt)
echo "== test --report $out/report" >&2
"$shufflenet" test --checkpoint "$checkpoint" "${args[@]}" --per-class --report "$out/report" | tee "$out/test.txt"

if [ "$data" = fashion-mnist ] || [ -f "$data/t10k-images-idx3-ubyte.gz" ] \
   || [ -f "$data/t10k-images-idx3-ubyte" ]; then
  idx_dir=$([ "$data" = fashion-mnist ] && echo /usr/share/datasets/fashion-mnist || echo "$data")
  idx=$(ls "$idx_dir"/t10k-images-idx3-ubyte* | head -1)
  # the dataset indices of the most confident mistakes, from the report
  mapfile -t mistakes < <(python3 -c 'import json, sys
for m in json.load(open(sys.argv[1]))["most_confident_mistakes"][:8]: print(m["index"])' "$out/report/metrics.json")
  rm -rf "$out/images"
  python3 "$here/idx_to_png.py" "$idx" "$out/images" "${mistakes[@]}"
  images=("$out/images"/*.png)
else
  read -r -a images <<< "${CAM_IMAGES:-$(echo "$root"/tests/reference/images/*.png)}"
fi
for layer in $layers; do
  echo "== cam --target-layer $layer" >&2
  "$shufflenet" cam --checkpoint "$checkpoint" --target-layer "$layer" --output "$out/cam-$layer" "${images[@]}"
done
echo "written: $out" >&2
