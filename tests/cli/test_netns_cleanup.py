"""A netns run leaves nothing behind, however it ends: Ctrl-C or SIGTERM mid-outage, or SIGKILL
(then the next run removes what the killed one left)."""
import os
import pathlib
import signal
import subprocess
import time

import pytest

from conftest import BIN, netns_unavailable, run_netns

pytestmark = pytest.mark.skipif(netns_unavailable() is not None, reason=str(netns_unavailable()))

NETNS_DIR = pathlib.Path("/run/netns")

SCENARIO = """
name: cleanup-probe
duration: {duration}s
topology:
  paths:
    - {{name: wan1, rate: 20Mbit}}
    - {{name: wan2, rate: 20Mbit}}
traffic: {{connections: 4, start: 0.2s}}
events:
  - {{at: 1s, path: wan2, action: reset}}
  - {{at: {restore}s, path: wan2, action: restore}}
"""


def scenario(tmp_path, duration):
    path = tmp_path / f"cleanup-{duration}.yaml"
    path.write_text(SCENARIO.format(duration=duration, restore=min(25, duration - 0.5)))
    return path


def namespaces_of(pid):
    if not NETNS_DIR.exists():
        return []
    return sorted(p.name for p in NETNS_DIR.iterdir() if p.name.startswith(f"mprecover-{pid}-"))


def children_of(pid):
    kids = []
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def start_and_wait_for_outage(tmp_path, out):
    """Starts a run and returns it once its topology exists and its outage has begun."""
    proc = subprocess.Popen([BIN, "run", scenario(tmp_path, 30), "--backend", "netns", "--policy", "engine",
                             "--out", out, "--no-plot"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not namespaces_of(proc.pid):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never built its namespaces"
        time.sleep(0.05)
    # Building takes a moment after the first namespace; the reset is at 1 s of run time.
    time.sleep(3.0)
    assert proc.poll() is None, proc.communicate()
    return proc


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_mid_outage_leaves_nothing_behind(sig, tmp_path):
    out = tmp_path / "run"
    proc = start_and_wait_for_outage(tmp_path, out)
    assert namespaces_of(proc.pid)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted; partial results in" in stdout
    assert namespaces_of(proc.pid) == [], "namespaces left behind"
    assert children_of(proc.pid) == []
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert f"mprecover-{proc.pid}-" not in listed
    events = (out / "events.csv").read_text()
    assert ",scenario,reset,wan2," in events, "the outage had begun"


def test_the_next_run_removes_what_a_killed_run_left(tmp_path):
    proc = start_and_wait_for_outage(tmp_path, tmp_path / "killed")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    left = namespaces_of(proc.pid)
    assert left, "SIGKILL cannot clean up: the namespaces are still there for the next run to find"
    s = run_netns(scenario(tmp_path, 2), tmp_path / "next")
    assert namespaces_of(proc.pid) == []
    events = (tmp_path / "next" / "events.csv").read_text()
    for name in left:
        assert name in events, f"{name} not reported as removed"
    assert s["backend"] == "netns"
