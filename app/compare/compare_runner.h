// Runs every combination of scenario, backend, policy and seed that `compare` and `check` ask for,
// one at a time, and gathers their figures into a Comparison.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "comparison.h"

namespace mprecover {

struct CompareRequest {
  std::vector<std::string> files;
  std::vector<std::string> backends;  // empty: every backend of this build; the first is parity's reference
  std::vector<std::string> policies;  // empty: every policy of the policy table
  unsigned seeds = 1;  // the scenario's seed and the ones after it
  std::filesystem::path out;  // runs go to out/runs/<scenario>/<backend>-<policy>-<seed>
  std::string command_line;
};

// Called with a line before each run ("[3/6] wan-reset: netns, rebuild, seed 1 (3 left after this
// one), 2 done, ETA 1 min 10 s": the ETA at the pace of the runs so far) and after it. A run that
// fails stops the comparison, so there is no count of failed runs.
using ProgressSink = std::function<void(const std::string&)>;

// Loads every file first (a bad one stops everything before any run). A backend that this build
// has but this machine cannot run is left out, and each scenario says so in `not_run`. Returns
// early, with what has run so far, once `stop` becomes true.
Comparison run_comparison(const CompareRequest& request, const std::atomic<bool>& stop, const ProgressSink& progress);

}  // namespace mprecover
