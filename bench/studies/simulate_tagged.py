#!/usr/bin/python3
"""Independent simulator of the `tagged` multiscale model, for judging `msflow fit` on data that
msflow did not generate.

This script shares no code with msflow's C++ simulator (only numpy and h5py). It writes trajectory
files in the layout `msflow fit --data FILE.h5` reads, together with the exact averaged drift
(/truth), so that a fit's drift error can be measured against a second, independent realization
of the same model.

Model (slow dimension d = 1 or 2; N solvent particles; fast/slow time-scale ratio n)
-------------------------------------------------------------------------------------
  slow  X in R^d:        dX = b(X, Y) dt + sigma0 dW
        b(x, y) = -grad V(x) - (1/N) sum_i grad Phi(x - y_i),
        Phi(r)  = -A exp(-|r|^2 / (2 ell^2)),  grad Phi(r) = (A/ell^2) r exp(-|r|^2 / (2 ell^2)),
        V(x)    = (a/2)|x|^2            (--V harmonic,    grad V = a x)
        V(x)    = (|x|^2 - 1)^2 / 4     (--V double-well, grad V = (|x|^2 - 1) x)
  fast  Y = (y_1..y_N), y_i in R^d:    dY = -n grad U(Y) dt + sqrt(2n/beta) dW~
        U(y) = sum_i (k/2)|y_i - c|^2 + (k_s/2) sum_{i<j} |y_i - y_j|^2   (c = (c, ..., c))

The fast dynamics does not depend on X, is linear and decouples per coordinate axis into
  * the centre-of-mass mode ybar = mean_i y_i: OU with rate k (in fast time tau = n t),
    mean c, stationary variance 1/(beta k N);
  * the N-1 relative modes z_i = y_i - ybar: OU with rate k + k_s N, stationary covariance
    (1/(beta (k + k_s N))) (I - 1 1^T / N)  (i.i.d. normals projected onto the zero-sum subspace).
Each particle's stationary marginal variance per axis is therefore
        s^2 = [ (1 - 1/N)/(k + k_s N) + 1/(k N) ] / beta.
The fast state starts from its stationary law and is advanced EXACTLY in law over each fine step
h (OU transition over fast time tau = n h; one vector of N i.i.d. normals per axis gives both the
centre-of-mass noise, sqrt(N) * mean, and the relative noise, the zero-sum projection; the two are
independent). Since the fast process does not see X, whole chunks of it are generated at once with
a parallel prefix scan of the linear recursion. X is advanced by Euler-Maruyama with the same fine
step h, using Y at the start of the step.

Exact averaged drift (the /truth written to the file): with u = x - c,
        bbar(x) = -grad V(x)
                  - (A/ell^2) (ell^2/(ell^2 + s^2))^(d/2 + 1) u exp(-|u|^2 / (2 (ell^2 + s^2)))
(Gaussian average of grad Phi(x - y) over y ~ N(c, s^2 I)), and Sigma_bar = sigma0^2 I.

Output (HDF5)
-------------
  /trajectory/t        (M+1,)     observation times; several trajectories are concatenated, each
                                  starting at t = 0
  /trajectory/x        (M+1, d)   observed X
  /trajectory/offsets  (K,) int64 first row of each trajectory (always written)
  /truth/grid          (G, d)     tensor grid over the bounding box of all observed x, --grid
                                  points per axis, equally spaced from min to max, axis 0 slowest
                                  (G = grid^d)
  /truth/drift         (G, d)     bbar on the grid
  /truth/diffusion     (G, d, d)  sigma0^2 I
  root attributes: generator = "bench/studies/simulate_tagged.py", arguments = the command line,
                   parameters = JSON of all resolved settings (fine step, seed, s^2, ...).

Observations are every dt_obs (M = round(T/dt_obs) intervals); with --uneven each trajectory gets
its own gaps drawn uniformly from {0.5, 1, 1.5} x dt_obs (then the number of fine steps per
observation interval, --fine, must be even) until T is reached. The default --fine is the
smallest count with h = dt_obs/fine <= 0.1/n (rounded up to even with --uneven).

Examples
--------
  /usr/bin/python3 bench/studies/simulate_tagged.py --T 1000 --n 200 --N 12 --seed 1 --out tagged.h5
  /usr/bin/python3 bench/studies/simulate_tagged.py --d 2 --V double-well --trajectories 4 \\
      --T 250 --uneven --seed 2 --out tagged2.h5
  /usr/bin/python3 bench/studies/simulate_tagged.py --check --N 12 --n 100   # fast-process check
"""
import argparse
import json
import math
import shlex
import sys
import time

