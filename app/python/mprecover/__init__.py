"""mprecover: run MPTCP WAN-outage scenarios against the recovery engine.

    import mprecover
    s = mprecover.load("scenarios/wan-reset.yaml")
    s.engine.probe.interval = 0.5          # seconds; or "500ms"
    r = mprecover.run(s, policy="rebuild")  # the default backend, a fresh temporary folder
    print(r.summary["outages"][0]["rebuilt"], r.out_dir)
    r.to_dataframe()                        # one row per outage (pandas)

    c = mprecover.Campaign("sweep.campaign.yaml")   # a parameter sweep that resumes
    c.run(workers=2)                                # or scheduler="tcp://host:8786" (dask)
    c.results()                                     # one row per run and outage (pandas)
    c.plot("rebuild_latency_max_s", x="engine.probe.interval")

load/loads give a Scenario; run() gives a Result; backends() lists what this build can run;
errors in a scenario raise ScenarioError (a ValueError) with file, line, column and key.

The scenarios and runs are the C++ extension mprecover._mprecover; campaigns, DataFrames and plots
are the pure-Python modules of this package.
"""

from ._mprecover import *  # noqa: F401,F403  (the extension's public names are the package's)
from ._mprecover import __git_revision__, __version__  # noqa: F401
from . import _mprecover
from ._result_frames import result_plot as _result_plot
from ._result_frames import result_to_dataframe as _result_to_dataframe
from .campaign import Campaign, CampaignError  # noqa: F401

# help() and repr() name the package, where users find the classes, not the extension inside it.
for _name in dir(_mprecover):
    _obj = getattr(_mprecover, _name)
    if isinstance(_obj, type) and getattr(_obj, "__module__", "") == __name__ + "._mprecover":
        _obj.__module__ = __name__

Result.to_dataframe = _result_to_dataframe  # noqa: F405
Result.plot = _result_plot  # noqa: F405

del _name, _obj
