#!/usr/bin/env bash
# --fit.init: a fit output (or an infer output, its model at the fit's optimum) is the starting
# point of a new fit. The new fit's first objective is the objective at the stored parameters
# (bitwise the number the first fit printed for its result); a fit output of another
# architecture is refused before any work (status 2); the init file is an input msflow never
# overwrites.
source "$(dirname "$0")/common.bash"
run_np 1 simulate --model.n 200 --simulate.T 40 --simulate.progress 0 --out data.h5 > /dev/null
small=(--model.n 200 --fit.L 16 --flow.layers 2 --flow.width 8 --fit.progress 0 --data data.h5)
run_np 1 fit "${small[@]}" --fit.iterations 60 --out first.h5 > first.log
# J/M at the final parameters with the base samples of draw 0, as the first fit reports it.
final=$(grep -o 'optimized: J/M = [-0-9.e+]*' first.log | awk '{print $4}')
run_np 2 fit "${small[@]}" --fit.iterations 1 --fit.init first.h5 --out second.h5 > second.log
grep -q "starting from the parameters of first.h5" second.log || fail "no warm-start line"
"$PYTHON" - "$final" <<'PY'
import sys
import h5py
final = float(sys.argv[1])
second = h5py.File("second.h5", "r")
transitions = second["data"].attrs["transitions"]
start = second["history/objective"][0] / transitions
print(f"first fit's final J/M {final:.8g}; second fit's first J/M {start:.8g}")
assert abs(start - final) <= 1e-7 * abs(final), "the warm start did not start at the stored optimum"
PY
status=0
run_np 1 fit "${small[@]}" --flow.width 16 --fit.init first.h5 --out third.h5 > third.log 2>&1 ||
  status=$?
[[ $status -eq 2 ]] || fail "another architecture: status $status, expected 2"
grep -q "option --fit.init" third.log || fail "the refusal does not name --fit.init"
[[ ! -e third.h5 ]] || fail "an output was written"
status=0
run_np 1 fit "${small[@]}" --fit.init first.h5 --out first.h5 > fourth.log 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "--out = --fit.init: status $status, expected 2"
echo "ok: warm start from a fit output; other architectures and overwriting the init refused"
