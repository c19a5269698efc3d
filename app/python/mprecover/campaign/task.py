"""One run of a campaign, where it executes: a local thread or a dask worker on any machine.

It runs the `mprecover` command as a subprocess (a crash stays in the subprocess, its stderr is
kept), in a scratch folder of its own, and returns the run folder's files: the submitting machine
writes them into the campaign folder. Standard library only: a dask worker needs nothing of the
package (the client pickles this module by value), only an `mprecover` command of the same build.
"""

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

# The dask worker resource of the runs that need a machine's kernel to themselves (a backend that
# plays in real time in network namespaces): `dask-worker --resources netns=1` on machines that may
# run them. A machine-wide lock file keeps two workers of one machine from overlapping.
EXCLUSIVE_RESOURCE = "netns"
# A run's stderr is kept up to this many bytes (the end of it, where the error is).
STDERR_LIMIT = 64 * 1024
SCRATCH_ROOT = "mprecover-campaign"

# The runs going on in this process, for interrupt_all(). No lock: set.add, set.discard and list(set)
# are each one step under the GIL (and a lock would not pickle by value).
_children = set()


def run_one(job):
    """Runs one planned run; returns a dict: key, returncode, files ({name: bytes}), stderr,
    wall_s (the `mprecover run` subprocess's wall time), host, error (None, or why the run could
    not start)."""
    outcome = {"key": job["key"], "returncode": None, "files": {}, "stderr": "", "wall_s": 0.0,
               "host": socket.gethostname(), "error": None}
    command = find_command(job.get("command"))
    if command is None:
        outcome["error"] = (f"no mprecover command on {outcome['host']}: set MPRECOVER_BIN on the worker, or put "
                            f"the same build at {job.get('command')} or on PATH")
        return outcome
    scratch = _scratch_folder(job["key"])
    try:
        scenario = os.path.join(scratch, "scenario.yaml")
        with open(scenario, "w") as f:
            f.write(job["scenario_text"])
        out = os.path.join(scratch, "run")
        argv = [*_die_with_parent(), command, "run", scenario, "--backend", job["backend"], "--policy", job["policy"],
                "--seed", str(job["seed"]), "--out", out, "--no-plot"]
        with _machine_lock() if job.get("exclusive") else contextlib.nullcontext():
            started = time.monotonic()
            outcome["returncode"], outcome["stderr"] = _run(argv)
            outcome["wall_s"] = time.monotonic() - started
        if os.path.isdir(out):
            for name in sorted(os.listdir(out)):
                with open(os.path.join(out, name), "rb") as f:
                    outcome["files"][name] = f.read()
    except OSError as e:
        outcome["error"] = f"cannot run {command} on {outcome['host']}: {e}"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return outcome


def find_command(submitted):
    """The worker's `mprecover`: $MPRECOVER_BIN, else the submitting machine's path when it exists
    here too, else the one on PATH."""
    for candidate in (os.environ.get("MPRECOVER_BIN"), submitted):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("mprecover")


def interrupt_all():
    """Stops every run this process has going (Ctrl-C of a local campaign): each gets SIGTERM,
    writes its partial folder and exits 130, which the campaign does not record."""
    for child in list(_children):
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signal.SIGTERM)


def _run(argv):
    # Its own session: a terminal's Ctrl-C reaches the campaign, which stops the runs itself.
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
    _children.add(child)
    try:
        _, stderr = child.communicate()
    finally:
        _children.discard(child)
    return child.returncode, stderr[-STDERR_LIMIT:].decode(errors="replace")


def _die_with_parent():
    """A prefix that makes the run get SIGTERM if the process waiting for it dies (a dask worker
    killed mid-run): util-linux's setpriv, when it is there."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []


@contextlib.contextmanager
def _machine_lock():
    folder = "/run/lock" if os.access("/run/lock", os.W_OK) else tempfile.gettempdir()
    with open(os.path.join(folder, f"mprecover-{EXCLUSIVE_RESOURCE}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the process dies
        yield


def _scratch_folder(key):
    """A fresh folder for one run under $TMPDIR/mprecover-campaign/; first removes those of
    processes that are gone (a worker killed mid-run leaves its folder behind)."""
    root = os.path.join(tempfile.gettempdir(), SCRATCH_ROOT)
    os.makedirs(root, exist_ok=True)
    for name in os.listdir(root):
        pid = name.split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    return tempfile.mkdtemp(prefix=f"{os.getpid()}-{key}-", dir=root)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
