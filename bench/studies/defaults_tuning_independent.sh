#!/usr/bin/env bash
# Second tuning round on data of the independent simulator (bench/studies/simulate_tagged.py,
# tagged d = 1, N = 12, n = 200, σ0 = 0.9, T = 1000, seeds 201–204: the kind of data the
# defaults are judged on, other realizations): drift MSE against the statistical floor of each
# realization (bench/studies/exact_family.py, "Gaussian-law family") for w, L, iterations.
#   bench/studies/defaults_tuning_independent.sh BUILD_DIR OUT_DIR     (about 15 min, 2 cores)
set -euo pipefail
build=$(realpath "${1:-build}")
out=${2:-defaults-tuning-independent}
here=$(dirname "$(realpath "$0")")
mkdir -p "$out"
cd "$out"
source "$here/../../tools/mpi-env.sh"
model=(--model.name tagged --model.N 12 --model.n 200 --model.sigma0 0.9)
for seed in 201 202 203 204; do
  [[ -e tune$seed.h5 ]] || /usr/bin/python3 "$here/simulate_tagged.py" --d 1 --N 12 --n 200 \
    --sigma0 0.9 --T 1000 --dt-obs 0.01 --seed "$seed" --out "tune$seed.h5" > /dev/null
  echo "tune$seed $(/usr/bin/python3 "$here/exact_family.py" "tune$seed.h5" | tail -1)"
done
fit_one() {  # seed w L iterations lambda
  local name="tune$1-w$2-L$3-i$4-l$5"
  [[ -e $name.h5 ]] || "$build/msflow" fit "${model[@]}" --data "tune$1.h5" --fit.weight_decay "$2" \
    --fit.L "$3" --fit.iterations "$4" --fit.lambda "$5" --fit.progress 0 \
    --run.checkpoint_every 0 --out "$name.h5" > "$name.log"
  /usr/bin/python3 -c "import h5py; print('$1 $2 $3 $4 $5', h5py.File('$name.h5')['estimate'].attrs['drift_mse'])"
}
for setting in "10 256 1000 1e-3" "30 256 1000 1e-3" "10 1024 1000 1e-3" "10 256 2000 1e-3" \
               "10 1024 2000 1e-3" "10 256 1000 1" "100 256 1000 1e-3" "100 256 1000 1" \
               "300 256 1000 1e-3" "1000 256 1000 1e-3" "100 256 2000 1e-3"; do
  # shellcheck disable=SC2086
  fit_one 201 $setting & fit_one 202 $setting & wait
  # shellcheck disable=SC2086
  fit_one 203 $setting & fit_one 204 $setting & wait
done
