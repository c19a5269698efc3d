"""A campaign's results as one tidy table: a row per run and outage, every swept key a column,
every figure a column. Only the runs of the current grid count; a failed run is a row too, with
its status and error, so that nothing is dropped silently."""

import json

from .. import _result_frames
from .store import DONE

CAMPAIGN_COLUMNS = ("run", "status", "backend", "policy", "seed")
TAIL_COLUMNS = ("wall_s", "host", "error")


def columns(spec):
    figures = [c for c in _result_frames.OUTAGE_COLUMNS] + list(_result_frames.TOTAL_COLUMNS)
    return [*CAMPAIGN_COLUMNS, *spec.swept_keys, "scenario", *figures, *TAIL_COLUMNS]


def rows(spec, folder, records):
    """The rows of every run of the grid that has a record (done or failed), in the grid's order."""
    out = []
    for run in spec.runs:
        record = records.get(run.key)
        if record is None:
            continue
        common = {"run": run.key, "status": record["status"], "backend": run.backend, "policy": run.policy,
                  "seed": run.seed, **dict(run.point), "wall_s": record.get("wall_s"), "host": record.get("host"),
                  "error": record.get("error")}
        if record["status"] == DONE:
            summary = json.loads((folder.run_dir(run.key) / "summary.json").read_text())
            for row in _result_frames.outage_rows(summary):
                out.append({**row, **common})
        else:
            out.append({**common, "scenario": spec.scenario_name})
    return out


def dataframe(spec, folder, records):
    try:
        import pandas
    except ImportError:
        raise ImportError("a campaign's table needs pandas: apt-get install python3-pandas") from None

    return _result_frames.typed(pandas.DataFrame(rows(spec, folder, records), columns=columns(spec)))
