#!/usr/bin/env python3
"""figures.py DIR: the quickstart's figures from DIR/{data,fit,infer,forecast}.h5 (whichever
exist), as PNG files in DIR:
  drift.png     the learned b̄ (with the posterior's 50/95% bands when infer ran) against the
                exact b̄ of /truth, with the histogram of the observed slow path;
  law.png       the learned one-particle marginal of the fast law against the exact density
                (tagged: N(c, s²), s² from the model's options);
  history.png   the objective per transition of fit and −ELBO per transition of infer;
  forecast.png  the forecast bands after the observed path (tools/forecast_figure.py).
Component 0 of x and of the particles."""
import configparser
import os
import subprocess
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

folder = sys.argv[1]
path = {name: os.path.join(folder, f"{name}.h5") for name in ("data", "fit", "infer", "forecast")}
have = {name: os.path.exists(p) for name, p in path.items()}


def options(file):
    """The stored configuration as a ConfigParser ([section] key = value ; comment)."""
    parser = configparser.ConfigParser(inline_comment_prefixes=(";",), strict=False)
    parser.optionxform = str
    parser.read_string("[general]\n" + file.attrs["options"])
    return parser


data = h5py.File(path["data"], "r")
x = data["trajectory/x"][:, 0]
model = h5py.File(path["fit"], "r")
estimate = h5py.File(path["infer"] if have["infer"] else path["fit"], "r")

# ---- drift ------------------------------------------------------------------------------------
fig, ax = plt.subplots(figsize=(6.5, 4))
grid = estimate["estimate/grid"][:, 0]
if "truth" in data:
    ax.plot(data["truth/grid"][:, 0], data["truth/drift"][:, 0], "k--", lw=1.2, label="exact b̄")
if "posterior" in estimate:
    q = estimate["posterior/drift_quantiles"][:, :, 0]
    ax.fill_between(grid, q[0], q[6], color="C0", alpha=0.2, lw=0, label="95% band")
    ax.fill_between(grid, q[2], q[4], color="C0", alpha=0.35, lw=0, label="50% band")
    if estimate["posterior"].attrs.get("bands", "posterior") == "mode":  # centred on the fit
        ax.plot(grid, estimate["estimate/drift"][:, 0], color="C0", lw=1.5,
                label="b̄ at the fit's optimum")
    else:
        ax.plot(grid, q[3], color="C0", lw=1.5, label="posterior median")
else:
    ax.plot(grid, estimate["estimate/drift"][:, 0], color="C0", lw=1.5, label="learned b̄")
ax.set_xlabel("slow variable x")
ax.set_ylabel("averaged drift b̄(x)")
mse = estimate["estimate"].attrs.get("drift_mse")
ax.set_title("learned from the slow path alone" + (f" (drift MSE {mse:.2g})" if mse else ""),
             fontsize=9)
twin = ax.twinx()
twin.hist(x, bins=60, color="0.6", alpha=0.25)
twin.set_ylabel("observations (histogram)", color="0.4")
ax.set_zorder(twin.get_zorder() + 1)
ax.patch.set_visible(False)
ax.legend(fontsize=8, loc="upper right")
fig.tight_layout()
fig.savefig(os.path.join(folder, "drift.png"), dpi=110)
plt.close(fig)

# ---- the learned law ----------------------------------------------------------------------------
if "law/particle_samples" in model:
    samples = model["law/particle_samples"][:, 0]
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    ax.hist(samples, bins=80, density=True, color="C0", alpha=0.5, label="learned (flow samples)")
    config = options(model)
    if model["model"].attrs["name"] == "tagged":
        m = config["model"]
        n, k, ks, beta, c = (float(m[key]) for key in ("N", "k", "ks", "beta", "c"))
        s2 = ((1 - 1 / n) / (k + ks * n) + 1 / (k * n)) / beta
        y = np.linspace(samples.min(), samples.max(), 400)
        ax.plot(y, np.exp(-(y - c) ** 2 / (2 * s2)) / np.sqrt(2 * np.pi * s2), "k--",
                label=f"exact N({c:g}, {s2:.3g})")
    ax.set_xlabel("one fast particle y")
    ax.set_ylabel("density")
    ax.set_title("invariant law of the fast process: one-particle marginal", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "law.png"), dpi=110)
    plt.close(fig)

# ---- histories ------------------------------------------------------------------------------------
fig, axes = plt.subplots(1, 2 if have["infer"] else 1, figsize=(9 if have["infer"] else 5, 3.4),
                         squeeze=False)
for ax, (name, label) in zip(axes[0], (("fit", "J / M"), ("infer", "−ELBO / M"))):
    f = h5py.File(path[name], "r")
    per = f["data"].attrs["transitions"]
    ax.plot(f["history/iteration"][:], f["history/objective"][:] / per, lw=0.8)
    ax.set_xlabel("iteration")
    ax.set_ylabel(label)
    ax.set_title(f"{name}: objective per transition", fontsize=9)
fig.tight_layout()
fig.savefig(os.path.join(folder, "history.png"), dpi=110)
plt.close(fig)

# ---- forecast -------------------------------------------------------------------------------------
if have["forecast"]:
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "forecast_figure.py"),
                    path["data"], path["forecast"], os.path.join(folder, "forecast.png"),
                    "--window", "5"], check=True, stdout=subprocess.DEVNULL)
print(f"figures in {folder}: " + ", ".join(
    name for name in ("drift.png", "law.png", "history.png", "forecast.png")
    if os.path.exists(os.path.join(folder, name))))
