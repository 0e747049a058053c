#!/usr/bin/env bash
# The whole method on a small problem (inputs/quickstart.ini): simulate a slow path, fit the
# averaged model from it, put a posterior around the fit, forecast beyond the data, report, and
# draw the figures — about half a minute on 2 cores after the build.
#   tools/quickstart.sh [DIR]     (default quickstart/; an existing DIR's outputs are replaced)
# Environment: RANKS (2), MSFLOW (build/msflow).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-quickstart}
ranks=${RANKS:-2}
msflow=${MSFLOW:-$root/build/msflow}
source "$root/tools/mpi-env.sh"
run() { mpirun -n "$ranks" "$msflow" "$@" --config "$root/inputs/quickstart.ini"; }
mkdir -p "$out"
step() { echo "== $*"; }
step "simulate: one slow path of T = 600 (6e4 observations), with the exact b̄ in /truth"
run simulate --out "$out/data.h5" | grep -E "^wrote|fine steps"
step "fit: the invariant law of the fast particles as a normalizing flow, from the slow path alone"
run fit --data "$out/data.h5" --run.checkpoint_dir "$out/checkpoints" --out "$out/fit.h5" |
  grep -E "^optimized|MSE|one-particle|^wrote"
step "infer: a posterior around the fit (variational inference with a second flow)"
run infer --infer.from "$out/fit.h5" --run.checkpoint_dir "$out/checkpoints" \
  --out "$out/infer.h5" | grep -E "^ELBO|coverage|band|^wrote"
step "forecast: 2000 paths of the learned averaged SDE beyond the data"
run forecast --forecast.from "$out/infer.h5" --out "$out/forecast.h5" | grep -E "^at T|^wrote"
step "report"
"$msflow" report "$out/infer.h5" > "$out/report.txt"
sed -n '/^what was learned/,$p' "$out/report.txt"
step "figures"
/usr/bin/python3 "$root/tools/figures.py" "$out"
