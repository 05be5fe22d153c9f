#!/usr/bin/env bash
# predict throughput on a folder of JPEGs: batched through the parallel loader (this tree) against the one-image-at-
# a-time path it replaced (the commit before it: $PEER), both built in Release, interleaved round by round on the
# same files, so machine load hits both alike. Prints one line per run and the load average around each round.
#
#   benchmarks/predict/run.sh [IMAGES_DIR] [ROUNDS=2]
#
# $CASES: the runs per backend and round, separated by ";" (default "peer;new"; add "new --batch 1" for the loader
# without batching); $BACKENDS (default "torch ort"). A failing image (the hardening folder's tall PNG) counts in N.
# IMAGES_DIR default: /tmp/predict-bench/val, made by make_jpegs.py (1,000 JPEGs) when missing. Checkpoint:
# $CHECKPOINT (default: tests/reference/mmcls_1.0.pth, ShuffleNet V2 1.0x). Throughput excludes start-up: each case
# is also run on one image, and img/s = (N - 1) / (t_N - t_1).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
images=${1:-/tmp/predict-bench/val}
rounds=${2:-2}
checkpoint=${CHECKPOINT:-$root/tests/reference/mmcls_1.0.pth}
peer=${PEER:-$(git -C "$root" log --format=%H -1 --grep='^predict: batches')^}
work=${WORK:-/tmp/predict-bench}
[ -d "$images" ] || /usr/bin/python3 "$here/make_jpegs.py" "$(dirname "$images")" 1000
# every file predict takes from the folder (as it searches: recursively, by extension)
list() { find "$images" -type f \( -iname '*.jpeg' -o -iname '*.jpg' -o -iname '*.png' \) | sort; }
n=$(list | wc -l)
one=$(list | head -1)
IFS=';' read -r -a cases <<< "${CASES:-peer;new}"
read -r -a backends <<< "${BACKENDS:-torch ort}"

build() {   # build COMMIT|worktree OUT
  if [ ! -f "$2/ShuffleNet.Cli.dll" ]; then
    if [ "$1" = worktree ]; then src=$root; else
      src=$work/src-$(git -C "$root" rev-parse --short "$1")
      rm -rf "$src" && mkdir -p "$src"
      git -C "$root" archive "$1" | tar -x -C "$src"
    fi
    dotnet build "$src/src/ShuffleNet.Cli/ShuffleNet.Cli.csproj" -c Release -o "$2" --nologo -v q -clp:ErrorsOnly >&2
  fi
}
build "$peer" "$work/peer"
rm -rf "$work/new" && build worktree "$work/new"
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
[ -f "$tcmalloc" ] && export LD_PRELOAD=$tcmalloc   # as ./shufflenet runs it

seconds() {   # seconds BUILD ARGS... : wall time of one predict run, output discarded
  local t0 t1
  t0=$(date +%s.%N)
  dotnet "$work/$1/ShuffleNet.Cli.dll" predict --checkpoint "$checkpoint" --json "${@:2}" > /dev/null 2>&1 || true
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

echo "predict on $n JPEGs ($images), checkpoint $(basename "$checkpoint")," \
     "peer $(git -C "$root" rev-parse --short "$peer")"
echo "machine: $(nproc) cores; $(uptime)"
for r in $(seq 1 "$rounds"); do
  echo "round $r: load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  for backend in "${backends[@]}"; do
    for case in "${cases[@]}"; do
      build=${case%% *}; extra=(${case#"$build"})
      t1=$(seconds "$build" --backend "$backend" "${extra[@]}" "$one")
      tn=$(seconds "$build" --backend "$backend" "${extra[@]}" "$images")
      ips=$(echo "scale=1; ($n - 1) / ($tn - $t1)" | bc)
      printf '  %-5s %-16s %4d images %7.2f s (1 image: %5.2f s)  %6.1f img/s\n' \
        "$backend" "$case" "$n" "$tn" "$t1" "$ips"
    done
  done
  echo "round $r: load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
done
