"""What a Result gives: summary, events and timeseries, with and without numpy."""

import json
import subprocess
import sys

import numpy

import mprecover


def test_summary_is_summary_json(wan_reset_runs):
    r = wan_reset_runs("rebuild")
    assert r.summary == json.loads((r.out_dir / "summary.json").read_text())
    assert r.summary["scenario"] == "wan-reset" and r.summary["backend"] == "sim" and r.summary["seed"] == 1
    assert not r.interrupted and r.end_s == 60.0
    assert {"events.csv", "timeseries.csv", "scenario.yaml", "metadata.json"} <= {p.name for p in r.out_dir.iterdir()}
    # The file ran unedited: the folder keeps a copy of it.
    assert (r.out_dir / "scenario.yaml").read_text().startswith("name: wan-reset\ndescription: >")


def test_events_and_timeseries_are_numpy_record_arrays(wan_reset_runs):
    r = wan_reset_runs("rebuild")
    ev, ts = r.events, r.timeseries
    assert isinstance(ev, numpy.recarray) and isinstance(ts, numpy.recarray)
    assert ev.dtype.names == ("time_s", "source", "event", "path", "connection", "detail")
    assert ts.dtype.names == ("time_s", "scope", "id", "bytes", "throughput_bps", "subflows_up", "path",
                              "local_address", "local_port", "remote_address", "remote_port", "rtt_s", "cwnd",
                              "retransmissions")
    assert ev.time_s.dtype == numpy.float64 and ts.bytes.dtype == numpy.int64
    assert numpy.all(numpy.diff(ev.time_s) >= 0)
    scenario = ev[ev.source == "scenario"]
    assert list(zip(scenario.time_s, scenario.event, scenario.path)) == [(10.0, "reset", "wan2"), (25.0, "restore", "wan2")]
    assert len(ev[(ev.source == "mptcp") & (ev.event == "sub_established")]) >= 4
    assert set(ts.scope) == {"path", "connection", "subflow"}


def test_subflow_rows_follow_the_subflows_through_the_reset(wan_reset_runs):
    r = wan_reset_runs("rebuild")
    ts = r.timeseries
    sub = ts[ts.scope == "subflow"]
    assert r.summary["scheduler"] == "min-rtt model"
    # Every 100 ms, one row per established subflow: the 4 connections on both paths, wan2's gone
    # during the outage (10 s to 25 s) and back after the rebuild.
    assert set(sub.path) == {"wan1", "wan2"} and set(sub.remote_port) == {5201}
    on_wan2 = lambda t: len(sub[(numpy.isclose(sub.time_s, t)) & (sub.path == "wan2")])
    assert (on_wan2(9.0), on_wan2(20.0), on_wan2(27.0)) == (4, 0, 4)
    assert numpy.all(sub.rtt_s[sub.time_s > 5] > 0.01) and numpy.all(sub.cwnd[sub.time_s > 5] >= 1)
    # What the subflows on a path had acknowledged is what the path carried (their byte streams
    # also hold the model's few bytes of DSS framing).
    at9 = numpy.isclose(ts.time_s, 9.0)
    wan1_path = ts[at9 & (ts.scope == "path") & (ts.id == "wan1")].bytes[0]
    wan1_subflows = sub[numpy.isclose(sub.time_s, 9.0) & (sub.path == "wan1")].bytes.sum()
    assert wan1_path > 10_000_000 and abs(wan1_subflows / wan1_path - 1) < 0.05, (wan1_subflows, wan1_path)
    # Bytes acknowledged only grow along one subflow (its connection, path and local port).
    for key in {(c, p, port) for c, p, port in zip(sub.id, sub.path, sub.local_port)}:
        mine = sub[(sub.id == key[0]) & (sub.path == key[1]) & (sub.local_port == key[2])]
        assert numpy.all(numpy.diff(mine.bytes) >= 0)
    # The re-created subflows on wan2 use new ports.
    before = {(c, port) for c, p, port, t in zip(sub.id, sub.path, sub.local_port, sub.time_s) if p == "wan2" and t < 10}
    after = {(c, port) for c, p, port, t in zip(sub.id, sub.path, sub.local_port, sub.time_s) if p == "wan2" and t > 26}
    assert len(before) == len(after) == 4 and not before & after


def test_without_numpy_they_are_lists_of_dicts(wan_reset_runs):
    out_dir = wan_reset_runs("rebuild").out_dir
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "import mprecover\n"
        f"r = mprecover.read_results({str(out_dir)!r})\n"
        "ev, ts = r.events, r.timeseries\n"
        "assert isinstance(ev, list) and isinstance(ev[0], dict), type(ev)\n"
        "assert isinstance(ev[0]['time_s'], float) and isinstance(ts[0]['bytes'], int)\n"
        "assert any(e['connection'] is None for e in ev) and any(isinstance(e['connection'], int) for e in ev)\n"
        "print(r.summary['outages'][0]['rebuilt'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "4"


