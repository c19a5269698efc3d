"""Where a campaign's runs execute: a local pool of threads (each waits for its `mprecover run`
subprocess), or a dask.distributed cluster. Both are concurrent.futures executors running
task.run_one: the executor is the only difference between one machine and many."""

import concurrent.futures
import os
import sys

from . import task

SCHEDULER_TIMEOUT_S = 5
DASK_PACKAGE = "python3-distributed"


class ClusterError(RuntimeError):
    """The dask cluster cannot take the campaign: dask missing, scheduler unreachable, no worker
    for a kind of run."""


class LocalPool:
    def __init__(self, workers=None):
        self.workers = workers or os.cpu_count() or 1
        self._executor = concurrent.futures.ThreadPoolExecutor(self.workers, thread_name_prefix="mprecover-run")
        self.description = f"{self.workers} local worker{'s' if self.workers != 1 else ''}"

    def submit(self, job):
        return self._executor.submit(task.run_one, job)

    def lost_worker_error(self, error):
        return None

    def interrupt(self):
        task.interrupt_all()

    def close(self, cancel=False):
        self._executor.shutdown(wait=True, cancel_futures=cancel)


class DaskPool:
    """A dask.distributed cluster: `scheduler` is an address ("tcp://host:8786"), a Cluster
    (LocalCluster(...)) or a Client. Runs of a backend that needs a machine to itself ask for the
    worker resource task.EXCLUSIVE_RESOURCE."""

    def __init__(self, scheduler, needs_exclusive):
        try:
            import cloudpickle
            import distributed
        except ImportError:
            raise ClusterError("running on a dask cluster needs dask.distributed: apt-get install "
                               f"{DASK_PACKAGE} (for /usr/bin/python3)") from None
        # The workers need nothing of this package: the task goes to them by value.
        cloudpickle.register_pickle_by_value(task)
        self._own_client = not isinstance(scheduler, distributed.Client)
        if isinstance(scheduler, distributed.Client):
            self.client = scheduler
        else:
            address = getattr(scheduler, "scheduler_address", scheduler)
            try:
                self.client = distributed.Client(address, timeout=SCHEDULER_TIMEOUT_S, set_as_default=False)
            except (OSError, TimeoutError) as e:
                raise ClusterError(f"cannot reach the dask scheduler at {address} within {SCHEDULER_TIMEOUT_S} s "
                                   f"({e}); is dask-scheduler running there?") from None
        self.address = self.client.scheduler.address
        workers = self.client.scheduler_info().get("workers", {})
        self.description = f"the dask scheduler at {self.address} ({len(workers)} workers now)"
        if needs_exclusive and not any(w.get("resources", {}).get(task.EXCLUSIVE_RESOURCE) for w in workers.values()):
            if self._own_client:
                self.client.close()
            raise ClusterError(
                f"no worker of {self.address} declares the resource {task.EXCLUSIVE_RESOURCE}=1: runs on a real-time "
                f"backend need it (one such run per machine at a time); start dask-worker with --resources "
                f"{task.EXCLUSIVE_RESOURCE}=1 on the machines that may run them")
        self._plain = self.client.get_executor(pure=False)
        self._exclusive = self.client.get_executor(pure=False, resources={task.EXCLUSIVE_RESOURCE: 1})
        self._killed_worker = distributed.KilledWorker

    def submit(self, job):
        return (self._exclusive if job["exclusive"] else self._plain).submit(task.run_one, job)

    def lost_worker_error(self, error):
        """Why a run is given up after dask lost its worker more than it allows, or None."""
        if isinstance(error, self._killed_worker):
            return (f"dask lost the worker running it several times ({error}); it is kept as failed: "
                    "rerun with --retry-failed")
        return None

    def interrupt(self):
        print("interrupted: runs already on dask workers finish there, their results are not kept",
              file=sys.stderr)

    def close(self, cancel=False):
        if cancel:
            for executor in (self._plain, self._exclusive):
                executor.shutdown(wait=False)  # cancels what has not run
        if self._own_client:
            self.client.close()


def make_pool(workers=None, scheduler=None, needs_exclusive=False):
    if scheduler is not None:
        return DaskPool(scheduler, needs_exclusive)
    return LocalPool(workers)
