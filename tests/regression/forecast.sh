#!/usr/bin/env bash
# forecast (docs/method.md, "Forecasts") on `tagged` (d = 1, N = 10, n = 1000, T = 600):
#  - from a fit: the 5/50/95% quantiles at the horizon T = 5 agree with those of the exact averaged
#    model (the same Brownian increments) within 3 Monte Carlo standard errors of the difference
#    of two independent ensembles (a conservative bound: the common noise makes the difference
#    smaller); from an infer output (paths cycling through 32 posterior draws) the same bound
#    holds without adding the posterior spread, which would only widen it;
#  - 1 and 3 ranks write bitwise identical files; the start is the last observed state.
source "$(dirname "$0")/common.bash"
model=(--model.name tagged --model.N 10 --model.n 1000)
run_np 2 simulate "${model[@]}" --simulate.T 600 --simulate.seed 3 --simulate.progress 0 \
  --out data.h5 > /dev/null
run_np 1 fit "${model[@]}" --data data.h5 --fit.progress 0 --fit.eval_samples 1024 \
  --out fit.h5 > /dev/null
run_np 1 infer --infer.from fit.h5 --infer.progress 0 --infer.iterations 300 --infer.samples 64 \
  --out infer.h5 > /dev/null
forecast=(forecast --forecast.paths 4000 --forecast.T 5 --forecast.grid_points 21)
run_np 1 "${forecast[@]}" --forecast.from fit.h5 --out from-fit.h5 > from-fit.log
run_np 3 "${forecast[@]}" --forecast.from fit.h5 --out from-fit-3.h5 > /dev/null
same from-fit.h5 from-fit-3.h5 || fail "1 and 3 ranks differ"
run_np 2 "${forecast[@]}" --forecast.from infer.h5 --out from-infer.h5 > from-infer.log
echo "ok: 1 and 3 ranks write identical forecasts"
"$PYTHON" - <<'PY'
import h5py
import numpy as np
data = h5py.File("data.h5", "r")
x_end = data["trajectory/x"][-1, 0]
for name in ("from-fit.h5", "from-infer.h5"):
    f = h5py.File(name, "r")["forecast"]
    assert np.atleast_1d(f.attrs["x0"])[0] == x_end, "the start is not the last observed state"
    levels = list(f["quantile_levels"][:])
    paths = int(f.attrs["paths"])
    draws = int(f.attrs["draws"])
    q = f["quantiles"][:, -1, 0]
    e = f["exact/quantiles"][:, -1, 0]
    # The standard error of a sample quantile: sqrt(p(1-p)/n) / density, the density from the
    # exact ensemble's neighbouring quantiles (0.25/0.75 around the median; tails: 5/25 %).
    spacing = {0.05: (e[1] - e[0]) / 0.2, 0.5: (e[3] - e[1]) / 0.5, 0.95: (e[4] - e[3]) / 0.2}
    for level in (0.05, 0.5, 0.95):
        i = levels.index(level)
        se = np.sqrt(level * (1 - level) / paths) * spacing[level]
        bound = 3 * np.sqrt(2) * se
        print(f"{name}: {100 * level:.0f}% at T = 5: learned {q[i]:.4f}, exact {e[i]:.4f}, "
              f"|difference| {abs(q[i] - e[i]):.4f}, bound {bound:.4f}")
        assert abs(q[i] - e[i]) < bound, f"{name}: the {level} quantile is off"
PY

# ---- a fit that learned sigma0 from a wrong start: the exact model is the simulation's ------------
# (its /model in data.h5, sigma0 = 0.5), not the fit's [model] options (sigma0 = 0.3): the exact
# paths are bitwise those of the forecast from the fit above, which shares x0, noise and model.
run_np 1 fit "${model[@]}" --data data.h5 --fit.progress 0 --fit.eval_samples 256 \
  --fit.learn sigma0 --model.sigma0 0.3 --fit.iterations 50 --out fit-sigma.h5 > /dev/null
run_np 1 "${forecast[@]}" --forecast.from fit-sigma.h5 --out from-fit-sigma.h5 > from-fit-sigma.log
grep -q "exact averaged model of the simulation" from-fit-sigma.log ||
  fail "the exact comparison does not use the simulation's model"
"$PYTHON" - <<'PY'
import h5py
import numpy as np
a = h5py.File("from-fit.h5", "r")["forecast/exact"]
b = h5py.File("from-fit-sigma.h5", "r")["forecast/exact"]
assert np.array_equal(a["quantiles"][:], b["quantiles"][:]), "exact paths differ"
print("ok: the exact model of a fit with learned sigma0 is the simulation's")
PY
