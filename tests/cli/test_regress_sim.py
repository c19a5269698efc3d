"""The regression gate on the sim backend: every shipped scenario reruns with the kernel policy (the
bug) and the default policy (the fix) and stays within the baseline (results/baseline/
comparison.json); every run keeps its byte stream. The other policies, omr and mptcpd, are the
full gate's (`make regress`): with them this test alone would take half of CI's time on a slow
machine."""
import json

import pytest

from conftest import SCENARIOS, SOURCE, backends, default_policy, mprecover

pytestmark = pytest.mark.skipif("sim\t" not in backends(), reason="this build has no sim backend")


GATED = ["kernel", default_policy()]


def test_main_is_within_the_baseline(tmp_path):
    r = mprecover("check", "--baseline", "results/baseline/comparison.json", "--backends", "sim",
                  "--policies", ",".join(GATED), "--out", tmp_path, cwd=SOURCE, timeout=1800)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no regression" in r.stdout

    comparison = json.loads((tmp_path / "comparison.json").read_text())
    assert sorted(s["name"] for s in comparison["scenarios"]) == sorted(p.stem for p in SCENARIOS), \
        "the baseline must hold every shipped scenario"
    for scenario in comparison["scenarios"]:
        if any(reason.startswith("sim: the sim backend cannot carry") for reason in scenario["not_run"]):
            assert not scenario["runs"], scenario["name"]  # kind command: programs run on netns only
            continue
        assert sorted(r["policy"] for r in scenario["runs"]) == sorted(GATED)
        for run in scenario["runs"]:
            summary = json.loads((tmp_path / run["run_dirs"][0] / "summary.json").read_text())
            where = f"{scenario['name']} {run['policy']}"
            assert summary["integrity_ok"], (where, summary["notes"])
            assert summary["bytes_delivered"] > 0, where
            assert summary["outages"], f"{where}: every shipped scenario has an outage"
            for o in summary["outages"]:
                assert o["connections"] >= o["rebuilt"], where
