#!/usr/bin/env bash
# fit is reproducible and restartable (docs/method.md, "Parallel decomposition"):
#  - the same run twice on 2 ranks writes bitwise identical files;
#  - SIGUSR1 makes every rank checkpoint and exit with status 3; resuming finishes bitwise
#    identical to the uninterrupted run;
#  - a run killed with SIGKILL mid-way and resumed from its last checkpoint finishes bitwise
#    identical too;
#  - a checkpoint from another configuration is refused with status 2, and so is one written
#    for other data at the same path; a damaged newest checkpoint falls back to the older one;
#  - a finished run removes its checkpoints (unless --run.keep_checkpoints);
#  - 1 and 2 ranks give bitwise the same first objective.
source "$(dirname "$0")/common.bash"

# Sized so that a run takes a few seconds: signals arrive mid-run.
run_np 1 simulate --model.n 200 --simulate.T 200 --simulate.dt_obs 0.02 --simulate.seed 5 \
  --simulate.progress 0 --out data.h5 > /dev/null
# Exact averaging: slow enough per iteration that the signals land mid-run.
common=(fit --data "$WORK/data.h5" --model.n 200 --fit.L 64 --flow.layers 2 --flow.width 16
        --fit.averaging exact
        --run.checkpoint_every 20 --fit.progress 0 --out fit.h5)
fit=("${common[@]}" --fit.iterations 300)

mkdir a b c d e
(cd a && run_np 2 "${fit[@]}" > log.txt)
(cd b && run_np 2 "${fit[@]}" > log.txt)
same a/fit.h5 b/fit.h5 || fail "two identical 2-rank fits differ"
echo "ok: identical runs give identical files"

# SIGUSR1 (what SLURM sends before the time limit): checkpoint, status 3, resume.
(
  cd c
  "$MPIEXEC" -n 2 "$MSFLOW" "${fit[@]}" > log1.txt 2>&1 &
  launcher=$!
  for _ in $(seq 300); do compgen -G "checkpoints/fit.*.ckpt.*.h5" > /dev/null && break; sleep 0.1; done
  kill -USR1 "$launcher"
  status=0
  wait "$launcher" || status=$?
  [[ $status -eq 3 ]] || fail "SIGUSR1: exit status $status, expected 3: $(tail -3 log1.txt)"
  grep -q "stopped by a signal" log1.txt || fail "SIGUSR1: no stop message"
  run_np 2 "${fit[@]}" --run.resume true > log2.txt
  grep -q "resumed from" log2.txt || fail "SIGUSR1: did not resume"
)
same a/fit.h5 c/fit.h5 || fail "stopped by SIGUSR1 and resumed: output differs"
echo "ok: SIGUSR1 stop and resume gives the identical file"
# /timings (the one part that may differ) counts the iterations of the run that wrote the file.
"$PYTHON" - a/fit.h5 c/fit.h5 <<'PY' || fail "/timings: wrong iteration counts"
import sys, h5py
whole, resumed = (h5py.File(path, "r")["timings"].attrs for path in sys.argv[1:])
assert whole["iterations_this_run"] == 300, whole["iterations_this_run"]
assert 0 < resumed["iterations_this_run"] < 300, resumed["iterations_this_run"]
phases = whole["phases"].split(",")
assert "5. optimize" in phases and len(whole["phase_seconds"]) == len(phases), phases
assert 0 < whole["seconds_per_iteration"] and max(whole["phase_seconds"]) <= whole["elapsed_seconds"]
PY

# SIGKILL: no chance to checkpoint; resume from the last periodic checkpoint.
(
  cd d
  "$MPIEXEC" -n 2 "$MSFLOW" "${fit[@]}" > log1.txt 2>&1 &
  launcher=$!
  for _ in $(seq 300); do
    [[ $(compgen -G "checkpoints/fit.*.ckpt.*.h5" | wc -l) -ge 2 ]] && break
    sleep 0.1
  done
  pkill -KILL -P "$launcher" || true  # the ranks are the launcher's children
  kill -KILL "$launcher" 2> /dev/null || true
  wait "$launcher" 2> /dev/null || true
  [[ ! -e fit.h5 ]] || fail "SIGKILL came too late: the run had finished"
  run_np 2 "${fit[@]}" --run.resume true --run.keep_checkpoints true > log2.txt
  grep -q "resumed from" log2.txt || fail "SIGKILL: did not resume"
)
same a/fit.h5 d/fit.h5 || fail "killed and resumed: output differs"
echo "ok: SIGKILL and resume gives the identical file"

# Another configuration must not pick up these checkpoints.
status=0
(cd d && run_np 2 "${fit[@]}" --fit.lambda 0.5 --run.resume true > log3.txt 2> err3.txt) || status=$?
[[ $status -eq 2 ]] || fail "resume with other options: status $status, expected 2"
grep -q "different configuration" d/err3.txt || fail "no 'different configuration' message: $(cat d/err3.txt)"
echo "ok: a checkpoint of another configuration is refused"

# One rank: bitwise the same objective (first history entry).
(cd e && run_np 1 "${common[@]}" --fit.iterations 1 --fit.warmup 0 > log.txt)
"$PYTHON" - <<'PY'
import h5py
a = h5py.File("a/fit.h5", "r")["history/objective"][0]
e = h5py.File("e/fit.h5", "r")["history/objective"][0]
assert a == e, (a, e)
print(f"ok: first objective on 1 and 2 ranks: {e!r} and {a!r}, bitwise equal")
PY

# A finished run removed its checkpoints (a: no --run.keep_checkpoints).
! compgen -G "a/checkpoints/fit.*.ckpt.*.h5" > /dev/null || fail "a finished run kept its checkpoints"
echo "ok: a finished run removes its checkpoints"

# A damaged newest checkpoint: the older one is used, and the result is still bitwise right.
mkdir f
cp -r d/checkpoints f/
newest=$(compgen -G "f/checkpoints/fit.*.ckpt.*.h5" | sort | tail -1)
"$PYTHON" - "$newest" <<'PY'
import sys
import h5py
with h5py.File(sys.argv[1], "r+") as f:  # flip one parameter: the checksum no longer matches
    p = f["state/parameters"]
    p[0] = p[0] + 1.0
PY
(cd f && run_np 2 "${fit[@]}" --run.resume true > log.txt)
grep -q "skipped the damaged checkpoint" f/log.txt || fail "damaged checkpoint not reported"
same a/fit.h5 f/fit.h5 || fail "resumed from the older checkpoint: output differs"
echo "ok: a damaged checkpoint is skipped for the older one, with the identical result"

# Other data at the same path: refused (this is the last step: it changes data.h5).
"$PYTHON" - "$WORK/data.h5" <<'PY'
import sys
import h5py
with h5py.File(sys.argv[1], "r+") as f:
    f["trajectory/x"][5, 0] += 1e-3
PY
status=0
(cd d && run_np 2 "${fit[@]}" --run.resume true > log4.txt 2> err4.txt) || status=$?
[[ $status -eq 2 ]] || fail "resume on changed data: status $status, expected 2"
grep -q "other input data" d/err4.txt || fail "no 'other input data' message: $(cat d/err4.txt)"
echo "ok: a checkpoint written for other data is refused"
