"""The sim backend on an IPv6 network (topology.family: ipv6): the seed's bug and its fix as on
IPv4, with the plan's IPv6 addresses in the results, and figures close to the IPv4 run's; and on
a dual-stack network (family: dual), whose connections are IPv6: a readdress there changes both
families' addresses, and the figures are close to the IPv6 network's."""
import csv

import pytest

from conftest import backends, run_sim, short_scenario

pytestmark = pytest.mark.skipif("sim\t" not in backends(), reason="this build has no sim backend")

# short_scenario: wan2 (20 ms one way, plus 1 ms to the server) is reset from 8 s to 13 s.
RESTORE_S = 13.0
ROUND_TRIP_S = 2 * (0.020 + 0.001)
PROBE_INTERVAL_S = 1.0


def ipv6_scenario(folder):
    """short_scenario with `family: ipv6` under `topology`."""
    path = short_scenario(folder, "short-reset-ipv6")
    path.write_text(path.read_text().replace("topology:\n", "topology:\n  family: ipv6\n"))
    return path


def readdress_scenario(folder, family):
    """short_scenario with wan2 readdressed (at 8 s, back at 13 s) instead of reset, on `family`."""
    path = short_scenario(folder, f"short-readdress-{family}")
    text = path.read_text().replace("action: reset", "action: readdress")
    path.write_text(text.replace("topology:\n", f"topology:\n  family: {family}\n"))
    return path


def subflow_rows(run):
    return [row for row in csv.DictReader((run / "timeseries.csv").open()) if row["scope"] == "subflow"]


def test_the_kernel_policy_shows_the_bug_on_ipv6(tmp_path):
    s = run_sim(ipv6_scenario(tmp_path), tmp_path / "out", "--policy", "kernel")
    o = s["outages"][0]
    assert o["kind"] == "reset" and o["connections"] == 4
    assert o["rebuilt"] == 0
    assert o["subflows_per_connection"]["after"] == 1
    assert s["integrity_ok"]


def test_the_rebuild_policy_restores_the_reset_path_on_ipv6(tmp_path):
    out = tmp_path / "out"
    s = run_sim(ipv6_scenario(tmp_path), out, "--policy", "rebuild")
    o = s["outages"][0]
    assert o["detected_up_s"] > RESTORE_S
    assert o["rebuilt"] == o["connections"] == 4
    assert o["rebuild_latency_s"]["max"] <= PROBE_INTERVAL_S + 2 * ROUND_TRIP_S
    assert o["subflows_per_connection"]["after"] == 2
    assert s["integrity_ok"]
    # Addresses are the plan's, as the kernel writes them.
    rows = subflow_rows(out)
    assert {r["local_address"] for r in rows} == {"2001:db8:1:1::1", "2001:db8:1:2::1"}
    assert {r["remote_address"] for r in rows} == {"2001:db8:3::2"}


def test_ipv4_and_ipv6_give_close_figures(tmp_path):
    v4 = run_sim(short_scenario(tmp_path), tmp_path / "v4", "--policy", "rebuild")
    v6 = run_sim(ipv6_scenario(tmp_path), tmp_path / "v6", "--policy", "rebuild")
    o4, o6 = v4["outages"][0], v6["outages"][0]
    for key in ("detected_down_s", "detected_up_s"):
        assert abs(o6[key] - o4[key]) < 0.1, key
    assert abs(o6["rebuild_latency_s"]["max"] - o4["rebuild_latency_s"]["max"]) < 0.05
    assert abs(o6["goodput_dip"] - o4["goodput_dip"]) < 0.1
    # The same packets carry 1428 bytes of data on IPv6 for 1448 on IPv4 (a 40-byte header).
    ratio = v6["bytes_delivered"] / v4["bytes_delivered"]
    assert 0.95 < ratio < 1.0, ratio
    for p4, p6 in zip(v4["paths"], v6["paths"]):
        assert p6["round_trip_s"]["measured_min"] == pytest.approx(p4["round_trip_s"]["measured_min"], rel=0.01)


def test_the_kernel_policy_rebuilds_nothing_after_a_readdress_on_a_dual_network(tmp_path):
    s = run_sim(readdress_scenario(tmp_path, "dual"), tmp_path / "out", "--policy", "kernel")
    o = s["outages"][0]
    assert o["kind"] == "readdress" and o["connections"] == 4
    assert o["rebuilt"] == 0
    assert o["subflows_per_connection"]["after"] == 1
    assert s["integrity_ok"]


def test_the_rebuild_policy_restores_the_readdressed_path_on_a_dual_network(tmp_path):
    out = tmp_path / "out"
    s = run_sim(readdress_scenario(tmp_path, "dual"), out, "--policy", "rebuild")
    o = s["outages"][0]
    assert o["rebuilt"] == o["connections"] == 4
    assert o["rebuild_latency_s"]["max"] <= PROBE_INTERVAL_S + 2 * ROUND_TRIP_S
    assert o["subflows_per_connection"]["after"] == 2
    assert s["integrity_ok"]
    # The subflows are IPv6, the connection family, wan2's on its new address after the restore.
    rows = subflow_rows(out)
    assert {r["local_address"] for r in rows} == {"2001:db8:1:1::1", "2001:db8:1:2::1", "2001:db8:1:2::2"}
    assert {r["remote_address"] for r in rows} == {"2001:db8:3::2"}


def test_dual_and_ipv6_give_close_figures_after_a_readdress(tmp_path):
    runs = {}
    for family in ("ipv6", "dual"):
        for policy in ("kernel", "rebuild"):
            runs[family, policy] = run_sim(readdress_scenario(tmp_path, family), tmp_path / f"{family}-{policy}", "--policy", policy)
    for policy in ("kernel", "rebuild"):
        v6, dual = runs["ipv6", policy], runs["dual", policy]
        o6, od = v6["outages"][0], dual["outages"][0]
        assert od["rebuilt"] == o6["rebuilt"], policy
        for key in ("detected_down_s", "detected_up_s"):
            assert abs(od[key] - o6[key]) < 0.1, (policy, key)
        assert abs(od["goodput_dip"] - o6["goodput_dip"]) < 0.1, policy
        ratio = dual["bytes_delivered"] / v6["bytes_delivered"]
        assert 0.95 < ratio < 1.05, (policy, ratio)
    rebuild6, rebuild_dual = runs["ipv6", "rebuild"]["outages"][0], runs["dual", "rebuild"]["outages"][0]
    assert abs(rebuild_dual["rebuild_latency_s"]["max"] - rebuild6["rebuild_latency_s"]["max"]) < 0.05
