"""A run's figures as rows (one per outage) and a run's throughput as a figure: what
Result.to_dataframe() and Result.plot() give, and what a campaign's table is made of.

The columns name summary.json's figures (results/README.md describes them), flattened:
rebuild_latency_s.median becomes rebuild_latency_median_s, subflows_per_connection.before
subflows_before. pandas and matplotlib are imported when used, not with the package.
"""

# The columns of one outage, in table order (after the run's own columns).
OUTAGE_COLUMNS = (
    "outage", "outage_path", "outage_kind", "start_s", "end_s",
    "detected_down_s", "detected_up_s", "detection_s", "up_detection_s",
    "connections", "rebuilt", "rebuilt_fraction",
    "rebuild_latency_median_s", "rebuild_latency_p95_s", "rebuild_latency_max_s",
    "rebalance_s", "goodput_dip", "bytes_lost", "below_rate_s", "worst_shortfall_s",
    "request_p50_before_s", "request_p99_before_s", "request_p50_during_s", "request_p99_during_s",
    "request_p50_after_s", "request_p99_after_s", "requests_issued", "requests_failed",
    "failover_s", "failback_s", "subflows_before", "subflows_during", "subflows_after",
)
RUN_COLUMNS = ("scenario", "backend", "policy", "seed")
TOTAL_COLUMNS = ("integrity_ok", "bytes_sent", "bytes_delivered")
TEXT_COLUMNS = ("outage_path", "outage_kind", "integrity_ok")


def typed(frame):
    """The figure columns as numbers, None as NaN (a column of only "did not happen" included)."""
    import pandas

    for column in (*OUTAGE_COLUMNS, *TOTAL_COLUMNS):
        if column in frame.columns and column not in TEXT_COLUMNS:
            frame[column] = pandas.to_numeric(frame[column])
    return frame


def _minus(a, b):
    return None if a is None or b is None else a - b


def outage_rows(summary):
    """One dict per outage of a summary.json (a dict), with the run's columns; a run without an
    outage gives one row whose outage columns are None."""
    run = {key: summary.get(key) for key in RUN_COLUMNS}
    totals = {key: summary.get(key) for key in TOTAL_COLUMNS}
    rows = []
    for number, o in enumerate(summary.get("outages") or [], 1):
        latency = o.get("rebuild_latency_s") or {}
        subflows = o.get("subflows_per_connection") or {}
        rate = o.get("rate") or {}
        backup = o.get("backup") or {}
        requests = o.get("requests") or {}
        p50, p99 = requests.get("latency_p50_s") or {}, requests.get("latency_p99_s") or {}
        connections, rebuilt = o.get("connections"), o.get("rebuilt")
        rows.append({
            **run,
            "outage": number,
            "outage_path": o.get("path"),
            "outage_kind": o.get("kind"),
            "start_s": o.get("start_s"),
            "end_s": o.get("end_s"),
            "detected_down_s": o.get("detected_down_s"),
            "detected_up_s": o.get("detected_up_s"),
            "detection_s": _minus(o.get("detected_down_s"), o.get("start_s")),
            "up_detection_s": _minus(o.get("detected_up_s"), o.get("end_s")),
            "connections": connections,
            "rebuilt": rebuilt,
            "rebuilt_fraction": rebuilt / connections if connections else None,
            "rebuild_latency_median_s": latency.get("median"),
            "rebuild_latency_p95_s": latency.get("p95"),
            "rebuild_latency_max_s": latency.get("max"),
            "rebalance_s": o.get("rebalance_s"),
            "goodput_dip": o.get("goodput_dip"),
            "bytes_lost": o.get("bytes_lost"),
            "below_rate_s": rate.get("below_rate_s"),
            "worst_shortfall_s": rate.get("worst_shortfall_s"),
            **{f"request_{name}_{phase}_s": latency.get(phase)
               for name, latency in (("p50", p50), ("p99", p99)) for phase in ("before", "during", "after")},
            "requests_issued": requests.get("issued"),
            "requests_failed": requests.get("failed"),
            "failover_s": backup.get("failover_s"),
            "failback_s": backup.get("failback_s"),
            "subflows_before": subflows.get("before"),
            "subflows_during": subflows.get("during"),
            "subflows_after": subflows.get("after"),
            **totals,
        })
    if not rows:
        rows.append({**run, **{c: None for c in OUTAGE_COLUMNS}, **totals})
    return rows


def result_to_dataframe(self):
    """to_dataframe() -> pandas.DataFrame

    The run's figures, one row per outage: scenario, backend, policy, seed, outage (1, 2, ...),
    outage_path, outage_kind, start_s, end_s, detected_down_s, detected_up_s, detection_s (start
    to detected down), up_detection_s (restore to detected up), connections, rebuilt,
    rebuilt_fraction, rebuild_latency_{median,p95,max}_s, rebalance_s, goodput_dip, bytes_lost,
    below_rate_s, worst_shortfall_s (app-limited traffic only), request_{p50,p99}_{before,during,
    after}_s, requests_issued, requests_failed (request/response traffic only), failover_s, failback_s (outages of
    a path that is not a backup, with backup paths), subflows_{before,during,after}, integrity_ok,
    bytes_sent, bytes_delivered. NaN: did not happen.
    Needs pandas (apt-get install python3-pandas).
    """
    import pandas

    return typed(pandas.DataFrame(outage_rows(self.summary), columns=[*RUN_COLUMNS, *OUTAGE_COLUMNS, *TOTAL_COLUMNS]))


def result_plot(self, ax=None):
    """plot(ax=None) -> matplotlib.figure.Figure

    Throughput per path over time with the outages shaded (what throughput.png shows, without the
    markers). Draws on `ax` when given; in Jupyter the figure shows inline.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 3.8))
    else:
        fig = ax.figure
    series = self.timeseries
    rows = [r for r in _records(series) if r["scope"] == "path"]
    colors = {}
    for path in self.summary["paths"]:
        name = path["name"]
        mine = [r for r in rows if str(r["id"]) == name]
        (line,) = ax.plot([r["time_s"] for r in mine], [r["throughput_bps"] / 1e6 for r in mine], label=name)
        colors[name] = line.get_color()
    for o in self.summary["outages"]:
        end = o["end_s"] if o["end_s"] is not None else self.summary["duration_s"]
        ax.axvspan(o["start_s"], end, color=colors.get(o["path"], "grey"), alpha=0.12)
    s = self.summary
    ax.set(xlabel="time (s)", ylabel="throughput (Mbit/s)", title=f"{s['scenario']}: {s['policy']} on {s['backend']}, seed {s['seed']}")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")
    return fig


def _records(table):
    """Rows of a Result table as dicts, whether it is a numpy record array or a list of dicts."""
    if isinstance(table, list):
        return table
    names = table.dtype.names
    return [dict(zip(names, row)) for row in table.tolist()]
