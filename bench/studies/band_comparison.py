#!/usr/bin/env python3
"""band_comparison.py FIGURE LABEL=INFER.h5 [LABEL=INFER.h5 ...]: the 50% and 95% bands of b̄
of several infer outputs on the same fit (e.g. VI and `--infer.method mcmc`) drawn over one
another, minus the exact b̄ from /truth of the first output's data (docs/studies/calibration.md)."""
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def bands(path):
    """(grid, exact b̄ or None, quantiles 7 × points, their levels, coverage, mean 95% width)."""
    with h5py.File(path, "r") as f:
        posterior = f["posterior"]
        grid = f["estimate/grid"][:, 0]
        quantiles = posterior["drift_quantiles"][:, :, 0]
        levels = posterior["quantile_levels"][:]
        coverage = posterior["coverage"][:] if "coverage" in posterior else None
        width = float(posterior.attrs["drift_band95_mean_width"])
        data = f["data"].attrs["source"] if "data" in f else None
    truth = None
    try:  # the data file the run read (its path as stored), if it is still there
        with h5py.File(data, "r") as d:
            if "truth/drift" in d and np.array_equal(d["truth/grid"][:, 0], grid):
                truth = d["truth/drift"][:, 0]
    except (OSError, TypeError):
        pass
    return grid, truth, quantiles, levels, coverage, width


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    figure = sys.argv[1]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    reference = None  # the exact b̄ of the first output: the bands are drawn relative to it
    for i, spec in enumerate(sys.argv[2:]):
        label, path = spec.split("=", 1)
        grid, truth, q, levels, coverage, width = bands(path)
        if i == 0:
            reference = truth if truth is not None else np.zeros_like(grid)
        q = q - reference
        lo95, hi95 = (int(np.argmin(np.abs(levels - p))) for p in (0.025, 0.975))
        lo50, hi50 = (int(np.argmin(np.abs(levels - p))) for p in (0.25, 0.75))
        color = f"C{i}"
        text = f"{label}: mean 95% width {width:.3f}"
        if coverage is not None:
            text += " (covers " + " / ".join(f"{100 * c:.0f}" for c in coverage) + "%)"
        ax.fill_between(grid, q[lo95], q[hi95], color=color, alpha=0.18, label=text)
        ax.plot(grid, q[lo50], color=color, lw=1)
        ax.plot(grid, q[hi50], color=color, lw=1)
    ax.axhline(0, color="k", ls="--", lw=1.2, label="exact b̄")
    ax.set_xlabel("x")
    ax.set_ylabel("band − exact b̄: 95% (shaded), 50% (lines)")
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(figure, dpi=100)
    print(f"figure: {figure}")


if __name__ == "__main__":
    main()
