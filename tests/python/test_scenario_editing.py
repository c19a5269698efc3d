"""Reading and changing a scenario from Python: changes write through, in the file's units."""

import copy
import gc

import pytest

import mprecover
from conftest import SCENARIOS, SWEEP_INTERVALS


@pytest.fixture
def s():
    return mprecover.load(SCENARIOS / "wan-reset.yaml")


def test_fields_read_in_python_units(s):
    assert s.name == "wan-reset"
    assert s.source_file.endswith("wan-reset.yaml")
    assert s.duration == 60.0
    assert s.seed == 1
    assert [p.name for p in s.paths] == ["wan1", "wan2"]
    assert s.paths["wan2"].rate == 50_000_000
    assert s.paths[1].delay == pytest.approx(0.020)
    assert s.paths[1].loss == 0.0
    assert s.paths[1].queue == "100p"
    assert s.topology.server.rate == 1_000_000_000
    assert s.traffic.connections == 4 and s.traffic.start == 1.0 and s.traffic.bytes is None
    assert s.engine.policy == "rebuild"  # the default policy
    assert s.engine.omr_wait == 15.0
    assert s.engine.retry.initial == 0.5 and s.engine.retry.max == 8.0
    assert [(e.at, e.path, e.action) for e in s.events] == [(10.0, "wan2", "reset"), (25.0, "wan2", "restore")]


def test_probe_settings_read_as_in_force_and_none_restores_the_policy_default(s):
    assert s.engine.probe.interval == 1.0  # the engine policy's default
    s.engine.policy = "omr"
    assert s.engine.probe.interval == 2.0 and s.engine.probe.up_after == 5  # OMR's tracker
    s.engine.probe.interval = 0.5
    assert s.engine.probe.interval == 0.5
    s.engine.probe.interval = None
    assert s.engine.probe.interval == 2.0
    assert s.engine.probe.confirm is None
    s.engine.probe.confirm = "http"
    assert s.engine.probe.confirm == "http"


def test_nested_changes_write_through(s):
    s.engine.probe.interval = 0.5
    s.paths[1].delay = 0.03
    probe = s.engine.probe
    probe.hold = "2s"
    wan1 = s.paths["wan1"]
    wan1.loss = "2%"
    wan1.rate = 5e6
    text = s.describe()
    assert "interval: 500ms" in text
    assert "delay: 30ms" in text
    assert "hold: 2s" in text
    assert "loss: 2%" in text and "rate: 5Mbit" in text
    assert s.paths[0].loss == pytest.approx(0.02)
    s.validate()


def test_setters_take_the_file_text_as_well(s):
    s.duration = "1.5min"
    s.traffic.bytes = "100MB"
    s.paths[0].queue = 50
    s.server.delay = "250us"
    assert s.duration == 90.0
    assert s.traffic.bytes == 100_000_000
    assert s.paths[0].queue == "50p"
    assert s.server.delay == pytest.approx(250e-6)
    s.traffic.bytes = None
    assert s.traffic.bytes is None


def test_subflow_rows_can_be_thinned_or_turned_off(s):
    assert s.results.subflow_rows is True and s.results.subflow_interval == pytest.approx(0.1)
    s.results.subflow_interval = "1s"
    s.results.subflow_rows = False
    assert "subflow_interval: 1s" in s.describe() and "subflow_rows: false" in s.describe()
    with pytest.raises(ValueError, match="multiple of 100ms"):
        s.results.subflow_interval = 0.25


def test_describe_round_trips(s):
    s.paths[1].delay = 0.0123
    s.engine.policy = "kernel"
    again = mprecover.loads(s.describe())
    assert again.describe() == s.describe()
    assert again.source_file is None


def test_save_and_load_back(s, tmp_path):
    s.name = "edited"
    s.traffic.connections = 7
    s.save(tmp_path / "edited.yaml")
    back = mprecover.load(tmp_path / "edited.yaml")
    assert back.name == "edited" and back.traffic.connections == 7


def test_copies_are_independent(s):
    variant = s.copy()
    variant.paths[1].delay = 0.1
    variant.events[0].action = "blackhole"
    assert s.paths[1].delay == pytest.approx(0.02)
    assert s.events[0].action == "reset"
    assert copy.deepcopy(s).describe() == s.describe()