import h5py
import numpy as np

GENERATOR = "bench/studies/simulate_tagged.py"


# ------------------------------------------------------------------------------------------------
# model pieces
# ------------------------------------------------------------------------------------------------
def stationary_variance(N, k, ks, beta):
    """s^2: per-axis stationary variance of one solvent particle."""
    return ((1.0 - 1.0 / N) / (k + ks * N) + 1.0 / (k * N)) / beta


def grad_V(x, potential, a):
    """grad V at x (..., d)."""
    if potential == "harmonic":
        return a * x
    return ((x * x).sum(axis=-1, keepdims=True) - 1.0) * x


def averaged_drift(x, p):
    """Exact averaged drift bbar at the rows of x (G, d)."""
    s2 = stationary_variance(p.N, p.k, p.ks, p.beta)
    l2 = p.ell ** 2
    u = x - p.c
    factor = (p.A / l2) * (l2 / (l2 + s2)) ** (x.shape[1] / 2.0 + 1.0)
    envelope = np.exp(-(u * u).sum(axis=1, keepdims=True) / (2.0 * (l2 + s2)))
    return -grad_V(x, p.V, p.a) - factor * u * envelope


def linear_scan(e, a):
    """In place: e[j] <- sum_{i<=j} a^(j-i) e[i] along axis 0, i.e. the recursion
    y_0 = e_0, y_j = a y_{j-1} + e_j, by a Hillis-Steele prefix scan (log2(len) passes; all
    coefficients are <= 1, so it is as stable as the plain recursion)."""
    shift, power = 1, a
    while shift < e.shape[0] and power > 1e-30:  # smaller terms are far below rounding
        e[shift:] += power * e[:-shift]           # right side is a temporary: no aliasing
        shift, power = 2 * shift, power * power
    return e


class FastOU:
    """The solvent particles of R independent copies, advanced exactly in law.

    State: ybar (R, d) centre of mass, z (R, N, d) relative deviations (zero sum over N)."""

    def __init__(self, p, h, R, rng):
        self.N, self.d, self.c, self.rng = p.N, p.d, p.c, rng
        tau = p.n * h                                   # fast time per fine step
        rate_cm, rate_rel = p.k, p.k + p.ks * p.N
        self.var_cm = 1.0 / (p.beta * p.k * p.N)        # stationary variance of ybar
        self.var_rel = 1.0 / (p.beta * rate_rel)        # scale of the relative covariance
        self.a_cm, self.a_rel = math.exp(-rate_cm * tau), math.exp(-rate_rel * tau)
        self.sd_cm = math.sqrt(self.var_cm * -math.expm1(-2.0 * rate_cm * tau))
        self.sd_rel = math.sqrt(self.var_rel * -math.expm1(-2.0 * rate_rel * tau))
        xi = rng.standard_normal((R, self.N, self.d))
        m = xi.mean(axis=1)                             # ~ N(0, 1/N), independent of xi - m
        self.ybar = self.c + math.sqrt(self.var_cm * self.N) * m
        self.z = math.sqrt(self.var_rel) * (xi - m[:, None, :])

    def positions(self):
        return self.ybar[:, None, :] + self.z

    def advance(self, L):
        """Advances L fine steps; returns the positions at steps 0..L, shape (L+1, R, N, d)
        (index 0 = the state before the call)."""
        R = self.ybar.shape[0]
        xi = self.rng.standard_normal((L, R, self.N, self.d))
        m = xi.mean(axis=2)                                       # (L, R, d)
        cm = np.empty((L + 1, R, self.d))
        cm[0] = self.ybar - self.c
        np.multiply(m, self.sd_cm * math.sqrt(self.N), out=cm[1:])
        linear_scan(cm, self.a_cm)
        rel = np.empty((L + 1, R, self.N, self.d))
        rel[0] = self.z
        np.subtract(xi, m[:, :, None, :], out=rel[1:])
        rel[1:] *= self.sd_rel
        linear_scan(rel, self.a_rel)
        self.ybar = self.c + cm[-1]
        self.z = rel[-1] - rel[-1].mean(axis=1, keepdims=True)   # keep the sum exactly zero
        rel += cm[:, :, None, :]
        rel += self.c
        return rel


