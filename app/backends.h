// The backends of this build, in one table: each is a network port (core/network/network_port.h)
// that the driver runs scenarios over. A backend is one entry here, compiled in by its CMake option.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/network/network_port.h"
#include "core/scenario/scenario.h"
#include "core/scenario/scenario_error.h"

namespace mprecover {

struct BackendEntry {
  std::string name;
  std::string description;
  // The same scenario and seed give the same figures (a simulator); else they vary run to run.
  bool deterministic = false;
  // Why this machine cannot run it (not root, no MPTCP, ...), or nothing when it can.
  std::function<std::optional<std::string>()> unavailable;
  // The kinds of traffic it carries; a scenario with another is refused before anything is built.
  std::vector<TrafficKind> traffic_kinds;
  // Why it cannot build a network of these addresses (topology.family) here, or nothing when it
  // can; such a scenario is refused, too, before anything is built.
  std::function<std::optional<std::string>(NetworkFamily family)> family_unavailable;
  // Builds the scenario's network; it lives until the returned port is destroyed.
  std::function<std::unique_ptr<NetworkPort>(const Scenario& scenario)> make;
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

// Why `backend` cannot run `scenario` as written, pointing at the key (the sim has no namespaces
// to run a command in, ...); nothing when it can.
std::optional<ScenarioError> backend_misfit(const BackendEntry& backend, const Scenario& scenario);

// The backends compiled into this build, the default one first.
const std::vector<BackendEntry>& compiled_backends();
// "sim, netns" or "none": for messages.
std::string compiled_backend_names();
// The entry of `name` ("" for the default). Throws RunError when this build has no such backend,
// and, with `runnable`, BackendUnavailable when this machine cannot run it.
const BackendEntry& find_backend(const std::string& name, bool runnable);

}  // namespace mprecover
