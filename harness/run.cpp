#include "run.h"

#include <algorithm>

namespace mprecover {

std::string compiled_backend_names() {
  std::string names;
  for (const BackendEntry& b : compiled_backends()) names += (names.empty() ? "" : ", ") + b.name;
  return names.empty() ? "none" : names;
}

RunResult run_scenario(const Scenario& scenario, const RunRequest& request, const std::atomic<bool>& stop) {
  const auto& backends = compiled_backends();
  if (request.backend.empty() && backends.empty())
    throw RunError("this build has no backend, so it can validate scenarios but not run them");
  const std::string name = request.backend.empty() ? backends.front().name : request.backend;
  const auto entry = std::find_if(backends.begin(), backends.end(), [&](const BackendEntry& b) { return b.name == name; });
  if (entry == backends.end())
    throw RunError("backend '" + name + "' is not in this build; this build has: " + compiled_backend_names());
  if (const auto reason = entry->unavailable()) throw BackendUnavailable("backend '" + name + "' cannot run here: " + *reason);

  Scenario effective = scenario;
  if (request.policy) effective.engine.policy.kind = *request.policy;
  if (request.seed) effective.seed = *request.seed;

  const RunIdentity identity{name, effective.engine.policy.kind, effective.seed, request.command_line};
  RunRecorder recorder(effective, identity);
  const RunOutcome outcome = entry->make()->run(effective, effective.engine_config(), recorder, stop);
  const auto dir = request.out.value_or(default_run_dir(request.results_root, effective, identity));
  recorder.finish(outcome.totals, outcome.end, dir);
  return {dir, outcome};
}

}  // namespace mprecover
