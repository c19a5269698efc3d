#!/usr/bin/python3
"""Rebuild latency of wan-reset against the recovery settings, as a figure.

Left: the omr policy (OpenMPTCProuter's tracker) for several omr_wait values: the wait before the
endpoint flap adds to the latency one for one. Right: the rebuild policy for several probe
intervals: it rebuilds once the next probe comes back. The scenario is shortened to two
connections on 10 Mbit/s paths to keep each run a few seconds (the latencies hardly depend on
it), and the restore moved to 25.1 s so that it falls between probes.

    PYTHONPATH=build/pybind pybind/examples/sweep_recovery.py [--out rebuild-latency.png] [--quick]

Runs go to a temporary folder each (see mprecover.run); they run in parallel processes, since
runs in one process take turns.
"""

import argparse
import concurrent.futures
import os
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import mprecover  # noqa: E402

SCENARIO = pathlib.Path(__file__).resolve().parents[2] / "scenarios" / "wan-reset.yaml"


def variant(policy, omr_wait=None, interval=None):
    s = mprecover.load(SCENARIO)
    s.traffic.connections = 2
    for path in s.paths:
        path.rate = "10Mbit"
    s.events[1].at = 25.1
    s.engine.policy = policy
    if omr_wait is not None:
        s.engine.omr_wait = omr_wait
    if interval is not None:
        s.engine.probe.interval = interval
    return s


def rebuild_latency(settings):
    result = mprecover.run(variant(**settings))
    outage = result.summary["outages"][0]
    return outage["rebuild_latency_s"]["median"], outage["rebuilt"], outage["connections"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="rebuild-latency.png", help="the figure to write")
    parser.add_argument("--quick", action="store_true", help="three points per curve")
    args = parser.parse_args()

    waits = [0, 7.5, 15] if args.quick else [0, 5, 10, 15]
    intervals = [0.25, 1, 4] if args.quick else [0.25, 0.5, 1, 2, 4]
    jobs = [{"policy": "omr", "omr_wait": w} for w in waits] + [{"policy": "rebuild", "interval": i} for i in intervals]
    with concurrent.futures.ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        results = list(pool.map(rebuild_latency, jobs))
    for job, (latency, rebuilt, connections) in zip(jobs, results):
        print(f"{job}: rebuilt {rebuilt}/{connections}, median rebuild latency {latency} s")

    omr = [r[0] for r in results[: len(waits)]]
    rebuild = [r[0] for r in results[len(waits) :]]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    left.plot(waits, omr, "o-")
    left.set(title="omr policy (probe every 2 s, 5 to come up)", xlabel="omr_wait (s)", ylabel="median rebuild latency (s)")
    right.plot(intervals, rebuild, "o-", color="tab:green")
    right.set(title="rebuild policy", xlabel="engine.probe.interval (s)")
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
    fig.suptitle("wan-reset: wan2 reset 10 s to 25.1 s, time from restore to subflows rebuilt")
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
