"""Every shipped scenario with every policy on the netns backend (the live kernel, real time),
judged against the simulator: `mprecover check --parity-with sim` reruns the scenario on netns
with each policy of the baseline, and fails on a regression against the baseline's netns runs or
on a disagreement with its sim runs (the sim is deterministic, so its baseline figures are what
it gives today, and the regression gate keeps them so). Drift between the two backends fails CI.

ctest runs one process per scenario (MPRECOVER_SCENARIO), so that ctest -j overlaps them; run
without it, this file runs them all. Where a scenario is the subject of an issue's acceptance
figures, the same runs check them.
"""
import csv
import json
import os

import pytest
import yaml

from conftest import SCENARIOS, SOURCE, default_policy, mprecover, netns_unavailable

pytestmark = pytest.mark.skipif(netns_unavailable() is not None, reason=str(netns_unavailable()))

ONLY = os.environ.get("MPRECOVER_SCENARIO")
CHOSEN = [s for s in SCENARIOS if ONLY is None or s.stem == ONLY]
BASELINE = SOURCE / "results" / "baseline" / "comparison.json"


def scenario_family(scenario):
    """The file's topology.family (left out: ipv4)."""
    return (yaml.safe_load(scenario.read_text()).get("topology") or {}).get("family", "ipv4")


def outage(summary, path, kind=None):
    return next(o for o in summary["outages"] if o["path"] == path and kind in (None, o["kind"]))


def bound(summary):
    """One probe interval plus two round trips of the slowest path, as the scenario asks for them."""
    slowest = max(p["round_trip_s"]["scenario"] for p in summary["paths"])
    return 1.0 + 2 * slowest


def check_round_trips(s):
    """Each path's shortest probe round trip is what the scenario's delays add up to (the median
    queues behind the bulk traffic; the shortest is the fair check). Never less (within 5 % and
    1 ms), so the delay is there; not much more, so it is not applied twice: the upper bound is
    generous, as on a busy CI machine the NFQUEUE delay's user-space reader wakes late (22 ms
    measured as 24.6 ms beside a second netns run). Not on a kernel with neither netem nor
    NFQUEUE: there the notes say why the delay is missing."""
    if s["delay_method"] == "none":
        assert not s["delay_emulated"] and any("not emulated" in n for n in s["notes"]), s["notes"]
        return
    assert s["delay_emulated"], s["notes"]
    for p in s["paths"]:
        rtt = p["round_trip_s"]
        assert rtt["measured_min"] >= 0.95 * rtt["scenario"] - 0.001, (p["name"], rtt)
        assert rtt["measured_min"] <= 1.5 * rtt["scenario"] + 0.005, (p["name"], rtt)


def check_wan_reset(s, policy, path="wan2"):
    check_round_trips(s)
    o = outage(s, path)
    assert o["connections"] == 4
    if policy in ("kernel", "mptcpd"):
        # The seed's bug, on the real kernel: the in-kernel PM (and mptcpd, which only follows
        # addresses) never re-creates a subflow that died with an error.
        assert o["rebuilt"] == 0, o
        assert o["rebuild_latency_s"]["max"] is None
    elif policy == "omr":
        assert o["rebuilt"] == 4, o
        assert o["rebuild_latency_s"]["max"] > 15.0, o
    else:
        assert o["rebuilt"] == o["recreated"] == 4, o
        # The slack covers a busy machine, not a slower design.
        assert o["rebuild_latency_s"]["max"] <= bound(s) + 0.3, o


def check_survivors(s, policy, kind):
    """A blackhole or a link down: the subflows outlive it; the default policy replaces the
    stalled ones as soon as the path is back, the others wait for TCP's backoff."""
    o = outage(s, "wan2", kind)
    assert o["rebuilt"] == o["connections"] == 4, o
    if policy == default_policy():
        assert o["replaced"] + o["resumed"] == 4, o
        assert o["rebuild_latency_s"]["max"] <= bound(s) + 0.3, o


