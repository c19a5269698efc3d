"""Campaigns: parameter sweeps of one scenario that resume, run on one machine or a dask cluster,
and come back as a table and plots.

    c = mprecover.Campaign("sweep.yaml")      # validates the file and every run of its grid
    c.run(workers=2)                          # or scheduler="tcp://host:8786" (dask.distributed)
    c.status()                                # done, failed, not run yet
    df = c.results()                          # pandas: a row per run and outage
    c.plot("rebuild_latency_max_s", x="engine.probe.interval")

The campaign file format is in spec.py; the folder layout in store.py; `mprecover campaign` is
__main__.py.
"""

import concurrent.futures
import dataclasses
import json
import os
import pathlib
import shutil
import signal
import time

from .. import _mprecover
from . import executors, store, table
from .executors import ClusterError
from .progress import Progress
from .spec import CampaignError, load_campaign, version_identity
from .store import DONE, FAILED, FolderBusy

__all__ = ["Campaign", "CampaignError", "CampaignStatus", "ClusterError", "FolderBusy"]


@dataclasses.dataclass
class CampaignStatus:
    """Where a campaign stands: the runs of its current grid, done, failed or not run yet; and the
    run folders that belong to an earlier grid or build (stale: never counted, never shown)."""

    file: pathlib.Path
    folder: pathlib.Path
    total: int
    done: int
    failed: int
    missing: int
    stale: int
    failures: list  # [(PlannedRun, run.json dict)]

    @property
    def complete(self):
        return self.done == self.total

    def __str__(self):
        lines = [f"campaign {self.file}: {self.total} runs, results in {self.folder}",
                 f"  {self.done} done, {self.failed} failed, {self.missing} not run yet"]
        if self.stale:
            lines.append(f"  {self.stale} run folders there belong to an earlier grid or build: not counted, not in the table")
        for run, record in self.failures:
            lines.append(f"  FAILED {run.label()}: {record.get('error')} (runs/{run.key}/)")
        if self.failed:
            lines.append("  failed runs are kept; `mprecover campaign run --retry-failed` runs them again")
        return "\n".join(lines)


