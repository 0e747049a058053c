#!/usr/bin/env bash
# Whole-run benchmark of one fit objective + gradient evaluation (W1): tagged d=1 N=10,
# M = 2e5 transitions, L = 256, flow of 6 affine layers of width 64, exact averaging, on 1 and
# 2 ranks: seconds per evaluation, (transition, sample) pairs per second, peak memory per rank.
# Compare with the
# kernel floor of build/bench/bench_fit_kernel (BM_KernelFloor: the same exps and multiply-adds
# per pair in one tight loop).
#   bench/fit_evaluation.sh [BUILD_DIR]      environment: REPEATS (default 5), ITERATIONS (10)
# A shared VM's speed drifts by tens of percent over minutes, so the 1- and 2-rank runs
# alternate and the speedup is the median over the REPEATS pairs of back-to-back runs.
set -euo pipefail
build=${1:-build}
repeats=${REPEATS:-5}
iterations=${ITERATIONS:-10}
msflow=$build/msflow
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/../tools/mpi-env.sh"

# Two trajectories of T = 1000 every 0.01: 2e5 transitions.
"$msflow" simulate --model.name tagged --model.n 1000 --simulate.T 1000 --simulate.dt_obs 0.01 \
  --simulate.trajectories 2 --simulate.progress 0 --out "$work/data.h5" > /dev/null
for repeat in $(seq "$repeats"); do
  for ranks in 1 2; do
    mpirun -n "$ranks" "$msflow" fit --model.name tagged --model.n 1000 --data "$work/data.h5" \
      --fit.L 256 --fit.iterations "$iterations" --fit.warmup 0 --flow.layers 6 \
      --flow.width 64 --fit.averaging exact --fit.weight_decay 0 --fit.progress 0 \
      --run.checkpoint_every 0 --out "$work/fit.h5" \
      > "$work/fit.log"
    line=$(grep 'objective + gradient' "$work/fit.log")
    echo "repeat $repeat, ranks=$ranks: ${line#objective + gradient: };" \
      "$(grep -o 'peak memory .* per rank' "$work/fit.log")"
    echo "$repeat $ranks $(awk '{print $4}' <<< "$line")" >> "$work/times"
  done
done
# The same evaluation with interpolated averaging (b̄ at the nodes only; σ known, so the
# likelihood comes from the transitions' moments): not a pair kernel, so the line reports
# seconds per evaluation. Then d = 2 (N = 10, m = 20), where the node work dominates.
"$msflow" simulate --model.name tagged --model.d 2 --model.n 1000 --simulate.T 500 \
  --simulate.dt_obs 0.01 --simulate.trajectories 2 --simulate.progress 0 \
  --out "$work/data_d2.h5" > /dev/null
for d in 1 2; do
  data=$work/data.h5
  [[ $d == 2 ]] && data=$work/data_d2.h5
  for ranks in 1 2; do
    mpirun -n "$ranks" "$msflow" fit --model.name tagged --model.d "$d" --model.n 1000 \
      --data "$data" --fit.L 256 --fit.iterations "$iterations" --fit.warmup 0 --flow.layers 6 \
      --flow.width 64 --fit.averaging interpolated --fit.progress 0 --run.checkpoint_every 0 \
      --out "$work/fit.h5" > "$work/fit.log"
    echo "interpolated averaging, d=$d, ranks=$ranks:" \
      "$(grep -o '[0-9.e+-]* s per iteration' "$work/fit.log")" \
      "($(grep -o '[0-9]* nodes' "$work/fit.log"));" \
      "$(grep -o 'peak memory .* per rank' "$work/fit.log")"
  done
done
/usr/bin/python3 - "$work/times" <<'PY'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    repeat, ranks, seconds = line.split()
    times.setdefault(int(ranks), []).append(float(seconds))
one, two = times[1], times[2]
speedups = sorted(a / b for a, b in zip(one, two))
print(f"median s per evaluation: 1 rank {statistics.median(one):.3f}, "
      f"2 ranks {statistics.median(two):.3f}")
print("paired speedups 1 -> 2 ranks: " + " ".join(f"{s:.2f}" for s in speedups) +
      f"; median {statistics.median(speedups):.2f}")
PY
