#!/usr/bin/env bash
# Judges fit's defaults on data they were not chosen on (docs/studies/defaults.md):
#  - three trajectories written by an independent simulator (bench/studies/simulate_tagged.py:
#    tagged, d = 1, N = 12, n = 200, σ0 = 0.9, T = 1000, seeds 101–103), fitted with DEFAULT
#    options on 1 rank (target: drift MSE ≤ 5e-4 in under a minute), and with the paper's
#    objective (--fit.weight_decay 0 --fit.averaging exact) for comparison;
#  - a coupled case simulated by msflow (tagged-coupled, N = 8, γ = 0.3, seed 21) with default
#    options against the unstructured baseline.
#   bench/studies/defaults_judging.sh BUILD_DIR OUT_DIR
set -euo pipefail
build=$(realpath "${1:-build}")
out=${2:-defaults-judging}
here=$(dirname "$(realpath "$0")")
msflow=$build/msflow
mkdir -p "$out"
cd "$out"
source "$here/../../tools/mpi-env.sh"
mse() { /usr/bin/python3 -c "import h5py; print(f\"{h5py.File('$1')['estimate'].attrs['drift_mse']:.3g}\")"; }
timed() {  # name, msflow arguments: prints drift MSE and wall seconds
  local name=$1 start=$SECONDS
  shift
  "$msflow" "$@" --fit.progress 0 --run.checkpoint_every 0 --out "$name.h5" > "$name.log"
  echo "$name: drift MSE $(mse "$name.h5"), $((SECONDS - start)) s"
}
model=(--model.name tagged --model.N 12 --model.n 200 --model.sigma0 0.9)
for seed in 101 102 103; do
  [[ -e judge$seed.h5 ]] || /usr/bin/python3 "$here/simulate_tagged.py" --d 1 --N 12 --n 200 \
    --sigma0 0.9 --T 1000 --dt-obs 0.01 --seed "$seed" --out "judge$seed.h5" > /dev/null
  timed "defaults-$seed" fit "${model[@]}" --data "judge$seed.h5"
  timed "paper-$seed" fit "${model[@]}" --data "judge$seed.h5" --fit.weight_decay 0 \
    --fit.averaging exact
done
coupled=(--model.name tagged-coupled --model.N 8 --model.n 200 --model.gamma 0.3)
[[ -e coupled.h5 ]] || "$msflow" simulate "${coupled[@]}" --simulate.T 300 --simulate.seed 21 \
  --simulate.progress 0 --out coupled.h5 > /dev/null
timed coupled-defaults fit "${coupled[@]}" --data coupled.h5
timed coupled-unstructured fit "${coupled[@]}" --data coupled.h5 --fit.model unstructured
