# Shared part of the jobs/*.sbatch scripts (jobs/README.md): finds the binary and the launcher,
# takes an optional INI file, gives each job its own checkpoint directory, and runs msflow with
# the resume protocol (checkpoint on USR1/TERM, exit 3, requeue, resume) for the commands that
# checkpoint. Sourced, not run; the scripts find it through MSFLOW_JOBS (jobs/README.md).
#
#   source .../jobs/lib/msflow-job.bash
#   msflow_job_init COMMAND "$@"     # sets msflow_command, msflow_args, msflow_launcher, ...
#   msflow_job_run                   # returns on success; exits on failure or after a requeue
#
# Environment: MSFLOW (binary), MSFLOW_LAUNCHER (srun, mpirun or none), MSFLOW_MODULES (modules
# to load), MSFLOW_CHECKPOINT_ROOT
# (parent of the per-job checkpoint directories, default checkpoints).

# say MESSAGE...: one line of the job's story, prefixed with the script's name.
msflow_say() { echo "msflow-${msflow_command:-job}: $*"; }
msflow_die() {
  local status=$1
  shift
  msflow_say "error: $*" >&2
  exit "$status"
}

# msflow_job_id: the job's stable name. A requeued run keeps its job ID (resume needs that); an
# array task is ARRAYJOB_TASK, the name squeue and the log file (%A_%a) use.
msflow_job_id() {
  if [[ -n "${SLURM_ARRAY_JOB_ID:-}" && -n "${SLURM_ARRAY_TASK_ID:-}" ]]; then
    echo "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
  elif [[ -n "${SLURM_JOB_ID:-}" ]]; then
    echo "$SLURM_JOB_ID"
  else
    echo "local-$$"
  fi
}

# msflow_find_binary: MSFLOW, else build/msflow in the submit directory, else build/msflow of
# the checkout these scripts belong to, else msflow on PATH (an installed msflow).
msflow_find_binary() {
  local jobs_dir=$1 candidate
  if [[ -n "${MSFLOW:-}" ]]; then
    [[ -x "$MSFLOW" ]] || msflow_die 2 "MSFLOW='$MSFLOW' is not an executable file"
    echo "$MSFLOW"
    return
  fi
  for candidate in "${SLURM_SUBMIT_DIR:-$PWD}/build/msflow" "$jobs_dir/../build/msflow"; do
    if [[ -x "$candidate" ]]; then
      echo "$candidate"
      return
    fi
  done
  candidate=$(command -v msflow || true)
  [[ -n "$candidate" ]] ||
    msflow_die 2 "no msflow binary: not in build/ of the submit directory or of $jobs_dir/.., not on PATH (set MSFLOW)"
  echo "$candidate"
}

