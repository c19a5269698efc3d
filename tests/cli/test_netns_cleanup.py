"""A netns run leaves nothing behind, however it ends: Ctrl-C or SIGTERM mid-outage, or SIGKILL
(then the next run removes what the killed one left). That covers the NFQUEUE delay line too: its
thread ends with the run, and its rules and queues live in the run's router namespaces only (the
root namespace's ruleset and bound queues stay as they were)."""
import json
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


def root_netfilter_state():
    """The root namespace's nftables ruleset (iptables-nft's rules included) and bound NFQUEUE queues."""
    ruleset = subprocess.run(["nft", "list", "ruleset"], capture_output=True, text=True).stdout
    queues = pathlib.Path("/proc/net/netfilter/nfnetlink_queue")
    return ruleset, queues.read_text() if queues.exists() else ""


def delay_line_threads(pid):
    """The run's delay line threads (named mprecover-delay), while it runs."""
    threads = []
    for comm in pathlib.Path(f"/proc/{pid}/task").glob("*/comm"):
        try:
            if comm.read_text().strip() == "mprecover-delay":
                threads.append(comm.parent.name)
        except OSError:
            pass
    return threads


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
    root_before = root_netfilter_state()
    proc = start_and_wait_for_outage(tmp_path, out)
    assert namespaces_of(proc.pid)
    delayed = len(delay_line_threads(proc.pid)) == 1
    assert root_netfilter_state() == root_before, "the run changed the root namespace's rules or queues"
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
    assert root_netfilter_state() == root_before
    summary = json.loads((out / "summary.json").read_text())
    assert delayed == (summary["delay_method"] == "nfqueue"), "a delay line thread runs exactly when it is the method"


def test_the_next_run_removes_what_a_killed_run_left(tmp_path):
    root_before = root_netfilter_state()
    proc = start_and_wait_for_outage(tmp_path, tmp_path / "killed")
    if delay_line_threads(proc.pid):
        router = next(n for n in namespaces_of(proc.pid) if n.endswith("-r0"))
        rules = subprocess.run(["ip", "netns", "exec", router, "iptables-nft", "-t", "mangle", "-S", "FORWARD"],
                               capture_output=True, text=True).stdout
        assert "-j NFQUEUE --queue-num 0" in rules, rules
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
    # The killed run's NFQUEUE rules went with its router namespaces; its queues with its process.
    assert root_netfilter_state() == root_before