def check_three_wan(s, policy):
    o = outage(s, "wan2")
    # 100 connections open within a second on shaped paths: now and then the kernel drops a
    # handshake twice and that connection falls back to plain TCP (no subflows to rebuild).
    assert 95 <= o["connections"] <= 100, o
    if policy in ("kernel", "mptcpd"):
        assert o["rebuilt"] == 0, o
    else:
        assert o["rebuilt"] == o["connections"], o
    if policy == default_policy():
        assert o["rebuild_latency_s"]["max"] <= bound(s) + 0.5, o


def check_wan_readdress(s, policy):
    o = outage(s, "wan2")
    if policy == "kernel":
        assert o["rebuilt"] == 0, o
        return
    # The new address needs subflows of its own: for the default policy, through SUBFLOW_CREATE
    # with a local id the connection has not seen with the old address.
    assert o["rebuilt"] == o["connections"] == 4, o
    if policy == default_policy():
        assert o["rebuild_latency_s"]["max"] <= bound(s) + 0.3, o


# The server's address in the scenario's family (topology.family; dual connects over IPv6).
SERVER_ADDRESS = {"ipv4": "10.3.0.2", "ipv6": "2001:db8:3::2", "dual": "2001:db8:3::2"}


def check_subflow_rows(run_dir, s, family):
    """timeseries.csv has the kernel's tcp_info of every established subflow every 100 ms: on
    each path the scenario has, to the server's address of the scenario's family, with a round
    trip at least the path's (the delay line's) and counters that only grow."""
    assert s["scheduler"] == "default", s["scheduler"]
    with open(run_dir / "timeseries.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["scope"] == "subflow"]
    assert rows, "no subflow rows"
    paths = {p["name"]: p for p in s["paths"]}
    assert {r["path"] for r in rows} <= set(paths)
    assert {r["remote_address"] for r in rows} == {SERVER_ADDRESS[family]}
    # The kernel may give a re-created subflow the port its predecessor had (seen with omr's
    # endpoint flap after a reset): its counters start again, after a sub_established.
    with open(run_dir / "events.csv", newline="") as f:
        joins = [(float(e["time_s"]), (e["connection"], e["path"], e["detail"].split("port=")[-1].split()[0]))
                 for e in csv.DictReader(f) if e["event"] == "sub_established" and "port=" in e["detail"]]

    def reopened(key, after, until):
        return any(k == key and after < t <= until for t, k in joins)

    last = {}
    for r in rows:
        if r["rtt_s"] and s["delay_emulated"]:
            assert float(r["rtt_s"]) >= 0.9 * paths[r["path"]]["round_trip_s"]["scenario"], r
        assert int(r["cwnd"]) >= 1, r
        key = (r["id"], r["path"], r["local_port"])
        if key in last and not reopened(key, float(last[key]["time_s"]), float(r["time_s"])):
            assert int(r["bytes"]) >= int(last[key]["bytes"]) and int(r["retransmissions"]) >= int(last[key]["retransmissions"]), r
        last[key] = r
    assert max(int(r["bytes"]) for r in rows) > 0


def check_wan_reset_video(s, policy):
    """Video streams that one WAN cannot carry fall behind during the outage; without their wan2
    subflows they stay behind, with them back they catch up."""
    check_wan_reset(s, policy)
    rate = outage(s, "wan2")["rate"]
    if policy in ("kernel", "mptcpd"):
        assert rate["below_rate_s"] > 40, rate  # from 10 s to the end of the 60 s run
    elif policy == default_policy():
        assert rate["below_rate_s"] < 25, rate
        assert 0 < rate["worst_shortfall_s"] < 6, rate  # 10 Mbit/s short for 15 s: 2.5 s of the streams


def check_wan_backup_failover(s, policy):
    """The LTE backup takes the traffic as soon as wan1's subflows die, with every policy; only
    the policies that bring wan1's subflows back let it fail back."""
    o = outage(s, "wan1")
    assert o["connections"] == 4, o
    assert o["backup"]["failover_s"] <= 0.5, o  # the next byte sample or so: nothing waits for a probe
    if policy in ("kernel", "mptcpd"):
        assert o["rebuilt"] == 0, o
        assert o["backup"]["failback_s"] is None, o
    elif policy == "omr":
        assert o["rebuilt"] == 4, o
        assert o["backup"]["failback_s"] > 15.0, o
    else:
        assert o["rebuilt"] == o["recreated"] == 4, o
        assert o["rebuild_latency_s"]["max"] <= bound(s) + 0.3, o
        # The backup subflows' queued data drains at LTE's rate (results/reference/report.md).
        assert o["backup"]["failback_s"] <= bound(s) + 3.0, o


def check_eight_wan(s, policy):
    """wan-reset's outage on one of eight paths: every connection has a subflow on each."""
    check_wan_reset(s, policy, "wan5")
    o = outage(s, "wan5")
    assert o["subflows_per_connection"]["before"] == 8, o
    assert o["subflows_per_connection"]["after"] == (7 if policy in ("kernel", "mptcpd") else 8), o


def check_wan_reset_download(s, policy):
    """The seed's bug in the download direction: the server can send over wan1 only while the
    connections have no wan2 subflow; once the default policy has rebuilt them, the server's
    scheduler gives them traffic again (the rebalance)."""
    check_round_trips(s)
    o = outage(s, "wan2")
    assert o["connections"] == 4, o
    if policy in ("kernel", "mptcpd"):
        assert o["rebuilt"] == 0 and o["rebalance_s"] is None, o
    else:
        assert o["rebuilt"] == o["recreated"] == 4, o
    if policy == default_policy():
        assert o["rebuild_latency_s"]["max"] <= bound(s) + 0.3, o
        assert o["rebalance_s"] is not None and o["rebalance_s"] <= bound(s) + 2.0, o


def check_iperf3_reset(s, policy, run_dir):
    """wan-reset's outage under iperf3's own control and data connections, found by their token:
    the same bug with the kernel policy, the same fix with the default one. iperf3 ran its whole
    test and said so."""
    check_round_trips(s)
    o = outage(s, "wan2")
    assert o["connections"] == 2, o  # iperf3's control connection and its data connection
    if policy in ("kernel", "mptcpd"):
        assert o["rebuilt"] == 0, o
    elif policy == "omr":
        assert o["rebuilt"] == 2 and o["rebuild_latency_s"]["max"] > 15.0, o
    else:
        assert o["rebuilt"] == o["recreated"] == 2, o
        assert o["rebuild_latency_s"]["max"] <= bound(s) + 0.3, o
    client_log = (run_dir / "command-client.log").read_text()
    assert "iperf Done." in client_log and client_log.endswith("[exited with code 0]\n"), client_log[-500:]
    assert (run_dir / "command-server.log").is_file()
    assert any("the client's `/usr/bin/mptcpize run iperf3 --client" in n and "exited with code 0" in n
               for n in s["notes"]), s["notes"]


def check_wan_blackhole_requests(s, policy):
    """Requests through a blackhole of the path most of them take: every request before it is
    answered within a couple of round trips; the blackhole slows those it catches; once the
    default policy has brought wan1 back into use, requests are about as fast as before."""
    o = outage(s, "wan1")
    assert o["connections"] == 4, o
    requests = o["requests"]
    p50, p99 = requests["latency_p50_s"], requests["latency_p99_s"]
    assert p50["before"] < 0.1, requests  # a round trip of wan1 and 100 kB at the paths' rate
    assert p99["during"] > 2 * p99["before"], requests
    assert requests["issued"] > 100, requests
    if policy == default_policy():
        assert p50["after"] < 2 * p50["before"], requests


FIGURES = {
    "wan-reset": check_wan_reset,
    "wan-reset-ipv6": check_wan_reset,
    "wan-readdress-dual": check_wan_readdress,
    "wan-reset-video": check_wan_reset_video,
    "wan-blackhole": lambda s, p: check_survivors(s, p, "blackhole"),
    "wan-linkdown": lambda s, p: check_survivors(s, p, "down"),
    "three-wan-many-conns": check_three_wan,
    "wan-readdress": check_wan_readdress,
    "wan-backup-failover": check_wan_backup_failover,
    "eight-wan": check_eight_wan,
    "wan-reset-download": check_wan_reset_download,
    "wan-blackhole-requests": check_wan_blackhole_requests,
}


# Where CI's time runs short, a scenario checks fewer policies than the reference ran. iperf3-reset,
# wan-reset-download and wan-reset-video are wan-reset's case (every policy there) under another
# application, the other way or at a rate, so the bug and its fix do; wan-blackhole-requests is
# wan-blackhole's case under requests, so the kernel's own recovery and the default policy's do. mptcpd, which follows
# addresses only, is the kernel policy again where no address changes: through a reset (wan-reset
# checks so), a blackhole or a link down (its client address stays), and on three-wan-many-conns
# (0 of 100 rebuilt, as kernel): the reference has it for those, CI leaves it out. wan-reset-ipv6 is
# wan-reset's case over IPv6: the bug and its fix; wan-readdress-dual keeps mptcpd, which sees a
# new address of each family there, and leaves omr's timer, the same on any family.
POLICIES = {
    "iperf3-reset": ["kernel", "rebuild"],
    "wan-reset-ipv6": ["kernel", "rebuild"],
    "wan-readdress-dual": ["kernel", "rebuild", "mptcpd"],
    "wan-reset-download": ["kernel", "rebuild"],
    "wan-blackhole-requests": ["kernel", "rebuild"],
    "wan-reset-video": ["kernel", "rebuild"],
    "wan-unstable-recovery": ["kernel", "omr", "rebuild"],
    "wan-blackhole": ["kernel", "omr", "rebuild"],
    "wan-linkdown": ["kernel", "omr", "rebuild"],
    "three-wan-many-conns": ["kernel", "omr", "rebuild"],
}


@pytest.mark.parametrize("scenario", CHOSEN, ids=[s.stem for s in CHOSEN])
def test_runs_on_the_live_kernel_and_agrees_with_the_sim(scenario, tmp_path):
    policies = ["--policies", ",".join(POLICIES[scenario.stem])] if scenario.stem in POLICIES else []
    r = mprecover("check", "--baseline", BASELINE, scenario, "--backends", "netns", "--parity-with", "sim",
                  *policies, "--out", tmp_path, cwd=SOURCE, timeout=1800)
    assert r.returncode == 0, r.stdout + r.stderr
    (compared,) = json.loads((tmp_path / "comparison.json").read_text())["scenarios"]
    family = scenario_family(scenario)
    assert compared["runs"], "the baseline holds every policy on netns"
    for run in compared["runs"]:
        s = json.loads((tmp_path / run["run_dirs"][0] / "summary.json").read_text())
        policy = s["policy"]
        assert s["backend"] == "netns"
        assert s["integrity_ok"], (policy, s["notes"])
        assert s["bytes_delivered"] > 0
        assert s["outages"], "every shipped scenario has an outage"
        for o in s["outages"]:
            assert o["connections"] >= o["rebuilt"] == o["recreated"] + o["replaced"] + o["resumed"]
        if policy == "mptcpd":
            assert (tmp_path / run["run_dirs"][0] / "mptcpd.log").is_file(), "the daemon's log is kept"
        check_subflow_rows(tmp_path / run["run_dirs"][0], s, family)
        if scenario.stem == "iperf3-reset":
            check_iperf3_reset(s, policy, tmp_path / run["run_dirs"][0])
        elif scenario.stem in FIGURES:
            FIGURES[scenario.stem](s, policy)
