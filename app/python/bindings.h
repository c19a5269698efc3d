// What the parts of the Python module share. Plain C++20 over the harness headers: nothing here
// includes ns-3.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <atomic>
#include <filesystem>
#include <memory>

#include "core/scenario/scenario.h"

namespace mprecover::python {

namespace py = pybind11;

// Python's Scenario object owns its C++ Scenario through this pointer; every view handed out
// (scenario.engine.probe, scenario.paths[1], ...) keeps it alive and writes through it.
using ScenarioPtr = std::shared_ptr<Scenario>;

// Raises mprecover.ScenarioError for an invalid scenario; returns the scenario ready to run
// (events in time order). Round-trips through the file format, so the checks are the loader's.
Scenario validated(const Scenario& scenario);

// The results folder of one run, read lazily.
struct Result {
  std::filesystem::path out_dir;
  bool interrupted = false;
  double end_s = 0.0;  // how far the run got, in simulated (or wall) seconds
  py::object summary_cache = py::none();
  py::object events_cache = py::none();
  py::object timeseries_cache = py::none();
  py::object requests_cache = py::none();
};

void bind_scenario(py::module_& m);
void bind_result(py::module_& m);

// While alive on the main thread, Ctrl-C (SIGINT) sets `stop` instead of only telling Python;
// Python still learns of the signal and raises KeyboardInterrupt once the run returns.
class InterruptGuard {
 public:
  explicit InterruptGuard(std::atomic<bool>& stop);
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  bool installed_ = false;
};

}  // namespace mprecover::python
