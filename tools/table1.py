#!/usr/bin/env python3
"""Collects the drift MSE of a Table-1 sweep (jobs/table1.sh) into one Markdown table next to
the values of Saha & Ganguly's Table 1.  usage: tools/table1.py RESULTS_DIR [RESULTS_DIR ...]

Several directories are sweeps with different base seeds (SEED=2 jobs/table1.sh DIR2 ...):
each cell then shows the median over the directories that have it and, in brackets, the range.

Beside the flow and the unstructured baseline, each setting gets a row "exact family": the
least-squares fit, to the same increments (pooled on a fine grid of x), of the exact b̄ formula
of docs/method.md, "Models" with its amplitude, width and centre free,
b(x) = -a x - B u exp(-|u|^2 / (2 w^2)), u = x - c. It knows
the answer's shape and has d + 2 parameters, so its error is what the data length allows; an
estimator that learns a whole law (or a whole function) is not expected to beat it."""
import glob
import json
import os
import sys

import h5py
import numpy as np

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


def increments(data):
    """Starts x_k (M×d), increments (M×d) and spacings (M) of all trajectories."""
    t = data["trajectory/t"][:]
    x = data["trajectory/x"][:]
    # /trajectory/offsets is optional: without it the file holds one trajectory.
    offsets = data["trajectory/offsets"][:] if "offsets" in data["trajectory"] else [0]
    bounds = [int(o) for o in offsets] + [len(t)]
    starts, steps, spacing = [], [], []
    for first, end in zip(bounds[:-1], bounds[1:]):
        starts.append(x[first:end - 1])
        steps.append(np.diff(x[first:end], axis=0))
        spacing.append(np.diff(t[first:end]))
    return np.concatenate(starts), np.concatenate(steps), np.concatenate(spacing)


def binned(x, dx, dt, per_axis):
    """Transitions pooled by the cell of x_k on a fine grid: mean start, Σ increments, Σ spacings.
    Σ_k |Δx_k − b(x_k) Δ_k|² / Δ_k equals Σ_cells |G − b(x̄) S|² / S + const up to O(h²), h the
    cell width, so the least squares below see the same objective at a fraction of the cost."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    cells = np.minimum(((x - lo) / np.maximum(hi - lo, 1e-12) * per_axis).astype(np.int64),
                       per_axis - 1)
    index = np.ravel_multi_index(tuple(cells.T), (per_axis,) * x.shape[1])
    index, inverse = np.unique(index, return_inverse=True)
    count = np.bincount(inverse)
    mean = np.stack([np.bincount(inverse, x[:, a]) / count for a in range(x.shape[1])], axis=1)
    increment = np.stack([np.bincount(inverse, dx[:, a]) for a in range(x.shape[1])], axis=1)
    return mean, increment, np.bincount(inverse, dt)


def exact_family(x, a, p):
    """b(x) and its Jacobian (M×d×(d+2)) in p = (B, w^2, c_1..c_d)."""
    d = x.shape[1]
    amplitude, width2, centre = p[0], p[1], p[2:]
    u = x - centre
    g = np.exp(-np.sum(u * u, axis=1) / (2 * width2))[:, None]
    drift = -a * x - amplitude * u * g
    jacobian = np.empty(x.shape + (d + 2,))
    jacobian[:, :, 0] = -u * g
    jacobian[:, :, 1] = -amplitude * u * g * np.sum(u * u, axis=1)[:, None] / (2 * width2 ** 2)
    outer = u[:, :, None] * u[:, None, :] / width2
    jacobian[:, :, 2:] = amplitude * g[:, :, None] * (np.eye(d)[None] - outer)
    return drift, jacobian


def exact_family_mse(path):
    """Box MSE of the least-squares exact-family fit (Levenberg–Marquardt from the truth)."""
    if not os.path.exists(path):
        return None
    with h5py.File(path, "r") as data:
        model = data["model"].attrs
        if str(model["name"]) != "tagged" or "truth" not in data:
            return None
        a, big_a, ell, d = (float(model[k]) for k in ("a", "A", "ell", "d"))
        d = int(d)
        x, dx, dt = binned(*increments(data), per_axis=4000 if d == 1 else 800)
        grid, truth = data["truth/grid"][:], data["truth/drift"][:]
    # Start from the truth's amplitude and width: s^2 from the truth's peak is not needed, the
    # fit converges from the kernel's own values.
    p = np.concatenate([[big_a / ell ** 2 * 0.5, ell ** 2 + 0.2], np.full(d, 0.5)])
    weight = np.sqrt(dt)[:, None]
    damping = 1e-3
    for _ in range(100):
        drift, jacobian = exact_family(x, a, p)
        residual = (dx - drift * dt[:, None]) / weight
        J = (-jacobian * weight[:, :, None]).reshape(-1, p.size)
        r = residual.reshape(-1)
        normal, rhs = J.T @ J, -J.T @ r
        step = np.linalg.solve(normal + damping * np.diag(np.diag(normal)), rhs)
        trial = p + step
        if trial[1] > 0:
            trial_drift, _ = exact_family(x, a, trial)
            if np.sum(((dx - trial_drift * dt[:, None]) / weight) ** 2) < np.sum(r * r):
                p, damping = trial, damping / 3
                if np.max(np.abs(step)) < 1e-10:
                    break
                continue
        damping *= 10
    fitted, _ = exact_family(grid, a, p)
    return float(np.mean(np.sum((fitted - truth) ** 2, axis=1)))


def cached_exact_family_mse(path):
    """exact_family_mse, remembered in exact_family.json beside the data (keyed by name, size
    and modification time): reading 2.4e7 transitions and fitting takes 5–10 s per file."""
    if not os.path.exists(path):
        return None
    cache_path = os.path.join(os.path.dirname(path), "exact_family.json")
    try:
        with open(cache_path) as f:
            cache = json.load(f)
    except (OSError, ValueError):
        cache = {}
    status = os.stat(path)
    key = f"{os.path.basename(path)}:{status.st_size}:{status.st_mtime_ns}"
    if key not in cache:
        cache[key] = exact_family_mse(path)
        temporary = f"{cache_path}.{os.getpid()}.tmp"
        with open(temporary, "w") as f:
            json.dump(cache, f, indent=1)
        os.replace(temporary, cache_path)
    return cache[key]


def cell(values, paper):
    """'median [min–max]' of one cell's values over the sweeps (missing ones skipped)."""
    values = sorted(v for v in values if v is not None)
    if not values:
        text = "–"
    elif len(values) == 1:
        text = f"{values[0]:.2g}"
    else:
        text = f"{np.median(values):.2g} [{values[0]:.2g}–{values[-1]:.2g}]"
    return text + (f" ({paper})" if paper is not None else "")


