#!/usr/bin/env python3
"""table1_figure.py TABLE.md OUT.png: the Table-1 comparison as a figure — the drift MSE of the
flow, the unstructured baseline and the exact-family fit in every cell (d, N, n), beside the
paper's value, on a log scale.

TABLE.md is the Markdown table that tools/table1.py prints (the collecting job of
jobs/table1-array.sh writes it; docs/studies/table1.md holds the measured one). Cells read
"value (paper)" or "median [lo–hi] (paper)"; the first number is drawn, the paper's in grey."""
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

NUMBER = r"[0-9.]+(?:e[+-]?[0-9]+)?"


def read_table(path):
    """{(setting, estimator): [(ours, paper) per n]} and the n column names."""
    rows, columns = {}, []
    with open(path) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 4:
                continue
            if cells[0] == "setting":
                columns = [c.replace("n=", "n = ") for c in cells[3:]]
                continue
            if not cells[0].startswith("d="):
                continue
            values = []
            for cell in cells[3:]:
                ours = re.match(NUMBER, cell)
                paper = re.search(r"\((" + NUMBER + r")\)", cell)
                values.append((float(ours.group()) if ours else None,
                               float(paper.group(1)) if paper else None))
            rows[(cells[0].replace("=", " = ").replace(",", ","), cells[2])] = values
    if not rows:
        sys.exit(f"{path}: no Table-1 rows (| d=1, N=10 | data | estimator | ... |)")
    return rows, columns


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows, columns = read_table(sys.argv[1])
    settings = list(dict.fromkeys(setting for setting, _ in rows))
    estimators = [("flow", "tab:blue"), ("unstructured", "tab:orange"),
                  ("exact family", "tab:green")]
    fig, axes = plt.subplots(1, len(columns), figsize=(4.2 * len(columns), 4.2), sharey=True)
    axes = axes if len(columns) > 1 else [axes]
    width = 0.22
    for j, (ax, column) in enumerate(zip(axes, columns)):
        for k, (estimator, colour) in enumerate(estimators):
            xs, ys = [], []
            for i, setting in enumerate(settings):
                value = rows.get((setting, estimator), [(None, None)] * len(columns))[j][0]
                if value is not None:
                    xs.append(i + (k - 1) * width)
                    ys.append(value)
            ax.bar(xs, ys, width, color=colour, label=estimator if j == 0 else None)
        paper = [(i, rows[(s, "flow")][j][1]) for i, s in enumerate(settings)
                 if (s, "flow") in rows and rows[(s, "flow")][j][1] is not None]
        if paper:
            ax.scatter([p[0] - width for p in paper], [p[1] for p in paper], marker="_", s=400,
                       color="black", zorder=3, label="paper (flow)" if j == 0 else None)
        ax.set_yscale("log")
        ax.set_title(column)
        ax.set_xticks(range(len(settings)))
        ax.set_xticklabels([s.replace(", ", "\n") for s in settings])
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("drift MSE over the visited region")
    fig.legend(loc="upper center", ncol=4, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
