#!/usr/bin/env bash
# The paper's Table 1 as a SLURM job array, one cell per task (jobs/table1-cell.sbatch), and a
# collecting job that starts when every cell completed (afterok) and writes the table
# (tools/table1.py) to RESULTS/table1.md. Prints "array JOBID" and "collect JOBID".
#   jobs/table1-array.sh [RESULTS_DIR] [d=1,2] [N=...] [n=...] [-- sbatch options for the array]
#   e.g. jobs/table1-array.sh results/table1 1 10,15,20 100,1000,15000 -- --ntasks=8 --partition=P
# The cells are jobs/table1.sh's (jobs/lib/table1.bash); outputs finished earlier are kept, so
# resubmitting continues a sweep. Environment: SEED, SIMULATE_OPTIONS, FIT_OPTIONS (as for
# jobs/table1.sh; exported to the tasks), PYTHON (python3 with h5py for the collecting job;
# default /usr/bin/python3 if present), SBATCH (default sbatch), and the job scripts' (MSFLOW,
# MSFLOW_LAUNCHER, MSFLOW_MODULES).
set -euo pipefail
jobs=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=jobs/lib/table1.bash
source "$jobs/lib/table1.bash"
sbatch=${SBATCH:-sbatch}
positional=()
while [[ $# -gt 0 && "$1" != -- ]]; do
  positional+=("$1")
  shift
done
[[ "${1:-}" == -- ]] && shift
results=${positional[0]:-results/table1}
python=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3 || true)}
[[ -n "$python" ]] || { echo "table1-array.sh: error: no python3 (set PYTHON)" >&2; exit 2; }
command -v "$sbatch" >/dev/null || { echo "table1-array.sh: error: $sbatch not found" >&2; exit 2; }

mkdir -p "$results"
table1_cells "${positional[1]:-}" "${positional[2]:-}" "${positional[3]:-}" >"$results/cells"
while read -r d N n; do table1_cell "$d" "$N" "$n" "${SEED:-1}" || exit 2; done <"$results/cells"
count=$(wc -l <"$results/cells")

id=$("$sbatch" --parsable --array="1-$count" --output="$results/table1-%A_%a.out" \
  --export="ALL,MSFLOW_JOBS=$jobs,MSFLOW_CHECKPOINT_ROOT=$results/checkpoints" \
  "$@" "$jobs/table1-cell.sbatch" "$results") || { echo "table1-array.sh: error: sbatch failed" >&2; exit 2; }
id=${id%%;*}
echo "array $id"
collect="'$python' '$jobs/../tools/table1.py' '$results' > '$results/table1.md.tmp' && mv '$results/table1.md.tmp' '$results/table1.md' && cat '$results/table1.md'"
id=$("$sbatch" --parsable --job-name=msflow-table1-collect --ntasks=1 --time=01:00:00 \
  --dependency="afterok:$id" --kill-on-invalid-dep=yes --output="$results/collect-%j.out" \
  --wrap="$collect") || { echo "table1-array.sh: error: sbatch of the collecting job failed (array $id is queued)" >&2; exit 2; }
echo "collect ${id%%;*}"
