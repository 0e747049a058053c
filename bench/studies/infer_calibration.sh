#!/usr/bin/env bash
# Calibration of infer's credible bands (docs/studies/calibration.md): R independent data sets of
# `tagged` (d = 1, N = 10, n = 1000, T = 600, the CI-sized case), each fitted with the defaults
# and given a posterior with the infer options passed as arguments; prints, per nominal level
# 50/90/95%, the mean ± standard error over the data sets of the pointwise coverage of the exact
# b̄ over every infer-r.h5 in OUT_DIR, and draws the calibration figure
# (bench/studies/calibration_summary.py, which also pools several such runs).
#   bench/studies/infer_calibration.sh OUT_DIR R [infer options...]
# Environment: MSFLOW (default build/msflow), MPIEXEC (mpirun; split at blanks, so two streams
# side by side can pass "mpirun --bind-to none" instead of sharing one core), RANKS (1), FIRST
# (1: the first data set's index; seeds 1000 + index), FIT_OPTIONS (extra fit options, e.g.
# "--fit.learn sigma0 --model.sigma0 0.3": then the coverage of the true physical parameters by
# their central intervals is printed too).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?output directory}
replicates=${2:?number of data sets}
shift 2
msflow=${MSFLOW:-$root/build/msflow}
read -r -a mpiexec <<< "${MPIEXEC:-mpirun}"
ranks=${RANKS:-1}
mkdir -p "$out"
model=(--model.name tagged --model.N 10 --model.n 1000)
first=${FIRST:-1}
for r in $(seq "$first" $((first + replicates - 1))); do
  [[ -e $out/infer-$r.h5 ]] && continue  # restartable: finished replicates are kept
  "${mpiexec[@]}" -n "$ranks" "$msflow" simulate "${model[@]}" --simulate.T 600 \
    --simulate.seed $((1000 + r)) --simulate.progress 0 --out "$out/data-$r.h5" > /dev/null
  "${mpiexec[@]}" -n "$ranks" "$msflow" fit "${model[@]}" --data "$out/data-$r.h5" \
    --fit.progress 0 --fit.seed "$r" --run.checkpoint_dir "$out/ckpt" ${FIT_OPTIONS:-} \
    --out "$out/fit-$r.h5" > /dev/null
  "${mpiexec[@]}" -n "$ranks" "$msflow" infer --infer.from "$out/fit-$r.h5" --infer.progress 0 \
    --infer.seed "$r" --run.checkpoint_dir "$out/ckpt" "$@" --out "$out/infer-$r.h5" \
    > "$out/infer-$r.log"
done
/usr/bin/python3 "$root/bench/studies/calibration_summary.py" "$out/calibration.png" \
  "tagged d=1 N=10, T=600=infer:$out"
