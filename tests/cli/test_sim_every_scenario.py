"""Every shipped scenario runs with every policy on the sim backend."""
import pytest

from conftest import SCENARIOS, backends, run_sim

pytestmark = pytest.mark.skipif("sim\t" not in backends(), reason="this build has no sim backend")


@pytest.mark.parametrize("policy", ["kernel", "omr", "engine"])
@pytest.mark.parametrize("scenario", [s.name for s in SCENARIOS])
def test_runs_and_keeps_the_byte_stream_intact(scenario, policy, tmp_path):
    s = run_sim(scenario, tmp_path, "--policy", policy)
    assert s["integrity_ok"], s["notes"]
    assert s["bytes_delivered"] > 0
    assert s["policy"] == policy
    assert s["outages"], "every shipped scenario has an outage"
    for o in s["outages"]:
        assert o["connections"] >= o["rebuilt"]
