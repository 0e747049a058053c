#!/usr/bin/env bash
# Submits the whole method as five dependent SLURM jobs (jobs/README.md, "The pipeline"):
#   simulate -> fit -> infer -> forecast -> report
# each step a jobs/msflow-STEP.sbatch job that starts when the previous one completed
# (--dependency=afterok) and reads its output. Prints "STEP JOBID" per step.
#
#   jobs/pipeline.sh [pipeline options] [msflow options]
#
# Pipeline options:
#   --dir DIR            outputs: DIR/{data,fit,infer,forecast}.h5, DIR/report.txt, logs
#                        DIR/STEP-JOBID.out, checkpoints DIR/checkpoints/JOBID (default: pipeline)
#   --config INI         an INI file for every step (each command takes its own sections)
#   --data FILE          fit this trajectory instead of simulating one (no simulate step)
#   --figures            the report step also draws the figures (tools/figures.py) into DIR
#   --sbatch "OPTS"      sbatch options for every step, e.g. "--partition=P --account=A"
#   --sbatch-STEP "OPTS" sbatch options for one step, e.g. --sbatch-fit "--ntasks=64 --time=12:00:00"
#   --STEP-args "ARGS"   extra msflow arguments for one step, verbatim (e.g. PETSc's
#                        --fit-args "-tao_monitor"); STEP is simulate, fit, infer, forecast, report
#   --dry-run            print the sbatch commands instead of submitting them
# msflow options (--SECTION.KEY VALUE or --SECTION.KEY=VALUE) go to the steps that read that
# section: model -> simulate, fit; simulate -> simulate; fit, flow -> fit; infer, qflow -> infer;
# run -> fit, infer; forecast -> forecast. Words in the quoted options are split at blanks (no
# quoting inside them). The inputs and outputs of the steps (--out, --data, --infer.from,
# --forecast.from) are the pipeline's: do not pass them.
#
# Environment: MSFLOW (binary, exported to the jobs), MSFLOW_LAUNCHER, MSFLOW_MODULES (see the
# job scripts); SBATCH (default sbatch).
set -euo pipefail

jobs=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sbatch=${SBATCH:-sbatch}
steps=(simulate fit infer forecast report)

die() {
  echo "pipeline.sh: error: $*" >&2
  exit 2
}

dir=pipeline
config=""
data=""
figures=0
dry_run=0
read -r -a common_sbatch <<<""
declare -A step_sbatch=() step_args=() step_options=()
for step in "${steps[@]}"; do step_sbatch[$step]=""; step_args[$step]=""; step_options[$step]=""; done

# route OPTION VALUE: appends --OPTION VALUE to the options of every step that reads its section.
route() {
  local option=$1 value=$2 section targets step
  section=${option#--}
  section=${section%%.*}
  case "$section" in
    model) targets="simulate fit" ;;
    simulate) targets="simulate" ;;
    fit | flow) targets="fit" ;;
    infer | qflow) targets="infer" ;;
    run) targets="fit infer" ;;
    forecast) targets="forecast" ;;
    *) die "option $option: no pipeline step reads section '$section' (use --STEP-args for anything else)" ;;
  esac
  case "$option" in
    --out | --data | --config | --infer.from | --forecast.from) die "$option is set by the pipeline" ;;
    --run.resume) die "--run.resume is added by the job scripts when a job is requeued" ;;
  esac
  for step in $targets; do step_options[$step]+=" $option $value"; done
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir=${2:?--dir needs a directory}; shift 2 ;;
    --config) config=${2:?--config needs a file}; shift 2 ;;
    --data) data=${2:?--data needs a file}; shift 2 ;;
    --figures) figures=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    --sbatch) read -r -a common_sbatch <<<"${2?--sbatch needs options}"; shift 2 ;;
    --sbatch-*)
      step=${1#--sbatch-}
      [[ -v "step_sbatch[$step]" ]] || die "unknown step in $1 (steps: ${steps[*]})"
      step_sbatch[$step]=${2?$1 needs options}
      shift 2
      ;;
    --*-args)
      step=${1#--}
      step=${step%-args}
      [[ -v "step_args[$step]" ]] || die "unknown step in $1 (steps: ${steps[*]})"
      step_args[$step]=${2?$1 needs arguments}
      shift 2
      ;;
    --help | -h)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    --*=*) route "${1%%=*}" "${1#*=}"; shift ;;
    --*.*)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      route "$1" "$2"
      shift 2
      ;;
    *) die "unknown argument '$1' (jobs/pipeline.sh --help)" ;;
  esac
done

[[ -z "$config" || -f "$config" ]] || die "--config: '$config' not found"
[[ -z "$data" || -f "$data" ]] || die "--data: '$data' not found"
((dry_run)) || command -v "$sbatch" >/dev/null || die "$sbatch not found (is this a SLURM login node?)"
mkdir -p "$dir"

own_data=1
[[ -n "$data" ]] || { own_data=0; data=$dir/data.h5; }
previous=""
for step in "${steps[@]}"; do
  [[ $step == simulate ]] && ((own_data)) && continue   # the user's own data: no simulate
  read -r -a own_sbatch <<<"${step_sbatch[$step]}"
  read -r -a options <<<"${step_options[$step]}"
  read -r -a extra <<<"${step_args[$step]}"
  if [[ $step == report ]]; then
    io=(--to "$dir/report.txt")
    ((figures)) && io+=(--figures "$dir")
    arguments=("${io[@]}" "$dir/infer.h5" "$dir/forecast.h5" "${extra[@]}")
  else
    case $step in
      simulate) io=(--out "$dir/data.h5") ;;
      fit) io=(--data "$data" --out "$dir/fit.h5") ;;
      infer) io=(--infer.from "$dir/fit.h5" --out "$dir/infer.h5") ;;
      forecast) io=(--forecast.from "$dir/infer.h5" --out "$dir/forecast.h5") ;;
    esac
    arguments=()
    [[ -n "$config" ]] && arguments=("$config")
    arguments+=("${options[@]}" "${extra[@]}" "${io[@]}")
  fi
  command=("$sbatch" --parsable --job-name="msflow-$step" --output="$dir/$step-%j.out"
    --export="ALL,MSFLOW_JOBS=$jobs,MSFLOW_CHECKPOINT_ROOT=$dir/checkpoints")
  # A failed step cancels the ones after it instead of leaving them pending for ever.
  [[ -n "$previous" ]] && command+=(--dependency="afterok:$previous" --kill-on-invalid-dep=yes)
  command+=("${common_sbatch[@]}" "${own_sbatch[@]}" "$jobs/msflow-$step.sbatch" "${arguments[@]}")
  if ((dry_run)); then
    echo "${command[*]}"
    previous=DRY-$step
    continue
  fi
  id=$("${command[@]}") || die "sbatch of the $step step failed${previous:+ (earlier steps are queued: scancel them)}"
  id=${id%%;*}   # --parsable prints ID or ID;CLUSTER
  echo "$step $id"
  previous=$id
done
