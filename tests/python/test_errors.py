"""Errors: where in the file, which key, and which Python exception."""

import pytest

import mprecover
from conftest import SCENARIOS

BAD_RATE = """\
name: bad
duration: 10s
topology:
  paths:
    - {name: wan1, rate: 50Mbps}
"""


def test_scenario_error_names_file_line_column_and_key(tmp_path):
    file = tmp_path / "bad.yaml"
    file.write_text(BAD_RATE)
    with pytest.raises(mprecover.ScenarioError) as caught:
        mprecover.load(file)
    e = caught.value
    assert isinstance(e, ValueError)
    assert e.file == str(file)
    assert (e.line, e.column) == (5, 26)
    assert e.key == "topology.paths[0].rate"
    assert "50Mbps" in e.message
    assert str(e).startswith(f"{file}:5:26: topology.paths[0].rate: ")


def test_loads_names_its_origin():
    with pytest.raises(mprecover.ScenarioError) as caught:
        mprecover.loads(BAD_RATE, origin="inline")
    assert caught.value.file == "inline" and caught.value.line == 5


def test_unknown_key_and_yaml_syntax():
    with pytest.raises(mprecover.ScenarioError) as caught:
        mprecover.loads("name: x\nduraton: 10s\n")
    assert caught.value.line == 2
    with pytest.raises(mprecover.ScenarioError) as caught:
        mprecover.loads("name: [x\n")
    assert caught.value.key is None


def test_missing_file():
    with pytest.raises(mprecover.ScenarioError) as caught:
        mprecover.load("/nonexistent/scenario.yaml")
    assert caught.value.file == "/nonexistent/scenario.yaml"
    assert caught.value.key is None


def test_checks_across_keys_after_editing():
    s = mprecover.load(SCENARIOS / "wan-reset.yaml")
    s.duration = 20  # the restore at 25 s is now past the end
    with pytest.raises(mprecover.ScenarioError) as caught:
        s.validate()
    assert caught.value.key == "events[1].at"
    s.duration = 60
    s.paths[1].name = "wan1"
    with pytest.raises(mprecover.ScenarioError) as caught:
        s.validate()
    assert caught.value.key == "topology.paths[1].name"


def test_run_validates_first(tmp_path):
    s = mprecover.load(SCENARIOS / "wan-reset.yaml")
    s.events.add(70, "wan2", "down")
    with pytest.raises(mprecover.ScenarioError):
        mprecover.run(s, out=tmp_path / "never")
    assert not (tmp_path / "never").exists()


def test_setters_check_their_value():
    s = mprecover.load(SCENARIOS / "wan-reset.yaml")
    with pytest.raises(ValueError, match=r"topology.paths\[0\].rate: expected a rate"):
        s.paths[0].rate = "fast"
    with pytest.raises(ValueError, match="must be more than 0bit"):
        s.paths[0].rate = 0
    with pytest.raises(ValueError, match="seconds"):
        s.paths[0].delay = -0.01
    with pytest.raises(TypeError):
        s.traffic.connections = 1.5
    with pytest.raises(TypeError, match="cannot be None"):
        s.duration = None
    names = [p.name for p in mprecover.policies()]
    with pytest.raises(ValueError, match="expected " + ", ".join(names[:-1]) + " or " + names[-1]):
        s.engine.policy = "best"
    with pytest.raises(ValueError, match='no path named "wan9"'):
        s.events[0].path = "wan9"
    with pytest.raises(ValueError, match='no path named "wan9"'):
        s.events.add(30, "wan9", "reset")
    with pytest.raises(TypeError, match="unexpected keyword argument 'speed'"):
        s.paths.add("wan3", speed=1)
    assert len(s.events) == 2 and len(s.paths) == 2  # failed additions leave nothing behind
    with pytest.raises(KeyError):
        s.paths["wan9"]
    with pytest.raises(IndexError):
        s.paths[2]
    assert s.paths[1].rate == 50_000_000  # unchanged by the failures


def test_run_arguments(tmp_path):
    s = mprecover.load(SCENARIOS / "wan-reset.yaml")
    with pytest.raises(mprecover.RunError, match="not in this build"):
        mprecover.run(s, backend="nosuch", out=tmp_path / "a")
    names = [p.name for p in mprecover.policies()]
    with pytest.raises(ValueError, match="policy must be " + ", ".join(names[:-1]) + " or " + names[-1]):
        mprecover.run(s, policy="best", out=tmp_path / "b")
    with pytest.raises(ValueError, match="not a run folder"):
        mprecover.read_results(tmp_path)


def test_a_backend_that_cannot_carry_the_traffic_refuses_it_as_a_scenario_error():
    with pytest.raises(mprecover.ScenarioError) as caught:
        mprecover.run(SCENARIOS / "iperf3-reset.yaml", backend="sim")
    assert caught.value.key == "traffic.kind"
    assert caught.value.line == 17
    assert "the sim backend cannot carry kind command traffic" in caught.value.message
