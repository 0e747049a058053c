#!/usr/bin/env bash
# Configures and builds msflow in ./build (Release).
#   tools/build.sh [--target NAME ...] [cmake options]
# --target msflow builds the program alone (what the quickstart needs: about half the time of
# everything); other arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
configure=() targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --target) targets+=(--target "${2:?--target needs a name}"); shift 2 ;;
    *) configure+=("$1"); shift ;;
  esac
done
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${configure[@]}" >/dev/null
cmake --build build -j"$(nproc)" "${targets[@]}"
