#include "compare_commands.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "app/compare/baseline_check.h"
#include "app/compare/check_cases.h"
#include "app/compare/compare_report.h"
#include "app/compare/compare_summary.h"
#include "app/run.h"
#include "core/scenario/loader.h"
#include "engine/policy_table.h"
#include "plot.h"

namespace mprecover {

namespace {

void progress_to_stderr(const std::string& line) { std::cerr << line << std::endl; }

void write_text_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
}

// `summary`: end with the figures that matter most, per scenario, and where the plots are.
void write_outputs(const Comparison& comparison, const std::filesystem::path& out, bool plot, bool summary) {
  write_comparison(comparison, out / "comparison.json");
  if (plot) std::cout << draw_comparison_plots(out) << '\n';
  write_compare_report(comparison, out);
  std::cout << "report: " << (out / "report.md").string() << "\nfigures: " << (out / "comparison.json").string() << '\n';
  if (summary) std::cout << compare_summary_text(comparison, out);
}

// The earlier comparison with `fresh`'s runs in place of (or after) its own: a fresh run replaces
// the earlier one of its scenario, backend and policy, and the others stay (`--backends sim` after a
// change to the sim's model keeps the kernel's runs to judge parity against). What the kept
// scenarios' files say of their outages is read again, so that today's parity rules see it.
Comparison merged(Comparison earlier, const Comparison& fresh) {
  for (ScenarioComparison& kept : earlier.scenarios) {
    if (fresh.find(kept.name) != nullptr || !std::filesystem::exists(kept.file)) continue;
    std::vector<std::string> policies;
    for (const auto& [policy, interval] : kept.probe_interval_s) policies.push_back(policy);
    const ScenarioComparison now = describe_for_comparison(load_scenario_file(kept.file), policies);
    kept.outage_changes_delay = now.outage_changes_delay;
    kept.outage_in_random_loss = now.outage_in_random_loss;
    kept.judge_parity();
  }
  for (const ScenarioComparison& s : fresh.scenarios) {
    const auto same = std::find_if(earlier.scenarios.begin(), earlier.scenarios.end(),
                                   [&s](const ScenarioComparison& e) { return e.name == s.name; });
    if (same == earlier.scenarios.end()) {
      earlier.scenarios.push_back(s);
      continue;
    }
    ScenarioComparison kept = *same;
    kept.take_runs(s.runs);
    std::map<std::string, double> probe_interval_s = same->probe_interval_s;
    for (const auto& [policy, interval] : s.probe_interval_s) probe_interval_s[policy] = interval;
    *same = s;
    same->runs = std::move(kept.runs);
    same->probe_interval_s = std::move(probe_interval_s);
    same->judge_parity();
  }
  // The header keeps who wrote the kept runs; the update is said after it. The same command run
  // again redid what it had done, so it takes its earlier line's place.
  const std::string command = ": " + fresh.command_line;
  std::erase_if(earlier.updates, [&command](const std::string& update) { return update.ends_with(command); });
  earlier.updates.push_back(fresh.written_by + command);
  return earlier;
}

}  // namespace

int compare_command(const CompareRequest& request, bool plot, bool update, const std::atomic<bool>& stop) {
  const std::filesystem::path earlier_file = request.out / "comparison.json";
  if (update && !std::filesystem::exists(earlier_file))
    throw std::runtime_error("--update: " + earlier_file.string() + " does not exist (run compare without --update first)");
  const std::optional<Comparison> earlier =
      update ? std::optional<Comparison>(read_comparison(earlier_file)) : std::nullopt;
  std::filesystem::create_directories(request.out);
  const Comparison comparison = run_comparison(request, stop, progress_to_stderr);
  if (stop) {
    std::cerr << "interrupted: no report written; the finished runs are under " << (request.out / "runs").string() << '\n';
    return 130;
  }
  write_outputs(earlier ? merged(*earlier, comparison) : comparison, request.out, plot, true);
  return 0;
}

int check_command(const CheckRequest& request, const std::atomic<bool>& stop) {
  const Comparison baseline = read_comparison(request.baseline);

  CompareRequest rerun;
  rerun.out = request.out;
  rerun.command_line = request.command_line;
  rerun.files = request.files;
  if (rerun.files.empty())
    for (const ScenarioComparison& s : baseline.scenarios) rerun.files.push_back(s.file);
  for (const std::string& file : rerun.files) {
    const std::string name = load_scenario_file(file).name;
    if (!baseline.find(name))
      throw std::runtime_error(file + ": scenario '" + name + "' is not in the baseline " + request.baseline.string() +
                               "; refresh the baseline to add it (see results/README.md)");
  }

  // Whatever the baseline ran: its backends (or those asked for), policies and number of seeds.
  std::set<std::string> backends;
  std::set<std::string> policies;
  unsigned seeds = 1;
  for (const ScenarioComparison& s : baseline.scenarios) {
    for (const RunFigures& r : s.runs) {
      backends.insert(r.backend);
      policies.insert(r.policy);
      seeds = std::max(seeds, static_cast<unsigned>(r.seeds.size()));
    }
  }
  rerun.policies.assign(policies.begin(), policies.end());
  if (!request.policies.empty()) {
    rerun.policies.clear();
    for (const std::string& name : request.policies) {
      const std::string& policy = policy_named(name).name;
      if (!policies.count(policy))
        throw std::runtime_error("the baseline " + request.baseline.string() + " has no run with policy " + policy);
      rerun.policies.push_back(policy);
    }
  }
  rerun.seeds = seeds;
  rerun.backends.clear();
  if (request.backends.empty()) {
    rerun.backends.assign(backends.begin(), backends.end());
  } else {
    for (const std::string& backend : request.backends) {
      if (!backends.count(backend))
        throw std::runtime_error("the baseline " + request.baseline.string() + " has no run on backend " + backend);
      find_backend(backend, true);
      rerun.backends.push_back(backend);
    }
  }
  if (request.parity_with && !backends.count(*request.parity_with))
    throw std::runtime_error("the baseline " + request.baseline.string() + " has no run on backend " +
                             *request.parity_with + " to judge parity with");

  std::filesystem::create_directories(rerun.out);
  const Comparison now = run_comparison(rerun, stop, progress_to_stderr);
  if (stop) return 130;
  write_outputs(now, rerun.out, false, false);

  std::size_t runs = 0;
  for (const ScenarioComparison& s : now.scenarios) {
    runs += s.runs.size();
    for (const std::string& reason : s.not_run)
      std::cout << "not checked: " << s.name << " on " << reason << '\n';
  }
  const std::vector<CheckCase> cases = judge_check(baseline, now, request.parity_with);
  if (request.junit) write_text_file(*request.junit, junit_xml(cases));
  std::size_t problems = 0;
  for (const CheckCase& c : cases)
    for (const std::string& note : c.notes) std::cout << note << '\n';
  for (const CheckCase& c : cases)
    for (const std::string& problem : c.problems) {
      std::cout << problem << '\n';
      ++problems;
    }
  if (problems > 0) {
    std::cout << problems << " problem(s) against " << request.baseline.string()
              << ". If the change is intended, refresh the baseline (results/README.md says how).\n";
    return kRegressionFound;
  }
  std::cout << "no regression" << (request.parity_with ? " and parity with " + *request.parity_with : std::string())
            << ": " << runs << " runs of " << now.scenarios.size() << " scenarios within the tolerances of "
            << request.baseline.string() << '\n';
  return 0;
}

}  // namespace mprecover
