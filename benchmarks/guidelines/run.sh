#!/usr/bin/env bash
# Records results.md's figures: both commands on both backends, JSON and charts into this folder, then the tables.
# The machine is shared: each measurement first waits (up to 15 min) for the 1-minute load average to fall below
# $QUIET (default 1.0); the JSON records the load before and after (after includes the run itself, ~1-2 on 2 cores).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cli="${CLI:-$here/../../shufflenet}"
quiet() { for _ in $(seq 1 60); do awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v q="${QUIET:-1.0}" 'BEGIN{exit !(l < q)}' && return; sleep 15; done; }
for step in "guidelines Torch 20 3" "guidelines Ort 20 3" "compare Torch 50 5" "compare Ort 50 5"; do
  set -- $step
  b=$(echo "$2" | tr 'A-Z' 'a-z')
  quiet
  "$cli" "$1" --backend "$2" --iterations "$3" --warmup "$4" --json --plot "$here/$1-$b.png" > "$here/$1-$b.json"
done
python3 "$here/tables.py" "$here" > "$here/tables.md"   # pasted into results.md
