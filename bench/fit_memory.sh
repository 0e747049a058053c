#!/usr/bin/env bash
# Peak memory per rank of a fit of 2e7 transitions (d = 1) on 1 and 2 ranks: each rank reads
# only its own blocks of the trajectory (docs/performance.md, "Memory").
#   bench/fit_memory.sh [BUILD_DIR]        (needs about 1.5 GB of disk and memory, 1 min)
set -euo pipefail
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/../tools/mpi-env.sh"
/usr/bin/python3 - "$work/big.h5" <<'PY'
import sys
import h5py
import numpy as np
M = 20_000_000
x = 0.8 * np.sin(np.cumsum(np.random.default_rng(1).normal(0, 0.05, M + 1)) / 10)
with h5py.File(sys.argv[1], "w") as f:
    f["trajectory/t"] = np.arange(M + 1) * 0.01
    f["trajectory/x"] = x.reshape(-1, 1)
PY
# Peak resident memory as msflow reports it (VmHWM: includes the ~35 MiB of shared-library pages
# each process maps, which the ranks of a node share), and the peak of each rank's anonymous
# (private) memory, sampled every 50 ms from /proc (RssAnon: what the data occupy).
for ranks in 1 2; do
  mpirun -n "$ranks" "$build/msflow" fit --data "$work/big.h5" --fit.L 4 \
    --fit.iterations 1 --fit.warmup 0 --flow.layers 2 --flow.width 8 --fit.averaging exact \
    --fit.eval_samples 16 --fit.progress 0 --run.checkpoint_every 0 --out "$work/fit.h5" \
    > "$work/log.txt" &
  launcher=$!
  anon=0
  while kill -0 "$launcher" 2> /dev/null; do
    for pid in $(pgrep -P "$launcher" -x msflow; pgrep -x msflow); do
      kb=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2> /dev/null || true)
      [[ -n "$kb" ]] && ((kb > anon)) && anon=$kb
    done
    sleep 0.05
  done
  wait "$launcher"
  echo "$ranks rank(s): $(grep -o 'peak memory [0-9.]* MiB per rank' "$work/log.txt"); peak anonymous memory $((anon / 1024)) MiB per rank"
done
