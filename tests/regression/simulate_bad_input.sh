#!/usr/bin/env bash
# Bad trajectory files on 2 ranks: one clear message naming file, dataset and index; exit
# status 2; no hang (timeout); no output file (final or temporary) left behind.
source "$(dirname "$0")/common.bash"

"$PYTHON" - <<'PY'
import h5py, numpy as np
t = np.linspace(0.0, 1.0, 11); x = np.zeros((11, 1))
def write(name, **datasets):
    with h5py.File(name, "w") as f:
        for key, value in datasets.items():
            f[f"trajectory/{key}"] = value
write("good.h5", t=t, x=x)
write("missing_x.h5", t=t)
write("wrong_shape.h5", t=t, x=np.zeros((10, 1)))
bad = x.copy(); bad[7, 0] = np.nan
write("nan.h5", t=t, x=bad)
back = t.copy(); back[4] = back[3]
write("non_increasing.h5", t=back, x=x)
write("wrong_dim.h5", t=t, x=np.zeros((11, 2)))
write("too_short.h5", t=t[:1], x=x[:1])
open("not_hdf5.h5", "w").write("this is not an HDF5 file\n")
PY

expect_failure() {  # file, expected fragment of the message
  local file=$1 fragment=$2
  local status=0
  run_np 2 simulate --data "$file" --out out.h5 --simulate.progress 0 > stdout.txt 2> stderr.txt ||
    status=$?
  [[ $status -eq 124 ]] && fail "$file: msflow hung (timeout)"
  [[ $status -eq 2 ]] || fail "$file: exit status $status, expected 2; stderr: $(cat stderr.txt)"
  local count
  count=$(grep -c "msflow: error" stderr.txt || true)
  [[ $count -eq 1 ]] || fail "$file: expected one error message, got $count: $(cat stderr.txt)"
  grep -q -- "$file" stderr.txt || fail "$file: message does not name the file: $(cat stderr.txt)"
  grep -q -- "$fragment" stderr.txt || fail "$file: message lacks '$fragment': $(cat stderr.txt)"
  [[ ! -e out.h5 ]] && ! compgen -G "out.h5.tmp*" > /dev/null || fail "$file: output file left behind"
  echo "ok: $file -> $(cat stderr.txt)"
}

expect_failure missing_x.h5 "/trajectory/x"
expect_failure wrong_shape.h5 "/trajectory/x must have shape"
expect_failure nan.h5 "index (7, 0)"
expect_failure non_increasing.h5 "index 4"
expect_failure wrong_dim.h5 "d = 2"
expect_failure too_short.h5 "transitions"
expect_failure not_hdf5.h5 "not an HDF5 file"
expect_failure does_not_exist.h5 "no such file"

# The good file works and replays its schedule.
run_np 2 simulate --data good.h5 --out out.h5 --simulate.progress 0 > /dev/null
"$PYTHON" -c "
import h5py, numpy as np
f = h5py.File('out.h5', 'r')
assert np.array_equal(f['trajectory/t'][:], np.linspace(0.0, 1.0, 11))
assert f['trajectory/x'][0, 0] == 0.0
"
echo "ok: good.h5 replayed"
