#!/usr/bin/env bash
# Peer run for the image rows: main's CLI and this branch's, interleaved in one run, on the same inputs:
# predict --json over 50 valid images (per-image cost: the branch's checks must add nothing) in ABBA order (the
# machine's load drifts during a run), then the 1 x 1,000,000 PNG alone (main: the issue's 77 s / 5.8 GB row).
# usage: io_peer.sh MAIN_CLI_DIR BRANCH_CLI_DIR [REF_DIR]   (CLI dirs: `dotnet build src/ShuffleNet.Cli -c Release -o DIR`;
#        REF_DIR: tests/reference)
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
main=$1 branch=$2 ref=${3:-$here/../../tests/reference}
in=$(mktemp -d /tmp/io-peer.XXXX)
python3 "$here/io_inputs.py" "$in" >/dev/null
mkdir -p "$in/folder50"
for i in $(seq -w 0 49); do cp "$in/folder1000/class1/img0001.png" "$in/folder50/img$i.png"; done
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
[ -f "$tcmalloc" ] && export LD_PRELOAD=$tcmalloc
run() {   # LABEL CLI_DIR ARGS...
  local label=$1 cli=$2; shift 2
  timeout 900 /usr/bin/time -v -o "$in/time" dotnet "$cli/ShuffleNet.Cli.dll" "$@" >"$in/out" 2>"$in/err"
  local rc=$?
  printf '%-8s %-30s exit %3s, wall %9s, peak RSS %6s MB, stdout %4s lines | %s\n' "$label" "${*: -1}" "$rc" \
    "$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$in/time")" \
    "$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$in/time")" "$(wc -l <"$in/out")" \
    "$(head -c 160 "$in/err" | tr '\n' ' ')"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
for round in 1 2; do
  for who in main branch branch main; do
    run "$who" "${!who}" predict --checkpoint "$ref/mmcls_1.0.pth" --json --topk 1 "$in/folder50"
  done
done
run main "$main" predict --checkpoint "$ref/mmcls_1.0.pth" "$in/tall_1x1000000.png"
run branch "$branch" predict --checkpoint "$ref/mmcls_1.0.pth" "$in/tall_1x1000000.png"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$in"
