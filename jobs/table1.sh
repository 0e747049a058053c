#!/usr/bin/env bash
# The paper's Table 1: for each (d, N, n), simulate the tagged particle, fit the flow estimator
# and the unstructured baseline, and collect the drift MSE against the exact b̄ into one table.
#   jobs/table1.sh [RESULTS_DIR] [d=1,2] [N=...] [n=...]       e.g. jobs/table1.sh results 1
# Environment: MSFLOW (binary, default build/msflow), RANKS (MPI ranks per run, default 2),
# MPIEXEC (default mpirun), SEED (default 1), SIMULATE_OPTIONS and FIT_OPTIONS (extra options,
# e.g. SIMULATE_OPTIONS="--simulate.T 5000"). Finished cells are skipped, so the sweep can be
# rerun to continue. The cells and their seeds: jobs/lib/table1.bash.
# Under SLURM, jobs/table1-array.sh runs the same cells as a job array, one cell per task.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=jobs/lib/table1.bash
source "$root/jobs/lib/table1.bash"
results=${1:-results/table1}
msflow=${MSFLOW:-$root/build/msflow}
ranks=${RANKS:-2}
seed=${SEED:-1}
mpiexec=${MPIEXEC:-mpirun}
read -r -a simulate_options <<< "${SIMULATE_OPTIONS:-}"
read -r -a fit_options <<< "${FIT_OPTIONS:-}"
mkdir -p "$results"

mapfile -t cells < <(table1_cells "${2:-}" "${3:-}" "${4:-}")
for cell in "${cells[@]}"; do
  read -r d N n <<< "$cell"
  table1_cell "$d" "$N" "$n" "$seed"
  tag=$table1_tag
  if [[ ! -e "$results/data_$tag.h5" ]]; then
    echo "== $tag: simulate"
    "$mpiexec" -n "$ranks" "$msflow" simulate "${table1_simulate[@]}" "${simulate_options[@]}" \
      --out "$results/data_$tag.h5" > "$results/simulate_$tag.log"
  fi
  for estimator in flow unstructured; do
    [[ -e "$results/${estimator}_$tag.h5" ]] && continue
    echo "== $tag: fit $estimator"
    "$mpiexec" -n "$ranks" "$msflow" fit "${table1_fit[@]}" \
      --fit.model "$estimator" --data "$results/data_$tag.h5" \
      --run.checkpoint_dir "$results/checkpoints" "${fit_options[@]}" \
      --out "$results/${estimator}_$tag.h5" \
      > "$results/${estimator}_$tag.log"
    grep "drift MSE" "$results/${estimator}_$tag.log" || true
  done
done
/usr/bin/python3 "$root/tools/table1.py" "$results"
