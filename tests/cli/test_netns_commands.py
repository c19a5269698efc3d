"""kind command on the live kernel, as a user runs it: iperf3 under mptcpize ends with its run
however the run ends, and a program that escapes mptcpize fails the run instead of passing an
unmeasured one off as working. iperf3-reset (test_netns_every_scenario.py) checks the figures."""
import pathlib
import signal
import subprocess
import time

import pytest

from conftest import BIN, netns_unavailable, run_netns
from test_netns_cleanup import children_of, namespaces_of

pytestmark = [pytest.mark.skipif(netns_unavailable() is not None, reason=str(netns_unavailable())),
              pytest.mark.skipif(not pathlib.Path("/usr/bin/iperf3").exists(),
                                 reason="iperf3 is not installed (cmake/install-deps.sh installs it)")]


COMMAND_SCENARIO = """
name: command-probe
duration: 30s
topology:
  paths:
    - {name: wan1, rate: 20Mbit}
    - {name: wan2, rate: 20Mbit}
traffic:
  kind: command
  start: 0.2s
  server_command: iperf3 --server --port {port}
  client_command: iperf3 --client {server} --port {port} --time {duration}
events:
  - {at: 1s, path: wan2, action: reset}
  - {at: 20s, path: wan2, action: restore}
"""


def gone(pid):
    """The process has ended (or is a zombie its new parent has yet to reap)."""
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_the_programs_of_a_command_run_end_with_it(sig, tmp_path):
    """kind command's iperf3 server and client stop with the run on Ctrl-C, and die with it on
    SIGKILL (PR_SET_PDEATHSIG survives mptcpize's exec of iperf3)."""
    file = tmp_path / "command.yaml"
    file.write_text(COMMAND_SCENARIO)
    out = tmp_path / "run"
    proc = subprocess.Popen([BIN, "run", file, "--backend", "netns", "--out", out, "--no-plot"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    programs = []
    while len(programs) < 2:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never started both programs"
        time.sleep(0.1)
        programs = [pid for pid in children_of(proc.pid)
                    if pathlib.Path(f"/proc/{pid}/comm").read_text().strip() == "iperf3"]
    time.sleep(2.0)  # into the outage
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    deadline = time.monotonic() + 5
    while not all(gone(pid) for pid in programs) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(gone(pid) for pid in programs), "an iperf3 outlived its run"
    if sig == signal.SIGINT:
        assert proc.returncode == 130, stderr
        assert namespaces_of(proc.pid) == []
        assert "still running at the end of the run: stopped" in (out / "command-client.log").read_text()


def test_a_command_whose_connections_are_not_mptcp_fails_its_integrity_and_says_why(tmp_path):
    """A client that escapes mptcpize (here it clears LD_PRELOAD) opens plain TCP: nothing to
    measure or rebuild, which the run must not pass off as a working one."""
    file = tmp_path / "plain.yaml"
    file.write_text(COMMAND_SCENARIO.replace("duration: 30s", "duration: 4s")
                    .replace("client_command: iperf3", "client_command: env -u LD_PRELOAD iperf3")
                    .replace("at: 1s", "at: 2s").replace("at: 20s", "at: 3s"))
    s = run_netns(file, tmp_path / "run")
    assert not s["integrity_ok"]
    assert any("none of the programs' connections was MPTCP" in n for n in s["notes"]), s["notes"]


def test_a_download_is_measured_on_the_paths_it_arrives_by(tmp_path):
    """iperf3 --reverse: the server sends, so what each path carries is what the client received
    on it. wan2's subflows are rebuilt after the reset and carry the download again."""
    file = tmp_path / "download.yaml"
    file.write_text(COMMAND_SCENARIO.replace("duration: 30s", "duration: 10s")
                    .replace("--time {duration}", "--time {duration} --reverse")
                    .replace("at: 1s", "at: 3s").replace("at: 20s", "at: 5s"))
    out = tmp_path / "run"
    s = run_netns(file, out)
    assert s["integrity_ok"], s["notes"]
    (o,) = s["outages"]
    assert o["rebuilt"] == o["connections"] == 2, o
    rows = [line.split(",") for line in (out / "timeseries.csv").read_text().splitlines()[1:]]
    wan2 = [(float(r[0]), int(r[4])) for r in rows if r[1] == "path" and r[2] == "wan2"]
    assert max(bps for t, bps in wan2 if t < 3) > 5e6, "wan2 carried the download before the reset"
    assert max(bps for t, bps in wan2 if t > 6.5) > 5e6, "and again after its subflows were rebuilt"
