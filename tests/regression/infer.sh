#!/usr/bin/env bash
# infer (docs/method.md, "Bayesian inference") end to end on `tagged` (d = 1, N = 10, n = 1000):
#  - the same VI run (importance-corrected: the proposals' objective is spread over the groups too)
#    on 1 rank, 2 ranks as 1 × 2 and 2 × 1 (groups × ranks per group) and 3 ranks as 3 × 1 writes
#    bitwise identical datasets; SIGUSR1 mid-run checkpoints (status 3) and the resume, on another
#    layout, is bitwise the uninterrupted run;
#  - VI against the Metropolis reference on the posterior of (A, σ0): means within 0.1 posterior
#    standard deviations, standard deviations within 10%; the posterior mean of σ0 lies within 3
#    posterior sds (0.3% each) of the truth — the fit learns σ0 with the second-order density
#    (--fit.transition auto), where Euler–Maruyama's would sit about 3.5 sds low
#    (docs/studies/calibration.md). A is confounded with the learned law's width, which the
#    posterior holds at the fit's value, so its interval is conditional on that law and is only
#    printed; VI with --infer.importance psis (q trained for 300 iterations instead of 600): a
#    reliable Pareto k-hat on this nearly Gaussian posterior and the same agreement with the
#    reference;
#  - --infer.method laplace on (A, σ0) against the same reference; its layouts write the same bits;
#    report and forecast read its output;
#  - a 4× longer trajectory shrinks the mean width of the 95% band of b̄ (about ½ is expected);
#    the default (mode-centred) 95% band covers the exact b̄ at >= 90% of the grid at T = 600
#    with the infer defaults (docs/studies/calibration.md).
source "$(dirname "$0")/common.bash"
model=(--model.name tagged --model.N 10 --model.n 1000)
run_np 2 simulate "${model[@]}" --simulate.T 600 --simulate.seed 3 --simulate.progress 0 \
  --out data.h5 > /dev/null
run_np 1 fit "${model[@]}" --data data.h5 --fit.progress 0 --fit.eval_samples 1024 \
  --out fit.h5 > fit.log

# ---- layouts: every draws × windows split gives the same bits ---------------------------------
infer=(infer --infer.from fit.h5 --infer.iterations 40 --infer.samples 40 --infer.elbo_draws 16
       --infer.draws 6 --infer.importance psis --infer.proposals 100 --infer.progress 0
       --run.checkpoint_every 10)
run_np 1 "${infer[@]}" --out layout-1x1.h5 > layout-1x1.log
run_np 2 "${infer[@]}" --infer.groups 1 --out layout-1x2.h5 > /dev/null
run_np 2 "${infer[@]}" --infer.groups 2 --out layout-2x1.h5 > /dev/null
run_np 3 "${infer[@]}" --infer.groups 3 --out layout-3x1.h5 > /dev/null
for layout in 1x2 2x1 3x1; do
  same layout-1x1.h5 "layout-$layout.h5" --ignore options ||
    fail "layout $layout differs from 1 rank"
done
echo "ok: 1x1, 1x2, 2x1 and 3x1 layouts write identical datasets"

# ---- SIGUSR1 mid-run, resumed on another layout --------------------------------------------------
signalled=("${infer[@]}" --infer.iterations 400 --run.checkpoint_dir signal-ckpt)
run_np 1 "${signalled[@]}" --out uninterrupted.h5 > /dev/null
"$MPIEXEC" -n 2 "$MSFLOW" "${signalled[@]}" --infer.groups 2 --out resumed.h5 > signal.log 2>&1 &
launcher=$!
for _ in $(seq 300); do compgen -G "signal-ckpt/resumed.*.ckpt.*.h5" > /dev/null && break; sleep 0.1; done
kill -USR1 "$launcher"
status=0
wait "$launcher" || status=$?
[[ $status -eq 3 ]] || fail "SIGUSR1: status $status, expected 3: $(tail -3 signal.log)"
run_np 3 "${signalled[@]}" --infer.groups 3 --run.resume true --out resumed.h5 > resume.log
grep -q "resumed from" resume.log || fail "the resume did not use the checkpoint"
same uninterrupted.h5 resumed.h5 --ignore options || fail "the resumed run differs"
[[ -z $(ls -A signal-ckpt) ]] || fail "a finished run left its checkpoints"
echo "ok: SIGUSR1 on 2 x 1, resumed on 3 x 1: identical to the uninterrupted 1-rank run"

# ---- VI against the Metropolis reference on (A, σ0) ----------------------------------------------
run_np 1 fit "${model[@]}" --data data.h5 --fit.learn A,sigma0 --model.sigma0 0.3 \
  --fit.progress 0 --fit.eval_samples 256 --out fit-physical.h5 > /dev/null
