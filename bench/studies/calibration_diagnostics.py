#!/usr/bin/env python3
"""calibration_diagnostics.py OUT R: where infer's bands miss, on the output directory of
bench/studies/infer_calibration.sh (data-r.h5, infer-r.h5 for r = 1..R; docs/studies/calibration.md).

Prints (1) the coverage of the exact b̄ and of the Euler–Maruyama pseudo-truth
b̄_Δ = b̄ + (Δ/2)(b̄ b̄′ + ½σ0² b̄″) — what the one-step Euler–Maruyama likelihood at spacing Δ
estimates for a constant diffusion σ0² (tagged) — by the central 50/90/95% bands, and (2) the
standardized error z = (posterior mean − b̄)/(posterior sd) over all grid points and data sets:
a calibrated Gaussian posterior has mean z 0, sd 1, mean |z| 0.798."""
import sys

import h5py
import numpy as np

SIGMA0_SQUARED = 0.25  # tagged's default σ0 = 0.5, as infer_calibration.sh simulates
PAIRS = [(0.25, 0.75), (0.05, 0.95), (0.025, 0.975)]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out, count = sys.argv[1], int(sys.argv[2])
    coverage = {"b̄": [], "b̄_Δ": []}
    z = {"b̄": [], "b̄_Δ": []}
    for r in range(1, count + 1):
        data = h5py.File(f"{out}/data-{r}.h5", "r")
        post = h5py.File(f"{out}/infer-{r}.h5", "r")
        grid, exact = data["truth/grid"][:, 0], data["truth/drift"][:, 0]
        assert np.allclose(post["estimate/grid"][:, 0], grid), f"data set {r}: grids differ"
        delta = float(np.diff(data["trajectory/t"][:2])[0])
        h = grid[1] - grid[0]
        first = np.gradient(exact, h)
        second = np.gradient(first, h)
        targets = {"b̄": exact,
                   "b̄_Δ": exact + delta / 2 * (exact * first + 0.5 * SIGMA0_SQUARED * second)}
        levels = post["posterior/quantile_levels"][:]
        quantiles = post["posterior/drift_quantiles"][:, :, 0]
        samples = post["posterior/drift_samples"][:, :, 0]
        mean, sd = samples.mean(axis=0), samples.std(axis=0, ddof=1)
        for name, target in targets.items():
            row = []
            for lo, hi in PAIRS:
                i, j = np.argmin(abs(levels - lo)), np.argmin(abs(levels - hi))
                row.append(np.mean((quantiles[i] <= target) & (target <= quantiles[j])))
            coverage[name].append(row)
            z[name].append((mean - target) / sd)
    for name in coverage:
        c = 100 * np.array(coverage[name])
        zz = np.concatenate(z[name])
        print(f"against {name}: coverage at 50/90/95% "
              f"{' / '.join(f'{m:.1f}' for m in c.mean(axis=0))} "
              f"(± {' / '.join(f'{s:.1f}' for s in c.std(axis=0) / np.sqrt(len(c)))}); "
              f"z: mean {zz.mean():+.3f}, sd {zz.std():.3f}, mean |z| {np.abs(zz).mean():.3f}, "
              f"rms {np.sqrt(np.mean(zz ** 2)):.3f}")
    per_set = np.array([[zs.mean(), zs.std()] for zs in z["b̄"]])
    print(f"per data set (against b̄): sd of the set's mean z {per_set[:, 0].std():.3f}, "
          f"mean spread of z within a set {per_set[:, 1].mean():.3f}")


if __name__ == "__main__":
    main()
