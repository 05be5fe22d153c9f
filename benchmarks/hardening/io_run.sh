#!/usr/bin/env bash
# Re-runs the I/O rows of issue 16 (images, outputs, training files, config) with peak RSS and wall time from
# /usr/bin/time -v. Needs root for the tmpfs of the full-disk row (else that row says so).
# usage: benchmarks/hardening/io_run.sh [REF_DIR]   (REF_DIR: tests/reference, with mmcls_1.0.pth and images/)
#        IO_ROWS="messages images outputs config disk kill" (default: all) picks sections
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ref=${1:-$repo/tests/reference}
in=$(mktemp -d /tmp/io-rows-in.XXXX); w=$(mktemp -d /tmp/io-rows-work.XXXX)
python3 "$repo/benchmarks/hardening/io_inputs.py" "$in"
# build once, outside the timings, and run a copy: the launcher would rebuild mid-run if a source changed
"$repo/shufflenet" --version >/dev/null && cp -r "$repo/.build/cli" "$w/cli"
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4   # as the launcher does
[ -f "$tcmalloc" ] && export LD_PRELOAD=$tcmalloc
cat >"$w/sn" <<SH
#!/bin/sh
exec dotnet "$w/cli/ShuffleNet.Cli.dll" "\$@"
SH
chmod +x "$w/sn"; sn="$w/sn"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

# measure LABEL CMD...: exit code, wall s, peak RSS MB, stdout line count, the first stderr lines
measure() {
  local label=$1; shift
  timeout 600 /usr/bin/time -v -o "$w/time" "$@" >"$w/out" 2>"$w/err"   # main's worst rows ran 95 s
  local rc=$?
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$w/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$w/time")
  echo "### $label"
  echo "exit $rc, wall $wall, peak RSS $rss MB, stdout $(wc -l <"$w/out") lines, stderr $(wc -l <"$w/err") lines"
  head -n 3 "$w/err" | cut -c1-400 | sed 's/^/  stderr: /'
}

want() { [[ -z "${IO_ROWS:-}" || " $IO_ROWS " == *" $1 "* ]]; }
ckpt="$ref/mmcls_1.0.pth"
if want messages; then
# every predict printed 34 NNPACK warnings (and ONNX Runtime's, in colour): a good image must leave stderr empty
measure "predict, one good image" "$sn" predict --checkpoint "$ckpt" "$ref/images/coffee.png"
measure "predict --backend ort, one good image" "$sn" predict --checkpoint "$ckpt" --backend ort "$ref/images/coffee.png"
fi

