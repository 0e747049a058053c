#!/usr/bin/env python3
"""Collects the drift MSE of a Table-1 sweep (jobs/table1.sh) into one Markdown table next to
the values of Saha & Ganguly's Table 1.  usage: tools/table1.py RESULTS_DIR"""
import glob
import os
import sys

import h5py

PAPER = {  # (d, N): {n: drift MSE}, flow estimator
    (1, 10): {100: 0.02, 1000: 0.0029, 15000: 0.0002},
    (1, 15): {100: 0.0008, 1000: 0.0007, 15000: 0.0002},
    (1, 20): {100: 0.0053, 1000: 0.0004, 15000: 0.0001},
    (2, 10): {100: 0.0058, 1000: 0.0027, 15000: 0.004},
    (2, 15): {100: 0.025, 1000: 0.0035, 15000: 0.0055},
}
PAPER_UNSTRUCTURED = {(1, 10): {1000: 0.014, 15000: 0.008}}
SEPARATIONS = (100, 1000, 15000)


def mse(path):
    if not os.path.exists(path):
        return None
    with h5py.File(path, "r") as f:
        return float(f["estimate"].attrs["drift_mse"])


def cell(value, paper):
    text = "–" if value is None else f"{value:.2g}"
    return text + (f" ({paper})" if paper is not None else "")


def main():
    results = sys.argv[1] if len(sys.argv) > 1 else "results/table1"
    settings = sorted({tuple(int(p[1:]) for p in os.path.basename(f)[5:-3].split("_")[:2])
                       for f in glob.glob(os.path.join(results, "data_*.h5"))})
    if not settings:
        sys.exit(f"no data_*.h5 in {results}")
    first = h5py.File(glob.glob(os.path.join(results, "data_*.h5"))[0], "r")
    transitions = first["trajectory/t"].shape[0] - first["trajectory/offsets"].shape[0]
    options = first.attrs["options"]
    spacing = [l for l in options.splitlines() if l.startswith("dt_obs")][0].split("=")[1]
    horizon = [l for l in options.splitlines() if l.startswith("T ")][0].split("=")[1]
    print(f"drift MSE against the exact b̄ (paper's value in parentheses); {transitions} "
          f"transitions, spacing {spacing.split(';')[0].strip()}, trajectories of "
          f"T = {horizon.split(';')[0].strip()}\n")
    print("| setting | estimator | " + " | ".join(f"n={n}" for n in SEPARATIONS) + " |")
    print("|---|---|" + "---|" * len(SEPARATIONS))
    for d, N in settings:
        for estimator, paper in (("flow", PAPER), ("unstructured", PAPER_UNSTRUCTURED)):
            values = [cell(mse(os.path.join(results, f"{estimator}_d{d}_N{N}_n{n}.h5")),
                           paper.get((d, N), {}).get(n)) for n in SEPARATIONS]
            print(f"| d={d}, N={N} | {estimator} | " + " | ".join(values) + " |")


if __name__ == "__main__":
    main()
