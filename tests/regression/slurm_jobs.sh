#!/usr/bin/env bash
# jobs/ scripts on a throw-away single-node SLURM (jobs/test-slurm.sh, ~70 s): fit and infer jobs
# checkpoint on USR1, exit 3, requeue, resume, and end bitwise identical to an uninterrupted run;
# jobs/pipeline.sh runs simulate -> fit -> infer -> forecast -> report; jobs/table1-array.sh runs
# a 2-task array and its collecting job.
# Runs when MSFLOW_TEST_SLURM=1, or when SLURM is installed (tools/setup-debian.sh --slurm) and
# we are root; MSFLOW_TEST_SLURM=0 skips it. Otherwise it is a skip that passes, so machines
# without SLURM (CI by default) are unaffected.
source "$(dirname "$0")/common.bash"

source_dir=${SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
case "${MSFLOW_TEST_SLURM:-auto}" in
  1) ;;
  0)
    echo "skipped: MSFLOW_TEST_SLURM=0"
    exit 0
    ;;
  *)
    export PATH=$PATH:/usr/sbin   # slurmctld lives in /usr/sbin, not always on a user's PATH
    if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null; then
      echo "skipped: SLURM not installed (tools/setup-debian.sh --slurm installs it)"
      exit 0
    fi
    if [[ $(id -u) -ne 0 ]]; then
      echo "skipped: the local SLURM test needs root"
      exit 0
    fi
    ;;
esac

MSFLOW=$MSFLOW MPIEXEC=$MPIEXEC PYTHON=$PYTHON timeout 600 bash "$source_dir/jobs/test-slurm.sh"