def test_views_keep_their_scenario_alive():
    path = mprecover.load(SCENARIOS / "wan-reset.yaml").paths[1]
    probe = mprecover.load(SCENARIOS / "wan-reset.yaml").engine.probe
    gc.collect()
    assert path.name == "wan2"
    assert probe.interval == 1.0


def test_adding_and_removing_paths_and_events(s):
    wan3 = s.paths.add("wan3", rate=20e6, delay="5ms", loss=0.01)
    assert len(s.paths) == 3 and wan3.index == 2 and "wan3" in s.paths
    assert s.paths["wan3"].rate == 20_000_000
    degrade = s.events.add(30, "wan3", "degrade", rate="5Mbit", delay=0.08)
    # Added out of time order: events run in time order whatever their place in the list.
    s.events.add(5, "wan1", "blackhole")
    s.events.add(8, "wan1", "restore")
    assert degrade.rate == 5_000_000 and degrade.delay == pytest.approx(0.08) and degrade.loss is None
    s.events.add(40, "wan3", "restore")
    s.validate()

    with pytest.raises(ValueError, match="has events"):
        del s.paths["wan3"]
    del s.events[2]
    del s.events[-1]
    del s.paths["wan3"]
    assert [p.name for p in s.paths] == ["wan1", "wan2"]
    assert [e.path for e in s.events] == ["wan2", "wan2", "wan1", "wan1"]
    s.validate()
    s.events.clear()
    assert len(s.events) == 0
    s.validate()


def test_a_view_of_a_removed_element_says_so(s):
    restore = s.events[1]
    del s.events[1]
    with pytest.raises(IndexError, match="no longer in the scenario"):
        restore.at


def test_edits_reach_the_run_and_its_folder(sweep_runs):
    interval = SWEEP_INTERVALS[0]
    r = sweep_runs(interval)
    assert r.summary["scenario"] == "probe-sweep"
    assert r.summary["duration_s"] == 30.0
    assert [p["rate_bps"] for p in r.summary["paths"]] == [10_000_000, 10_000_000]
    # An edited scenario is written as it ran, not as its file says.
    ran = mprecover.load(r.out_dir / "scenario.yaml")
    assert ran.name == "probe-sweep"
    assert ran.engine.probe.interval == interval
    assert ran.events[1].at == pytest.approx(25.1)


def test_traffic_groups_are_a_list_and_one_group_reads_as_the_list(s):
    assert len(s.traffic) == 1 and s.traffic[0].connections == 4
    video = s.traffic.add("rate", rate="5Mbit", start=2.0)
    assert len(s.traffic) == 2 and video.kind == "rate" and video.rate == 5_000_000
    assert [g.kind for g in s.traffic] == ["bulk", "rate"]
    # With two groups the list no longer stands for one: say which.
    with pytest.raises(AttributeError, match=r"2 traffic groups: name one, as in scenario.traffic\[1\].rate"):
        s.traffic.connections
    back = mprecover.loads(s.describe())
    assert [(g.kind, g.connections, g.rate) for g in back.traffic] == [("bulk", 4, None), ("rate", 1, 5_000_000)]
    del s.traffic[1]
    assert s.traffic.connections == 4
    with pytest.raises(ValueError, match="at least one traffic group"):
        del s.traffic[0]


def test_a_groups_error_names_the_group(s):
    s.traffic.add("rate")
    with pytest.raises(mprecover.ScenarioError) as caught:
        s.validate()
    assert caught.value.key == "traffic[1].kind" and "kind rate needs traffic[1].rate" in caught.value.message
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        s.traffic.add("bulk", colour="red")
    assert len(s.traffic) == 2  # the failed add left nothing behind


def test_a_download_group_reads_and_writes_its_direction(s):
    assert s.traffic.direction == "upload"
    down = s.traffic.add("bulk", direction="download", connections=2)
    assert down.direction == "download"
    with pytest.raises(ValueError, match='expected upload, download or both, got "sideways"'):
        down.direction = "sideways"
    assert "direction: download" in s.describe()
    s.traffic[0].direction = "both"
    assert s.traffic[0].direction == "both" and "direction: both" in s.describe()
