#!/usr/bin/env python3
"""exact_family.py DATA.h5 [--a A --sigma0 S --ell L --A A --c C]: the statistical floor of a
drift estimate from these data. Fits the exact averaged-drift FORMULA of `tagged` (d = 1, harmonic
V) with its amplitude, squared width and centre free,
    b(x) = -a x - K u exp(-u²/(2 W)),  u = x - c,
by weighted least squares of the Euler–Maruyama increments (the maximum likelihood of the
averaged model with σ0 known), and the same with A and ℓ known and a Gaussian law of free mean
and variance (the two numbers a flow pulled towards Gaussian laws mainly has to learn); prints the drift MSE of that fit against /truth on
/truth/grid. An estimator that must also learn the shape cannot be expected to beat it by much."""
import argparse

import h5py
import numpy as np
from scipy.optimize import least_squares

parser = argparse.ArgumentParser()
parser.add_argument("data")
parser.add_argument("--a", type=float, default=1.0)
parser.add_argument("--A", type=float, default=1.0)
parser.add_argument("--ell", type=float, default=0.5)
parser.add_argument("--c", type=float, default=0.5)
args = parser.parse_args()
f = h5py.File(args.data, "r")
t, x = f["trajectory/t"][:], f["trajectory/x"][:, 0]
offsets = list(f["trajectory/offsets"][:]) if "offsets" in f["trajectory"] else [0]
ends = offsets[1:] + [len(t)]
starts, increments, dts = [], [], []
for a, b in zip(offsets, ends):
    starts.append(x[a:b - 1]), increments.append(np.diff(x[a:b])), dts.append(np.diff(t[a:b]))
x0, dx, dt = (np.concatenate(v) for v in (starts, increments, dts))


def drift(p, y):
    K, W, c = p
    u = y - c
    return -args.a * y - K * u * np.exp(-u * u / (2 * W))


def residual(p):
    return (dx - drift(p, x0) * dt) / np.sqrt(dt)


start = [args.A / args.ell**2, args.ell**2 + 0.2, args.c]
fit = least_squares(residual, start, bounds=([-np.inf, 1e-4, -np.inf], np.inf))
grid, truth = f["truth/grid"][:, 0], f["truth/drift"][:, 0]
mse = np.mean((drift(fit.x, grid) - truth) ** 2)
print(f"exact family: K = {fit.x[0]:.4g}, W = {fit.x[1]:.4g}, c = {fit.x[2]:.4g}; drift MSE {mse:.3g}")


# With A and ℓ known (as the flow model knows them), a Gaussian law N(c, s²) of each particle
# leaves two parameters: K = (A/ℓ²)(ℓ²/(ℓ² + s²))^{3/2}, W = ℓ² + s².
def gaussian_law(q):
    c, s2 = q
    W = args.ell**2 + s2
    return [args.A / args.ell**2 * (args.ell**2 / W) ** 1.5, W, c]


law = least_squares(lambda q: residual(gaussian_law(q)), [args.c, 0.2],
                    bounds=([-np.inf, 1e-6], np.inf))
mse_law = np.mean((drift(gaussian_law(law.x), grid) - truth) ** 2)
print(f"Gaussian-law family (A, ell known): c = {law.x[0]:.4g}, s2 = {law.x[1]:.4g}; "
      f"drift MSE {mse_law:.3g}")
