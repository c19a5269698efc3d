"""Shared set-up of the pytest suite: where the sources are, and the runs several tests read.

ctest runs this suite with PYTHONPATH pointing at the built module (build/python) and
MPRECOVER_SOURCE_DIR at the source tree; every run writes under pytest's tmp_path, never into the
source tree.
"""

import os
import pathlib
import sys

import pytest

import mprecover

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "support"))
from short_reset import short_reset  # noqa: E402  (tests/support is no package)

SOURCE_DIR = pathlib.Path(os.environ.get("MPRECOVER_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
SCENARIOS = SOURCE_DIR / "scenarios"

# The probe-interval sweep: intervals in seconds, and the restore placed between probes (probes
# go out at multiples of the interval) so that waiting for the next probe is what the interval costs.
SWEEP_INTERVALS = (0.25, 1.0, 4.0)
SWEEP_RESTORE_S = 25.1


def pytest_configure(config):
    config.addinivalue_line("markers", "netns: needs the netns backend (root, a kernel with MPTCP)")


@pytest.fixture(scope="session")
def wan_reset_runs(tmp_path_factory):
    """The shipped wan-reset scenario run once per policy on the sim backend: {policy: Result}."""
    runs = {}

    def get(policy):
        if policy not in runs:
            out = tmp_path_factory.mktemp(f"wan-reset-{policy}")
            runs[policy] = mprecover.run(SCENARIOS / "wan-reset.yaml", backend="sim", policy=policy, out=out)
        return runs[policy]

    return get


def sweep_scenario(interval):
    """wan-reset made cheaper for the sweep: 30 s, two connections on 10 Mbit/s paths."""
    s = mprecover.load(SCENARIOS / "wan-reset.yaml")
    s.name = "probe-sweep"
    s.duration = 30
    s.traffic.connections = 2
    for path in s.paths:
        path.rate = "10Mbit"
    s.events[1].at = SWEEP_RESTORE_S
    # A path that is down is probed every down_interval: that is what decides when its restore is seen.
    s.engine.probe.interval = interval
    s.engine.probe.down_interval = interval
    return s


@pytest.fixture(scope="session")
def sweep_runs(tmp_path_factory):
    """The sweep's runs, each made once on first use: {interval: Result}."""
    runs = {}

    def get(interval):
        if interval not in runs:
            out = tmp_path_factory.mktemp(f"sweep-{interval}")
            runs[interval] = mprecover.run(sweep_scenario(interval), backend="sim", out=out)
        return runs[interval]

    return get




def write_campaign(folder, text, duration="8s", name="sweep.yaml"):
    """Writes the short scenario and a campaign file (`text`, whose scenario is short.yaml) into
    `folder`; returns the campaign file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    # A second or so of wall time on the sim for 8 s.
    (folder / "short.yaml").write_text(
        short_reset(duration=duration, connections=2, start="0.5s", reset="2s", restore="5.1s"))
    (folder / name).write_text(text)
    return folder / name


def processes_mentioning(text):
    """The command lines of the live processes whose command line contains `text`."""
    found = []
    for proc in pathlib.Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline and str(os.getpid()) != proc.name:
            found.append(cmdline)
    return found
