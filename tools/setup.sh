#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine with the .NET 10 SDK lacks; quick and silent when all is there.
#   dataset-fashion-mnist  the embedded default's data (/usr/share/datasets/fashion-mnist)
#   libtcmalloc-minimal4   the allocator the launcher preloads (benchmarks/allocator.md)
#   binutils               readelf, which the native-loading tests compare against
#   mpich                  mpiexec and libmpich.so.12: data-parallel training on CPU (train --nproc-per-node) and its tests
#   gcc, libjpeg62-turbo-dev  the JPEG shim (src/ShuffleNet.Vision/Native/sn_jpeg.c): the system's SIMD libjpeg-turbo,
#                          twice Skia's JPEG speed (benchmarks/loader/results.md)
#   chromium, chromium-driver  headless browser for the serving web page's test (tests/ShuffleNet.Serving.Tests/Browser)
set -euo pipefail
packages=(dataset-fashion-mnist libtcmalloc-minimal4 binutils mpich gcc libjpeg62-turbo-dev chromium chromium-driver)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
