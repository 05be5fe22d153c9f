#!/bin/sh
# Side-by-side run: ours (C#) and Pillow + torchvision, same files, same machine, interleaved ROUNDS times so a
# change of load hits both. Usage: benchmarks/loader/run.sh [DIR=/tmp/loader-bench-jpegs] [PASSES=3] [ROUNDS=2]
set -e
here=$(dirname "$0"); dir=${1:-/tmp/loader-bench-jpegs}; passes=${2:-3}; rounds=${3:-2}
[ -d "$dir" ] || /usr/bin/python3 "$here/make_jpegs.py" "$dir" 200
dotnet build -c Release -v q "$here/LoaderBench.csproj" >/dev/null
echo "load before: $(uptime)"
for r in $(seq "$rounds"); do
  echo "== round $r"
  dotnet "$here/bin/Release/net10.0/linux-x64/LoaderBench.dll" "$dir" "$passes"
  /usr/bin/python3 "$here/pillow_bench.py" "$dir" "$passes"
done
echo "load after: $(uptime)"
