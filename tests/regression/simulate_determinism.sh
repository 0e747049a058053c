#!/usr/bin/env bash
# Same seed and rank count ⇒ bitwise identical file; 1, 2 and 3 ranks ⇒ identical trajectories.
source "$(dirname "$0")/common.bash"

options=(--model.name tagged --model.n 200 --simulate.T 2 --simulate.dt_obs 0.05
         --simulate.trajectories 5 --simulate.seed 11 --simulate.progress 0)
for ranks in 1 2 3; do
  run_np "$ranks" simulate "${options[@]}" --out "np$ranks.h5" > "np$ranks.log"
done
# The output name is part of the stored options: repeat the run under the same name elsewhere.
mkdir again && (cd again && run_np 2 simulate "${options[@]}" --out np2.h5 > /dev/null)
same np2.h5 again/np2.h5 || fail "two identical 2-rank runs wrote different files"

"$PYTHON" - <<'PY'
import h5py, numpy as np, sys
files = [h5py.File(f"np{r}.h5", "r") for r in (1, 2, 3)]
ref = files[0]
assert ref.attrs["schema"] == "msflow.simulate/1", ref.attrs["schema"]
assert ref["trajectory/x"].shape == (5 * 41, 1), ref["trajectory/x"].shape
assert list(ref["trajectory/offsets"][:]) == [0, 41, 82, 123, 164]
for f in files[1:]:
    for name in ("trajectory/t", "trajectory/x", "trajectory/offsets", "truth/grid", "truth/drift",
                 "truth/diffusion"):
        if not np.array_equal(ref[name][:], f[name][:]):
            sys.exit(f"{name} differs between 1 and {f.attrs['mpi_size']} ranks")
    assert f.attrs["mpi_size"] != ref.attrs["mpi_size"]
# The five trajectories are different paths from the same start.
x = ref["trajectory/x"][:, 0].reshape(5, 41)
assert np.all(x[:, 0] == 0.0) and len({tuple(row) for row in x}) == 5
print("identical trajectories on 1, 2, 3 ranks; identical files for identical runs")
PY
