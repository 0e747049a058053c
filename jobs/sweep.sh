#!/usr/bin/env bash
# A sweep as one SLURM job array (jobs/README.md, "Arrays"): one msflow run per point of a grid
# of option values, then a collecting job that starts when every task completed (afterok).
#
#   jobs/sweep.sh --dir DIR --vary SECTION.KEY=V1,V2,... [--vary ...] [sweep options] \
#                 COMMAND [CONFIG.ini] [common msflow options]
#   e.g. jobs/sweep.sh --dir seeds --vary fit.seed=1,2,3 --vary fit.lambda=0.3,1 \
#                      fit --data data.h5 --fit.iterations 2000
#
# writes DIR/tasks (one line of options per grid point, the Cartesian product of the --vary
# lists, each with its own --out DIR/COMMAND-KEY1-V1-KEY2-V2.h5) and submits
# jobs/msflow-array.sbatch COMMAND DIR/tasks as --array=1-K, logs in DIR/COMMAND-%A_%a.out.
# The collecting job runs jobs/msflow-report.sbatch on every output into DIR/report.txt, or,
# with --collect "SHELL COMMAND", that command (in the submit directory).
# Sweep options:
#   --sbatch "OPTS"          sbatch options for the array and the collecting job
#   --sbatch-array "OPTS"    for the array only (e.g. "--ntasks=8 --time=2:00:00"; %N in
#                            --array=1-K%N is set by --max-running)
#   --max-running N          at most N tasks at a time (--array=1-K%N)
#   --collect "COMMAND"      the collecting job's command (sbatch --wrap)
#   --dry-run                write DIR/tasks and print the sbatch commands without submitting
# Prints "array JOBID" and "collect JOBID". Environment: SBATCH (default sbatch), and the job
# scripts' (MSFLOW, MSFLOW_LAUNCHER, MSFLOW_MODULES).
set -euo pipefail

jobs=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sbatch=${SBATCH:-sbatch}
die() {
  echo "sweep.sh: error: $*" >&2
  exit 2
}

dir=""
vary=()
common_sbatch=()
array_sbatch=()
max_running=""
collect=""
dry_run=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir=${2:?--dir needs a directory}; shift 2 ;;
    --vary)
      [[ "${2:-}" =~ ^[a-z_]+\.[A-Za-z0-9_]+=[^,]+(,[^,]+)*$ ]] ||
        die "--vary needs SECTION.KEY=V1,V2,... (got '${2:-}')"
      vary+=("$2")
      shift 2
      ;;
    --sbatch) read -r -a common_sbatch <<<"${2?--sbatch needs options}"; shift 2 ;;
    --sbatch-array) read -r -a array_sbatch <<<"${2?--sbatch-array needs options}"; shift 2 ;;
    --max-running) max_running=${2:?--max-running needs a number}; shift 2 ;;
    --collect) collect=${2:?--collect needs a command}; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --help | -h)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    -*) die "unknown option '$1' (jobs/sweep.sh --help)" ;;
    *) break ;;
  esac
done
[[ $# -ge 1 ]] || die "no COMMAND (jobs/sweep.sh --help)"
command=$1
shift
case "$command" in
  simulate | fit | infer | forecast) ;;
  *) die "COMMAND must be simulate, fit, infer or forecast, not '$command'" ;;
esac
[[ -n "$dir" ]] || die "--dir is required (the sweep's outputs and logs go there)"
((${#vary[@]} > 0)) || die "no --vary SECTION.KEY=V1,V2,..."
[[ -z "$max_running" || "$max_running" =~ ^[1-9][0-9]*$ ]] || die "--max-running needs a positive number"
for arg in "$@"; do
  [[ "$arg" == --out || "$arg" == --out=* ]] && die "--out is set per task by the sweep"
done
((dry_run)) || command -v "$sbatch" >/dev/null || die "$sbatch not found (is this a SLURM login node?)"
mkdir -p "$dir"

# The Cartesian product of the --vary lists: each entry "OPTIONS|NAME".
points=("|$command")
for entry in "${vary[@]}"; do
  key=${entry%%=*}
  IFS=, read -r -a values <<<"${entry#*=}"
  next=()
  for point in "${points[@]}"; do
    for value in "${values[@]}"; do
      [[ "$value" =~ ^[^[:space:]/]+$ ]] || die "--vary $key: value '$value' has a blank or a /"
      next+=("${point%%|*} --$key $value|${point#*|}-${key#*.}-$value")
    done
  done
  points=("${next[@]}")
done
outputs=()
{
  echo "# jobs/sweep.sh $command: one task per line (jobs/msflow-array.sbatch)"
  for point in "${points[@]}"; do
    out=$dir/${point#*|}.h5
    outputs+=("$out")
    echo "${point%%|*} --out $out" | sed 's/^ //'
  done
} >"$dir/tasks"
count=${#points[@]}
range=1-$count${max_running:+%$max_running}

array=("$sbatch" --parsable --array="$range" --job-name="msflow-sweep-$command"
  --output="$dir/$command-%A_%a.out"
  --export="ALL,MSFLOW_JOBS=$jobs,MSFLOW_CHECKPOINT_ROOT=$dir/checkpoints"
  "${common_sbatch[@]}" "${array_sbatch[@]}" "$jobs/msflow-array.sbatch" "$command" "$dir/tasks" "$@")
collector=("$sbatch" --parsable --job-name="msflow-sweep-collect" --output="$dir/collect-%j.out"
  --export="ALL,MSFLOW_JOBS=$jobs" --kill-on-invalid-dep=yes "${common_sbatch[@]}")
if [[ -n "$collect" ]]; then
  collector+=(--ntasks=1 --wrap="$collect")
else
  collector+=("$jobs/msflow-report.sbatch" --to "$dir/report.txt" "${outputs[@]}")
fi

if ((dry_run)); then
  echo "${array[*]}"
  echo "${collector[*]} (with --dependency=afterok:ARRAYJOB)"
  exit 0
fi
id=$("${array[@]}") || die "sbatch of the array failed"
id=${id%%;*}
echo "array $id"
id=$("${collector[@]:0:2}" --dependency="afterok:$id" "${collector[@]:2}") ||
  die "sbatch of the collecting job failed (the array $id is queued)"
echo "collect ${id%%;*}"