# msflow_ini_sets FILE SECTION KEY: whether the INI file sets SECTION.KEY (as [SECTION] KEY = or, in no
# section, SECTION.KEY =).
msflow_ini_sets() {
  awk -v section="$2" -v key="$3" '
    /^[ \t]*[;#]/ { next }
    /^[ \t]*\[/ { s = $0; gsub(/[][ \t]/, "", s); current = s; next }
    /=/ {
      k = $0; sub(/=.*/, "", k); gsub(/[ \t]/, "", k)
      if ((current == section && k == key) || (current == "" && k == section "." key)) found = 1
    }
    END { exit found ? 0 : 1 }' "$1"
}

# msflow_has_option NAME ARGS...: whether --NAME is among ARGS (as --NAME VALUE or --NAME=VALUE).
msflow_has_option() {
  local name=$1 arg
  shift
  for arg in "$@"; do
    [[ "$arg" == "--$name" || "$arg" == "--$name="* ]] && return 0
  done
  return 1
}

# msflow_job_init COMMAND [CONFIG.ini] [msflow options]: everything the run needs.
#   msflow_command   simulate, fit, infer, forecast or report
#   msflow_binary    the binary
#   msflow_launcher  array: srun --kill-on-bad-exit=1, or mpirun
#   msflow_args      array: [--config CONFIG.ini] options... [--run.checkpoint_dir DIR]
#   msflow_checkpoints  1 when the command checkpoints (fit; infer unless --infer.method mcmc)
msflow_job_init() {
  msflow_command=$1
  shift
  msflow_install_traps
  local jobs_dir
  jobs_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  msflow_binary=$(msflow_find_binary "$jobs_dir") || exit 2

  case "${MSFLOW_LAUNCHER:-srun}" in
    # A rank that dies without the others must not leave them waiting in a collective.
    srun) msflow_launcher=(srun --kill-on-bad-exit=1) ;;
    mpirun) msflow_launcher=(mpirun) ;;
    none) msflow_launcher=() ;;   # one process, no MPI launcher (report; tests)
    *) msflow_die 2 "MSFLOW_LAUNCHER must be srun, mpirun or none, not '$MSFLOW_LAUNCHER'" ;;
  esac

  # An optional INI file first: a first argument that is not an option. Everything else goes to
  # msflow unchanged and overrides the file.
  local config=""
  msflow_args=()
  if [[ $# -gt 0 && "$1" != -* && "$msflow_command" != report ]]; then
    [[ -f "$1" ]] || msflow_die 2 "configuration file '$1' not found (the first argument, when not an option, is an INI file)"
    config=$1
    shift
    msflow_args=(--config "$config")
  fi
  msflow_args+=("$@")
  msflow_has_option run.resume "$@" &&
    msflow_die 2 "do not pass --run.resume: a requeued run adds it (jobs/README.md)"

  # Site modules (e.g. MSFLOW_MODULES="openmpi petsc hdf5"), where the site has `module`.
  if [[ -n "${MSFLOW_MODULES:-}" ]]; then
    type module >/dev/null 2>&1 || msflow_die 2 "MSFLOW_MODULES is set but this shell has no 'module' command"
    local modules
    read -r -a modules <<<"$MSFLOW_MODULES"
    module load "${modules[@]}" || msflow_die 2 "module load $MSFLOW_MODULES failed"
  fi

  msflow_checkpoints=0
  case "$msflow_command" in
    fit) msflow_checkpoints=1 ;;
    infer)
      msflow_checkpoints=1
      # Metropolis (--infer.method mcmc) writes no checkpoints.
      local i
      for ((i = 0; i < ${#msflow_args[@]}; i++)); do
        case "${msflow_args[i]}" in
          --infer.method=mcmc) msflow_checkpoints=0 ;;
          --infer.method) [[ "${msflow_args[i + 1]:-}" == mcmc ]] && msflow_checkpoints=0 ;;
        esac
      done
      ;;
  esac

  # Each job its own checkpoint directory, unless the user chose one (on the command line or
  # in the INI file): jobs writing outputs of the same name must not share checkpoints.
  if ((msflow_checkpoints)) && ! msflow_has_option run.checkpoint_dir "$@" &&
    ! { [[ -n "$config" ]] && msflow_ini_sets "$config" run checkpoint_dir; }; then
    msflow_args+=(--run.checkpoint_dir "${MSFLOW_CHECKPOINT_ROOT:-checkpoints}/$(msflow_job_id)")
  fi
}

# The batch script's traps, from msflow_job_init to the end of the script: USR1 (from
# --signal=B:USR1@T, or scancel --signal=USR1 --batch) or TERM asks the job to stop. A checkpointing
# msflow that runs gets USR1 (never TERM: srun answers its own TERM by killing the tasks, mpirun
# by tearing the job down, while both pass USR1 on to every rank; msflow treats USR1 and TERM
# alike). A request that comes while no checkpointing msflow runs is remembered: the next
# checkpointing step (table1-cell.sbatch runs several) requeues the job instead of starting.
msflow_child=""
msflow_stop_signal=""
# shellcheck disable=SC2317  # called from a trap
msflow_forward() {
  msflow_interrupted=1
  msflow_stop_signal=$1
  if [[ -n "$msflow_child" ]] && ((msflow_checkpoints)); then
    msflow_say "received SIG$1 at $(date '+%T'); asking msflow to checkpoint and exit 3"
    kill -USR1 "$msflow_child" 2>/dev/null || true
  elif [[ -n "$msflow_child" ]]; then
    msflow_say "received SIG$1 at $(date '+%T'): $msflow_command writes no checkpoints and" \
      "goes on; if the time limit comes first, the run is lost (resubmit with a larger --time)"
  else
    msflow_say "received SIG$1 at $(date '+%T') between steps; the next checkpointing step requeues the job"
  fi
}
msflow_install_traps() {
  trap 'msflow_forward USR1' USR1
  trap 'msflow_forward TERM' TERM
}

