"""Type stubs of the mprecover module (pybind/module.cpp): run MPTCP WAN-outage scenarios against
the recovery engine. Attributes mirror the scenario file's keys (harness/scenario/spec.cpp).

In Python, durations are float seconds, rates and byte counts int (bits/s, bytes), losses a ratio
0.0 to 1.0; every setter also takes the file's text ("30ms", "50Mbit", "2%", "100p").
"""

import os
from pathlib import Path as _FsPath
from typing import Any, Iterator, overload

__version__: str

_Seconds = float | int | str
_Bits = int | float | str
_Ratio = float | int | str
_PathLike = str | os.PathLike[str]

class ScenarioError(ValueError):
    """A scenario that cannot be loaded or does not validate; str() is "FILE:LINE:COLUMN: KEY: message"."""

    file: str | None
    line: int  # 1-based; 0 when there is no place to point at
    column: int
    key: str | None  # "topology.paths[1].rate"; None for the whole file
    message: str
    def __init__(
        self,
        text: str,
        file: str | None = ...,
        line: int = ...,
        column: int = ...,
        key: str | None = ...,
        message: str | None = ...,
    ) -> None: ...

class RunError(RuntimeError):
    """A run that could not start (no such backend, backend unavailable here) or failed."""

class Server:
    """topology.server"""

    @property
    def rate(self) -> int: ...
    @rate.setter
    def rate(self, value: _Bits) -> None: ...
    @property
    def delay(self) -> float: ...
    @delay.setter
    def delay(self, value: _Seconds) -> None: ...

class Path:
    """A WAN path: scenario.paths[i] or scenario.paths["name"]; writes through to the scenario."""

    name: str
    @property
    def rate(self) -> int: ...
    @rate.setter
    def rate(self, value: _Bits) -> None: ...
    @property
    def delay(self) -> float: ...
    @delay.setter
    def delay(self, value: _Seconds) -> None: ...
    @property
    def loss(self) -> float: ...
    @loss.setter
    def loss(self, value: _Ratio) -> None: ...
    @property
    def queue(self) -> str: ...
    @queue.setter
    def queue(self, value: str | int) -> None: ...
    @property
    def index(self) -> int: ...

class PathList:
    """topology.paths as a list-like view."""

    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, index: int) -> Path: ...
    @overload
    def __getitem__(self, name: str) -> Path: ...
    def __iter__(self) -> Iterator[Path]: ...
    def __contains__(self, name: str) -> bool: ...
    def __delitem__(self, which: int | str) -> None: ...
    def add(
        self,
        name: str,
        *,
        rate: _Bits = ...,
        delay: _Seconds = ...,
        loss: _Ratio = ...,
        queue: str | int = ...,
    ) -> Path: ...

class Topology:
    """topology"""

    @property
    def server(self) -> Server: ...
    @property
    def paths(self) -> PathList: ...

class Event:
    """A timed event: scenario.events[i]; writes through to the scenario."""

    @property
    def at(self) -> float: ...
    @at.setter
    def at(self, value: _Seconds) -> None: ...
    path: str  # the path's name
    action: str  # blackhole, down, reset, readdress, degrade, restore or up
    # degrade only; None otherwise
    @property
    def rate(self) -> int | None: ...
    @rate.setter
    def rate(self, value: _Bits | None) -> None: ...
    @property
    def delay(self) -> float | None: ...
    @delay.setter
    def delay(self, value: _Seconds | None) -> None: ...
    @property
    def loss(self) -> float | None: ...
    @loss.setter
    def loss(self, value: _Ratio | None) -> None: ...

class EventList:
    """events as a list-like view; events run in time order whatever their order here."""

    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> Event: ...
    def __iter__(self) -> Iterator[Event]: ...
    def __delitem__(self, index: int) -> None: ...
    def clear(self) -> None: ...
    def add(
        self,
        at: _Seconds,
        path: str,
        action: str,
        *,
        rate: _Bits | None = ...,
        delay: _Seconds | None = ...,
        loss: _Ratio | None = ...,
    ) -> Event: ...

class Traffic:
    """traffic"""

    connections: int
    @property
    def start(self) -> float: ...
    @start.setter
    def start(self, value: _Seconds) -> None: ...
    @property
    def spacing(self) -> float: ...
    @spacing.setter
    def spacing(self, value: _Seconds) -> None: ...
    @property
    def bytes(self) -> int | None: ...
    @bytes.setter
    def bytes(self, value: int | str | None) -> None: ...