physical=(infer --infer.from fit-physical.h5 --infer.params physical --infer.resample false
          --infer.progress 0 --infer.samples 4000)
run_np 2 "${physical[@]}" --infer.iterations 600 --out vi.h5 > vi.log
run_np 2 "${physical[@]}" --infer.method mcmc --infer.steps 3000 --out mcmc.h5 > mcmc.log
# The corrected run trains q for half as long: the weights make up for it.
run_np 2 "${physical[@]}" --infer.iterations 300 --infer.importance psis --infer.proposals 2000 \
  --infer.samples 2000 --out vi-psis.h5 > vi-psis.log
"$PYTHON" - <<'PY'
import h5py
vi = h5py.File("vi.h5", "r")["posterior/parameters"]
mcmc_file = h5py.File("mcmc.h5", "r")
mcmc = mcmc_file["posterior/parameters"]
ess = mcmc_file["posterior/mcmc/ess"][:]
truth_sigma0 = 0.5  # the simulation's value (the model default)
psis_file = h5py.File("vi-psis.h5", "r")
for label, posterior in (("VI", vi), ("VI + psis", psis_file["posterior/parameters"])):
    for name in ("A", "sigma0"):
        v, m = posterior[name].attrs, mcmc[name].attrs
        shift = abs(v["mean"] - m["mean"]) / m["sd"]
        ratio = v["sd"] / m["sd"]
        print(f"{name}: {label} mean {v['mean']:.5f} sd {v['sd']:.5f}; MCMC mean {m['mean']:.5f} "
              f"sd {m['sd']:.5f} (95% [{m['lower95']:.5f}, {m['upper95']:.5f}]); "
              f"|Δmean|/sd {shift:.3f}, sd ratio {ratio:.3f}")
        assert shift < 0.1, f"{name}: {label} mean {shift:.3f} posterior sds from MCMC's"
        assert abs(ratio - 1) < 0.1, f"{name}: {label} sd / MCMC sd = {ratio:.3f}"
# On this nearly Gaussian 2-D posterior the flow is a good proposal: its weights are reliable.
importance = psis_file["posterior/importance"].attrs
print(f"VI as a proposal: Pareto k-hat {importance['pareto_k']:.3f}, effective sample size "
      f"{importance['effective_size']:.0f} of {importance['proposals']}")
assert psis_file["posterior"].attrs["importance"] == "psis"
assert importance["pareto_k"] < importance["pareto_k_threshold"], importance["pareto_k"]
sigma0, sd = mcmc["sigma0"].attrs["mean"], mcmc["sigma0"].attrs["sd"]
print(f"sigma0: MCMC mean {(sigma0 - truth_sigma0) / sd:+.2f} posterior sds from the truth")
assert abs(sigma0 - truth_sigma0) < 3 * sd, f"sigma0 posterior mean {sigma0}, sd {sd}"
assert "transition = second-order" in h5py.File("fit-physical.h5", "r").attrs["options"]
print(f"MCMC effective sample sizes {ess.round(0)}")
assert ess.min() > 400, ess
PY

# ---- the Laplace approximation: against the same reference, and the same bits on every layout ---
# Its mean is the fit's optimum (the mode): A's posterior is skewed by about 0.14 sds there, so
# the means are compared at 0.25 sds; the standard deviations at 10%, as VI's.
run_np 1 "${physical[@]}" --infer.method laplace --out laplace.h5 > laplace.log
"$PYTHON" - <<'PY'
import h5py
laplace = h5py.File("laplace.h5", "r")["posterior"]
mcmc = h5py.File("mcmc.h5", "r")["posterior/parameters"]
assert laplace.attrs["method"] == "laplace"
for name in ("A", "sigma0"):
    l, m = laplace["parameters"][name].attrs, mcmc[name].attrs
    shift, ratio = abs(l["mean"] - m["mean"]) / m["sd"], l["sd"] / m["sd"]
    print(f"{name}: Laplace mean {l['mean']:.5f} sd {l['sd']:.5f}; |Δmean|/sd {shift:.3f} and sd "
          f"ratio {ratio:.3f} against MCMC")
    assert shift < 0.25, f"{name}: Laplace mean {shift:.3f} posterior sds from MCMC's"
    assert abs(ratio - 1) < 0.1, f"{name}: Laplace sd / MCMC sd = {ratio:.3f}"
