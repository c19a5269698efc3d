"""Campaigns on this machine: runs are skipped once done, an interrupted campaign resumes, a failed
run is kept with its stderr and retried only when asked, a changed file runs only what is new, and
the results come back as a table and a plot. Runs of an 8 s scenario on the sim backend."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import mprecover
from conftest import processes_mentioning, write_campaign
from mprecover.campaign import store, task

pytestmark = pytest.mark.skipif(not any(b.deterministic and b.available for b in mprecover.backends()),
                                reason="needs a simulator backend that can run here")

TWO_INTERVALS = "scenario: short.yaml\ngrid:\n  engine.probe.interval: [250ms, 1s]\npolicies: [{policy}]\n"


def default_policy():
    return next(p.name for p in mprecover.policies() if p.is_default)


def mtimes(folder):
    return {p.parent.name: p.stat().st_mtime_ns for p in (folder / "runs").glob("*/run.json")}


def test_a_rerun_skips_what_is_done_and_a_changed_file_runs_only_what_is_new(tmp_path, capfd):
    file = write_campaign(tmp_path, TWO_INTERVALS.format(policy=default_policy()))
    campaign = mprecover.Campaign(file)
    status = campaign.run(workers=2)
    assert (status.total, status.done, status.failed, status.missing) == (2, 2, 0, 0)
    assert "2 runs to go on 2 local workers" in capfd.readouterr().err
    first = mtimes(campaign.folder)

    status = campaign.run(workers=2)
    assert status.complete and mtimes(campaign.folder) == first
    assert "nothing to run: 2 done, 0 failed" in capfd.readouterr().err

    # A third interval and a second seed: only the four new combinations run; the table and the
    # status count the current grid only.
    file.write_text(TWO_INTERVALS.format(policy=default_policy()).replace("1s]", "1s, 2s]") + "seeds: [1, 2]\n")
    status = campaign.run(workers=2)
    assert (status.total, status.done, status.stale) == (6, 6, 0)
    after = mtimes(campaign.folder)
    assert {k: after[k] for k in first} == first and len(after) == 6
    file.write_text(TWO_INTERVALS.format(policy=default_policy()).replace("[250ms, 1s]", "[2s]"))
    status = campaign.status()
    assert (status.total, status.done, status.stale) == (1, 1, 5)
    table = campaign.results()
    assert list(table["engine.probe.interval"]) == [2.0]


def test_results_are_a_tidy_table_and_a_plot(tmp_path):
    campaign = mprecover.Campaign(write_campaign(tmp_path, "scenario: short.yaml\ngrid:\n"
                                                           "  engine.probe.interval: [250ms, 1s]\nseeds: 2\n"))
    campaign.run(workers=2, progress=False)
    table = campaign.results()
    policies = [p.name for p in mprecover.policies()]
    assert len(table) == 2 * 2 * len(policies)  # one outage per run
    for column in ("run", "status", "backend", "policy", "seed", "engine.probe.interval", "detection_s",
                   "rebuilt", "connections", "rebuild_latency_median_s", "rebuild_latency_p95_s",
                   "rebuild_latency_max_s", "rebalance_s", "goodput_dip", "bytes_lost", "subflows_before",
                   "subflows_during", "subflows_after", "integrity_ok"):
        assert column in table.columns, column
    assert set(table["status"]) == {"done"} and table["integrity_ok"].all()
    fix = table[table.policy == default_policy()]
    assert (fix.rebuilt == fix.connections).all()
    # Each probe interval bounds the rebuild: the restored path is found within one interval, and
    # the subflows come back a few round trips later. (Which interval gives the smaller figure
    # depends on where the restore falls in each: a comparison of two seeds is luck.)
    worst = fix.groupby("engine.probe.interval")["rebuild_latency_max_s"].max()
    assert set(worst.index) == {0.25, 1.0}
    for interval, latency in worst.items():
        assert latency <= interval + 0.2, (interval, latency)
    # The run's own figures are those of its folder.
    row = table.iloc[0]
    result = mprecover.read_results(campaign.folder / "runs" / row["run"])
    assert result.to_dataframe().iloc[0]["rebuild_latency_max_s"] == pytest.approx(row["rebuild_latency_max_s"], nan_ok=True)

    fig = campaign.plot("rebuild_latency_max_s", x="engine.probe.interval")
    (ax,) = fig.axes
    assert {t.get_text().split(" ")[0] for t in ax.get_legend().get_texts()} == set(policies)
    fig.savefig(tmp_path / "plot.png")
    assert (tmp_path / "plot.png").stat().st_size > 0
    with pytest.raises(ValueError, match="metric 'latency' is not a column"):
        campaign.plot("latency", x="engine.probe.interval")


FAILING_RUN = """\
#!/bin/sh
# The runs of seed 2 crash after a word on stderr; the others are the real command's.
case " $* " in *" --seed 2 "*) echo "boom: seed 2 is cursed" >&2; kill -SEGV $$;; esac
exec {real} "$@"
"""


def test_a_failed_run_is_kept_with_its_stderr_and_retried_only_when_asked(tmp_path, monkeypatch):
    real = mprecover.campaign.cli_command()
    failing = tmp_path / "failing-mprecover"
    failing.write_text(FAILING_RUN.format(real=real))
    failing.chmod(0o755)
    campaign = mprecover.Campaign(write_campaign(tmp_path, f"scenario: short.yaml\nseeds: 2\npolicies: [{default_policy()}]\n"))
    monkeypatch.setenv("MPRECOVER_BIN", str(failing))
    status = campaign.run(workers=2, progress=False)
    assert (status.done, status.failed) == (1, 1) and not status.complete
    ((run, record),) = status.failures
    assert run.seed == 2 and record["status"] == "failed"
    assert "SIGSEGV" in record["error"] and "boom: seed 2 is cursed" in record["error"]
    assert "boom: seed 2 is cursed" in (campaign.folder / "runs" / run.key / "stderr.txt").read_text()
    assert "FAILED" in str(status) and "--retry-failed" in str(status)

    # Not retried by a plain rerun, and never dropped from the table.
    before = mtimes(campaign.folder)
    status = campaign.run(workers=2, progress=False)
    assert status.failed == 1 and mtimes(campaign.folder) == before
    table = campaign.results()
    failed = table[table.status == "failed"]
    assert list(failed.seed) == [2] and "SIGSEGV" in failed.iloc[0]["error"]

    monkeypatch.setenv("MPRECOVER_BIN", real)
    status = campaign.run(workers=2, retry_failed=True, progress=False)
    assert status.complete and status.failed == 0


def test_a_run_of_another_build_is_refused(tmp_path, monkeypatch):
    # A worker whose mprecover is another build: the run is failed, saying so, not mixed in.
    other = tmp_path / "other-mprecover"
    other.write_text(f"""#!/usr/bin/python3
