#!/usr/bin/env bash
# Issue 16's crafted checkpoints through the CLI, measured: for each file, `shufflenet info --checkpoint F` (and
# `convert` where the row is about writing back), exit code, the message or result line, wall time and peak RSS
# from /usr/bin/time -v. The files are made by the checkpoint tests (tests/ShuffleNet.Checkpoints.Tests/Hardening).
# Usage: benchmarks/hardening/run.sh [DIR]   (DIR: where the files go, default a temp folder)
# BEFORE=/path/to/an/older/checkout runs the same commands with that checkout's CLI too (as the peer), its .NET heap
# capped at 4 GB (DOTNET_GCHeapHardLimit) so that the attacks that took 4-15 GB stop there instead.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${1:-$(mktemp -d)}
mkdir -p "$dir"
HARDENING_CRAFT_DIR=$dir dotnet test "$here/tests/ShuffleNet.Checkpoints.Tests" -v q --filter "FullyQualifiedName~Writes_the_crafted_files" >/dev/null
"$here/shufflenet" --version >/dev/null   # build once, outside the measurements
echo "load: $(uptime)"
echo "| file | size | cli | command | exit | output (first line) | wall s | peak RSS MB |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
measure() {  # name, command words...
  local name=$1; shift
  local log out
  log=$(mktemp); out=$(mktemp)
  /usr/bin/time -v "$@" >"$out" 2>"$log"
  local code
  code=$(grep -oP 'Exit status: \K[0-9]+' "$log")
  local wall rss line
  wall=$(grep -oP 'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): \K.*' "$log" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep -oP 'Maximum resident set size \(kbytes\): \K[0-9]+' "$log")
  line=$( (grep -m1 -E '^(error:|Stack overflow|Unhandled|Out of memory|Process terminated)' "$log" \
    || grep -m1 -E '^(checkpoint|wrote)' "$out" || head -1 "$out") | cut -c1-230 | sed 's/|/\\|/g')
  echo "| $name | $(stat -c %s "$file") | $cli | ${cmd} | $code | $line | $wall | $((rss / 1024)) |"
  rm -f "$log" "$out"
}
rows() {  # cli label, launcher
  local cli=$1 launcher=$2
  for file in "$dir"/*.pth; do
    name=$(basename "$file")
    [[ $name == converted_* ]] && continue
    cmd=info; measure "$name" "$launcher" info --checkpoint "$file"
    case $name in
      self_containing_meta.pth|dag_meta_2pow30.pth|stride0_views_meta.pth)
        cmd=convert; measure "$name" "$launcher" convert --checkpoint "$file" --output "$dir/converted_${cli}_$name"
        if [ -f "$dir/converted_${cli}_$name" ]; then
          cmd="info (converted)"; file=$dir/converted_${cli}_$name; measure "converted_$name" "$launcher" info --checkpoint "$file"
        fi ;;
    esac
  done
}
rows this "$here/shufflenet"
if [ -n "${BEFORE:-}" ]; then
  "$BEFORE/shufflenet" --version >/dev/null
  DOTNET_GCHeapHardLimit=0x100000000 rows before "$BEFORE/shufflenet"
fi
