#!/usr/bin/env python3
"""residual_whiteness.py DIR [DIR ...]: is the one-step likelihood's score variance its curvature?

On output directories of bench/studies/infer_calibration.sh (every fit-r.h5 with its data-r.h5;
docs/studies/calibration.md), the standardized residuals of the fitted model,
e_k = (Δx_k − b̄(x_k) Δ) / sqrt(Σ̄(x_k) Δ), with b̄ and Σ̄ of /estimate interpolated to x_k (d = 1).
A well-specified Markov model has white residuals of unit variance; then the variance of a score
Σ_k e_k g(x_k) equals its Fisher information Σ_k g(x_k)², and a sandwich correction
H⁻¹ V H⁻¹ of the posterior covariance would change nothing. Prints the residual variance, the
lag-1/2/5/10 autocorrelations and, for g = 1, x, x², the ratio V/H with V from 20 batch means
(each data set's ratio has a standard deviation of about sqrt(2/19) = 0.32), averaged over the
data sets with its standard error."""
import glob
import os
import sys

import h5py
import numpy as np

BATCHES = 20
LAGS = (1, 2, 5, 10)


def ratios(residual, x):
    """V/H of the scores Σ e_k g(x_k) for g = 1, x − mean, (x − mean)² − var."""
    centred = x - x.mean()
    out = []
    for g in (np.ones_like(x), centred, centred**2 - centred.var()):
        score = residual * g
        usable = len(score) // BATCHES * BATCHES
        batch_sums = score[:usable].reshape(BATCHES, -1).sum(axis=1)
        out.append(batch_sums.var(ddof=1) * BATCHES / np.sum(g[:usable] ** 2))
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    fits = sorted(path for directory in sys.argv[1:]
                  for path in glob.glob(os.path.join(directory, "fit-*.h5")))
    variances, correlations, score_ratios = [], [], []
    for path in fits:
        directory, name = os.path.split(path)
        data_path = os.path.join(directory, "data-" + name[len("fit-"):])
        with h5py.File(data_path, "r") as data, h5py.File(path, "r") as fit:
            x, t = data["trajectory/x"][:, 0], data["trajectory/t"][:]
            assert data["trajectory/offsets"].shape[0] == 1, "one trajectory per data set"
            grid = fit["estimate/grid"][:, 0]
            drift = np.interp(x[:-1], grid, fit["estimate/drift"][:, 0])
            diffusion = np.interp(x[:-1], grid, fit["estimate/diffusion"][:].reshape(len(grid)))
        dt = np.diff(t)
        residual = (np.diff(x) - drift * dt) / np.sqrt(diffusion * dt)
        variances.append(residual.var())
        correlations.append([np.corrcoef(residual[:-k], residual[k:])[0, 1] for k in LAGS])
        score_ratios.append(ratios(residual, x[:-1]))
    count = len(fits)
    correlations, score_ratios = np.array(correlations), np.array(score_ratios)
    print(f"{count} data sets: residual variance {np.mean(variances):.4f} "
          f"(range {np.min(variances):.4f}–{np.max(variances):.4f})")
    for k, lag in enumerate(LAGS):
        c = correlations[:, k]
        se = c.std(ddof=1) / np.sqrt(count)
        print(f"  lag {lag:2d} autocorrelation: mean {c.mean():+.4f} ± {se:.4f}")
    for k, name in enumerate(("1", "x", "x²")):
        v = score_ratios[:, k]
        se = v.std(ddof=1) / np.sqrt(count)
        print(f"  score g = {name}: V/H mean {v.mean():.3f} ± {se:.3f}")


if __name__ == "__main__":
    main()