# msflow_requeue WHY: requeues this job (exit 0), or exits 3 when that is impossible.
msflow_requeue() {
  msflow_say "$1; requeueing job ${SLURM_JOB_ID:-?}"
  if [[ -n "${SLURM_JOB_ID:-}" ]] && scontrol requeue "$SLURM_JOB_ID"; then
    # slurmctld now ends this run (this line may not make it into the log); the next one
    # starts with SLURM_RESTART_COUNT incremented.
    msflow_say "requeued at $(date '+%T')"
    exit 0
  fi
  msflow_die 3 "could not requeue (cancelled job, no --requeue, or not under SLURM);" \
    "rerun with --run.resume true to continue from the checkpoint"
}

# msflow_job_run: runs msflow COMMAND with msflow_args under the launcher.
# Commands that checkpoint: a requeued run (SLURM_RESTART_COUNT > 0) adds --run.resume true; a
# stop request (see msflow_forward) makes msflow checkpoint and exit 3, and the job then requeues
# itself and the script exits 0 (3 if it could not requeue).
# Other commands: a stop request is reported, not passed on: they cannot stop cleanly, and may
# still finish in time.
# Returns when msflow succeeded; any other status ends the script with that status.
msflow_job_run() {
  local restarts=${SLURM_RESTART_COUNT:-0} resume=()
  # A requeued run (our own requeue, a preemption or a node failure) continues from the newest
  # checkpoint; msflow starts afresh when there is none.
  ((msflow_checkpoints && restarts > 0)) && resume=(--run.resume true)
  local cmdline=("${msflow_launcher[@]}" "$msflow_binary" "$msflow_command" "${msflow_args[@]}"
    "${resume[@]}")
  msflow_say "job $(msflow_job_id) run $((restarts + 1)) on ${SLURM_JOB_NUM_NODES:-?} node(s)," \
    "${SLURM_NTASKS:-?} task(s), $(date '+%F %T')"
  if ((msflow_checkpoints)) && [[ -n "$msflow_stop_signal" ]]; then
    msflow_requeue "asked to stop (SIG$msflow_stop_signal) before msflow $msflow_command started"
  fi
  msflow_say "running: ${cmdline[*]}"

  # In the background, because bash runs a trap only after a foreground command has finished.
  # `wait` returns early (status > 128) when a trapped signal arrives; the trap then sets
  # msflow_interrupted, and we wait again (bash keeps the status of a child that exits meanwhile).
  local before=$msflow_stop_signal
  "${cmdline[@]}" &
  msflow_child=$!
  # A request that came while the child was being started has not reached it.
  if ((msflow_checkpoints)) && [[ "$msflow_stop_signal" != "$before" ]]; then
    kill -USR1 "$msflow_child" 2>/dev/null || true
  fi
  local status
  while :; do
    msflow_interrupted=0
    status=0
    wait "$msflow_child" || status=$?
    ((msflow_interrupted)) || break
  done
  msflow_child=""

  case "$status" in
    0)
      msflow_say "msflow finished (status 0) at $(date '+%T')"
      return 0
      ;;
    3)
      ((msflow_checkpoints)) || msflow_die 3 "msflow $msflow_command exited 3 but writes no checkpoints"
      msflow_requeue "msflow wrote a checkpoint and asks to be resumed (status 3)"
      ;;
    *)
      # 1: internal error, 2: bad input or options (msflow printed why); > 128: killed by a signal.
      msflow_die "$status" "msflow failed with status $status${msflow_stop_signal:+ after SIG$msflow_stop_signal}; not requeued"
      ;;
  esac
}
