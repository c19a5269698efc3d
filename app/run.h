// One run of a scenario on a backend, as the CLI, compare and the Python module ask for it.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

#include "app/backends.h"
#include "core/driver/driver.h"
#include "core/results/run_figures.h"

namespace mprecover {

struct RunRequest {
  std::string backend;                       // empty: the build's default backend
  std::optional<std::string> policy;         // overrides engine.policy (a name or an alias)
  std::optional<std::uint64_t> seed;         // overrides seed
  std::optional<std::filesystem::path> out;  // default: <results_root>/<scenario>/<backend>-<policy>-<seed>
  std::filesystem::path results_root = "results";
  std::string command_line;
};

struct RunResult {
  std::filesystem::path dir;
  RunOutcome outcome;
  RunFigures figures;  // what summary.json says
};

// Throws RunError (BackendUnavailable when the backend cannot run here) before anything runs.
RunResult run_scenario(const Scenario& scenario, const RunRequest& request, const std::atomic<bool>& stop);

}  // namespace mprecover
