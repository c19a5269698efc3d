"""Every shipped scenario with every policy on the netns backend (the live kernel, real time).

ctest runs one process per scenario (MPRECOVER_SCENARIO), so that ctest -j overlaps them; run
without it, this file runs them all. Where a scenario is the subject of an issue's acceptance
figures, the same run checks them: one run per scenario and policy, a minute each.
"""
import os

import pytest

from conftest import SCENARIOS, default_policy, netns_unavailable, policies, run_netns

pytestmark = pytest.mark.skipif(netns_unavailable() is not None, reason=str(netns_unavailable()))

ONLY = os.environ.get("MPRECOVER_SCENARIO")
CHOSEN = [s for s in SCENARIOS if ONLY is None or s.stem == ONLY]


def outage(summary, path):
    return next(o for o in summary["outages"] if o["path"] == path)


def check_round_trips(s):
    """Each path's shortest probe round trip is what the scenario's delays add up to, give or take
    5 % and 1 ms (the median queues behind the bulk traffic; the shortest is the fair check). Not
    on a kernel with neither netem nor NFQUEUE: there the notes say why the delay is missing."""
    if s["delay_method"] == "none":
        assert not s["delay_emulated"] and any("not emulated" in n for n in s["notes"]), s["notes"]
        return
    assert s["delay_emulated"], s["notes"]
    for p in s["paths"]:
        rtt = p["round_trip_s"]
        assert abs(rtt["measured_min"] - rtt["scenario"]) <= 0.05 * rtt["scenario"] + 0.001, (p["name"], rtt)


def check_wan_reset(s, policy):
    check_round_trips(s)
    o = outage(s, "wan2")
    assert o["connections"] == 4
    if policy == "kernel":
        # The seed's bug, on the real kernel: the in-kernel PM never re-creates the subflow.
        assert o["rebuilt"] == 0, o
        assert o["rebuild_latency_s"]["max"] is None
    elif policy == "omr":
        assert o["rebuilt"] == 4, o
        assert o["rebuild_latency_s"]["max"] > 15.0, o
    else:
        assert o["rebuilt"] == 4, o
        # One probe interval (1 s) plus two round trips (44 and 84 ms); the slack covers a busy
        # machine, not a slower design.
        assert o["rebuild_latency_s"]["max"] <= 1.0 + 0.3, o


def check_three_wan(s, policy):
    o = outage(s, "wan2")
    # 100 connections open within a second on shaped paths: now and then the kernel drops a
    # handshake twice and that connection falls back to plain TCP (no subflows to rebuild).
    assert 95 <= o["connections"] <= 100, o
    if policy == "kernel":
        assert o["rebuilt"] == 0, o
    else:
        assert o["rebuilt"] == o["connections"], o
    if policy == default_policy():
        assert o["rebuild_latency_s"]["max"] <= 1.0 + 0.5, o


def check_wan_readdress(s, policy):
    o = outage(s, "wan2")
    if policy == "kernel":
        assert o["rebuilt"] == 0, o
        return
    # The new address needs subflows of its own: for the default policy, through SUBFLOW_CREATE with a
    # local id the connection has not seen with the old address.
    assert o["rebuilt"] == o["connections"] == 4, o
    if policy == default_policy():
        assert o["rebuild_latency_s"]["max"] <= 1.0 + 0.3, o


FIGURES = {"wan-reset": check_wan_reset, "three-wan-many-conns": check_three_wan, "wan-readdress": check_wan_readdress}


@pytest.mark.parametrize("policy", policies())
@pytest.mark.parametrize("scenario", CHOSEN, ids=[s.stem for s in CHOSEN])
def test_runs_on_the_live_kernel(scenario, policy, tmp_path):
    s = run_netns(scenario, tmp_path, "--policy", policy)
    assert s["backend"] == "netns"
    assert s["policy"] == policy
    assert s["integrity_ok"], s["notes"]
    assert s["bytes_delivered"] > 0
    assert s["outages"], "every shipped scenario has an outage"
    for o in s["outages"]:
        assert o["connections"] >= o["rebuilt"]
    if scenario.stem in FIGURES:
        FIGURES[scenario.stem](s, policy)
