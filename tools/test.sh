#!/usr/bin/env bash
# Sets up, builds (warnings are errors) and runs the whole test suite; prints ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup-debian.sh --slurm  # SLURM: the jobs/ requeue-and-resume test
tools/build.sh -DMSFLOW_WERROR=ON
source tools/mpi-env.sh
cd build
ctest --output-on-failure -j2 "$@"
# The catalogues' sizes and pass counts (ctest shows a passing test's output only in its log).
grep -ah "^fault injection:" Testing/Temporary/LastTest.log || true
