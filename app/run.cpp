#include "app/run.h"

#include "engine/policy_table.h"

namespace mprecover {

RunResult run_scenario(const Scenario& scenario, const RunRequest& request, const std::atomic<bool>& stop) {
  const BackendEntry& backend = find_backend(request.backend, true);
  if (auto misfit = backend_misfit(backend, scenario)) throw *misfit;

  Scenario effective = scenario;
  if (request.policy) {
    const PolicyEntry* policy = find_policy(*request.policy);
    if (policy == nullptr)
      throw RunError("no policy named '" + *request.policy + "'; the policies are " + policy_names_text());
    effective.engine.policy.name = policy->name;
  }
  if (request.seed) effective.seed = *request.seed;

  const RunIdentity identity{backend.name, effective.engine.policy.name, effective.seed, request.command_line};
  RunRecorder recorder(effective, identity);
  RunOutcome outcome;
  {
    const std::unique_ptr<NetworkPort> network = backend.make(effective);
    Driver driver(effective, effective.engine_config(), *network, recorder, stop);
    outcome = driver.run();
  }
  const auto dir = request.out.value_or(default_run_dir(request.results_root, effective, identity));
  RunFigures figures = recorder.finish(outcome.totals, outcome.end, dir);
  return {dir, outcome, std::move(figures)};
}

}  // namespace mprecover
