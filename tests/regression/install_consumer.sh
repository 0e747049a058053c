#!/usr/bin/env bash
# `cmake --install` gives a usable package (docs/install.md): installs this build into a temp
# prefix, checks the layout (binary, library, headers, CMake package, job scripts), builds
# tests/install_consumer (a project of its own: find_package(msflow), msflow::msflow) against
# it, and runs it: it must build a model from the registry, evaluate its exact averaged drift,
# and report the same version as the installed binary; the installed job scripts must find the
# installed binary on PATH.
# Environment from ctest: BUILD_DIR (the build tree to install), SOURCE_DIR, MSFLOW.
source "$(dirname "$0")/common.bash"
: "${BUILD_DIR:?set BUILD_DIR to the msflow build tree}" "${SOURCE_DIR:?set SOURCE_DIR}"
prefix=$WORK/prefix

cmake --install "$BUILD_DIR" --prefix "$prefix" > install.log 2>&1 ||
  fail "cmake --install failed: $(tail -5 install.log)"
library=$(find "$prefix" -name libmsflow.a)
config=$(find "$prefix" -name msflowConfig.cmake)
for file in "$prefix/bin/msflow" "$library" "$config" "$(dirname "$config")/msflowConfigVersion.cmake" \
  "$(dirname "$config")/msflowTargets.cmake" "$prefix/include/msflow/core/version.hpp" \
  "$prefix/include/msflow/model/registry.hpp" "$prefix/share/msflow/jobs/msflow-fit.sbatch" \
  "$prefix/share/msflow/jobs/lib/msflow-job.bash" "$prefix/share/msflow/tools/table1.py" \
  "$prefix/share/msflow/inputs/table1.ini"; do
  [[ -n "$file" && -f "$file" ]] || fail "not installed: ${file:-libmsflow.a or msflowConfig.cmake} (see $WORK/install.log)"
done
[[ -x "$prefix/bin/msflow" && -x "$prefix/share/msflow/jobs/pipeline.sh" ]] || fail "installed scripts or binary not executable"
! grep -rq -- "$SOURCE_DIR\|$BUILD_DIR" "$(dirname "$config")" || fail "the CMake package refers to the source or build tree"
echo "ok: installed binary, library, headers, CMake package and job scripts"

# The consumer: a separate CMake project that only knows the prefix.
cmake -S "$SOURCE_DIR/tests/install_consumer" -B consumer -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" > consumer-configure.log 2>&1 ||
  fail "configuring the consumer failed: $(tail -15 consumer-configure.log)"
cmake --build consumer > consumer-build.log 2>&1 ||
  fail "building the consumer failed: $(tail -15 consumer-build.log)"
timeout 60 ./consumer/consumer > consumer.log 2>&1 || fail "the consumer failed: $(cat consumer.log)"
cat consumer.log
installed=$("$prefix/bin/msflow" --version)
[[ "$(head -1 consumer.log)" == "$installed" ]] ||
  fail "the consumer's library says '$(head -1 consumer.log)', the installed binary '$installed'"
echo "ok: a project of its own found msflow with find_package, linked msflow::msflow and ran"

# The installed job scripts find the installed binary on PATH (here outside SLURM, no launcher).
(unset MSFLOW && PATH=$prefix/bin:$PATH MSFLOW_LAUNCHER=none \
  bash "$prefix/share/msflow/jobs/msflow-simulate.sbatch" --model.n 100 --simulate.T 5 \
  --simulate.progress 0 --out installed.h5 > installed-job.log 2>&1) ||
  fail "the installed msflow-simulate.sbatch failed: $(tail -5 installed-job.log)"
grep -q "running: $prefix/bin/msflow simulate" installed-job.log ||
  fail "the installed job script did not run the installed binary: $(grep running: installed-job.log)"
[[ -s installed.h5 ]] || fail "the installed job script wrote no output"
echo "ok: the installed job scripts run the installed binary"
