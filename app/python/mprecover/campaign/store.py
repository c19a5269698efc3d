"""The campaign folder: one folder per run under runs/, named by the run's key, written whole or not
at all; run.json in each says whether it is done or failed and what it ran.

    <campaign>.campaign/
      campaign.yaml        the campaign file as last run
      runs/<key>/          summary.json, events.csv, timeseries.csv, scenario.yaml, metadata.json
                           (a done run), stderr.txt (a failed one), run.json (both)
      table.csv            `mprecover campaign table`
"""

import contextlib
import fcntl
import json
import os
import pathlib
import shutil

RECORD = "run.json"
STDERR = "stderr.txt"
DONE, FAILED = "done", "failed"


class FolderBusy(RuntimeError):
    """Another campaign process is running on the same folder."""


class CampaignFolder:
    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.runs = self.root / "runs"

    def run_dir(self, key):
        return self.runs / key

    def records(self):
        """{key: run.json as a dict} of every run folder, whatever grid it belongs to."""
        records = {}
        try:
            entries = list(os.scandir(self.runs))
        except FileNotFoundError:
            return records
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                with open(os.path.join(entry.path, RECORD)) as f:
                    records[entry.name] = json.load(f)
            except (OSError, ValueError):
                continue  # not a run folder this module wrote: left alone, not counted
        return records

    @contextlib.contextmanager
    def exclusive(self):
        """Held while a campaign runs on this folder: a second `campaign run` on it is refused."""
        self.runs.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise FolderBusy(f"another mprecover campaign is running on {self.root}") from None
            for stale in self.runs.glob(".partial-*"):  # of a campaign killed while writing
                shutil.rmtree(stale, ignore_errors=True)
            yield

    def write_run(self, key, files, record, stderr=""):
        """Writes a run's folder whole: into a hidden folder first, then renamed into place (a
        failed run's folder that is being retried is replaced)."""
        partial = self.runs / f".partial-{key}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        for name, data in files.items():
            (partial / pathlib.PurePath(name).name).write_bytes(data)
        if stderr:
            (partial / STDERR).write_text(stderr)
        (partial / RECORD).write_text(json.dumps(record, indent=2) + "\n")
        final = self.run_dir(key)
        if final.exists():
            shutil.rmtree(final)
        os.replace(partial, final)
