"""The bug mprecover is about, and its fix, on the sim backend with the shipped wan-reset scenario:
wan2's subflows die with a reset at 10 s, wan2 works again at 25 s."""

import pytest

WAN2 = 1  # index of wan2 in the scenario's paths
CONNECTIONS = 4


def outage(result):
    (only,) = result.summary["outages"]
    assert only["path"] == "wan2" and only["kind"] == "reset"
    return only


def final_wan2_rows(result):
    ts = result.timeseries
    rows = ts[(ts["scope"] == "path") & (ts["id"] == "wan2")]
    return rows[-5:]


def test_kernel_policy_never_rebuilds(wan_reset_runs):
    r = wan_reset_runs("kernel")
    o = outage(r)
    assert r.summary["policy"] == "kernel"
    assert o["connections"] == CONNECTIONS
    assert o["rebuilt"] == 0
    assert o["rebuild_latency_s"]["max"] is None
    # wan2 works again, but carries nothing until the end: the connections stay on wan1.
    assert all(row["subflows_up"] == 0 for row in final_wan2_rows(r))
    assert all(row["throughput_bps"] == 0 for row in final_wan2_rows(r))


def test_rebuild_policy_rebuilds_every_connection_within_the_bound(wan_reset_runs):
    r = wan_reset_runs("rebuild")
    o = outage(r)
    assert r.summary["policy"] == "rebuild"
    assert o["rebuilt"] == o["connections"] == CONNECTIONS
    # The bound: the next probe (interval 1 s, answered within a round trip), then one handshake.
    interval = 1.0
    assert o["detected_up_s"] - o["end_s"] <= interval + 0.2
    assert 0 < o["rebuild_latency_s"]["max"] <= interval + 0.5
    assert o["rebalance_s"] is not None
    assert all(row["subflows_up"] == CONNECTIONS for row in final_wan2_rows(r))
    assert all(row["throughput_bps"] > 0 for row in final_wan2_rows(r))


@pytest.mark.parametrize("policy", ["kernel", "rebuild"])
def test_no_data_lost(wan_reset_runs, policy):
    s = wan_reset_runs(policy).summary
    assert s["integrity_ok"] is True
    assert 0 < s["bytes_delivered"] <= s["bytes_sent"]
