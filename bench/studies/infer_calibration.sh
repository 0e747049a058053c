#!/usr/bin/env bash
# Calibration of infer's credible bands (docs/studies/calibration.md): R independent data sets of
# `tagged` (d = 1, N = 10, n = 1000, T = 600, the CI-sized case), each fitted with the defaults
# and given a posterior with the infer options passed as arguments; prints, per nominal level
# 50/90/95%, the mean and spread over the data sets of the pointwise coverage of the exact b̄,
# and draws the calibration figure.
#   bench/studies/infer_calibration.sh OUT_DIR R [infer options...]
# Environment: MSFLOW (default build/msflow), MPIEXEC (mpirun; split at blanks, so two streams
# side by side can pass "mpirun --bind-to none" instead of sharing one core), RANKS (1), FIRST
# (1: the first data set's index; seeds 1000 + index), FIT_OPTIONS (extra fit options, e.g.
# "--fit.learn sigma0 --model.sigma0 0.3": then the coverage of the true physical parameters by
# their central intervals is printed too).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?output directory}
replicates=${2:?number of data sets}
shift 2
msflow=${MSFLOW:-$root/build/msflow}
read -r -a mpiexec <<< "${MPIEXEC:-mpirun}"
ranks=${RANKS:-1}
mkdir -p "$out"
model=(--model.name tagged --model.N 10 --model.n 1000)
first=${FIRST:-1}
for r in $(seq "$first" $((first + replicates - 1))); do
  [[ -e $out/infer-$r.h5 ]] && continue  # restartable: finished replicates are kept
  "${mpiexec[@]}" -n "$ranks" "$msflow" simulate "${model[@]}" --simulate.T 600 \
    --simulate.seed $((1000 + r)) --simulate.progress 0 --out "$out/data-$r.h5" > /dev/null
  "${mpiexec[@]}" -n "$ranks" "$msflow" fit "${model[@]}" --data "$out/data-$r.h5" --fit.progress 0 \
    --fit.seed "$r" --run.checkpoint_dir "$out/ckpt" ${FIT_OPTIONS:-} --out "$out/fit-$r.h5" \
    > /dev/null
  "${mpiexec[@]}" -n "$ranks" "$msflow" infer --infer.from "$out/fit-$r.h5" --infer.progress 0 \
    --infer.seed "$r" --run.checkpoint_dir "$out/ckpt" "$@" --out "$out/infer-$r.h5" \
    > "$out/infer-$r.log"
done
/usr/bin/python3 - "$out" "$replicates" "$first" <<'PY'
import sys
import h5py
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
out, count, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
coverage, width, mse = [], [], []
for r in range(first, first + count):
    p = h5py.File(f"{out}/infer-{r}.h5", "r")
    coverage.append(p["posterior/coverage"][:])
    width.append(p["posterior"].attrs["drift_band95_mean_width"])
    mse.append(p["estimate"].attrs["drift_mse"])
coverage = np.array(coverage)
nominal = np.array([0.5, 0.9, 0.95])
print(f"{count} data sets; mean 95% band width {np.mean(width):.4f}; drift MSE of /estimate "
      f"median {np.median(mse):.3g}")
# The standard error of the mean over independent data sets: what resolves a few points' miss.
print("| nominal | mean coverage ± standard error | min | max |")
print("|---|---|---|---|")
for i, level in enumerate(nominal):
    c = coverage[:, i]
    se = c.std(ddof=1) / np.sqrt(count) if count > 1 else float("nan")
    print(f"| {100 * level:.0f}% | {100 * c.mean():.1f} ± {100 * se:.1f}% | {100 * c.min():.0f}% | "
          f"{100 * c.max():.0f}% |")
# Learned physical parameters: how often the central intervals hold the simulation's value.
first_file = h5py.File(f"{out}/infer-{first}.h5", "r")
names = list(first_file["posterior/parameters"]) if "posterior/parameters" in first_file else []
for name in names:
    hits, z = [], []
    for r in range(first, first + count):
        truth = h5py.File(f"{out}/data-{r}.h5", "r")["model"].attrs[name]
        samples = h5py.File(f"{out}/infer-{r}.h5", "r")[f"posterior/parameters/{name}/samples"][:]
        hits.append([np.quantile(samples, (1 - l) / 2) <= truth <= np.quantile(samples, (1 + l) / 2)
                     for l in nominal])
        z.append((samples.mean() - truth) / samples.std())
    print(f"{name} (true value {truth:g}): coverage of its 50/90/95% intervals "
          f"{' / '.join(f'{100 * v:.0f}%' for v in np.mean(hits, axis=0))}; "
          f"mean (posterior mean - truth)/sd {np.mean(z):+.2f}")
fig, ax = plt.subplots(figsize=(4.5, 4.5))
ax.plot([0.4, 1], [0.4, 1], "k--", lw=1, label="calibrated")
ax.fill_between([0.4, 1], [0.35, 0.95], [0.45, 1.05], color="0.9", label="±5 points")
for i, level in enumerate(nominal):
    ax.scatter(np.full(count, level) + np.linspace(-0.01, 0.01, count), coverage[:, i], s=8,
               alpha=0.5, color="C0")
ax.plot(nominal, coverage.mean(axis=0), "o-", color="C3", label="mean over data sets")
ax.set_xlabel("nominal level of the central band")
ax.set_ylabel("fraction of grid points covering the exact b̄")
ax.set_xlim(0.4, 1)
ax.set_ylim(0, 1.05)
ax.legend(loc="upper left", fontsize=8)
ax.set_title(f"tagged d=1 N=10, T=600: {count} data sets", fontsize=9)
fig.tight_layout()
fig.savefig(f"{out}/calibration.png", dpi=110)
print(f"figure: {out}/calibration.png")
PY
