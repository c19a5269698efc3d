"""mprecover compare on wan-reset with both backends, with the kernel policy (the bug) and the
default one (the fix): every combination, and the parity verdicts computed from their figures
(root and kernel MPTCP needed; CI is root). Every policy on netns against the sim is
test_netns_every_scenario's; this file is compare's own path through both backends."""
import json

import pytest

from conftest import SOURCE, backends, default_policy, mprecover, netns_unavailable

pytestmark = [
    pytest.mark.skipif("sim\t" not in backends(), reason="this build has no sim backend"),
    pytest.mark.skipif(netns_unavailable() is not None, reason=f"netns backend: {netns_unavailable()}"),
]


def test_wan_reset_on_both_backends_with_the_bug_and_the_fix(tmp_path):
    chosen = ["kernel", default_policy()]
    r = mprecover("compare", SOURCE / "scenarios" / "wan-reset.yaml", "--policies", ",".join(chosen),
                  "--out", tmp_path, "--no-plot", timeout=900)
    assert r.returncode == 0, r.stderr
    assert f"[4/4] wan-reset: netns, {chosen[-1]}, seed 1 (0 left after this one)" in r.stderr

    (scenario,) = json.loads((tmp_path / "comparison.json").read_text())["scenarios"]
    runs = {(run["backend"], run["policy"]): run for run in scenario["runs"]}
    assert set(runs) == {(b, p) for b in ("sim", "netns") for p in chosen}
    for (backend, policy), run in runs.items():
        assert run["integrity_ok"], (backend, policy, run["notes"])
        outage = run["outages"][0]
        if policy in ("kernel", "mptcpd"):
            # The in-kernel PM's bug; mptcpd only follows addresses, and a reset leaves them in place.
            assert outage["rebuilt"] == 0, f"the in-kernel PM's bug with {policy} on {backend}"
        else:
            assert outage["rebuilt"] == outage["connections"] == 4, (backend, policy)
    assert runs["netns", default_policy()]["outages"][0]["rebuild_latency_s"]["max"] < 1 + 2 * scenario["round_trip_s"]

    assert [v["policy"] for v in scenario["parity"]] == chosen
    for verdict in scenario["parity"]:
        assert (verdict["reference"], verdict["candidate"]) == ("sim", "netns")
        assert verdict["agree"] == (not verdict["differences"]), verdict["policy"]
    report = (tmp_path / "report.md").read_text()
    rows = [line for line in report.splitlines() if line.startswith("| ") and " 1: reset wan2 " in line]
    assert len(rows) == 4, report
    (parity,) = [line for line in report.splitlines() if line.startswith("**Parity (sim vs netns):** ")]
    for verdict in scenario["parity"]:
        assert f"{verdict['policy']} {'agree' if verdict['agree'] else 'DISAGREE'}" in parity, parity
