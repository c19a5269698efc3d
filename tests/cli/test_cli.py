"""The mprecover command line, as a user runs it."""
import re

from conftest import SCENARIOS, SOURCE, mprecover


def test_validate_accepts_every_shipped_scenario():
    assert len(SCENARIOS) >= 6
    r = mprecover("validate", *SCENARIOS)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("ok ") == len(SCENARIOS)


def test_validate_names_file_line_column_and_key(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "name: broken\n"
        "duration: 30s\n"
        "topology:\n"
        "  paths:\n"
        "    - {name: wan1, rate: 50Mbit}\n"
        "    - {name: wan2, rate: fast}\n"
    )
    r = mprecover("validate", broken)
    assert r.returncode == 1
    assert re.search(re.escape(str(broken)) + r":6:\d+: topology\.paths\[1\]\.rate: ", r.stderr), r.stderr


def test_validate_reports_every_bad_file_and_fails(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nduration: [1\n")
    r = mprecover("validate", SCENARIOS[0], bad)
    assert r.returncode == 1
    assert "ok " in r.stdout
    assert str(bad) + ":" in r.stderr
    assert "1 of 2 scenario files are invalid" in r.stderr


def test_validate_missing_file_is_a_usage_error(tmp_path):
    r = mprecover("validate", tmp_path / "nope.yaml")
    assert r.returncode == 2
    assert "nope.yaml" in r.stderr


def test_run_with_an_unknown_backend_lists_the_backends_of_this_build():
    r = mprecover("run", SOURCE / "scenarios" / "wan-reset.yaml", "--backend", "quantum")
    assert r.returncode == 1
    assert "backend 'quantum' is not in this build; this build has: " in r.stderr


def test_run_rejects_an_unknown_policy():
    r = mprecover("run", SOURCE / "scenarios" / "wan-reset.yaml", "--policy", "magic")
    assert r.returncode == 2
    assert "magic" in r.stderr


def test_version_and_help():
    r = mprecover("--version")
    assert r.returncode == 0 and re.match(r"mprecover \d+\.\d+\.\d+ \(", r.stdout)
    r = mprecover("--help")
    assert r.returncode == 0
    assert "Examples:" in r.stdout and "mprecover run scenarios/wan-reset.yaml" in r.stdout


def test_spec_prints_the_tables_the_scenario_readme_carries():
    r = mprecover("spec")
    assert r.returncode == 0
    readme = (SOURCE / "scenarios" / "README.md").read_text()
    sections = r.stdout.split("## ")[1:]
    assert [s.split("\n", 1)[0] for s in sections] == ["Keys", "Policies", "Outage kinds"]
    for section in sections:
        assert section.split("\n", 1)[1].strip() in readme, section.split("\n", 1)[0]


def test_policies_lists_the_policy_table():
    r = mprecover("policies")
    assert r.returncode == 0
    names = [line.split("\t")[0] for line in r.stdout.splitlines()]
    assert names[:2] == ["kernel", "omr"]
    assert sum("(default)" in line for line in r.stdout.splitlines()) == 1


def test_show_fills_in_defaults():
    r = mprecover("show", SOURCE / "scenarios" / "wan-reset.yaml")
    assert r.returncode == 0, r.stderr
    assert "wan-reset" in r.stdout
    assert "interval" in r.stdout


def test_no_list_of_policy_or_backend_names_outside_their_tables():
    """Policies and backends are entries in one table each; everything else reads the table."""
    policies = [line.split("\t")[0] for line in mprecover("policies").stdout.splitlines()]
    backends = [line.split("\t")[0] for line in mprecover("backends").stdout.splitlines()]
    offenders = []
    for folder in ("engine", "core", "backends", "app", "bench", "scenarios"):
        for path in (SOURCE / folder).rglob("*"):
            if path.suffix not in {".h", ".cpp", ".cc", ".py", ".pyi", ".txt", ".yaml"}:
                continue
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                for names in (policies, backends):
                    quoted = [n for n in names if f'"{n}"' in line or f"'{n}'" in line]
                    listed = [n for n in names if f"{n}, " in line or f"{n} or " in line]
                    if len(quoted) >= 2 or len(listed) >= 2:
                        offenders.append(f"{path.relative_to(SOURCE)}:{number}: {line.strip()}")
    # The tables themselves, and examples that pick the policies they compare on purpose.
    allowed = ("engine/policy_table.cpp", "app/backends.cpp", "app/python/examples/")
    offenders = [o for o in offenders if not o.startswith(allowed)]
    assert not offenders, "\n".join(offenders)


CAMPAIGN_SCENARIO = """\
name: short-reset
duration: 8s
topology:
  paths:
    - {name: wan1, rate: 10Mbit, delay: 10ms}
    - {name: wan2, rate: 10Mbit, delay: 20ms}
traffic: {connections: 2, start: 0.5s}
events:
  - {at: 2s, path: wan2, action: reset}
  - {at: 5.1s, path: wan2, action: restore}
"""


def campaign_or_skip(*args, **kwargs):
    r = mprecover("campaign", *args, **kwargs)
    if "this build has no Python module" in r.stderr:
        import pytest

        pytest.skip("this build has no Python module")
    return r


def test_campaign_help_shows_the_file_format():
    r = campaign_or_skip("--help")
    assert r.returncode == 0, r.stderr
    assert "usage: mprecover campaign" in r.stdout
    for word in ("grid:", "seeds:", "engine.probe.interval", "--scheduler", "dask-worker"):
        assert word in r.stdout, word
    assert "campaign" in mprecover("--help").stdout


def test_campaign_file_errors_name_file_line_column_and_key(tmp_path):
    (tmp_path / "short.yaml").write_text(CAMPAIGN_SCENARIO)
    (tmp_path / "bad.yaml").write_text("scenario: short.yaml\ngrid:\n  engine.probe.intervl: [1s]\n")
    r = campaign_or_skip("run", tmp_path / "bad.yaml")
    assert r.returncode == 1
    assert r.stderr.strip() == (f"{tmp_path / 'bad.yaml'}:3:3: engine.probe.intervl: not a key of the scenario "
                                "format; did you mean engine.probe.interval?")
    assert not (tmp_path / "bad.campaign").exists()


def test_campaign_run_status_table_plot(tmp_path):
    import pandas

    if "sim\t" not in mprecover("backends").stdout:
        import pytest

        pytest.skip("this build has no sim backend")
    (tmp_path / "short.yaml").write_text(CAMPAIGN_SCENARIO)
    file = tmp_path / "sweep.yaml"
    file.write_text("scenario: short.yaml\ngrid:\n  engine.probe.interval: [250ms, 1s]\npolicies: [kernel]\n")
    r = campaign_or_skip("run", file, "--workers", "2")
    assert r.returncode == 0, r.stderr
    assert "2 done, 0 failed, 0 left" in r.stderr and "2 done, 0 failed, 0 not run yet" in r.stdout
    r = campaign_or_skip("run", file)
    assert r.returncode == 0 and "nothing to run: 2 done" in r.stderr
    r = campaign_or_skip("status", file)
    assert r.returncode == 0 and "2 done, 0 failed, 0 not run yet" in r.stdout
    r = campaign_or_skip("table", file)
    assert r.returncode == 0, r.stderr
    table = pandas.read_csv(tmp_path / "sweep.campaign" / "table.csv")
    assert sorted(table["engine.probe.interval"]) == [0.25, 1.0] and set(table.status) == {"done"}
    assert (table.rebuilt == 0).all()  # the in-kernel path manager never rebuilds: the bug
    r = campaign_or_skip("plot", file, "--metric", "detection_s", "--x", "engine.probe.interval", "--out", tmp_path / "d.png")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "d.png").stat().st_size > 0


def test_the_sim_refuses_a_command_scenario_naming_the_key():
    """Programs run in namespaces: the sim says so before it builds anything, where the file asks,
    and `validate --backend sim` says it without running anything."""
    file = SOURCE / "scenarios" / "iperf3-reset.yaml"
    where = f"{file}:17:9: traffic.kind: the sim backend cannot carry kind command traffic"
    r = mprecover("run", file, "--backend", "sim")
    assert r.returncode == 1
    assert where in r.stderr, r.stderr
    assert "run it with --backend netns" in r.stderr
    r = mprecover("validate", file, "--backend", "sim")
    assert r.returncode == 1 and where in r.stderr, r.stderr
    if "netns\t" in mprecover("backends").stdout:
        assert mprecover("validate", file, "--backend", "netns").returncode == 0