import json, os, subprocess, sys
code = subprocess.call([{mprecover.campaign.cli_command()!r}] + sys.argv[1:])
out = sys.argv[sys.argv.index("--out") + 1]
meta = json.load(open(os.path.join(out, "metadata.json")))
meta["git_revision"] = "someone-elses"
json.dump(meta, open(os.path.join(out, "metadata.json"), "w"))
sys.exit(code)
""")
    other.chmod(0o755)
    monkeypatch.setenv("MPRECOVER_BIN", str(other))
    campaign = mprecover.Campaign(write_campaign(tmp_path, f"scenario: short.yaml\npolicies: [{default_policy()}]\n"))
    status = campaign.run(workers=1, progress=False)
    ((_, record),) = status.failures
    assert "someone-elses" in record["error"] and "same build" in record["error"]


def test_ctrl_c_keeps_the_finished_runs_and_a_rerun_resumes(tmp_path):
    # 20 s scenarios, one at a time: Ctrl-C lands while a run is going on.
    file = write_campaign(tmp_path, f"scenario: short.yaml\nseeds: 3\npolicies: [{default_policy()}]\n", duration="20s")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    command = [sys.executable, "-m", "mprecover.campaign", "run", str(file), "--workers", "1"]
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    runs = tmp_path / "sweep.campaign" / "runs"
    deadline = time.monotonic() + 120
    while not list(runs.glob("[0-9a-f]*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)  # into the second run
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    assert "run the same command again to resume" in stderr
    kept = sorted(p.name for p in runs.iterdir())
    assert 1 <= len(kept) < 3 and not [k for k in kept if k.startswith(".")], kept
    for key in kept:
        assert json.loads((runs / key / "run.json").read_text())["status"] == "done"
    assert not processes_mentioning(str(scratch)), "a run outlived the campaign"
    assert not list((scratch / task.SCRATCH_ROOT).iterdir())

    before = mtimes(tmp_path / "sweep.campaign")
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert f"{3 - len(kept)} runs to go" in finished.stderr
    after = mtimes(tmp_path / "sweep.campaign")
    assert len(after) == 3 and {k: after[k] for k in before} == before


def test_one_campaign_at_a_time_per_folder(tmp_path):
    campaign = mprecover.Campaign(write_campaign(tmp_path, f"scenario: short.yaml\npolicies: [{default_policy()}]\n"))
    with store.CampaignFolder(campaign.folder).exclusive():
        with pytest.raises(mprecover.campaign.FolderBusy, match="another mprecover campaign is running on"):
            campaign.run(progress=False)


def test_runs_that_need_the_machine_never_overlap(tmp_path, monkeypatch):
    # Two workers of one machine, two exclusive runs: the lock file puts them one after the other.
    stamps = tmp_path / "stamps"
    fake = tmp_path / "fake-mprecover"
    fake.write_text(f"#!/bin/sh\necho start $(date +%s.%N) >> {stamps}\nsleep 0.5\necho end $(date +%s.%N) >> {stamps}\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("MPRECOVER_BIN", str(fake))
    jobs = [{"key": f"k{i}", "scenario_text": "", "backend": "b", "policy": "p", "seed": i, "command": str(fake),
             "exclusive": True} for i in range(2)]
    threads = [threading.Thread(target=task.run_one, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    events = [line.split() for line in stamps.read_text().splitlines()]
    assert [kind for kind, _ in events] == ["start", "end", "start", "end"]
