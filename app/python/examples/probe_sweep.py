#!/usr/bin/python3
"""Rebuild latency against the probe interval, for every policy: a campaign on a dask cluster.

Runs probe-sweep.yaml (probe interval x hold x seeds x every policy) on a dask cluster, then
prints the median rebuild latency per policy and interval and draws it, a panel per hold time.
Without --scheduler it starts a LocalCluster of worker processes on this machine; with one it uses
that cluster. The campaign code is the same either way: only the scheduler's address differs.

    PYTHONPATH=build/python app/python/examples/probe_sweep.py                  # a LocalCluster
    dask-scheduler &  dask-worker tcp://127.0.0.1:8786 &  dask-worker tcp://127.0.0.1:8786 &
    PYTHONPATH=build/python app/python/examples/probe_sweep.py --scheduler tcp://127.0.0.1:8786

A rerun skips every run that is done (the folder is probe-sweep.campaign/ beside the campaign
file unless --folder says otherwise).
"""

import argparse
import contextlib
import pathlib

import mprecover

CAMPAIGN = pathlib.Path(__file__).resolve().with_name("probe-sweep.yaml")
METRIC = "rebuild_latency_max_s"


@contextlib.contextmanager
def scheduler_address(given, workers):
    """The address to run on: the one given, or that of a LocalCluster started for the campaign."""
    if given:
        yield given
        return
    import distributed

    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scheduler", help="a dask scheduler, tcp://HOST:8786 (default: start a LocalCluster)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the LocalCluster (default: 2)")
    parser.add_argument("--folder", type=pathlib.Path, help="the campaign folder (default: probe-sweep.campaign/)")
    parser.add_argument("--png", type=pathlib.Path, default=pathlib.Path("probe-sweep.png"), help="the figure to write")
    args = parser.parse_args()

    campaign = mprecover.Campaign(CAMPAIGN, out=args.folder)
    with scheduler_address(args.scheduler, args.workers) as address:
        status = campaign.run(scheduler=address)
    print(status)

    table = campaign.results()
    done = table[table.status == "done"]
    print(f"\nmedian {METRIC} over seeds (NaN: not every connection was rebuilt):")
    print(done.pivot_table(index=["policy", "engine.probe.hold"], columns="engine.probe.interval", values=METRIC,
                           aggfunc="median", dropna=False).to_string(float_format=lambda s: f"{s:.3f}"))

    fig = campaign.plot(METRIC, x="engine.probe.interval", col="engine.probe.hold")
    for ax in fig.axes:
        ax.set_yscale("log")  # one policy waits seconds, another a fraction of the interval
    fig.savefig(args.png, dpi=120)
    print(f"\nplot: {args.png}")


if __name__ == "__main__":
    main()
