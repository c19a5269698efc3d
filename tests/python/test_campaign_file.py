"""Campaign files: errors that name file, line, column and key, the grid they plan, and the keys
(hashes) that name the runs. Nothing here runs a scenario."""

import re

import pytest

import mprecover
from conftest import write_campaign
from mprecover.campaign import spec as campaign_spec


def error_of(tmp_path, text):
    with pytest.raises(mprecover.CampaignError) as caught:
        mprecover.Campaign(write_campaign(tmp_path, text, name="bad.yaml"))
    return caught.value


@pytest.mark.parametrize("text, place, key, message", [
    ("scenario: short.yaml\ngrid:\n  engine.probe.intervall: [1s]\n", (3, 3), "engine.probe.intervall",
     "not a key of the scenario format; did you mean engine.probe.interval?"),
    ("scenario: short.yaml\ngrid:\n  topology.paths[1].dealy: [1ms]\n", (3, 3), "topology.paths[1].dealy",
     "did you mean topology.paths[1].delay?"),
    ("scenario: short.yaml\ngrid:\n  topology.paths[2].delay: [1ms]\n", (3, 3), "topology.paths[2].delay",
     "the base scenario has 2 elements in topology.paths (topology.paths[0] to topology.paths[1])"),
    ("scenario: short.yaml\ngrid:\n  seed: [1, 2]\n", (3, 3), "seed", "use its 'seeds:' instead"),
    ("scenario: short.yaml\ngrid:\n  engine.policy: [omr]\n", (3, 3), "engine.policy", "use its 'policies:' instead"),
    ("scenario: short.yaml\ngrdi:\n  engine.probe.interval: [1s]\n", (2, 1), "grdi", "did you mean grid?"),
    ("scenario: nowhere.yaml\n", (1, 11), "scenario", "no such file"),
    ("grid: {}\n", (1, 1), "scenario", "missing"),
    ("scenario: short.yaml\nseeds: 0\n", (2, 8), "seeds", "expected a whole number >= 1, got 0"),
    ("scenario: short.yaml\nseeds: [1, 1]\n", (2, 12), "seeds", "seed 1 is listed twice"),
    ("scenario: short.yaml\npolicies: [magic]\n", (2, 12), "policies[0]", "'magic' is not in this build"),
    ("scenario: short.yaml\nbackends: [warp]\n", (2, 12), "backends[0]", "'warp' is not in this build"),
    ("scenario: short.yaml\ngrid:\n  engine.probe.interval: []\n", (3, 26), "engine.probe.interval",
     "expected a value or a non-empty list of values, got an empty list"),
    ("scenario: short.yaml\ngrid: [1\n", (3, 1), None, "not valid YAML"),
])
def test_errors_name_file_line_column_and_key(tmp_path, text, place, key, message):
    e = error_of(tmp_path, text)
    assert isinstance(e, mprecover.ScenarioError) and isinstance(e, ValueError)
    assert (e.line, e.column) == place, str(e)
    assert e.key == key and message in e.message, str(e)
    file = tmp_path / "bad.yaml"
    assert str(e) == f"{file}:{place[0]}:{place[1]}: " + (f"{key}: " if key else "") + e.message


@pytest.mark.parametrize("key, good, value", [
    ("engine.probe.interval", "1s", "fast"),
    ("topology.paths[1].delay", "10ms", "-5ms"),
    ("traffic.connections", "2", "many"),
    ("events[0].path", "wan1", "wan3"),
])
def test_a_value_the_key_cannot_take_gets_the_scenario_loaders_message(tmp_path, key, good, value):
    e = error_of(tmp_path, f"scenario: short.yaml\ngrid:\n  {key}: [{good}, {value}]\n")
    assert (e.line, e.key) == (3, key)
    assert e.column == len(f"  {key}: [{good}, ") + 1
    # The same value in the scenario file itself: the loader's own words.
    scenario = mprecover.load(tmp_path / "short.yaml")
    parent, attribute = campaign_spec._resolve(scenario, campaign_spec._split(key))
    with pytest.raises((ValueError, TypeError, KeyError)) as loader:
        setattr(parent, attribute, value)
    words = loader.value.args[0]
    assert words.endswith(e.message), (words, e.message)


def test_every_combination_is_validated_before_any_run(tmp_path):
    # The restore moved past the end in one combination only: the whole campaign is refused, the
    # error points at that value and names the combination.
    e = error_of(tmp_path, "scenario: short.yaml\ngrid:\n  engine.probe.interval: [250ms, 1s]\n"
                           "  events[1].at: [5s, 9s]\n")
    assert e.key == "events[1].at" and (e.line, e.column) == (4, 22), str(e)
    assert "with engine.probe.interval: 250ms, events[1].at: 9s and policy" in e.message
    assert not (tmp_path / "bad.campaign").exists()


