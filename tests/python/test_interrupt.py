"""Ctrl-C stops a run cleanly: partial results are written and KeyboardInterrupt says where."""

import json
import signal
import subprocess
import sys
import time

from conftest import SCENARIOS

SCRIPT = """
import sys, mprecover
s = mprecover.load(sys.argv[1])
print("running", flush=True)
try:
    mprecover.run(s, out=sys.argv[2])
except KeyboardInterrupt as e:
    print("interrupted", e.result.interrupted, e.result.end_s, flush=True)
    print(e.__notes__[0], flush=True)
    raise
"""


def test_ctrl_c_stops_the_run_and_keeps_partial_results(tmp_path):
    out = tmp_path / "run"
    child = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(SCENARIOS / "wan-reset.yaml"), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "running"
    time.sleep(1.5)
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=60)
    assert time.monotonic() - sent < 10, "the run did not stop promptly"
    assert child.returncode == -signal.SIGINT, stderr  # Python's own exit status for KeyboardInterrupt
    assert "KeyboardInterrupt" in stderr
    lines = stdout.splitlines()
    assert lines[0].startswith("interrupted True")
    assert f"partial results in {out}" in lines[1]
    summary = json.loads((out / "summary.json").read_text())
    assert 0 < summary["duration_s"] < 60
    assert (out / "events.csv").exists()
