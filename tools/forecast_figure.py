#!/usr/bin/env python3
"""forecast_figure.py DATA.h5 FORECAST.h5 OUT.png [--window W]: the end of the observed slow path
and the forecast beyond it: the median and the central bands of the forecast paths (their
quantile levels), a few sample paths, and, where the forecast file has them, the same quantiles
of the exact averaged model (dashed). Component 0 of x."""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("data")
parser.add_argument("forecast")
parser.add_argument("out")
parser.add_argument("--window", type=float, default=10.0, help="observed time shown before the start")
args = parser.parse_args()

data = h5py.File(args.data, "r")
t = data["trajectory/t"][:]
x = data["trajectory/x"][:, 0]
f = h5py.File(args.forecast, "r")["forecast"]
time = t[-1] + f["time"][:]
levels = list(f["quantile_levels"][:])
q = f["quantiles"][:, :, 0]
shown = t >= t[-1] - args.window

fig, ax = plt.subplots(figsize=(8, 3.6))
ax.plot(t[shown], x[shown], color="k", lw=0.6, label="observed")
pairs = [(i, len(levels) - 1 - i) for i in range(len(levels) // 2)]
for alpha, (lo, hi) in zip(np.linspace(0.18, 0.35, len(pairs)), pairs):
    ax.fill_between(time, q[lo], q[hi], color="C0", alpha=alpha, lw=0,
                    label=f"forecast {100 * levels[lo]:.0f}–{100 * levels[hi]:.0f}%")
if 0.5 in levels:
    ax.plot(time, q[levels.index(0.5)], color="C0", lw=1.2, label="forecast median")
for path in f["sample_paths"][:3, :, 0]:
    ax.plot(time, path, color="C0", lw=0.4, alpha=0.6)
if "exact" in f:
    e = f["exact/quantiles"][:, :, 0]
    for i in (0, len(levels) - 1):
        ax.plot(time, e[i], "k--", lw=0.8, label="exact averaged model" if i == 0 else None)
    if 0.5 in levels:
        ax.plot(time, e[levels.index(0.5)], "k--", lw=0.8)
ax.axvline(t[-1], color="0.5", lw=0.6)
ax.set_xlabel("t")
ax.set_ylabel("slow variable x")
ax.set_title(f"{int(f.attrs['paths'])} paths, {int(f.attrs['draws'])} posterior draw(s)", fontsize=9)
ax.legend(fontsize=7, loc="upper left", ncol=2)
fig.tight_layout()
fig.savefig(args.out, dpi=110)
print(f"wrote {args.out}")