def describe_data(results, d, N):
    """'K × T, M, Δ' of the setting's data files (all n; several if they differ)."""
    descriptions = set()
    for path in sorted(glob.glob(os.path.join(results, f"data_d{d}_N{N}_n*.h5"))):
        with h5py.File(path, "r") as f:
            options = {}
            for line in f.attrs["options"].splitlines():
                if "=" in line:
                    key, value = line.split(";")[0].split("=", 1)
                    options[key.strip()] = value.strip()
            trajectory = f["trajectory"]
            trajectories = trajectory["offsets"].shape[0] if "offsets" in trajectory else 1
            transitions = f["trajectory/t"].shape[0] - trajectories
        descriptions.add(f"{trajectories}×T={options['T']}, M={transitions:.2g}, "
                         f"Δ={options['dt_obs']}")
    return " / ".join(sorted(descriptions))


def main():
    sweeps = sys.argv[1:] or ["results/table1"]
    settings = sorted({tuple(int(p[1:]) for p in os.path.basename(f)[5:-3].split("_")[:2])
                       for results in sweeps
                       for f in glob.glob(os.path.join(results, "data_*.h5"))})
    if not settings:
        sys.exit(f"no data_*.h5 in {' '.join(sweeps)}")
    print("drift MSE against the exact b̄ over the visited box (paper's value in parentheses); "
          "data: trajectories × length, transitions M, spacing Δ")
    if len(sweeps) > 1:
        print(f"median [range] over {len(sweeps)} sweeps with different seeds: {' '.join(sweeps)}")
    print()
    print("| setting | data | estimator | " + " | ".join(f"n={n}" for n in SEPARATIONS) + " |")
    print("|---|---|---|" + "---|" * len(SEPARATIONS))
    for d, N in settings:
        data = " / ".join(sorted({describe_data(results, d, N) for results in sweeps} - {""}))
        for estimator, paper in (("flow", PAPER), ("unstructured", PAPER_UNSTRUCTURED)):
            values = [cell([mse(os.path.join(results, f"{estimator}_d{d}_N{N}_n{n}.h5"))
                            for results in sweeps], paper.get((d, N), {}).get(n))
                      for n in SEPARATIONS]
            print(f"| d={d}, N={N} | {data} | {estimator} | " + " | ".join(values) + " |")
        floors = [cell([cached_exact_family_mse(os.path.join(results, f"data_d{d}_N{N}_n{n}.h5"))
                        for results in sweeps], None)
                  for n in SEPARATIONS]
        print(f"| d={d}, N={N} | {data} | exact family | " + " | ".join(floors) + " |")


if __name__ == "__main__":
    main()