if want images; then
measure "predict, 1 x 1,000,000 PNG" "$sn" predict --checkpoint "$ckpt" "$in/tall_1x1000000.png"
measure "predict --json DIR, 1000 images, the PNG at #500" "$sn" predict --checkpoint "$ckpt" --json --topk 1 "$in/folder1000"
echo "  images predicted: $(wc -l <"$w/out"); last: $(tail -c 200 "$w/out" | tr -d '\n' | grep -o '"image":"[^"]*"' | tail -1)"
measure "test --data DIR, same folder" "$sn" test --checkpoint "$ckpt" --data "$in/folder1000" --json
echo "  result: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print({k: d.get(k) for k in ("images", "skipped", "accuracy_top1")})' "$w/out" 2>/dev/null || echo "no JSON on stdout")"
fi

if want outputs; then
cp "$ckpt" "$w/a.pth"; before=$(sha256sum <"$w/a.pth")
measure "export --checkpoint a.pth --output a.pth" "$sn" export --checkpoint "$w/a.pth" --output "$w/a.pth"
echo "  a.pth unchanged: $([ "$(sha256sum <"$w/a.pth")" = "$before" ] && echo yes || echo NO)"
ln "$w/a.pth" "$w/hard.onnx"
measure "export --output HARD_LINK_OF_INPUT" "$sn" export --checkpoint "$w/a.pth" --output "$w/hard.onnx"
for cmd in export convert; do
  # a device node of our own with /dev/null's numbers: never the machine's /dev/null, which main's CLI, run as root,
  # replaces with a regular file (it did so once while this script was written; restored with mknod)
  if mknod "$w/null.dev" c 1 3 2>/dev/null; then
    measure "$cmd --output DEVICE (char 1,3)" "$sn" $cmd --checkpoint "$ckpt" --output "$w/null.dev"
    echo "  the device is still: $(stat -c %F "$w/null.dev")"
    rm -f "$w/null.dev"
  else
    echo "### $cmd --output DEVICE: cannot make a device node here (not root?)"
  fi
  ln -sf "$w/a.pth" "$w/link.out"
  measure "$cmd --output SYMLINK (to a.pth)" "$sn" $cmd --checkpoint "$ckpt" --output "$w/link.out"
  echo "  link.out is still: $(stat -c %F "$w/link.out") -> $(readlink "$w/link.out"); a.pth unchanged: $([ "$(sha256sum <"$w/a.pth")" = "$before" ] && echo yes || echo NO)"
  mkfifo "$w/fifo.out"
  measure "$cmd --output FIFO" "$sn" $cmd --checkpoint "$ckpt" --output "$w/fifo.out"
  rm -f "$w/fifo.out"
done

cp "$ckpt" "$w/c.pth"; chmod 600 "$w/c.pth"
measure "convert in place, mode 600" "$sn" convert --checkpoint "$w/c.pth" --output "$w/c.pth"
echo "  mode after: $(stat -c %a "$w/c.pth"); classes: $("$sn" info --checkpoint "$w/c.pth" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["checkpoint"]["classes"]))')"
measure "convert --to Torchvision to another file" "$sn" convert --checkpoint "$w/c.pth" --output "$w/tv.pth" --to Torchvision
measure "convert --to Torchvision in place" "$sn" convert --checkpoint "$w/c.pth" --output "$w/c.pth" --to Torchvision
fi

if want config; then
measure "train --set schedule.power=Infinity" "$sn" train --work-dir "$w/inf" --set schedule.power=Infinity
measure "train --set optimizer.lr=NaN" "$sn" train --work-dir "$w/nan" --set optimizer.lr=NaN
measure "train --config huge.json (1e999)" "$sn" train --config "$in/huge.json" --work-dir "$w/huge"
measure "train --config duplicate.json" "$sn" train --config "$in/duplicate.json" --work-dir "$w/dup"
fi

if want disk; then
# full disk: a tmpfs that holds log.json, latest.pth (2.9 MB) and best.pth (1.5 MB), not epoch_1.pth
mkdir -p "$w/full"
if mount -t tmpfs -o size=5m tmpfs "$w/full" 2>/dev/null; then
  measure "train, work dir on a 5 MB tmpfs" "$sn" train --config "$in/tiny.json" --work-dir "$w/full"
  echo "  left: $(ls -A "$w/full" | tr '\n' ' ')"
  umount "$w/full"
else
  echo "### full disk: cannot mount a tmpfs here (not root?)"
fi
fi

if want kill; then
# kill -9 while a checkpoint is written, then resume
measure "train, killed (SIGKILL) during a checkpoint write" python3 "$repo/benchmarks/hardening/io_kill_during_save.py" "$w/kill" -- \
  "$sn" train --config "$in/tiny.json" --work-dir "$w/kill"
cat "$w/out" | sed 's/^/  /'
echo "  log.json before the resume: $(wc -l <"$w/kill/log.json") lines"
measure "train --resume after the kill" "$sn" train --config "$in/tiny.json" --work-dir "$w/kill" --resume
grep -i "removed\|resumed" "$w/out" | sed 's/^/  stdout: /'
python3 - "$w/kill/log.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
keys = [(r["mode"], r["epoch"], r["iter"]) for r in rows]
print(f"  log.json: {len(keys)} lines, {len(keys) - len(set(keys))} repeated; temp files left: ", end="")
PY
ls -A "$w/kill" | grep -c '\.tmp$'
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$in" "$w"
