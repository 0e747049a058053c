# Shared by the regression scripts (sourced; ctest runs the *.sh files).
# Environment from ctest: MSFLOW (binary), MPIEXEC, SOURCE_DIR, PYTHON.
set -euo pipefail
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
: "${MSFLOW:?set MSFLOW to the msflow binary}" "${MPIEXEC:=mpiexec}" "${PYTHON:=/usr/bin/python3}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/msflow-regression.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# run_np N args...: msflow on N ranks with a hang guard.
run_np() {
  local ranks=$1
  shift
  timeout 300 "$MPIEXEC" -n "$ranks" "$MSFLOW" "$@"
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# same A.h5 B.h5: every dataset and attribute bit for bit, except the rank count and /timings.
same() { "$PYTHON" "$SOURCE_DIR/tools/h5_same.py" --ignore mpi_size "$@"; }
