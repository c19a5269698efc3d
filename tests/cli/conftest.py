"""Shared helpers for the command-line tests."""
import json
import os
import pathlib
import subprocess

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
    """Runs a scenario on the sim backend and returns its summary."""
    r = mprecover("run", SOURCE / "scenarios" / scenario, "--backend", "sim", "--out", out, "--no-plot", *extra)
    assert r.returncode == 0, r.stderr
    return json.loads((out / "summary.json").read_text())


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
