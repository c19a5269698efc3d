// One run of a scenario on a backend, as the CLI and the Python module ask for it.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "harness/backend.h"

namespace mprecover {

struct RunRequest {
  std::string backend;                       // empty: the build's default backend
  std::optional<PolicyKind> policy;          // overrides engine.policy
  std::optional<std::uint64_t> seed;         // overrides seed
  std::optional<std::filesystem::path> out;  // default: <results_root>/<scenario>/<backend>-<policy>-<seed>
  std::filesystem::path results_root = "results";
  std::string command_line;
};

struct RunResult {
  std::filesystem::path dir;
  RunOutcome outcome;
};

// A run that could not start or failed; what() says what and on which object.
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The backend is in this build but this machine cannot run it (not root, no MPTCP, ...).
class BackendUnavailable : public RunError {
 public:
  using RunError::RunError;
};

RunResult run_scenario(const Scenario& scenario, const RunRequest& request, const std::atomic<bool>& stop);

// "sim, netns" or "none": for messages.
std::string compiled_backend_names();

}  // namespace mprecover
