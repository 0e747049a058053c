#!/usr/bin/env python3
"""calibration_summary.py FIGURE SERIES [SERIES ...]: calibration tables and one figure over
several runs of bench/studies/infer_calibration.sh (docs/studies/calibration.md).

A SERIES is LABEL=STEM:DIR[,DIR...]: the posterior outputs STEM-r.h5 (with data-r.h5 beside
them) in the directories, e.g. "σ0 learned=infer:runs/learned-1,runs/learned-61". Per series it
prints, for the nominal levels 50/90/95%, the mean pointwise coverage of the exact b̄ ± its
standard error over the data sets, on all of them and split at data set 20 (1–20 chose the
defaults, the rest judge them), and the share of data sets whose central intervals hold each
learned physical parameter's true value. The figure shows each data set's coverage and the
means with ±2 standard errors against the ±5-point target."""
import glob
import os
import re
import sys
from typing import NamedTuple

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NOMINAL = np.array([0.5, 0.9, 0.95])
CHOSEN_ON = 20  # data sets 1..20 chose the defaults


class Run(NamedTuple):
    """One data set's posterior output."""
    coverage: np.ndarray  # of the exact b̄ at the NOMINAL levels
    parameters: dict      # learned physical parameter: (posterior samples, true value)
    width: float          # mean width of the 95% band
    mse: float            # drift MSE of /estimate


def load(stem, directories):
    """{r: Run} over the directories, in the order of r."""
    runs = {}
    for directory in directories:
        for path in glob.glob(os.path.join(directory, f"{stem}-*.h5")):
            match = re.fullmatch(rf"{re.escape(stem)}-(\d+)\.h5", os.path.basename(path))
            if not match:
                continue
            r = int(match.group(1))
            assert r not in runs, f"data set {r} appears twice"
            data_path = os.path.join(directory, f"data-{r}.h5")
            with h5py.File(path, "r") as post, h5py.File(data_path, "r") as data:
                model = data["model"].attrs
                parameters = {}
                if "posterior/parameters" in post:
                    for name in post["posterior/parameters"]:
                        samples = post[f"posterior/parameters/{name}/samples"][:]
                        parameters[name] = (samples, float(model[name]))
                runs[r] = Run(post["posterior/coverage"][:], parameters,
                              float(post["posterior"].attrs["drift_band95_mean_width"]),
                              float(post["estimate"].attrs["drift_mse"]))
    return dict(sorted(runs.items()))


def mean_se(values):
    values = np.asarray(values, dtype=float)
    mean = values.mean(axis=0)
    if len(values) < 2:  # one data set: no spread to estimate
        return mean, np.full_like(mean, np.nan)
    return mean, values.std(ddof=1, axis=0) / np.sqrt(len(values))


def row(coverage):
    mean, se = mean_se(coverage)
    return " | ".join(f"{100 * m:.1f} ± {100 * s:.1f}%" for m, s in zip(mean, se))


def summarize(label, runs):
    indices = np.array(list(runs))
    coverage = np.array([runs[r].coverage for r in indices])
    width = np.mean([runs[r].width for r in indices])
    mse = np.median([runs[r].mse for r in indices])
    print(f"\n## {label}: {len(indices)} data sets ({indices.min()}–{indices.max()}); mean 95% "
          f"band width {width:.4f}; median drift MSE of /estimate {mse:.3g}")
    print("| data sets | 50% | 90% | 95% |")
    print("|---|---|---|---|")
    print(f"| all {len(indices)} | {row(coverage)} |")
    halves = ((f"1–{CHOSEN_ON}", indices <= CHOSEN_ON),
              (f"{CHOSEN_ON + 1}–{indices.max()}", indices > CHOSEN_ON))
    if all(mask.sum() > 1 for _, mask in halves):  # the chosen-on and the judging data sets
        for name, mask in halves:
            print(f"| {name} ({mask.sum()}) | {row(coverage[mask])} |")
    names = sorted(set().union(*(runs[r].parameters.keys() for r in indices)))
    for name in names:
        hits, z = [], []
        for r in indices:
            samples, truth = runs[r].parameters[name]
            low = np.quantile(samples, (1 - NOMINAL) / 2)
            high = np.quantile(samples, (1 + NOMINAL) / 2)
            hits.append((low <= truth) & (truth <= high))
            z.append((samples.mean() - truth) / samples.std())
        share = np.mean(hits, axis=0)
        binomial = np.sqrt(NOMINAL * (1 - NOMINAL) / len(indices))
        print(f"{name}: central intervals hold the true value in "
              + " / ".join(f"{100 * s:.1f}%" for s in share)
              + " of the data sets (binomial sd at nominal "
              + " / ".join(f"{100 * b:.1f}" for b in binomial)
              + f" points); (mean − truth)/sd: mean {np.mean(z):+.2f}, "
              f"sd {np.std(z, ddof=1):.2f}")
    return coverage


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    figure, series = sys.argv[1], sys.argv[2:]
    fig, axes = plt.subplots(1, len(series), figsize=(4.2 * len(series), 4.2), squeeze=False)
    for ax, spec in zip(axes[0], series):
        label, rest = spec.rsplit("=", 1)  # the label may hold "=", the directories not
        stem, directories = rest.split(":", 1)
        coverage = summarize(label, load(stem, directories.split(",")))
        count = len(coverage)
        mean, se = mean_se(coverage)
        ax.plot([0.4, 1], [0.4, 1], "k--", lw=1, label="calibrated")
        ax.fill_between([0.4, 1], [0.35, 0.95], [0.45, 1.05], color="0.9", label="±5 points")
        for i, level in enumerate(NOMINAL):
            ax.scatter(np.full(count, level) + np.linspace(-0.012, 0.012, count), coverage[:, i],
                       s=6, alpha=0.35, color="C0")
        ax.errorbar(NOMINAL, mean, yerr=2 * se, fmt="o-", color="C3", capsize=3,
                    label="mean ± 2 se")
        ax.set_xlabel("nominal level of the central band")
        ax.set_ylabel("fraction of grid points covering the exact b̄")
        ax.set_xlim(0.4, 1)
        ax.set_ylim(0, 1.05)
        ax.legend(loc="upper left", fontsize=8)
        ax.set_title(f"{label}: {count} data sets", fontsize=9)
    fig.tight_layout()
    fig.savefig(figure, dpi=110)
    print(f"\nfigure: {figure}")


if __name__ == "__main__":
    main()
