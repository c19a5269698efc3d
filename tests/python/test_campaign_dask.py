"""Campaigns on a dask.distributed cluster: a LocalCluster of two worker processes runs the same
campaign as the local pool, a worker killed mid-campaign costs no run, and a cluster that cannot
take the campaign says why within seconds."""

import os
import signal
import socket
import sys
import threading
import time

import pytest

import mprecover
from conftest import processes_mentioning, write_campaign
from mprecover.campaign import ClusterError, task

distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (python3-distributed)")
pytestmark = [
    pytest.mark.skipif(not any(b.deterministic and b.available for b in mprecover.backends()),
                       reason="needs a simulator backend that can run here"),
    pytest.mark.filterwarnings("ignore:make_current is deprecated:DeprecationWarning"),  # Debian 12's tornado
]

# 2 probe intervals x every policy of the table: runs of a 10 s scenario.
SWEEP = "scenario: short.yaml\ngrid:\n  engine.probe.interval: [250ms, 1s]\n"
RUNS = 2 * len(mprecover.policies())


@pytest.fixture
def cluster(tmp_path, monkeypatch):
    """Two worker processes (a nanny restarts one that dies), scratch folders under tmp_path."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as local:
        yield local


def test_a_local_cluster_runs_the_campaign_and_loses_no_run_with_a_worker(tmp_path, cluster):
    campaign = mprecover.Campaign(write_campaign(tmp_path, SWEEP, duration="10s"))
    with distributed.Client(cluster, set_as_default=False) as client:
        outcome = {}
        runner = threading.Thread(target=lambda: outcome.setdefault("status", campaign.run(scheduler=client, progress=False)))
        runner.start()
        # Kill the process of the first worker that has a run going (SIGKILL: no goodbye).
        victim = None
        deadline = time.monotonic() + 120
        while victim is None and time.monotonic() < deadline:
            busy = [worker for worker, tasks in client.processing().items() if tasks]
            if busy:
                victim = busy[0]
                pid = client.run(os.getpid, workers=[victim])[victim]
                time.sleep(0.3)
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)
        runner.join(timeout=300)
        assert victim is not None, "no worker ever had a run"
        assert victim not in client.scheduler_info()["workers"], "the worker was not killed"
    status = outcome["status"]
    assert (status.total, status.done, status.failed) == (RUNS, RUNS, 0), str(status)
    table = campaign.results()
    assert len(table) == RUNS and set(table.status) == {"done"}
    # The killed worker's run was stopped with it (it was its parent), and left no scratch folder
    # that the next run does not clear.
    deadline = time.monotonic() + 10
    while processes_mentioning(str(tmp_path / "tmp")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_mentioning(str(tmp_path / "tmp"))

    # The same campaign again, on the cluster's address: nothing to run.
    status = campaign.run(scheduler=cluster.scheduler_address, progress=False)
    assert status.complete and status.done == RUNS


def test_a_scheduler_that_cannot_be_reached_fails_within_seconds_naming_it(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    campaign = mprecover.Campaign(write_campaign(tmp_path, SWEEP))
    started = time.monotonic()
    with pytest.raises(ClusterError, match=f"cannot reach the dask scheduler at {address}"):
        campaign.run(scheduler=address, progress=False)
    assert time.monotonic() - started < 30
    assert not list((campaign.folder / "runs").iterdir())


def test_without_dask_the_error_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    campaign = mprecover.Campaign(write_campaign(tmp_path, SWEEP))
    with pytest.raises(ClusterError, match="apt-get install python3-distributed"):
        campaign.run(scheduler="tcp://127.0.0.1:8786", progress=False)


def test_runs_on_a_real_time_backend_need_a_worker_that_declares_it(tmp_path, cluster):
    realtime = [b.name for b in mprecover.backends() if not b.deterministic]
    if not realtime:
        pytest.skip("this build has no real-time backend")
    campaign = mprecover.Campaign(write_campaign(tmp_path, f"scenario: short.yaml\nbackends: [{realtime[0]}]\n"))
    with pytest.raises(ClusterError, match=f"--resources {task.EXCLUSIVE_RESOURCE}=1"):
        campaign.run(scheduler=cluster, progress=False)
