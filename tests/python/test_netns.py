"""The same scenario on real Linux network namespaces: needs the netns backend, root and MPTCP."""

import os

import pytest

import mprecover
from conftest import SCENARIOS

pytestmark = pytest.mark.netns


def netns_skip_reason():
    backends = {b.name: b for b in mprecover.backends()}
    if "netns" not in backends:
        return "the netns backend is not in this build"
    if os.geteuid() != 0:
        return "the netns backend needs root"
    if not backends["netns"].available:
        return f"the netns backend cannot run here: {backends['netns'].reason}"
    return None


@pytest.fixture
def netns():
    reason = netns_skip_reason()
    if reason:
        pytest.skip(reason)


@pytest.mark.parametrize("policy, rebuilt", [("kernel", 0), ("rebuild", 4)])
def test_wan_reset_on_netns(netns, tmp_path, policy, rebuilt):
    r = mprecover.run(SCENARIOS / "wan-reset.yaml", backend="netns", policy=policy, out=tmp_path / policy)
    (o,) = r.summary["outages"]
    assert r.summary["backend"] == "netns"
    assert o["rebuilt"] == rebuilt
