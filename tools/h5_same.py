#!/usr/bin/env python3
"""h5_same.py A.h5 B.h5 [--ignore NAME ...]: exit 0 if every dataset and attribute of A equals
B's bit for bit (same names, shapes, dtypes and bytes), else print the differences and exit 1.
Root attributes named with --ignore (e.g. mpi_size) are skipped, and so is the group /timings
(wall-clock figures: the one part of an output that is not reproducible)."""
import sys

import h5py
import numpy as np


def items(f, ignore):
    found = {}
    for key, value in f.attrs.items():
        if key not in ignore:
            found["/@" + key] = value

    def visit(name, obj):
        if name == "timings" or name.startswith("timings/"):
            return None
        for key, value in obj.attrs.items():
            found[f"/{name}@{key}"] = value
        if isinstance(obj, h5py.Dataset):
            found["/" + name] = obj[()]

    f.visititems(visit)
    return found


def same(a, b):
    if isinstance(a, (bytes, str)) or isinstance(b, (bytes, str)):
        return a == b
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def main():
    args = sys.argv[1:]
    ignore = set()
    while "--ignore" in args:
        i = args.index("--ignore")
        ignore.add(args[i + 1])
        del args[i : i + 2]
    a, b = (items(h5py.File(path, "r"), ignore) for path in args)
    differ = sorted(k for k in a.keys() | b.keys() if k not in a or k not in b or not same(a[k], b[k]))
    for key in differ:
        print(f"differs: {key}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
