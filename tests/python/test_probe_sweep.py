"""Rebuild latency follows the probe interval of a down path (engine.probe.down_interval): after
the restore, the rebuild policy waits for the next probe to come back before it rebuilds."""

import pytest

from conftest import SWEEP_INTERVALS, SWEEP_RESTORE_S


@pytest.mark.parametrize("interval", SWEEP_INTERVALS)
def test_every_connection_rebuilt_within_one_interval(sweep_runs, interval):
    r = sweep_runs(interval)
    (o,) = r.summary["outages"]
    assert o["end_s"] == pytest.approx(SWEEP_RESTORE_S)
    assert o["rebuilt"] == o["connections"] == 2
    latency = o["rebuild_latency_s"]["max"]
    # The next probe goes out within one interval; answer and handshake take a few round trips.
    assert 0 < latency <= interval + 0.5


def test_rebuild_latency_grows_with_the_probe_interval(sweep_runs):
    latencies = [sweep_runs(i).summary["outages"][0]["rebuild_latency_s"]["median"] for i in SWEEP_INTERVALS]
    assert latencies == sorted(latencies)
    assert all(a < b for a, b in zip(latencies, latencies[1:])), latencies
