#!/usr/bin/env python3
"""paired_widths.py A=STEM:DIR B=STEM:DIR: two posteriors of b̄ on the same data sets, paired
(docs/studies/calibration.md). For each data set r with DIR_A/STEM_A-r.h5 and DIR_B/STEM_B-r.h5
(infer outputs on the same fit, e.g. the VI default and `--infer.method mcmc`), the ratio B/A of
the mean width of the 95% band of b̄ and the difference B − A of the pointwise coverage of the
exact b̄ at 50/90/95%; prints their means ± standard errors over the data sets and the range of
the ratio."""
import glob
import os
import re
import sys

import h5py
import numpy as np


def load(spec):
    """{r: (mean 95% width, coverage at 50/90/95%)} of the outputs STEM-r.h5 in DIR."""
    stem, directory = spec.split("=", 1)[1].split(":", 1)
    runs = {}
    for path in glob.glob(os.path.join(directory, f"{stem}-*.h5")):
        match = re.fullmatch(rf"{re.escape(stem)}-(\d+)\.h5", os.path.basename(path))
        if not match:
            continue
        with h5py.File(path, "r") as f:
            posterior = f["posterior"]
            runs[int(match.group(1))] = (float(posterior.attrs["drift_band95_mean_width"]),
                                         posterior["coverage"][:])
    return runs


def mean_se(values):
    values = np.asarray(values, dtype=float)
    return values.mean(axis=0), values.std(ddof=1, axis=0) / np.sqrt(len(values))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, b = (load(spec) for spec in sys.argv[1:])
    common = sorted(set(a) & set(b))
    if len(common) < 2:
        sys.exit(f"paired_widths.py: {len(common)} data sets in both; need at least 2")
    names = [spec.split("=", 1)[0] for spec in sys.argv[1:]]
    ratio = np.array([b[r][0] / a[r][0] for r in common])
    shift = np.array([b[r][1] - a[r][1] for r in common])
    m, s = mean_se(ratio)
    print(f"{len(common)} data sets ({common[0]}–{common[-1]}): mean 95% width {names[1]} / "
          f"{names[0]} = {m:.3f} ± {s:.3f} (range {ratio.min():.2f}–{ratio.max():.2f})")
    for label, runs in zip(names, (a, b)):
        coverage = 100 * np.array([runs[r][1] for r in common])
        cm, cs = mean_se(coverage)
        print(f"  {label}: coverage 50/90/95% " +
              " / ".join(f"{x:.1f} ± {e:.1f}" for x, e in zip(cm, cs)))
    sm, ss = mean_se(100 * shift)
    print(f"  {names[1]} − {names[0]}, paired: " +
          " / ".join(f"{x:+.1f} ± {e:.1f}" for x, e in zip(sm, ss)) + " points")


if __name__ == "__main__":
    main()
