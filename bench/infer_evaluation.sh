#!/usr/bin/env bash
# Whole-run benchmark of one ELBO + gradient evaluation (docs/performance.md, "infer"): the W1
# problem (tagged d=1 N=10, M = 2e5, L = 256, 6 × 64 affine flow, exact averaging) with σ0
# learned, a posterior over σ0 (the draws dominate, not the posterior's setup), K = DRAWS draws
# per iteration, on 1 rank and on 2 ranks (2 groups of 1: draw-parallel). Prints seconds per
# iteration, the ratio to K fit evaluations on the same ranks (the VI overhead) and the
# speedup, median over REPEATS alternating pairs.
#   bench/infer_evaluation.sh [BUILD_DIR]   environment: REPEATS (3), ITERATIONS (4), DRAWS (8)
set -euo pipefail
build=${1:-build}
repeats=${REPEATS:-3}
iterations=${ITERATIONS:-4}
draws=${DRAWS:-8}
msflow=$build/msflow
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/../tools/mpi-env.sh"
"$msflow" simulate --model.name tagged --model.n 1000 --simulate.T 1000 --simulate.dt_obs 0.01 \
  --simulate.trajectories 2 --simulate.progress 0 --out "$work/data.h5" > /dev/null
fit=(fit --model.name tagged --model.n 1000 --data "$work/data.h5" --fit.L 256 --fit.warmup 0
     --flow.layers 6 --flow.width 64 --fit.averaging exact --fit.learn sigma0 --fit.progress 0
     --run.checkpoint_every 0)
"$msflow" "${fit[@]}" --fit.iterations 20 --out "$work/fit.h5" > /dev/null
for repeat in $(seq "$repeats"); do
  for ranks in 1 2; do
    mpirun -n "$ranks" "$msflow" "${fit[@]}" --fit.iterations "$iterations" \
      --out "$work/fit-bench.h5" > "$work/fit.log"
    evaluation=$(grep -o 'objective + gradient: [0-9.e+-]*' "$work/fit.log" | awk '{print $4}')
    mpirun -n "$ranks" "$msflow" infer --infer.from "$work/fit.h5" --infer.params physical \
      --infer.draws "$draws" --infer.iterations "$iterations" --infer.warmup 0 \
      --infer.samples 8 --infer.elbo_draws "$draws" --infer.progress 0 \
      --run.checkpoint_every 0 --out "$work/infer.h5" > "$work/infer.log"
    iteration=$(grep -o 'iterations, [0-9.e+-]* s per iteration' "$work/infer.log" | awk '{print $2}')
    ratio=$(awk -v i="$iteration" -v e="$evaluation" -v k="$draws" 'BEGIN {printf "%.3f", i / (k * e)}')
    echo "repeat $repeat, ranks=$ranks: $iteration s per ELBO iteration (K = $draws), fit" \
      "evaluation $evaluation s, ratio to K fit evaluations $ratio"
    echo "$repeat $ranks $iteration $ratio" >> "$work/times"
  done
done
/usr/bin/python3 - "$work/times" <<'PY'
import sys
import statistics
rows = [line.split() for line in open(sys.argv[1])]
one = {r: float(t) for r, n, t, _ in rows if n == "1"}
two = {r: float(t) for r, n, t, _ in rows if n == "2"}
speedups = [one[r] / two[r] for r in one if r in two]
ratios = {n: statistics.median(float(q) for _, m, _, q in rows if m == n) for n in ("1", "2")}
print(f"median: 1 rank {statistics.median(one.values()):.3f} s, 2 ranks "
      f"{statistics.median(two.values()):.3f} s per iteration; speedup "
      f"{statistics.median(speedups):.2f} (pairs: {', '.join(f'{s:.2f}' for s in speedups)}); "
      f"ratio to K fit evaluations: {ratios['1']:.3f} (1 rank), {ratios['2']:.3f} (2 ranks)")
PY
