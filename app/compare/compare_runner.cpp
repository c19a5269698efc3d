#include "compare_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include "app/run.h"
#include "engine/policy_table.h"
#include "core/scenario/loader.h"
#include "version.h"

namespace mprecover {

namespace {

std::string one_line_result(const RunFigures& run) {
  std::string line = run.integrity_ok ? "integrity ok" : "INTEGRITY BROKEN";
  for (const OutageFigures& o : run.outages) {
    if (!o.end_s) continue;
    char buf[128];
    std::snprintf(buf, sizeof buf, "; %s %s: rebuilt %.0f/%.0f", o.kind.c_str(), o.path.c_str(), o.rebuilt, o.connections);
    line += buf;
    if (o.latency_max_s) {
      std::snprintf(buf, sizeof buf, ", max %.3f s", *o.latency_max_s);
      line += buf;
    }
  }
  return line;
}

// "45 s", "3 min 05 s", "1 h 02 min".
std::string duration_text(double seconds) {
  const long s = std::lround(seconds);
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%ld s", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%ld min %02ld s", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld h %02ld min", s / 3600, s % 3600 / 60);
  return buf;
}

// The runs so far and how long the rest should take at their pace (none before the first ends).
std::string done_and_eta(std::size_t done, std::size_t left, double wall_so_far) {
  std::string text = ", " + std::to_string(done) + " done";
  if (done > 0) text += ", ETA " + duration_text(wall_so_far / static_cast<double>(done) * static_cast<double>(left));
  return text;
}

}  // namespace

Comparison run_comparison(const CompareRequest& request, const std::atomic<bool>& stop, const ProgressSink& progress) {
  std::vector<Scenario> scenarios;
  for (const std::string& file : request.files) scenarios.push_back(load_scenario_file(file));

  std::vector<std::string> asked = request.backends;
  if (asked.empty())
    for (const BackendEntry& b : compiled_backends()) asked.push_back(b.name);
  std::vector<std::string> policies;
  for (const std::string& name : request.policies) policies.push_back(policy_named(name).name);
  if (policies.empty()) policies = policy_names();

  std::vector<std::string> backends;
  std::map<std::string, std::string> unavailable;
  for (const std::string& name : asked) {
    const BackendEntry& entry = find_backend(name, false);
    if (const auto reason = entry.unavailable()) {
      unavailable[name] = *reason;
      progress("backend " + name + " left out: it cannot run here (" + *reason + ")");
    } else {
      backends.push_back(name);
    }
  }

  Comparison comparison;
  comparison.written_by = std::string("mprecover ") + kVersion + " (" + kGitRevision + ")";
  comparison.command_line = request.command_line;
  for (const std::string& backend : asked) comparison.tolerances[backend] = default_tolerance(backend);

  std::size_t fitting = 0;  // scenario x backend pairs that can run
  for (const Scenario& scenario : scenarios)
    for (const std::string& backend : backends)
      if (!backend_misfit(find_backend(backend, false), scenario)) ++fitting;
  const std::size_t total = fitting * policies.size() * request.seeds;
  std::size_t done = 0;
  const auto began = std::chrono::steady_clock::now();
  for (const Scenario& scenario : scenarios) {
    ScenarioComparison sc = describe_for_comparison(scenario, policies);
    for (const auto& [backend, reason] : unavailable) sc.not_run.push_back(backend + ": " + reason);
    for (const std::string& backend : backends) {
      if (const auto misfit = backend_misfit(find_backend(backend, false), scenario)) {
        sc.not_run.push_back(backend + ": " + misfit->message());
        progress(scenario.name + ": backend " + backend + " left out: " + misfit->message());
        continue;
      }
      for (const std::string& policy : policies) {
        std::vector<RunFigures> seeds;
        for (unsigned k = 0; k < request.seeds && !stop; ++k) {
          const std::uint64_t seed = scenario.seed + k;
          const std::string label = backend + "-" + policy + "-" + std::to_string(seed);
          const std::filesystem::path relative = std::filesystem::path("runs") / scenario.name / label;
          const double wall_so_far = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
          const std::string eta = done_and_eta(done, total - done, wall_so_far);
          ++done;
          char counter[64];
          std::snprintf(counter, sizeof counter, "[%zu/%zu] ", done, total);
          progress(counter + scenario.name + ": " + backend + ", " + policy + ", seed " + std::to_string(seed) + " (" +
                   std::to_string(total - done) + " left after this one)" + eta);
          RunRequest run;
          run.backend = backend;
          run.policy = policy;
          run.seed = seed;
          run.out = request.out / relative;
          run.command_line = request.command_line;
          const auto started = std::chrono::steady_clock::now();
          RunFigures figures = run_scenario(scenario, run, stop).figures;
          if (stop) break;
          figures.run_dirs = {relative.string()};
          const auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
          figures.wall_s = wall;
          char took[32];
          std::snprintf(took, sizeof took, " (%.1f s)", wall);
          std::string result = "      ";
          result += one_line_result(figures);
          result += took;
          progress(result);
          seeds.push_back(std::move(figures));
        }
        if (stop) break;
        sc.runs.push_back(median_over_seeds(seeds));
      }
      if (stop) break;
    }
    sc.judge_parity();
    comparison.scenarios.push_back(std::move(sc));
    if (stop) break;
  }
  return comparison;
}

}  // namespace mprecover
