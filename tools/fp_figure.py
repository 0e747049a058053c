#!/usr/bin/env python3
"""fp_figure.py FP.h5 FIT.h5 DATA.h5 OUT.png: a flow fitted from the slow path alone against the
Fokker–Planck reference (docs/fp.md) for a 2-D fast process (nonrev-ring). Panels: the fp density
of the fast particle with samples of the learned law; the marginal densities of y1 and y2 (fp
lines, flow-sample histograms); |b̂ − b̄_fp| over the x grid with the observed path; b̄ along the
grid's middle line in x1 (x2 fixed), flow vs fp, with −∇V (the fast particle left out). FIT must have
been run with --truth FP, so its /estimate grid is the fp grid."""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("fp")
parser.add_argument("fit")
parser.add_argument("data")
parser.add_argument("out")
args = parser.parse_args()

fp = h5py.File(args.fp, "r")
fit = h5py.File(args.fit, "r")
data = h5py.File(args.data, "r")
a0, a1, p = fp["fp/axis0"][:], fp["fp/axis1"][:], fp["fp/density"][:]
h = a0[1] - a0[0]
grid, exact = fp["truth/grid"][:], fp["truth/drift"][:]
estimate = fit["estimate/drift"][:]
assert np.array_equal(fit["estimate/grid"][:], grid), "run fit with --truth FP"
samples = fit["law/samples"][:]
x = data["trajectory/x"][:]
mse = float(fit["estimate"].attrs["drift_mse"])
a = float(fp["model"].attrs.get("a", 1.0))

fig, axes = plt.subplots(2, 2, figsize=(10, 8.4))
ax = axes[0, 0]
ax.imshow(p.T, origin="lower", extent=(a0[0] - h / 2, a0[-1] + h / 2, a1[0] - h / 2, a1[-1] + h / 2),
          cmap="viridis")
shown = samples[:1500]
ax.scatter(shown[:, 0], shown[:, 1], s=2, color="w", alpha=0.5, lw=0, label="flow samples")
ax.set(xlabel="y1", ylabel="y2", title=f"fp density ({p.shape[0]}² cells) and the learned law",
       xlim=(a0[0], a0[-1]), ylim=(a1[0], a1[-1]), aspect="equal")
ax.legend(loc="upper right", fontsize=8, markerscale=4)

ax = axes[0, 1]
for axis, (centres, marginal, colour) in enumerate(((a0, p.sum(axis=1) * h, "C0"),
                                                    (a1, p.sum(axis=0) * h, "C1"))):
    ax.plot(centres, marginal, color=colour, lw=1.5, label=f"fp, y{axis + 1}")
    ax.hist(samples[:, axis], bins=80, range=(centres[0], centres[-1]), density=True,
            histtype="step", color=colour, ls="--", label=f"flow samples, y{axis + 1}")
ax.set(xlabel="y", ylabel="marginal density", title="marginals of the fast law")
ax.legend(fontsize=8)

points = int(round(np.sqrt(grid.shape[0])))
g0 = grid[:, 0].reshape(points, points)
g1 = grid[:, 1].reshape(points, points)
error = np.linalg.norm(estimate - exact, axis=1).reshape(points, points)
ax = axes[1, 0]
mesh = ax.pcolormesh(g0, g1, error, shading="nearest", cmap="magma")
fig.colorbar(mesh, ax=ax, label="|b̂ − b̄_fp|")
ax.plot(x[::10, 0], x[::10, 1], color="c", lw=0.2, alpha=0.5)
ax.set(xlabel="x1", ylabel="x2", title=f"drift error over the visited region (MSE {mse:.3f})")

ax = axes[1, 1]
row = np.arange(points) * points + points // 2  # x2 at the middle of its axis (axis 0 slowest)
x1 = grid[row, 0]
for c, colour in ((0, "C0"), (1, "C1")):
    ax.plot(x1, exact[row, c], color=colour, lw=1.5, label=f"b̄{c + 1}, fp")
    ax.plot(x1, estimate[row, c], color=colour, ls="--", lw=1.2, label=f"b̄{c + 1}, flow")
    ax.plot(x1, -a * grid[row, c], color=colour, ls=":", lw=1, label=f"−∂V/∂x{c + 1}")
ax.set(xlabel="x1", ylabel="b̄", title=f"b̄ along x2 = {grid[row[0], 1]:.3f}")
ax.legend(fontsize=7, ncol=3)
fig.suptitle("nonrev-ring: a flow learned from the slow path alone vs the Fokker–Planck reference")
fig.tight_layout()
fig.savefig(args.out, dpi=110)
print(f"wrote {args.out}")
