#!/usr/bin/env bash
# The paper's Table 1: for each (d, N, n), simulate the tagged particle, fit the flow estimator
# and the unstructured baseline, and collect the drift MSE against the exact b̄ into one table.
#   jobs/table1.sh [RESULTS_DIR] [d=1,2] [N=...] [n=...]       e.g. jobs/table1.sh results 1
# Environment: MSFLOW (binary, default build/msflow), RANKS (MPI ranks per run, default 2),
# MPIEXEC (default mpirun), SEED (default 1), SIMULATE_OPTIONS and FIT_OPTIONS (extra options,
# e.g. SIMULATE_OPTIONS="--simulate.T 5000"). Finished cells are skipped, so the sweep can be
# rerun to continue.
# Each cell simulates with its own seed, SEED·10⁹ + d·10⁸ + N·10⁵ + n: with one seed for all,
# the counter-based streams give every n of a row the same normals, so the cells of a row would
# share one realization (and its luck) instead of being independent trials.
# Under SLURM, run one cell per array task: jobs/table1.sh DIR D N n inside the job script.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
results=${1:-results/table1}
dims=${2:-1,2}
msflow=${MSFLOW:-$root/build/msflow}
ranks=${RANKS:-2}
seed=${SEED:-1}
mpiexec=${MPIEXEC:-mpirun}
read -r -a simulate_options <<< "${SIMULATE_OPTIONS:-}"
read -r -a fit_options <<< "${FIT_OPTIONS:-}"
config=$root/inputs/table1.ini
mkdir -p "$results"

cells=()
for d in ${dims//,/ }; do
  particles=${3:-$([[ $d == 1 ]] && echo 10,15,20 || echo 10,15)}
  for N in ${particles//,/ }; do
    for n in ${4:-100 1000 15000}; do cells+=("$d $N $n"); done
  done
done

for cell in "${cells[@]}"; do
  read -r d N n <<< "$cell"
  tag="d${d}_N${N}_n${n}"
  model=(--model.d "$d" --model.N "$N" --model.n "$n")
  if ((N >= 1000 || n >= 100000)); then
    echo "table1.sh: the cell seed needs N < 1000 and n < 100000" >&2
    exit 2
  fi
  cell_seed=$((seed * 1000000000 + d * 100000000 + N * 100000 + n))
  # n = 15000: the solvent steps exactly in law, so the fine step only has to resolve the slow
  # path and the Riemann sum of b over the solvent's path; 1/n instead of auto's 0.1/n changes
  # the data's law by O(1/n) (README, Table 1) and makes these cells 10× cheaper.
  fine_step=()
  [[ $n -ge 15000 ]] && fine_step=(--simulate.dt "$(awk -v n="$n" 'BEGIN { printf "%.17g", 1 / n }')")
  if [[ ! -e "$results/data_$tag.h5" ]]; then
    echo "== $tag: simulate"
    "$mpiexec" -n "$ranks" "$msflow" simulate --config "$config" "${model[@]}" "${fine_step[@]}" \
      --simulate.seed "$cell_seed" --simulate.progress 60 "${simulate_options[@]}" \
      --out "$results/data_$tag.h5" > "$results/simulate_$tag.log"
  fi
  for estimator in flow unstructured; do
    [[ -e "$results/${estimator}_$tag.h5" ]] && continue
    echo "== $tag: fit $estimator"
    "$mpiexec" -n "$ranks" "$msflow" fit --config "$config" "${model[@]}" \
      --fit.model "$estimator" --data "$results/data_$tag.h5" --fit.progress 60 \
      --run.checkpoint_dir "$results/checkpoints" "${fit_options[@]}" \
      --out "$results/${estimator}_$tag.h5" \
      > "$results/${estimator}_$tag.log"
    grep "drift MSE" "$results/${estimator}_$tag.log" || true
  done
done
/usr/bin/python3 "$root/tools/table1.py" "$results"