def test_the_grid_plans_every_combination(tmp_path):
    campaign = mprecover.Campaign(write_campaign(tmp_path, (
        "scenario: short.yaml\n"
        "grid:\n"
        "  engine.probe.interval: [250ms, 500ms, 1s]\n"
        "  topology.paths[1].delay: [10ms, 50ms]\n"
        "  events[0].at: 3s\n"
        "seeds: [4, 7]\n")))
    policies = [p.name for p in mprecover.policies()]
    runs = campaign.runs
    assert len(runs) == 3 * 2 * 2 * len(policies)
    assert len({r.key for r in runs}) == len(runs)
    assert {r.policy for r in runs} == set(policies)
    assert {r.backend for r in runs} == {mprecover.backends()[0].name}  # the build's default
    assert {r.seed for r in runs} == {4, 7}
    assert campaign.spec.swept_keys == ["engine.probe.interval", "topology.paths[1].delay", "events[0].at"]
    # Values as the scenario reads them (seconds), and the effective scenario says them.
    first = runs[0]
    assert dict(first.point) == {"engine.probe.interval": 0.25, "topology.paths[1].delay": 0.01, "events[0].at": 3.0}
    effective = mprecover.loads(first.scenario_text)
    assert effective.engine.probe.interval == 0.25 and effective.events[0].at == 3.0
    assert effective.engine.policy == first.policy
    assert campaign.folder == tmp_path / "sweep.campaign"


def test_a_grid_sweeps_a_traffic_groups_keys_by_index_or_as_the_single_map(tmp_path):
    """traffic.connections, as a file with one traffic map spells it, and traffic[0].connections
    both reach the one group; a second group's keys are swept by its index."""
    single = mprecover.Campaign(write_campaign(tmp_path / "single", (
        "scenario: short.yaml\npolicies: [kernel]\ngrid:\n  traffic.connections: [1, 3]\n")))
    assert [mprecover.loads(r.scenario_text).traffic.connections for r in single.runs] == [1, 3]
    folder = tmp_path / "groups"
    write_campaign(folder, "")
    base = mprecover.load(folder / "short.yaml")
    base.traffic.add("rate", rate="2Mbit", start=1.0)
    base.save(folder / "short.yaml")
    (folder / "sweep.yaml").write_text("scenario: short.yaml\npolicies: [kernel]\ngrid:\n"
                                       "  traffic[1].rate: [2Mbit, 4Mbit]\n")
    runs = mprecover.Campaign(folder / "sweep.yaml").runs
    assert [mprecover.loads(r.scenario_text).traffic[1].rate for r in runs] == [2_000_000, 4_000_000]
    (folder / "bad.yaml").write_text("scenario: short.yaml\ngrid:\n  traffic.connections: [1, 3]\n")
    with pytest.raises(mprecover.CampaignError) as caught:
        mprecover.Campaign(folder / "bad.yaml")
    e = caught.value
    assert e.key == "traffic.connections" and e.message == (
        "the base scenario has 2 elements in traffic: name one, as in traffic[0].connections"), str(e)


def test_seeds_count_from_the_scenarios_seed(tmp_path):
    runs = mprecover.Campaign(write_campaign(tmp_path, "scenario: short.yaml\nseeds: 3\npolicies: [kernel]\n")).runs
    assert [r.seed for r in runs] == [1, 2, 3]


def test_run_keys_follow_the_content_not_the_file(tmp_path):
    a = mprecover.Campaign(write_campaign(tmp_path / "a", "scenario: short.yaml\ngrid: {engine.probe.interval: [1s]}\n"))
    # Written differently, the same runs: the same keys (1000ms is 1s).
    b = mprecover.Campaign(write_campaign(tmp_path / "b", "# another file\nseeds: 1\ngrid:\n"
                                                          "  engine.probe.interval: 1000ms\nscenario: ./short.yaml\n"))
    assert [r.key for r in a.runs] == [r.key for r in b.runs]
    run = a.runs[0]
    key = campaign_spec.run_key
    assert key(run.scenario_text, run.backend, run.policy, run.seed) == run.key
    others = {
        key(run.scenario_text + "#", run.backend, run.policy, run.seed),
        key(run.scenario_text, run.backend + "x", run.policy, run.seed),
        key(run.scenario_text, run.backend, run.policy + "x", run.seed),
        key(run.scenario_text, run.backend, run.policy, run.seed + 1),
        key(run.scenario_text, run.backend, run.policy, run.seed, ("0.0.0", mprecover.__git_revision__)),
        key(run.scenario_text, run.backend, run.policy, run.seed, (mprecover.__version__, "another")),
    }
    assert run.key not in others and len(others) == 6
    assert re.fullmatch(r"[0-9a-f]{20}", run.key)


def test_policy_aliases_and_the_default_backend(tmp_path):
    policy = next(p for p in mprecover.policies() if p.aliases)
    campaign = mprecover.Campaign(write_campaign(tmp_path, f"scenario: short.yaml\npolicies: [{policy.aliases[0]}]\n"))
    assert [r.policy for r in campaign.runs] == [policy.name]
