#!/usr/bin/python3
"""Draws the PNGs of a comparison folder written by `mprecover compare`, per scenario:
  <scenario>-rebuild-latency.png  rebuild latency (median bar, max tick) per policy and backend,
                                  one panel per outage that was restored;
  <scenario>-throughput.png       per-path throughput over time, one panel per policy, each
                                  backend in its own line style (the first solid), outages shaded.

Usage: plot_compare.py COMPARE_DIR   (reads comparison.json and the run folders under it)
Exit codes: 0 drawn, 3 matplotlib is not installed (the caller says so and goes on), 1 error.
"""
import csv
import json
import pathlib
import sys

from plot_common import NO_MATPLOTLIB, headless_pyplot

LINE_STYLES = ["-", "--", ":", "-."]  # the backends in the order of the comparison


def path_series(run_dir):
    series = {}
    with open(run_dir / "timeseries.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["scope"] != "path":
                continue
            t, mbps = series.setdefault(row["id"], ([], []))
            t.append(float(row["time_s"]))
            mbps.append(float(row["throughput_bps"]) / 1e6)
    return series


def plot_latency(plt, scenario, out):
    runs = scenario["runs"]
    restored = [i for i, o in enumerate(runs[0]["outages"]) if o["end_s"] is not None] if runs else []
    if not restored:
        return
    policies = list(dict.fromkeys(r["policy"] for r in runs))
    backends = list(dict.fromkeys(r["backend"] for r in runs))
    fig, axes = plt.subplots(1, len(restored), figsize=(4.5 * len(restored) + 1, 4), dpi=110, squeeze=False)
    width = 0.8 / len(backends)
    for ax, i in zip(axes[0], restored):
        labelled = set()
        highest = 1.0
        for b, backend in enumerate(backends):
            for p, policy in enumerate(policies):
                run = next((r for r in runs if r["backend"] == backend and r["policy"] == policy), None)
                if run is None:
                    continue
                o = run["outages"][i]
                x = p + (b - (len(backends) - 1) / 2) * width
                latency = o["rebuild_latency_s"]
                if latency["median"] is None:
                    ax.text(x, 0.01, f"never\n({backend})", ha="center", va="bottom", fontsize=8)
                    continue
                ax.bar(x, latency["median"], width, color=f"C{b}", label=None if backend in labelled else backend)
                labelled.add(backend)
                top = latency["max"] if latency["max"] is not None else latency["p95"]
                highest = max(highest, top)
                ax.plot([x - width / 3, x + width / 3], [top, top], color="black", linewidth=1.5)
        o = runs[0]["outages"][i]
        ax.set_title(f"outage {i + 1}: {o['kind']} {o['path']} at {o['start_s']:g} s", fontsize=9)
        ax.set_xticks(range(len(policies)))
        ax.set_xticklabels(policies)
        ax.set_yscale("symlog", linthresh=0.1)
        ax.set_ylim(0, highest * 1.5)
        ax.set_ylabel("rebuild latency (s): median bar, max tick")
        ax.grid(axis="y", alpha=0.3)
        if labelled:
            ax.legend(fontsize=8)
    fig.suptitle(f"{scenario['name']}: rebuild latency after the restore")
    fig.tight_layout()
    fig.savefig(out / f"{scenario['name']}-rebuild-latency.png")
    plt.close(fig)


def plot_throughput(plt, scenario, out):
    runs = [r for r in scenario["runs"] if r["run_dirs"]]
    policies = list(dict.fromkeys(r["policy"] for r in runs))
    backends = list(dict.fromkeys(r["backend"] for r in runs))
    if not policies:
        return
    fig, axes = plt.subplots(len(policies), 1, figsize=(10, 2.8 * len(policies)), dpi=110, sharex=True, squeeze=False)
    for ax, policy in zip(axes[:, 0], policies):
        colors = {}
        for run in (r for r in runs if r["policy"] == policy):
            for name, (t, mbps) in path_series(out / run["run_dirs"][0]).items():
                color = colors.setdefault(name, f"C{len(colors)}")
                style = LINE_STYLES[backends.index(run["backend"]) % len(LINE_STYLES)]
                ax.plot(t, mbps, style, color=color, linewidth=1,
                        label=f"{name} ({run['backend']})")
        for o in next(r for r in runs if r["policy"] == policy)["outages"]:
            end = o["end_s"] if o["end_s"] is not None else ax.get_xlim()[1]
            ax.axvspan(o["start_s"], end, color=colors.get(o["path"], "grey"), alpha=0.12)
        ax.set_title(f"policy {policy}", fontsize=9)
        ax.set_ylabel("Mbit/s")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, ncol=4, loc="lower right")
    axes[-1, 0].set_xlabel("time (s)")
    names = ["solid", "dashed", "dotted", "dash-dotted"]
    styles = ", ".join(f"{b} {names[i % len(names)]}" for i, b in enumerate(backends))
    fig.suptitle(f"{scenario['name']}: throughput per path ({styles})")
    fig.tight_layout()
    fig.savefig(out / f"{scenario['name']}-throughput.png")
    plt.close(fig)


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 1
    plt = headless_pyplot()
    if plt is None:
        return NO_MATPLOTLIB
    out = pathlib.Path(argv[1])
    comparison = json.loads((out / "comparison.json").read_text())
    for scenario in comparison["scenarios"]:
        plot_latency(plt, scenario, out)
        # An update reruns some scenarios' runs (or some backends'): the others' folders may be
        # gone (results/reference keeps none in git), and their throughput plot stays as it was.
        missing = [run["run_dirs"][0] for run in scenario["runs"]
                   if not (out / run["run_dirs"][0] / "timeseries.csv").is_file()]
        if missing:
            print(f"throughput plot of {scenario['name']} left as it was: {len(missing)} of its runs are not "
                  f"in {out} (such as {missing[0]})", file=sys.stderr)
            continue
        plot_throughput(plt, scenario, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