class Campaign:
    """A campaign file (YAML) and its folder (default: <file stem>.campaign/ beside the file).

    Campaign(path, out=None) validates the file and every effective scenario of its grid; raises
    CampaignError ("FILE:LINE:COLUMN: KEY: message") or the base scenario's ScenarioError.
    """

    def __init__(self, path, out=None):
        self.path = pathlib.Path(path)
        self.folder = pathlib.Path(out) if out is not None else self.path.with_name(self.path.stem + ".campaign")
        self._store = store.CampaignFolder(self.folder)
        self.spec = load_campaign(self.path)

    @property
    def runs(self):
        """The planned runs of the grid (PlannedRun: key, point, backend, policy, seed)."""
        return self.spec.runs

    def _reload(self):
        """The spec of the files as they are now: read again only when one of them changed."""
        if not self.spec.is_current():
            self.spec = load_campaign(self.path)
        return self.spec

    def status(self):
        """A CampaignStatus of the current grid (the file is read again: it may have changed)."""
        return self._status(self._reload(), self._store.records())

    def _status(self, spec, records):
        planned = {run.key for run in spec.runs}
        done = sum(1 for run in spec.runs if records.get(run.key, {}).get("status") == DONE)
        failures = [(run, records[run.key]) for run in spec.runs if records.get(run.key, {}).get("status") == FAILED]
        return CampaignStatus(self.path, self.folder, len(spec.runs), done, len(failures),
                              len(spec.runs) - done - len(failures), len(set(records) - planned), failures)

    def results(self):
        """A pandas DataFrame: a row per run and outage of the current grid, failed runs included
        (status "failed", their error in `error`, no figures). Columns: run (the key), status,
        backend, policy, seed, every swept key (as the scenario reads it: seconds, bits/s, ...),
        scenario, the outage's figures (Result.to_dataframe's), wall_s, host, error."""
        spec = self._reload()
        return table.dataframe(spec, self._store, self._store.records())

    def plot(self, metric, x, hue="policy", col=None):
        """A matplotlib Figure of `metric` (a column of results()) against the swept key `x`: a line
        per `hue` value, the median over seeds with the range shaded; a panel per value of `col`.
        Shows inline in Jupyter; fig.savefig("x.png") writes it."""
        from . import plot

        return plot.figure(self.results(), metric, x, hue=hue, col=col, swept_keys=self.spec.swept_keys)

    def run(self, workers=None, scheduler=None, retry_failed=False, progress=True):
        """Runs what the grid has that the folder does not; returns a CampaignStatus.

        workers       local runs at a time (default: the CPU count); ignored with a scheduler
        scheduler     a dask scheduler address ("tcp://host:8786"), a LocalCluster or a Client:
                      the runs go to its workers (each needs the `mprecover` command of this build)
        retry_failed  run the failed runs again (else they are kept as they are, and counted)
        progress      done/failed/left and an ETA on stderr

        Every run is a subprocess `mprecover run` whose folder comes back to this machine's campaign
        folder. A run already done is skipped; Ctrl-C stops the runs (nothing partial is kept) and
        raises KeyboardInterrupt: run again to resume.
        """
        spec = self._reload()
        if scheduler is None:
            spec.check_backends_here()
        with self._store.exclusive():
            shutil.copyfile(self.path, self.folder / "campaign.yaml")
            records = self._store.records()
            before = self._status(spec, records)
            todo = [run for run in spec.runs if run.key not in records or
                    (retry_failed and records[run.key].get("status") == FAILED)]
            kept_failed = 0 if retry_failed else before.failed
            report = Progress(len(todo), before.done, kept_failed, enabled=progress)
            if not todo:
                report.note(f"nothing to run: {before.done} done, {before.failed} failed" +
                            (" (kept; --retry-failed runs them again)" if before.failed else ""))
                return before
            self._execute(spec, todo, executors.make_pool(workers, scheduler, self._needs_exclusive(todo)), report)
            return self._status(spec, self._store.records())

    @staticmethod
    def _needs_exclusive(runs):
        realtime = {b.name for b in _mprecover.backends() if not b.deterministic}
        return any(run.backend in realtime for run in runs)

    def _execute(self, spec, todo, pool, report):
        realtime = {b.name for b in _mprecover.backends() if not b.deterministic}
        command = cli_command()
        report.note(f"{len(todo)} runs to go on {pool.description}; results in {self.folder}")
        futures = {}
        interrupted = False
        try:
            for run in todo:
                job = {"key": run.key, "scenario_text": run.scenario_text, "backend": run.backend, "policy": run.policy,
                       "seed": run.seed, "command": command, "exclusive": run.backend in realtime}
                futures[pool.submit(job)] = run
            for future in concurrent.futures.as_completed(futures):
                self._gather(futures[future], future, pool, report)
        except KeyboardInterrupt:
            interrupted = True
            pool.interrupt()
            report.close()
            report.note(f"interrupted: {report.finished} of {len(todo)} runs finished and kept; "
                        "run the same command again to resume")
            raise
        finally:
            pool.close(cancel=interrupted)
        report.close()

    def _gather(self, run, future, pool, report):
        """Writes a finished run's folder with its record (done or failed)."""
        record = {"status": FAILED, "key": run.key, "scenario": self.spec.scenario_name, "backend": run.backend,
                  "policy": run.policy, "seed": run.seed, "point": dict(run.point)}
        version, revision = version_identity()
        record.update(mprecover_version=version, git_revision=revision)
        files, stderr = {}, ""
        error = future.exception()
        if error is not None:
            record["error"] = pool.lost_worker_error(error) or f"the run's task failed: {error!r}"
        else:
            outcome = future.result()
            files, stderr = outcome["files"], outcome["stderr"]
            record.update(wall_s=round(outcome["wall_s"], 3), host=outcome["host"], returncode=outcome["returncode"])
            record["error"] = outcome["error"] or _run_problem(outcome, version, revision)
            if record["error"] is None:
                record["status"] = DONE
        record["finished_at_unix_s"] = int(time.time())
        self._store.write_run(run.key, files, record, stderr if record["status"] == FAILED else "")
        report.finish_run(record["status"] == DONE, run.label(), record.get("wall_s") or 0.0,
                          None if record["status"] == DONE else f"{record['error']} (runs/{run.key}/)")


def _run_problem(outcome, version, revision):
    """Why a finished subprocess is not a done run, or None."""
    code = outcome["returncode"]
    if code != 0:
        last = next((line for line in reversed(outcome["stderr"].splitlines()) if line.strip()), "no stderr")
        how = f"killed by {_signal_name(-code)}" if code < 0 else f"exit code {code}"
        return f"mprecover run failed ({how}): {last.strip()}"
    if "summary.json" not in outcome["files"]:
        return "mprecover run exited 0 but wrote no summary.json"
    metadata = json.loads(outcome["files"].get("metadata.json", b"{}"))
    theirs = (metadata.get("mprecover_version"), metadata.get("git_revision"))
    if theirs != (version, revision):
        return (f"the mprecover on {outcome['host']} is {theirs[0]} ({theirs[1]}), this campaign's is {version} "
                f"({revision}): give every worker the same build")
    return None


def cli_command():
    """The `mprecover` command campaigns run: $MPRECOVER_BIN (set by `mprecover campaign`), else
    this build's (the build tree's for a build-tree package, the installed one otherwise), else
    the one on PATH."""
    if os.environ.get("MPRECOVER_BIN"):
        return os.environ["MPRECOVER_BIN"]
    paths = _mprecover._build_paths
    here = pathlib.Path(_mprecover.__file__).resolve().parent
    built = paths["build_cli"] if here == pathlib.Path(paths["build_package_dir"]).resolve() else paths["installed_cli"]
    return built if os.access(built, os.X_OK) else (shutil.which("mprecover") or built)


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