class Retry:
    """engine.retry"""

    @property
    def initial(self) -> float: ...
    @initial.setter
    def initial(self, value: _Seconds) -> None: ...
    @property
    def max(self) -> float: ...
    @max.setter
    def max(self, value: _Seconds) -> None: ...

class Probe:
    """engine.probe: reading gives the value in force; None goes back to the policy's default."""

    @property
    def mode(self) -> str: ...
    @mode.setter
    def mode(self, value: str | None) -> None: ...
    @property
    def interval(self) -> float: ...
    @interval.setter
    def interval(self, value: _Seconds | None) -> None: ...
    @property
    def timeout(self) -> float: ...
    @timeout.setter
    def timeout(self, value: _Seconds | None) -> None: ...
    @property
    def down_after(self) -> int: ...
    @down_after.setter
    def down_after(self, value: int | None) -> None: ...
    @property
    def up_after(self) -> int: ...
    @up_after.setter
    def up_after(self, value: int | None) -> None: ...
    @property
    def hold(self) -> float: ...
    @hold.setter
    def hold(self, value: _Seconds | None) -> None: ...
    @property
    def confirm(self) -> str | None: ...
    @confirm.setter
    def confirm(self, value: str | None) -> None: ...

class Engine:
    """engine"""

    policy: str  # kernel, omr or engine
    rebuild_via: str  # auto, subflow or endpoint
    @property
    def omr_wait(self) -> float: ...
    @omr_wait.setter
    def omr_wait(self, value: _Seconds) -> None: ...
    @property
    def omr_flap_gap(self) -> float: ...
    @omr_flap_gap.setter
    def omr_flap_gap(self, value: _Seconds) -> None: ...
    @property
    def retry(self) -> Retry: ...
    @property
    def probe(self) -> Probe: ...

class Netns:
    """netns"""

    require_delay: bool

class Scenario:
    """A scenario, from load() or loads(); every file key is an attribute at the same place."""

    name: str
    @property
    def description(self) -> str | None: ...
    @description.setter
    def description(self, value: str | None) -> None: ...
    @property
    def duration(self) -> float: ...
    @duration.setter
    def duration(self, value: _Seconds) -> None: ...
    seed: int
    @property
    def source_file(self) -> str | None: ...
    @property
    def topology(self) -> Topology: ...
    @property
    def paths(self) -> PathList: ...
    @property
    def server(self) -> Server: ...
    @property
    def traffic(self) -> Traffic: ...
    @property
    def engine(self) -> Engine: ...
    @property
    def netns(self) -> Netns: ...
    @property
    def events(self) -> EventList: ...
    def validate(self) -> None: ...
    def describe(self) -> str: ...
    def save(self, path: _PathLike) -> None: ...
    def copy(self) -> Scenario: ...
    def __copy__(self) -> Scenario: ...
    def __deepcopy__(self, memo: Any) -> Scenario: ...

class Result:
    """A run's folder: summary (dict), events and timeseries (numpy record arrays, or lists of dicts)."""

    @property
    def out_dir(self) -> _FsPath: ...
    @property
    def interrupted(self) -> bool: ...
    @property
    def end_s(self) -> float: ...
    @property
    def summary(self) -> dict[str, Any]: ...
    @property
    def events(self) -> Any: ...  # numpy.recarray, or list[dict[str, Any]] without numpy
    @property
    def timeseries(self) -> Any: ...  # numpy.recarray, or list[dict[str, Any]] without numpy

class BackendInfo:
    """A backend compiled into this build."""

    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def available(self) -> bool: ...
    @property
    def reason(self) -> str | None: ...

def load(path: _PathLike) -> Scenario:
    """Reads and validates a scenario file; raises ScenarioError."""

def loads(text: str, origin: str = "<string>") -> Scenario:
    """Reads and validates a scenario from YAML text; raises ScenarioError."""

def run(
    scenario: Scenario | _PathLike,
    *,
    backend: str | None = None,
    policy: str | None = None,
    seed: int | None = None,
    out: _PathLike | None = None,
    results_root: _PathLike | None = None,
) -> Result:
    """Validates and runs a scenario; None for out writes a fresh temporary folder. See help(mprecover.run)."""

def read_results(out_dir: _PathLike) -> Result:
    """A Result for a run folder written earlier."""

def backends() -> list[BackendInfo]:
    """The backends compiled into this build, the default first, with whether they can run here."""

def spec() -> str:
    """The scenario file format as a Markdown table."""