# ------------------------------------------------------------------------------------------------
# observation plan
# ------------------------------------------------------------------------------------------------
def observation_plan(p, rng_gaps):
    """Per trajectory: (step index of each observation, its time). Steps are fine steps."""
    plans = []
    if not p.uneven:
        M = int(round(p.T / p.dt_obs))
        j = np.arange(M + 1, dtype=np.int64)
        for _ in range(p.trajectories):
            plans.append((j * p.fine, j * p.dt_obs))
        return plans
    unit = p.dt_obs / 2.0                               # gaps are 1, 2 or 3 half-intervals
    units_total = int(math.floor(p.T / unit + 1e-9))
    for _ in range(p.trajectories):
        gaps = rng_gaps.integers(1, 4, size=units_total)
        u = np.concatenate(([0], np.cumsum(gaps)))
        u = u[u <= units_total].astype(np.int64)
        plans.append((u * (p.fine // 2), u * unit))
    return plans


# ------------------------------------------------------------------------------------------------
# simulation
# ------------------------------------------------------------------------------------------------
def simulate(p, seed_sequence, log):
    rng_fast, rng_slow, rng_gaps, rng_init = [np.random.default_rng(s)
                                              for s in seed_sequence.spawn(4)]
    R, d, N, h = p.trajectories, p.d, p.N, p.h
    plans = observation_plan(p, rng_gaps)
    total_steps = max(int(steps[-1]) for steps, _ in plans)
    fast = FastOU(p, h, R, rng_init)
    xs = [np.empty((len(steps), d)) for steps, _ in plans]
    X = np.tile(np.asarray(p.x0, dtype=float), (R, 1))
    for r in range(R):
        xs[r][0] = X[r]
    filled = [1] * R

    sqrt_h_sigma = p.sigma0 * math.sqrt(h)
    minus_half_over_l2 = -0.5 / p.ell ** 2
    coupling = h * p.A / (p.ell ** 2 * N)               # h (A/ell^2)(1/N)
    harmonic = p.V == "harmonic"
    chunk = max(1, min(total_steps, int(2_000_000 // (R * N * d))))
    start, done, last_report = time.time(), 0, time.time()
    while done < total_steps:
        L = min(chunk, total_steps - done)
        Y = fast.advance(L)                                       # (L+1, R, N, d)
        noise = rng_slow.standard_normal((L, R, d))
        noise *= sqrt_h_sigma
        Xh = np.empty((L + 1, R, d))
        Xh[0] = X
        for j in range(L):                                        # Euler-Maruyama, Y at step start
            x = Xh[j]
            D = x[:, None, :] - Y[j]                              # (R, N, d)
            w = np.exp((D * D).sum(axis=2) * minus_half_over_l2)  # (R, N)
            pull = np.matmul(w[:, None, :], D)[:, 0, :]           # sum_i w_i (x - y_i), (R, d)
            if harmonic:
                step = x * (1.0 - h * p.a)
            else:
                step = x - h * ((x * x).sum(axis=1, keepdims=True) - 1.0) * x
            np.subtract(step, coupling * pull, out=Xh[j + 1])
            Xh[j + 1] += noise[j]
        X = Xh[L].copy()
        for r, (steps, _) in enumerate(plans):                    # observations in (done, done+L]
            hi = int(np.searchsorted(steps, done + L, side="right"))
            lo = filled[r]
            if hi > lo:
                xs[r][lo:hi] = Xh[steps[lo:hi] - done, r]
                filled[r] = hi
        done += L
        if not np.all(np.isfinite(X)):
            sys.exit("simulate_tagged: X is no longer finite (step too large?)")
        if time.time() - last_report > 10:
            last_report = time.time()
            log(f"  {done}/{total_steps} fine steps ({100 * done / total_steps:.0f}%), "
                f"{last_report - start:.0f} s")
    assert all(f == len(steps) for f, (steps, _) in zip(filled, plans))
    return [t for _, t in plans], xs


def truth_grid(x_all, points):
    """Tensor grid over the bounding box of x_all (rows), axis 0 slowest (as msflow's grids)."""
    lo, hi = x_all.min(axis=0), x_all.max(axis=0)
    i = np.arange(points)
    fraction = i / (points - 1) if points > 1 else np.full(1, 0.5)
    axes = [lo[a] + fraction * (hi[a] - lo[a]) for a in range(x_all.shape[1])]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.reshape(-1) for m in mesh], axis=1)


def write_file(p, times, xs, seed_entropy, argv):
    d = p.d
    lengths = [len(t) for t in times]
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    x_all = np.concatenate(xs)
    grid = truth_grid(x_all, p.grid)
    drift = averaged_drift(grid, p)
    diffusion = np.broadcast_to(p.sigma0 ** 2 * np.eye(d), (len(grid), d, d)).copy()
    parameters = {key: value for key, value in vars(p).items()
                  if key not in ("out", "check", "chains", "check_samples")}
    parameters.update(seed_entropy=str(seed_entropy),
                      s2=stationary_variance(p.N, p.k, p.ks, p.beta), model="tagged")
    with h5py.File(p.out, "w") as f:
        f.attrs["generator"] = GENERATOR
        f.attrs["arguments"] = shlex.join(argv)
        f.attrs["parameters"] = json.dumps(parameters, sort_keys=True)
        g = f.create_group("trajectory")
        g["t"] = np.concatenate(times).astype(np.float64)
        g["x"] = x_all.astype(np.float64)
        g["offsets"] = offsets
        g.attrs["fine_step"] = p.h
        g.attrs["dynamics"] = "multiscale"
        g.attrs["fast_scheme"] = "exact Ornstein-Uhlenbeck transition"
        tr = f.create_group("truth")
        tr["grid"] = grid
        tr["drift"] = drift
        tr["diffusion"] = diffusion
        tr.attrs["description"] = ("exact averaged drift and diffusion of the tagged model on a "
                                   "tensor grid over the bounding box of the paths")
        tr.attrs["points_per_axis"] = np.int64(p.grid)
    return len(x_all), len(grid)


# ------------------------------------------------------------------------------------------------
# --check: the fast process alone
# ------------------------------------------------------------------------------------------------
def check(p, seed_sequence, log):
    """Starts R chains of the fast process far from equilibrium (all particles at c + 3, so
    zero relative spread), lets them relax, then samples well-separated states and compares the
    moments with the exact stationary law; also checks the averaged coupling against /truth."""
    rng_fast, rng_mc = [np.random.default_rng(s) for s in seed_sequence.spawn(2)]
    R, N, d = p.chains, p.N, p.d
    fast = FastOU(p, p.h, R, rng_fast)
    fast.ybar[:] = p.c + 3.0
    fast.z[:] = 0.0
    tau = p.n * p.h
    gap = max(1, int(math.ceil(3.0 / (p.k * tau))))       # >= 3 centre-of-mass relaxation times
    burn = max(1, int(math.ceil(40.0 / (p.k * tau))))     # e^-40 of the initial offset remains
    burn = gap * int(math.ceil(burn / gap))
    samples = p.check_samples
    log(f"check: d={d} N={N} n={p.n} k={p.k} ks={p.ks} beta={p.beta} c={p.c}; fine step "
        f"h={p.h:g} (fast time {tau:g}/step); {R} chains, burn-in {burn} steps, "
        f"{samples} samples {gap} steps apart ({burn + samples * gap} steps)")
    for _ in range(0, burn, gap):                           # in chunks, to bound memory
        fast.advance(gap)
    per_chain = np.empty((samples, R))     # mean over particles and axes of (y - c)^2
    cm_sq = np.empty((samples, R))         # mean over axes of (ybar - c)^2
    rel_sq = np.empty((samples, R))        # mean over particles and axes of (y - ybar)^2
    mean_dev = np.empty((samples, R))      # mean over particles and axes of (y - c)
    lag1 = np.empty((samples, R))          # mean over axes of (ybar_j - c)(ybar_{j+1} - c)
    kept = []
    for s in range(samples):
        path = fast.advance(gap)
        y = path[-1]                                              # (R, N, d)
        ybar = y.mean(axis=1)
        per_chain[s] = ((y - p.c) ** 2).mean(axis=(1, 2))
        cm_sq[s] = ((ybar - p.c) ** 2).mean(axis=1)
        rel_sq[s] = ((y - ybar[:, None, :]) ** 2).mean(axis=(1, 2))
        mean_dev[s] = (y - p.c).mean(axis=(1, 2))
        prev = path[-2].mean(axis=1)
        lag1[s] = ((prev - p.c) * (ybar - p.c)).mean(axis=1)
        kept.append(y[: min(R, 500)].reshape(-1, d).copy())

    def row(name, values, exact):
        est, se = values.mean(), values.std(ddof=1) / math.sqrt(values.size)
        z = (est - exact) / se
        log(f"  {name:<34} empirical {est:.6f} +- {se:.6f}   exact {exact:.6f}   "
            f"z = {z:+.2f}")
        return abs(z)

    s2 = stationary_variance(N, p.k, p.ks, p.beta)
    var_cm, var_rel = 1.0 / (p.beta * p.k * N), (1.0 - 1.0 / N) / (p.beta * (p.k + p.ks * N))
    zs = [row("per-particle variance s^2", per_chain, s2),
          row("  centre-of-mass variance", cm_sq, var_cm),
          row("  relative variance (1-1/N)/..", rel_sq, var_rel),
          row("mean y - c", mean_dev, 0.0),
          row("lag-1 cov of ybar (one fine step)", lag1, var_cm * math.exp(-p.k * tau))]

    # Averaged coupling: Monte Carlo over stationary particles vs the closed form in /truth.
    ys = np.concatenate(kept)[:, None, :]                         # (S, 1, d)
    xpts = np.linspace(p.c - 2.0, p.c + 2.0, 5)
    log(f"  averaged coupling -(A/ell^2) E[(x-y)exp(-|x-y|^2/2ell^2)], first axis, "
        f"{ys.shape[0]} stationary samples:")
    p_noV = argparse.Namespace(**vars(p))
    p_noV.V, p_noV.a = "harmonic", 0.0
    for xv in xpts:
        x = np.full((1, d), xv)
        x[0, 1:] = p.c + 0.3                                      # off-centre second axis (d=2)
        D = x[None] - ys                                          # (S, 1, d)
        f = -(p.A / p.ell ** 2) * D[:, 0, 0] * np.exp(-(D[:, 0] ** 2).sum(axis=1)
                                                      / (2 * p.ell ** 2))
        exact = averaged_drift(x, p_noV)[0, 0]
        # particles of one chain are correlated: error from the (nearly independent) sample times
        blocks = f.reshape(len(kept), -1).mean(axis=1)
        se = blocks.std(ddof=1) / math.sqrt(len(blocks))
        z = (f.mean() - exact) / se if se > 0 else 0.0
        zs.append(abs(z))
        log(f"    x = {xv:+.2f}: empirical {f.mean():+.6f} +- {se:.6f}   exact {exact:+.6f}   "
            f"z = {z:+.2f}")
    ok = max(zs) < 4.0
    log("check " + ("PASSED" if ok else "FAILED") + f" (largest |z| = {max(zs):.2f}; "
        "pass means every |z| < 4)")
    return ok


# ------------------------------------------------------------------------------------------------
def parse(argv):
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="See the docstring at the top of this file for the equations and output layout.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--d", type=int, default=1, choices=(1, 2), help="slow dimension")
    ap.add_argument("--N", type=int, default=10, help="number of solvent particles")
    ap.add_argument("--n", type=float, default=100.0, help="time-scale ratio (fast speed-up)")
    ap.add_argument("--V", default="harmonic", choices=("harmonic", "double-well"))
    ap.add_argument("--a", type=float, default=1.0, help="harmonic stiffness")
    ap.add_argument("--A", type=float, default=1.0, help="coupling amplitude")
    ap.add_argument("--ell", type=float, default=0.5, help="coupling range")
    ap.add_argument("--k", type=float, default=1.0, help="tether of each particle to c")
    ap.add_argument("--ks", type=float, default=0.5, help="pairwise spring between particles")
    ap.add_argument("--beta", type=float, default=1.0, help="inverse temperature of the solvent")
    ap.add_argument("--c", type=float, default=0.5, help="tether centre (every axis)")
    ap.add_argument("--sigma0", type=float, default=0.5, help="slow noise amplitude")
    ap.add_argument("--x0", type=float, nargs="+", default=None,
                    help="initial X (d numbers; default the origin)")
    ap.add_argument("--T", type=float, default=100.0, help="length of each trajectory")
    ap.add_argument("--dt-obs", type=float, default=0.01, help="observation interval")
    ap.add_argument("--fine", type=int, default=None,
                    help="fine steps per observation interval (default: smallest with "
                         "h <= 0.1/n, even with --uneven)")
    ap.add_argument("--trajectories", type=int, default=1)
    ap.add_argument("--seed", type=int, default=None, help="default: fresh entropy (recorded)")
    ap.add_argument("--uneven", action="store_true",
                    help="observation gaps drawn from {0.5, 1, 1.5} x dt_obs")
    ap.add_argument("--out", default="tagged.h5", help="output HDF5 file")
    ap.add_argument("--grid", type=int, default=None,
                    help="truth grid points per axis (default 101 for d=1, 41 for d=2)")
    ap.add_argument("--check", action="store_true",
                    help="only check the fast process against its stationary law, then exit")
    ap.add_argument("--chains", type=int, default=2000, help="--check: independent chains")
    ap.add_argument("--check-samples", type=int, default=200,
                    help="--check: well-separated samples per chain")
    p = ap.parse_args(argv)
    for name in ("N", "trajectories", "chains", "check_samples"):
        if getattr(p, name) < 1:
            ap.error(f"--{name.replace('_', '-')} must be >= 1")
    for name in ("n", "k", "beta", "ell", "T", "dt_obs"):
        if not getattr(p, name) > 0:
            ap.error(f"--{name.replace('_', '-')} must be > 0")
    if p.ks < 0 or p.sigma0 < 0:
        ap.error("--ks and --sigma0 must be >= 0")
    if p.fine is None:
        p.fine = max(1, int(math.ceil(p.dt_obs * p.n / 0.1 - 1e-9)))
        if p.uneven and p.fine % 2:
            p.fine += 1
    elif p.fine < 1 or (p.uneven and p.fine % 2):
        ap.error("--fine must be >= 1 (and even with --uneven, so half intervals are whole steps)")
    p.h = p.dt_obs / p.fine
    if p.grid is None:
        p.grid = 101 if p.d == 1 else 41
    if p.grid < 1:
        ap.error("--grid must be >= 1")
    if p.x0 is None:
        p.x0 = [0.0] * p.d
    if len(p.x0) == 1 and p.d > 1:
        p.x0 = p.x0 * p.d
    if len(p.x0) != p.d:
        ap.error("--x0 needs d numbers")
    return p


def main(argv):
    p = parse(argv)
    log = lambda text: print(text, flush=True)
    seed_sequence = np.random.SeedSequence(p.seed)
    if p.check:
        return 0 if check(p, seed_sequence, log) else 1
    log(f"tagged: d={p.d} N={p.N} n={p.n:g} V={p.V} T={p.T:g} dt_obs={p.dt_obs:g} "
        f"fine={p.fine} (h={p.h:g}) trajectories={p.trajectories}"
        f"{' uneven' if p.uneven else ''}; s^2={stationary_variance(p.N, p.k, p.ks, p.beta):.6g}")
    start = time.time()
    times, xs = simulate(p, seed_sequence, log)
    rows, grid = write_file(p, times, xs, seed_sequence.entropy, argv)
    log(f"wrote {p.out}: {rows} observations in {len(times)} trajector"
        f"{'y' if len(times) == 1 else 'ies'}, truth on {grid} grid points "
        f"({time.time() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
