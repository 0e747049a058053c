#!/usr/bin/env python3
"""Regroups the trajectories of msflow simulate files (post-processing; h5py).

  tools/trajectories.py pool OUT IN1 IN2 ...     all trajectories of IN1, IN2, ... in one file
  tools/trajectories.py split IN FIRST REST K    trajectories 0..K-1 to FIRST, the others to REST

The output keeps the first input's attributes, /model and /truth (so the drift MSE of a fit is
taken on that file's grid); used in the README's Table 1 section to pool two realizations and to
hold out a trajectory."""
import sys

import h5py
import numpy as np


def read_trajectories(path):
    """[(t, x)] of every trajectory in `path`."""
    with h5py.File(path, "r") as f:
        t, x = f["trajectory/t"][:], f["trajectory/x"][:]
        # /trajectory/offsets is optional: without it the file holds one trajectory.
        offsets = f["trajectory/offsets"][:] if "offsets" in f["trajectory"] else [0]
        bounds = [int(o) for o in offsets] + [len(t)]
    return [(t[a:b], x[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


def write(out, template, trajectories):
    """`trajectories` into `out`, with the attributes, /model and /truth of `template`."""
    with h5py.File(template, "r") as source, h5py.File(out, "w") as target:
        for key, value in source.attrs.items():
            target.attrs[key] = value
        for group in ("model", "truth"):
            if group in source:
                source.copy(group, target)
        trajectory = target.create_group("trajectory")
        for key, value in source["trajectory"].attrs.items():
            trajectory.attrs[key] = value
        lengths = [len(t) for t, _ in trajectories]
        trajectory["t"] = np.concatenate([t for t, _ in trajectories])
        trajectory["x"] = np.concatenate([x for _, x in trajectories])
        trajectory["offsets"] = np.cumsum([0] + lengths[:-1]).astype(np.uint64)


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "pool":
        out, inputs = sys.argv[2], sys.argv[3:]
        write(out, inputs[0], [tr for path in inputs for tr in read_trajectories(path)])
    elif len(sys.argv) == 6 and sys.argv[1] == "split":
        source, first, rest, k = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
        trajectories = read_trajectories(source)
        if not 0 < k < len(trajectories):
            sys.exit(f"split: K must be between 1 and {len(trajectories) - 1}")
        write(first, source, trajectories[:k])
        write(rest, source, trajectories[k:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
