#!/usr/bin/python3
"""Runs every benchmark of the build and writes results/bench/report.md: each figure, its target,
whether it is met, and the machine it ran on.

  engine_bench      engine events per second on one core, one 10,000-connection rebuild pass
                    (Google Benchmark, medians of 5 repetitions)
  sim_model_cost    MPTCP model against plain ns-3 TCP, wall-time ratio (one process, interleaved
                    repetitions; only when the build has the sim backend)
  rebuild_1000.py   1,000 connections rebuilt after the restore is detected, on the sim (one run:
                    it is deterministic; its wall time gives the sim's speed, also timed at 100
                    connections) and on the live kernel (median of 3 runs; only as root)
  campaign_bench.py campaigns: two local workers against one on 100+ short sim runs, the
                    machinery's cost per run, the rerun of 1,000 finished runs (only when the
                    build has the sim backend and the Python package)

Usage: bench/report.py [--build build] [--out results/bench/report.md]
A benchmark that cannot run here is listed with the reason; the exit code is 1 when a figure that
ran missed its target.
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import subprocess
import sys
import tempfile

SOURCE = pathlib.Path(__file__).resolve().parent.parent


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor() or "unknown CPU")
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{platform.system()} {platform.release()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs; load average {load} at the start"


def git_revision():
    r = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=12"], cwd=SOURCE, capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


def shown(path):
    """A path as the reader would type it: relative to the repository when it is inside."""
    return path.relative_to(SOURCE) if path.is_relative_to(SOURCE) else path


def run(command, **kwargs):
    print("$ " + " ".join(map(str, command)), file=sys.stderr, flush=True)
    return subprocess.run(list(map(str, command)), capture_output=True, text=True, **kwargs)


def engine_figures(build):
    binary = build / "bench" / "engine_bench"
    r = run([binary, "--benchmark_repetitions=5", "--benchmark_report_aggregates_only=true",
             "--benchmark_format=json"])
    if r.returncode != 0:
        raise SystemExit(f"{binary} failed:\n{r.stderr}")
    medians = {b["run_name"]: b for b in json.loads(r.stdout)["benchmarks"] if b.get("aggregate_name") == "median"}
    rows = []
    for name in ("BM_EngineEvents/100", "BM_EngineEvents/10000"):
        rate = medians[name]["events_per_s"]
        rows.append((f"engine events per second, one core ({name.split('/')[1]} connections)",
                     f"{rate / 1e6:.1f} M/s", "≥ 5 M/s", rate >= 5e6, "median of 5 repetitions"))
    rebuild = medians["BM_RebuildPass/10000"]
    ms = rebuild["real_time"] if rebuild["time_unit"] == "ms" else rebuild["real_time"] / 1e6
    rows.append(("engine time to rebuild 10,000 connections (one path-up pass)", f"{ms:.2f} ms", "≤ 10 ms", ms <= 10,
                 "median of 5 repetitions"))
    return rows, f"`{shown(binary)} --benchmark_repetitions=5`"


def sim_figures(build):
    binary = build / "bench" / "sim_model_cost"
    if not binary.exists():
        return [], "sim_model_cost: not built (this build has no sim backend)"
    r = run([binary])
    if r.returncode != 0:
        raise SystemExit(f"{binary} failed:\n{r.stderr}")
    rows = []
    for m in re.finditer(r"model/plain-TCP wall ratio, (\d+) paths?: ([\d.]+) \(medians of (\d+) and \d+ runs: "
                         r"(\d+) ms / (\d+) ms", r.stdout):
        paths, ratio, reps, model_ms, plain_ms = m.groups()
        rows.append((f"MPTCP model / plain ns-3 TCP wall time, {paths} path{'s' if paths != '1' else ''}, 20 s simulated",
                     f"{float(ratio):.2f} ({model_ms} / {plain_ms} ms)", "≤ 1.3", float(ratio) <= 1.3,
                     f"ratio of medians of {reps} interleaved repetitions in one process"))
    if not rows:
        raise SystemExit(f"{binary}: no ratio line in its output:\n{r.stdout}")
    return rows, f"`{shown(binary)}`"


def rebuild_figures(build):
    usable, skipped = [], []
    for line in run([build / "mprecover", "backends"]).stdout.splitlines():
        name, description = line.split("\t", 1)
        if "unavailable here" in description:
            skipped.append(f"{name}: " + description.split("unavailable here:", 1)[1].strip(" )"))
        else:
            usable.append(name)
    if not usable:
        return [], "rebuild_1000.py: not run (" + "; ".join(skipped) + ")"
    with tempfile.TemporaryDirectory() as tmp:
        figures_file = pathlib.Path(tmp) / "rebuild.json"
        r = run(["/usr/bin/python3", SOURCE / "bench" / "rebuild_1000.py", "--bin", build / "mprecover",
                 "--backends", ",".join(usable), "--json", figures_file] + (["--speed-100"] if "sim" in usable else []))
        print(r.stdout, file=sys.stderr)
        if not figures_file.exists():
            raise SystemExit(f"rebuild_1000.py failed:\n{r.stderr}")
        figures = json.loads(figures_file.read_text())
    rows = []
    for backend in usable:
        b = figures["backends"][backend]
        last = ", ".join(f"{f['last_s'] * 1000:.0f}" for f in b["runs"])
        counts = "; ".join(f"{f['rebuilt']} of {f['established']}" for f in b["runs"])
        rows.append((f"{backend}: last connection rebuilt after the restore is detected, of those MPTCP-established "
                     f"among {b['connections']} opened",
                     f"{b['median_s'] * 1000:.0f} ms", f"≤ {b['target_s'] * 1000:.0f} ms", b["median_s"] <= b["target_s"],
                     f"median of {len(b['runs'])} run(s) ({last} ms); rebuilt of MPTCP-established: {counts}"))
    if "sim" in usable:
        sim = figures["backends"]["sim"]["runs"][0]
        rows.append((f"sim speed at {figures['backends']['sim']['connections']} connections (bench/rebuild-1000.yaml)",
                     f"{figures['sim_speed_1000']:.2f} simulated s per wall s", "reported", None,
                     f"{sim['simulated_s']:g} s simulated in {sim['wall_s']:.0f} s"))
        hundred = figures["sim_speed_100"]
        rows.append((f"sim speed at 100 connections ({hundred['scenario']})",
                     f"{hundred['speed']:.2f} simulated s per wall s", "reported", None,
                     f"{hundred['simulated_s']:g} s simulated in {hundred['wall_s']:.0f} s"))
    detail = [l for l in r.stdout.splitlines() if " run " in l or l.startswith("sim speed")]
    sources = "`bench/rebuild_1000.py`" + ("" if not skipped else " (" + "; ".join(skipped) + ")")
    return rows, sources + "\n\n" + "\n".join(f"  - {l}" for l in detail)


def campaign_figures(build):
    if not (build / "python" / "mprecover" / "__init__.py").exists():
        return [], "campaign_bench.py: not run (this build has no Python package)"
    if "sim\t" not in run([build / "mprecover", "backends"]).stdout:
        return [], "campaign_bench.py: not run (this build has no sim backend)"
    with tempfile.TemporaryDirectory() as tmp:
        figures_file = pathlib.Path(tmp) / "campaign.json"
        r = run(["/usr/bin/python3", SOURCE / "bench" / "campaign_bench.py", "--bin", build / "mprecover",
                 "--json", figures_file])
        print(r.stdout, file=sys.stderr)
        if not figures_file.exists():
            raise SystemExit(f"campaign_bench.py failed:\n{r.stderr}")
        figures = json.loads(figures_file.read_text())
    scaling, skip, targets, met = figures["throughput"], figures["skip"], figures["targets"], figures["met"]
    one, two = scaling["workers_1"], scaling["workers_2"]
    overhead = scaling["overhead_per_run_s"]
    rows = [
        (f"campaign of {scaling['runs']} short sim runs: two local workers / one, runs per second",
         f"{scaling['speedup']:.2f}x ({two['runs_per_s']:.2f} / {one['runs_per_s']:.2f})", f"≥ {targets['speedup']}x",
         met["speedup"], f"one campaign each; load {one['load_before']} before, {two['load_after']} after"),
        ("campaign machinery per run (wall time beyond the runs', one worker)",
         f"{overhead * 1000:.0f} ms ({overhead / 2 * 100:.1f} % of a 2 s run)", "< 5 % of a 2 s run",
         met["overhead_per_run_s"], f"{scaling['runs']} runs of {scaling['mean_run_s']:.2f} s"),
        (f"rerun of a finished campaign of {skip['runs']} runs (no run), `mprecover campaign run` end to end",
         f"{skip['rerun_s']:.2f} s", f"< {targets['rerun_s']:g} s", met["rerun_s"],
         f"finished runs synthesized from one real run's folder; load {skip['rerun_load']}"),
    ]
    return rows, "`bench/campaign_bench.py`"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=SOURCE / "build", type=pathlib.Path)
    parser.add_argument("--out", default=SOURCE / "results" / "bench" / "report.md", type=pathlib.Path)
    args = parser.parse_args()
    build = args.build.resolve()
    started = datetime.datetime.now(datetime.timezone.utc)
    where = machine()

    rows, sources = [], []
    for part in (engine_figures, sim_figures, rebuild_figures, campaign_figures):
        part_rows, source = part(build)
        rows += part_rows
        sources.append(source)

    lines = [
        "# Benchmark report",
        "",
        f"Written by `make bench` (bench/report.py) on {started:%Y-%m-%d %H:%M} UTC at git revision "
        f"`{git_revision()}`.",
        f"Machine: {where}.",
        "",
        "| figure | measured | target | met | how |",
        "|---|---|---|---|---|",
    ]
    verdict = {True: "yes", False: "**no**", None: "—"}
    lines += [f"| {what} | {value} | {target} | {verdict[met]} | {how} |" for what, value, target, met, how in rows]
    lines += ["", "Sources:", ""] + [f"- {s}" for s in sources] + [
        "", "What each benchmark measures and how: bench/README.md.", ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))
    print(f"report: {args.out}", file=sys.stderr)
    return 0 if all(met is not False for *_, met, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
