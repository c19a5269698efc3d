// What a backend is to the harness, and which backends this build has.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/results/run_recorder.h"
#include "harness/scenario/scenario.h"

namespace mprecover {

struct RunOutcome {
  RunTotals totals;
  Instant end;  // how far the run got: the scenario's duration unless it was interrupted
};

class Backend {
 public:
  virtual ~Backend() = default;

  // Runs the scenario with the engine configured by `config`, reporting everything that happens
  // to `recorder`. Returns early, cleanly, once `stop` becomes true (Ctrl-C). Throws on failure,
  // with the action that failed and the object it failed on.
  virtual RunOutcome run(const Scenario& scenario, const EngineConfig& config, RunRecorder& recorder,
                         const std::atomic<bool>& stop) = 0;
};

struct BackendEntry {
  std::string name;
  std::string description;
  // Why this machine cannot run it (not root, no MPTCP, ...), or nothing when it can.
  std::function<std::optional<std::string>()> unavailable;
  std::function<std::unique_ptr<Backend>()> make;
};

// The backends compiled into this build, the default one first.
const std::vector<BackendEntry>& compiled_backends();

}  // namespace mprecover
