"""`mprecover campaign run|status|table|plot FILE`: what the `mprecover` command hands over to
(`/usr/bin/python3 -m mprecover.campaign ...`, the package's folder on PYTHONPATH)."""

import argparse
import pathlib
import sys

from .._mprecover import ScenarioError
from . import Campaign, ClusterError, FolderBusy
from .task import EXCLUSIVE_RESOURCE

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

DESCRIPTION = """\
Parameter sweeps of one scenario: a grid of overrides x seeds x backends x policies, each run
a subprocess `mprecover run`, its folder named by a hash of what it runs. Re-running skips what is
done (an interrupted campaign resumes); failed runs are kept with their stderr and retried only
with --retry-failed; a changed campaign file runs only its new combinations.
"""

EPILOG = f"""\
campaign file (YAML):
  scenario: ../scenarios/wan-reset.yaml     # the base scenario, relative to the campaign file
  grid:                                     # the scenario's own dotted keys, every combination
    engine.probe.interval: [250ms, 500ms, 1s]
    topology.paths[1].delay: [10ms, 50ms]
    events[0].at: [10s, 12s]
  seeds: 3                                  # the scenario's seed and the next two; or [1, 5, 9]
  backends: [...]                           # default: the build's default (`mprecover backends`)
  policies: [...]                           # default: every policy (`mprecover policies`)

examples:
  mprecover campaign run sweep.yaml                      # local, one run per CPU
  mprecover campaign run sweep.yaml --workers 2
  mprecover campaign run sweep.yaml --scheduler tcp://head:8786   # a dask cluster
  mprecover campaign status sweep.yaml
  mprecover campaign table sweep.yaml                    # sweep.campaign/table.csv
  mprecover campaign plot sweep.yaml --metric rebuild_latency_max_s --x engine.probe.interval --out lat.png

on a cluster: `dask-scheduler` on one machine, `dask-worker tcp://head:8786` on each (under Slurm:
`srun dask-worker tcp://head:8786`), each with the same mprecover build (on PATH, at the same path,
or $MPRECOVER_BIN); machines that may run real-time backends add `--resources {EXCLUSIVE_RESOURCE}=1`.
The runs' folders come back to this machine's campaign folder.

exit codes: 0 every run of the grid done (run, status) or written (table, plot), 1 an error, a
  failed run (kept) or, for status, runs not done yet, 2 bad command line, 130 interrupted (run
  again to resume).
"""


def parser():
    top = argparse.ArgumentParser(prog="mprecover campaign", description=DESCRIPTION, epilog=EPILOG,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True, metavar="{run,status,table,plot}")

    def command(name, summary, out_help="the campaign folder (default: <FILE stem>.campaign/ beside FILE)"):
        sub = commands.add_parser(name, help=summary, description=summary)
        sub.add_argument("file", type=pathlib.Path, metavar="FILE", help="the campaign file (YAML)")
        if out_help:
            sub.add_argument("--out", type=pathlib.Path, dest="folder", metavar="DIR", help=out_help)
        return sub

    run = command("run", "run what the grid has that the campaign folder does not")
    run.add_argument("--workers", type=int, metavar="N", help="local runs at a time (default: the CPU count)")
    run.add_argument("--scheduler", metavar="ADDRESS", help="a dask scheduler, tcp://HOST:8786: run on its workers")
    run.add_argument("--retry-failed", action="store_true", help="run the failed runs again")
    run.add_argument("--quiet", action="store_true", help="no progress on stderr")
    command("status", "done, failed and not run yet, of the current grid; the failed runs' errors")
    table = command("table", "write the results as one tidy CSV: a row per run and outage")
    table.add_argument("--csv", type=pathlib.Path, metavar="FILE", help="where (default: DIR/table.csv)")
    plot = command("plot", "draw a metric against a swept key: median over seeds, range shaded", out_help=None)
    plot.add_argument("--metric", required=True, help="a column of the table, e.g. rebuild_latency_max_s")
    plot.add_argument("--x", required=True, help="a swept key, e.g. engine.probe.interval")
    plot.add_argument("--hue", default="policy", help="a line per value of this column (default: policy)")
    plot.add_argument("--col", help="a panel per value of this column (e.g. another swept key)")
    plot.add_argument("--out", type=pathlib.Path, metavar="PNG", help="the figure (default: DIR/METRIC-vs-X.png)")
    plot.add_argument("--folder", type=pathlib.Path, metavar="DIR", help="the campaign folder (default: <FILE stem>.campaign/)")
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        campaign = Campaign(args.file, out=args.folder)
        if args.command == "run":
            if args.workers is not None and args.workers < 1:
                print("mprecover campaign: --workers must be at least 1", file=sys.stderr)
                return EXIT_USAGE
            status = campaign.run(workers=args.workers, scheduler=args.scheduler, retry_failed=args.retry_failed,
                                  progress=not args.quiet)
            print(status)
            return EXIT_OK if status.complete else EXIT_ERROR
        if args.command == "status":
            status = campaign.status()
            print(status)
            return EXIT_OK if status.complete else EXIT_ERROR
        if args.command == "table":
            frame = campaign.results()
            out = args.csv or campaign.folder / "table.csv"
            out.parent.mkdir(parents=True, exist_ok=True)
            frame.to_csv(out, index=False)
            failed = int((frame["status"] != "done").sum())
            print(f"table: {out} ({len(frame)} rows of {frame['run'].nunique()} runs"
                  + (f"; {failed} rows are failed runs, status 'failed'" if failed else "") + ")")
            return EXIT_OK
        if args.command == "plot":
            import matplotlib

            matplotlib.use("Agg")
            fig = campaign.plot(args.metric, x=args.x, hue=args.hue or None, col=args.col)
            out = args.out or campaign.folder / f"{args.metric}-vs-{args.x}.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(out, dpi=120)
            print(f"plot: {out}")
            return EXIT_OK
    except ScenarioError as e:  # the campaign file's (CampaignError) or the base scenario's
        print(e, file=sys.stderr)
        return EXIT_ERROR
    except (ClusterError, FolderBusy, ValueError, ImportError, OSError) as e:
        print(f"mprecover campaign: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