PY
laplace=(infer --infer.from fit.h5 --infer.method laplace --infer.samples 40)
run_np 1 "${laplace[@]}" --out laplace-1x1.h5 > /dev/null
run_np 3 "${laplace[@]}" --infer.groups 3 --out laplace-3x1.h5 > /dev/null
run_np 2 "${laplace[@]}" --infer.groups 1 --out laplace-1x2.h5 > /dev/null
for layout in 3x1 1x2; do
  same laplace-1x1.h5 "laplace-$layout.h5" --ignore options ||
    fail "laplace: layout $layout differs from 1 rank"
done
echo "ok: laplace on 1x1, 3x1 and 1x2 layouts writes identical datasets"
# report and forecast read a Laplace output as they read VI's (path p takes draw p mod 40).
"$MSFLOW" report laplace-1x1.h5 > laplace-report.txt || fail "report of a laplace output failed"
grep -q "method laplace over" laplace-report.txt ||
  fail "report: no laplace posterior in $(grep -A2 '^posterior' laplace-report.txt)"
run_np 1 forecast --forecast.from laplace-1x1.h5 --forecast.paths 80 --forecast.draws 40 \
  --forecast.T 1 --out laplace-forecast.h5 > /dev/null
"$PYTHON" - <<'PY'
import h5py
import numpy as np
f = h5py.File("laplace-forecast.h5", "r")["forecast"]
assert int(f.attrs["draws"]) == 40, f.attrs["draws"]
assert np.all(np.isfinite(f["quantiles"][:]))
print("ok: report and forecast read a laplace output (40 draws)")
PY
status=0
run_np 1 "${laplace[@]}" --run.resume true --out laplace-resume.h5 > laplace-resume.log 2>&1 ||
  status=$?
[[ $status -eq 2 ]] && grep -q "only vi runs are checkpointed" laplace-resume.log ||
  fail "laplace --run.resume: status $status, $(tail -2 laplace-resume.log)"

# ---- a 4× longer trajectory: narrower bands -------------------------------------------------------
run_np 2 simulate "${model[@]}" --simulate.T 2400 --simulate.seed 4 --simulate.progress 0 \
  --out long.h5 > /dev/null
run_np 1 fit "${model[@]}" --data long.h5 --fit.progress 0 --fit.eval_samples 1024 \
  --out fit-long.h5 > /dev/null
band=(--infer.progress 0)  # the defaults, whose bands the acceptance item is about
run_np 1 infer --infer.from fit.h5 "${band[@]}" --out band.h5 > band.log
run_np 1 infer --infer.from fit-long.h5 "${band[@]}" --out band-long.h5 > band-long.log
run_np 1 infer --infer.from fit.h5 "${band[@]}" --infer.bands posterior --out band-posterior.h5 \
  > /dev/null
# bands = mode: the same posterior draws, shifted per grid point onto b̄ at the fit's optimum.
"$PYTHON" - <<'PY'
import h5py
import numpy as np
mode, post, fit = (h5py.File(name, "r") for name in ("band.h5", "band-posterior.h5", "fit.h5"))
assert mode["posterior"].attrs["bands"] == "mode" and post["posterior"].attrs["bands"] == "posterior"
assert np.array_equal(mode["posterior/u_samples"][:], post["posterior/u_samples"][:])
shift = mode["posterior/drift_samples"][:] - post["posterior/drift_samples"][:]
assert np.allclose(shift, shift[0], atol=1e-12), "the shift differs between draws"
assert np.allclose(mode["estimate/drift"][:], fit["estimate/drift"][:], atol=1e-12)
assert np.allclose(post["estimate/drift"][:], post["posterior/drift_samples"][:].mean(axis=0),
                   atol=1e-12)
print(f"bands = mode: draws shifted by up to {np.abs(shift[0]).max():.4f} onto the fit's b̄")
PY
"$PYTHON" - <<'PY'
import h5py
short = h5py.File("band.h5", "r")["posterior"]
long = h5py.File("band-long.h5", "r")["posterior"]
ratio = long.attrs["drift_band95_mean_width"] / short.attrs["drift_band95_mean_width"]
print(f"mean 95% band width: T = 600 {short.attrs['drift_band95_mean_width']:.4f}, "
      f"T = 2400 {long.attrs['drift_band95_mean_width']:.4f}, ratio {ratio:.3f} (about 0.5 "
      f"expected)")
for name, p in (("T = 600", short), ("T = 2400", long)):
    levels = [f"{100 * c:.0f}%" for c in p["coverage"][:]]
    print(f"{name}: coverage of the exact b̄ by the 50/90/95% bands: {', '.join(levels)}")
assert ratio < 0.75, f"the band did not shrink with 4x the data: ratio {ratio:.3f}"
# The acceptance case: the 95% band covers the exact b̄ at >= 90% of the visited grid.
assert short.attrs["bands"] == "mode" and short["coverage"][2] >= 0.9, short["coverage"][:]
PY
