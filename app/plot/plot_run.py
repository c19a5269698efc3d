#!/usr/bin/python3
"""Draws throughput.png for a run folder: per-path throughput over time, outages shaded,
detections and rebuilt subflows marked.

Usage: plot_run.py RUN_DIR   (reads timeseries.csv, events.csv and summary.json there)
Exit codes: 0 drawn, 3 matplotlib is not installed (the caller says so and goes on), 1 error.
"""
import csv
import json
import pathlib
import sys

from plot_common import NO_MATPLOTLIB, headless_pyplot


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 1
    plt = headless_pyplot()
    if plt is None:
        return NO_MATPLOTLIB

    run = pathlib.Path(argv[1])
    summary = json.loads((run / "summary.json").read_text())
    series = [r for r in read_rows(run / "timeseries.csv") if r["scope"] == "path"]
    events = read_rows(run / "events.csv")
    paths = [p["name"] for p in summary["paths"]]

    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=110)
    colors = {}
    for name in paths:
        rows = [r for r in series if r["id"] == name]
        t = [float(r["time_s"]) for r in rows]
        mbps = [float(r["throughput_bps"]) / 1e6 for r in rows]
        (line,) = ax.plot(t, mbps, label=name, linewidth=1.2)
        colors[name] = line.get_color()

    for o in summary["outages"]:
        end = o["end_s"] if o["end_s"] is not None else summary["duration_s"]
        ax.axvspan(o["start_s"], end, color=colors.get(o["path"], "grey"), alpha=0.12)
        ax.text(o["start_s"], 1.0, f" {o['kind']} {o['path']}", transform=ax.get_xaxis_transform(),
                va="top", fontsize=8)

    marks = {
        ("engine", "path_down"): ("v", "detected down"),
        ("engine", "path_up"): ("^", "detected up"),
        ("mptcp", "sub_established"): ("x", "subflow established"),
    }
    labelled = set()
    for e in events:
        key = (e["source"], e["event"])
        if key not in marks or e["path"] not in colors:
            continue
        marker, label = marks[key]
        ax.plot(float(e["time_s"]), 0, marker=marker, color=colors[e["path"]], markersize=8, clip_on=False,
                label=label if label not in labelled else None, linestyle="none")
        labelled.add(label)

    ax.set_xlabel("time (s)")
    ax.set_ylabel("throughput (Mbit/s)")
    ax.set_xlim(0, summary["duration_s"])
    ax.set_ylim(bottom=0)
    ax.set_title(f"{summary['scenario']}: {summary['backend']} backend, policy {summary['policy']}, "
                 f"seed {summary['seed']}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=6, fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(run / "throughput.png")
    print(run / "throughput.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
