"""mprecover compare and check on the sim backend: the report, comparison.json, the plots, errors,
and the regression gate catching a deliberately slowed policy."""
import json
import re
import xml.etree.ElementTree

import pytest

from conftest import SOURCE, backends, default_policy, mprecover, short_scenario

pytestmark = pytest.mark.skipif("sim\t" not in backends(), reason="this build has no sim backend")

BASELINE = SOURCE / "results" / "baseline" / "comparison.json"


def test_compare_writes_report_figures_and_plots(tmp_path):
    r = mprecover("compare", short_scenario(tmp_path), "--backends", "sim",
                  "--policies", "kernel,rebuild", "--out", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert "[1/2] short-reset: sim, kernel, seed 1 (1 left after this one)" in r.stderr
    assert "[2/2] short-reset: sim, rebuild, seed 1 (0 left after this one)" in r.stderr
    assert re.search(r"\[2/2\] .*\(0 left after this one\), 1 done, ETA \d+ s", r.stderr), r.stderr
    # It ends with the headline: each policy's recovery side by side, and where the plots are.
    assert re.search(r"kernel +sim +0 of 4 +never +never\n", r.stdout), r.stdout
    assert re.search(r"rebuild +sim +4 of 4 +0\.\d+ s +\d", r.stdout), r.stdout

    comparison = json.loads((tmp_path / "out" / "comparison.json").read_text())
    (scenario,) = comparison["scenarios"]
    runs = {(run["backend"], run["policy"]): run for run in scenario["runs"]}
    assert set(runs) == {("sim", "kernel"), ("sim", "rebuild")}
    kernel, rebuild = runs["sim", "kernel"]["outages"][0], runs["sim", "rebuild"]["outages"][0]
    assert kernel["rebuilt"] == 0 and rebuild["rebuilt"] == 4
    assert rebuild["bytes_lost"] < kernel["bytes_lost"], "the fix must cost fewer bytes than the bug"
    assert rebuild["subflows_per_connection"] == {"before": 2, "during": 1, "after": 2}
    assert kernel["subflows_per_connection"]["after"] == 1
    assert scenario["parity"] == [], "no parity with one backend"
    for run in scenario["runs"]:
        assert (tmp_path / "out" / run["run_dirs"][0] / "summary.json").is_file()

    report = (tmp_path / "out" / "report.md").read_text()
    assert "## Parity rules" in report
    assert re.search(r"\| rebuild \| sim \| 1: reset wan2 8–13 s \| 11\.000 / 13\.\d+ \| 4/4 \|", report), report
    assert "**Parity:** not judged" in report
    if "plot skipped" not in r.stdout:
        assert (tmp_path / "out" / "short-reset-rebuild-latency.png").stat().st_size > 0
        assert (tmp_path / "out" / "short-reset-throughput.png").stat().st_size > 0
        assert "(short-reset-throughput.png)" in report
        assert f"plot: {tmp_path / 'out' / 'short-reset-rebuild-latency.png'}" in r.stdout


def test_compare_several_seeds_reports_their_median(tmp_path):
    r = mprecover("compare", short_scenario(tmp_path), "--backends", "sim", "--policies", "rebuild",
                  "--seeds", "2", "--out", tmp_path / "out", "--no-plot")
    assert r.returncode == 0, r.stderr
    (run,) = json.loads((tmp_path / "out" / "comparison.json").read_text())["scenarios"][0]["runs"]
    assert run["seeds"] == [1, 2]
    assert len(run["run_dirs"]) == 2
    assert "(median of 2 seeds)" in (tmp_path / "out" / "report.md").read_text()


def test_compare_update_redoes_one_scenario_and_keeps_the_others(tmp_path):
    scenarios = {name: short_scenario(tmp_path, name) for name in ("short-a", "short-b")}

    def compare(name, *more, policies="rebuild"):
        r = mprecover("compare", scenarios[name], "--backends", "sim", "--policies", policies,
                      "--out", tmp_path / "out", "--no-plot", *more)
        assert r.returncode == 0, r.stdout + r.stderr
        return json.loads((tmp_path / "out" / "comparison.json").read_text())

    first = compare("short-a")
    assert [s["name"] for s in compare("short-b", "--update")["scenarios"]] == ["short-a", "short-b"]
    again = compare("short-a", "--update")
    assert [s["name"] for s in again["scenarios"]] == ["short-a", "short-b"]
    figures = lambda c: [{k: v for k, v in run.items() if k != "wall_s"} for run in c["scenarios"][0]["runs"]]
    assert figures(again) == figures(first)  # the sim is deterministic; its wall time is not
    report = (tmp_path / "out" / "report.md").read_text()
    assert "short-a" in report and "short-b" in report
    # The header keeps the first command and says what each update reran.
    assert "short-a.yaml --backends sim --policies rebuild" in again["command_line"]
    assert len(again["updates"]) == 2 and "short-b.yaml" in again["updates"][0], again["updates"]
    assert report.count("Updated by mprecover ") == 2 and "(the scenarios it names were run again" in report
    # The same update again redid the same: it takes its earlier line's place.
    redone = compare("short-b", "--update")
    assert len(redone["updates"]) == 2 and "short-b.yaml" in redone["updates"][1], redone["updates"]
    # Only the runs asked for are redone: another policy joins the scenario's runs.
    both = compare("short-a", "--update", policies="omr")
    assert [run["policy"] for run in both["scenarios"][0]["runs"]] == ["rebuild", "omr"]
    assert both["scenarios"][0]["runs"][0]["wall_s"] == again["scenarios"][0]["runs"][0]["wall_s"]  # kept, not rerun
    assert sorted(both["scenarios"][0]["probe_interval_s"]) == ["omr", "rebuild"]
    # Without an earlier comparison there is nothing to update.
    r = mprecover("compare", scenarios["short-a"], "--backends", "sim", "--out", tmp_path / "new", "--update")
    assert r.returncode != 0 and "does not exist" in r.stderr


def test_compare_names_a_backend_this_build_lacks(tmp_path):
    r = mprecover("compare", SOURCE / "scenarios" / "wan-reset.yaml", "--backends", "sim,warp", "--out", tmp_path)
    assert r.returncode == 1
    assert "backend 'warp' is not in this build" in r.stderr


def test_check_refuses_a_scenario_the_baseline_does_not_have(tmp_path):
    scenario = tmp_path / "new.yaml"
    text = (SOURCE / "scenarios" / "wan-reset.yaml").read_text().replace("name: wan-reset", "name: brand-new")
    scenario.write_text(text)
    r = mprecover("check", "--baseline", BASELINE, "--backends", "sim", scenario, "--out", tmp_path / "out", cwd=SOURCE)
    assert r.returncode == 1
    assert "scenario 'brand-new' is not in the baseline" in r.stderr


def test_check_fails_when_the_default_policy_holds_a_recovered_path_longer(tmp_path):
    # The same scenario, but the default policy waits 5 s before it trusts a recovered path again.
    policy = default_policy()
    (scenario,) = [s for s in json.loads(BASELINE.read_text())["scenarios"] if s["name"] == "wan-reset"]
    (run,) = [r for r in scenario["runs"] if r["backend"] == "sim" and r["policy"] in (policy, "engine")]
    before = run["outages"][0]["rebuild_latency_s"]["max"]
    slowed = tmp_path / "wan-reset.yaml"
    text = (SOURCE / "scenarios" / "wan-reset.yaml").read_text()
    slowed.write_text(text.replace("events:", "engine: {probe: {hold: 5s}}\nevents:", 1))
    junit = tmp_path / "check.xml"
    r = mprecover("check", "--baseline", BASELINE, "--backends", "sim", "--policies", policy, slowed,
                  "--out", tmp_path / "out", "--junit", junit, cwd=SOURCE)
    assert r.returncode == 3, r.stdout + r.stderr
    # CI systems show it natively: a case per policy, the regression text as the failure message.
    suites = xml.etree.ElementTree.parse(junit).getroot()
    assert suites.tag == "testsuites" and int(suites.get("failures")) >= 1
    (suite,) = suites.findall("testsuite")
    assert suite.get("name") == "wan-reset"
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {policy} and all(c.get("classname") == "wan-reset.sim" for c in cases.values())
    assert "rebuild_latency_max_s" in cases[policy].find("failure").text
    line = (re.escape(f"REGRESSION wan-reset {policy} on sim, outage 1: rebuild_latency_max_s went from {before:.3f} to 5.")
            + r"\d+ " + re.escape(f"(limit {before + 0.001:.3f})"))
    assert re.search(line, r.stdout), r.stdout
    assert "refresh the baseline" in r.stdout


def test_check_says_why_it_cannot_check_a_scenario_on_the_sim(tmp_path):
    # (The gate above and the regression test rerun only the policies asked for.)
    r = mprecover("check", "--baseline", BASELINE, "--backends", "sim", "--policies", "kernel",
                  SOURCE / "scenarios" / "iperf3-reset.yaml", "--out", tmp_path / "none", cwd=SOURCE)
    # The sim cannot run kind command: nothing to check there, and it says why.
    assert r.returncode == 0, r.stdout + r.stderr
    assert "not checked: iperf3-reset on sim: the sim backend cannot carry kind command traffic" in r.stdout