def test_read_results_gives_the_same_data(wan_reset_runs):
    r = wan_reset_runs("kernel")
    again = mprecover.read_results(r.out_dir)
    assert again.summary == r.summary
    assert len(again.events) == len(r.events)


def test_backends_lists_sim():
    backends = {b.name: b for b in mprecover.backends()}
    assert "sim" in backends
    assert backends["sim"].available and backends["sim"].reason is None
    assert mprecover.backends()[0].name == "sim"  # the default


def test_default_out_dir_is_a_fresh_temporary_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    s = mprecover.loads(
        "name: tiny\nduration: 2s\ntopology:\n  paths:\n    - {name: wan1, rate: 1Mbit}\n"
        "traffic: {connections: 1, start: 100ms}\n"
    )
    r = mprecover.run(s)
    assert r.out_dir.parent == tmp_path and r.out_dir.name.startswith("mprecover-tiny-")
    assert r.summary["outages"] == []
    assert "tiny" in (r.out_dir / "scenario.yaml").read_text()


def test_results_root_lays_out_folders_as_the_cli_does(tmp_path):
    s = mprecover.loads(
        "name: tiny\nduration: 2s\ntopology:\n  paths:\n    - {name: wan1, rate: 1Mbit}\n"
        "traffic: {connections: 1, start: 100ms}\n"
    )
    r = mprecover.run(s, results_root=tmp_path, policy="kernel", seed=3)
    assert r.out_dir == tmp_path / "tiny" / "sim-kernel-3"
    assert r.summary["seed"] == 3


def test_runs_from_threads_take_turns(tmp_path):
    import concurrent.futures

    s = mprecover.loads(
        "name: tiny\nduration: 2s\ntopology:\n  paths:\n    - {name: wan1, rate: 1Mbit}\n"
        "traffic: {connections: 1, start: 100ms}\n"
    )
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda seed: mprecover.run(s, seed=seed, out=tmp_path / str(seed)), [1, 2, 3]))
    assert [r.summary["seed"] for r in results] == [1, 2, 3]
    assert all(r.summary["integrity_ok"] for r in results)


def test_a_backup_path_takes_over_and_hands_back(tmp_path):
    """A path made a backup from Python: the outage of the other gets failover and failback."""
    s = mprecover.loads(
        "name: tiny-backup\nduration: 8s\ntopology:\n  paths:\n    - {name: wan1, rate: 10Mbit}\n"
        "    - {name: lte, rate: 5Mbit, delay: 30ms}\n"
        "traffic: {connections: 1, start: 100ms}\n"
        "events:\n  - {at: 2s, path: wan1, action: reset}\n  - {at: 4s, path: wan1, action: restore}\n"
    )
    s.paths["lte"].backup = True
    r = mprecover.run(s, backend="sim", policy="rebuild", out=tmp_path / "run")
    backup = r.summary["outages"][0]["backup"]
    assert 0 < backup["failover_s"] <= 0.2, backup
    assert backup["failback_s"] is not None, backup
    row = r.to_dataframe().iloc[0]
    assert row["failover_s"] == backup["failover_s"] and row["failback_s"] == backup["failback_s"]


def test_request_response_traffic_gives_request_latency_and_its_requests(tmp_path):
    """A request/response group added from Python: each request's timing in requests.csv, and
    the outage's request latency before, during and after it in the summary and the table."""
    s = mprecover.loads(
        "name: tiny-requests\nduration: 8s\ntopology:\n  paths:\n    - {name: wan1, rate: 20Mbit}\n"
        "    - {name: wan2, rate: 20Mbit, delay: 20ms}\n"
        "events:\n  - {at: 3s, path: wan1, action: blackhole}\n  - {at: 5s, path: wan1, action: restore}\n"
    )
    s.traffic.add("request-response", request="1KB", response="50KB", think=0.05, connections=2, start=0.5)
    del s.traffic[0]
    web = s.traffic[0]
    assert (web.request, web.response, web.think, web.timeout) == (1000, 50000, 0.05, None)
    r = mprecover.run(s, backend="sim", policy="rebuild", out=tmp_path / "run")
    requests = r.summary["outages"][0]["requests"]
    assert requests["latency_p50_s"]["before"] < requests["latency_p99_s"]["during"], requests
    assert requests["issued"] > 10 and requests["failed"] == 0, requests
    table = r.requests
    assert table.dtype.names == ("group", "issued_s", "answered_s", "latency_s", "failed")
    assert len(table) > 40 and set(table.group) == {"traffic[0]"}  # groups as a list: the group named as such
    assert numpy.all(table.latency_s[~numpy.isnan(table.latency_s)] > 0.02)
    row = r.to_dataframe().iloc[0]
    assert row["request_p50_before_s"] == requests["latency_p50_s"]["before"]
    assert row["requests_issued"] == requests["issued"]


def test_other_traffic_has_no_requests(wan_reset_runs):
    r = wan_reset_runs("rebuild")
    assert r.requests is None and "requests" not in r.summary["outages"][0]
    assert numpy.isnan(r.to_dataframe().iloc[0]["request_p50_before_s"])
