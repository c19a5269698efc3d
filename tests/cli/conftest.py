"""Shared helpers for the command-line tests."""
import json
import os
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "support"))
from short_reset import short_reset  # noqa: E402  (tests/support is no package)

BIN = os.environ.get("MPRECOVER_BIN", "build/mprecover")
SOURCE = pathlib.Path(os.environ.get("MPRECOVER_SOURCE_DIR", "."))
SCENARIOS = sorted((SOURCE / "scenarios").glob("*.yaml"))


def mprecover(*args, cwd=None, timeout=600):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout)


def backends():
    return mprecover("backends").stdout


def policies():
    """The policy table's names, in its order (`mprecover policies`)."""
    return [line.split("\t")[0] for line in mprecover("policies").stdout.splitlines()]


def default_policy():
    return next(line.split("\t")[0] for line in mprecover("policies").stdout.splitlines() if "(default)" in line)


def run_sim(scenario, out, *extra):
    """Runs a scenario (a shipped one's file name, or a path) on the sim backend; returns its summary."""
    r = mprecover("run", SOURCE / "scenarios" / scenario, "--backend", "sim", "--out", out, "--no-plot", *extra)
    assert r.returncode == 0, r.stderr
    return json.loads((out / "summary.json").read_text())


def short_scenario(folder, name="short-reset"):
    """wan-reset cut to 23 s at 10 Mbit/s (wan2 reset from 8 s to 13 s: the 5 s before it are the
    goodput baseline), for tests of the command line rather than of recovery figures: its sim run
    takes a tenth of wan-reset's."""
    path = folder / f"{name}.yaml"
    path.write_text(short_reset(name))
    return path


def netns_unavailable():
    """Why the netns backend cannot run here (not in this build, not root, ...), or None."""
    line = next((l for l in backends().splitlines() if l.startswith("netns\t")), None)
    if line is None:
        return "the netns backend is not in this build"
    if "unavailable here:" in line:
        return line.split("unavailable here:", 1)[1].strip(" )")
    return None


def run_netns(scenario, out, *extra):
    """Runs a scenario on the netns backend (real time) and returns its summary."""
    r = mprecover("run", scenario, "--backend", "netns", "--out", out, "--no-plot", *extra, timeout=900)
    assert r.returncode == 0, r.stderr
    return json.loads((out / "summary.json").read_text())
