#!/usr/bin/env bash
# Whole-run benchmark of one fit objective + gradient evaluation (issue 4): tagged d=1 N=10,
# M = 2e5 transitions, L = 256, flow of 6 affine layers of width 64, on 1 and 2 ranks: seconds
# per evaluation, (transition, sample) pairs per second, peak memory per rank. Compare with the
# kernel floor of build/bench/bench_fit_kernel (BM_KernelFloor: the same exps and multiply-adds
# per pair in one tight loop).
#   bench/fit_evaluation.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
msflow=$build/msflow
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/../tools/mpi-env.sh"

# Two trajectories of T = 1000 every 0.01: 2e5 transitions.
"$msflow" simulate --model.name tagged --model.n 1000 --simulate.T 1000 --simulate.dt_obs 0.01 \
  --simulate.trajectories 2 --simulate.progress 0 --out "$work/data.h5" > /dev/null
for ranks in 1 2; do
  mpirun -n "$ranks" "$msflow" fit --model.name tagged --model.n 1000 --data "$work/data.h5" \
    --fit.L 256 --fit.iterations 6 --fit.warmup 0 --flow.layers 6 --flow.width 64 \
    --fit.progress 0 --run.checkpoint_every 0 --out "$work/fit.h5" > "$work/fit$ranks.log"
  echo "ranks=$ranks: $(grep 'objective + gradient' "$work/fit$ranks.log")"
done
