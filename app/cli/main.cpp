// mprecover: validate and run MPTCP WAN-outage recovery scenarios.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "campaign_command.h"
#include "compare_commands.h"
#include "app/run.h"
#include "engine/policy_table.h"
#include "core/scenario/loader.h"
#include "core/scenario/spec.h"
#include "plot.h"
#include "version.h"

namespace {

using namespace mprecover;

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void request_stop(int /*signal*/) { g_stop.store(true); }

constexpr const char* kExamples = R"(
Examples:
  mprecover validate scenarios/*.yaml
  mprecover run scenarios/wan-reset.yaml                      # default backend, the scenario's policy
  mprecover run scenarios/wan-reset.yaml --policy kernel      # the in-kernel PM's bug, as a baseline
  mprecover run scenarios/wan-reset.yaml --backend netns --policy omr --seed 7 --out /tmp/run
  mprecover show scenarios/wan-flap.yaml                      # every setting, defaults filled in
  mprecover spec                                              # the scenario file format
  mprecover compare scenarios/wan-reset.yaml --out /tmp/cmp   # every policy x every backend: report.md
  mprecover compare scenarios/wan-flap.yaml --out /tmp/cmp --update   # add or redo one scenario there
  mprecover compare scenarios/*.yaml --backends sim --seeds 3
  mprecover check --baseline results/baseline/comparison.json --backends sim
  mprecover campaign run sweep.yaml --workers 2               # a parameter sweep; resumes when rerun
  mprecover campaign run sweep.yaml --scheduler tcp://head:8786   # on a dask cluster
  mprecover campaign table sweep.yaml                         # one tidy CSV: a row per run and outage
  mprecover campaign --help                                   # the campaign file format

Exit codes: 0 done, 1 error (bad scenario, failed run), 2 bad command line,
  3 check found a regression (or, with --parity-with, a disagreement), 4 the backend cannot run
  on this machine (e.g. netns without root), 130 interrupted (Ctrl-C, SIGTERM).
)";

std::string joined_arguments(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i ? " " : "") + std::string(argv[i]);
  return line;
}

// `backend`: also what that backend cannot run of each file ("" for none).
int validate(const std::vector<std::string>& files, const std::string& backend) {
  const BackendEntry* entry = backend.empty() ? nullptr : &find_backend(backend, false);
  int failures = 0;
  for (const std::string& file : files) {
    try {
      const Scenario s = load_scenario_file(file);
      if (entry != nullptr)
        if (auto misfit = backend_misfit(*entry, s)) throw *misfit;
      std::cout << "ok    " << file << ": " << s.name << ", " << s.paths.size() << " paths, "
                << traffic_text(s.traffic) << ", " << s.events.size() << " events, "
                << to_seconds(s.duration) << " s\n";
    } catch (const ScenarioError& e) {
      std::cerr << e.what() << '\n';
      ++failures;
    }
  }
  if (failures > 0)
    std::cerr << failures << " of " << files.size() << " scenario files are invalid"
              << (entry != nullptr ? " or cannot run on " + entry->name : std::string()) << '\n';
  return failures > 0 ? 1 : 0;
}

int run(const std::string& file, const RunRequest& request, bool plot) {
  const Scenario scenario = load_scenario_file(file);
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  const RunResult result = run_scenario(scenario, request, g_stop);
  std::cout << (g_stop ? "interrupted; partial results in " : "results in ") << result.dir.string() << '\n';
  if (plot) std::cout << draw_plot(result.dir) << '\n';
  return g_stop ? 130 : 0;
}

int list_backends() {
  if (compiled_backends().empty()) std::cout << "this build has no backend\n";
  for (const BackendEntry& b : compiled_backends()) {
    const auto reason = b.unavailable();
    std::cout << b.name << "\t" << b.description << (reason ? "  (unavailable here: " + *reason + ")" : "") << '\n';
  }
  return 0;
}

int list_policies() {
  for (const PolicyEntry& p : policy_table()) {
    std::string aliases;
    for (const std::string& a : p.aliases) aliases += (aliases.empty() ? "" : ", ") + a;
    std::cout << p.name << "\t" << p.summary << (p.name == default_policy().name ? " (default)" : "")
              << (aliases.empty() ? "" : " (also: " + aliases + ")") << '\n';
  }
  return 0;
}

// Every name `--policy` takes: the policy table's names and their older aliases.
std::vector<std::string> policy_choices() {
  std::vector<std::string> names;
  for (const PolicyEntry& p : policy_table()) {
    names.push_back(p.name);
    names.insert(names.end(), p.aliases.begin(), p.aliases.end());
  }
  return names;
}

std::vector<std::string> backend_choices() {
  std::vector<std::string> names;
  for (const BackendEntry& b : compiled_backends()) names.push_back(b.name);
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mprecover: measure how MPTCP connections recover their subflows after WAN outages"};
  app.footer(kExamples);
  app.set_version_flag("--version", std::string("mprecover ") + kVersion + " (" + kGitRevision + ")");
  app.require_subcommand(1);

  std::vector<std::string> files;
  auto* validate_cmd = app.add_subcommand("validate", "Check scenario files; errors name file:line:column and key");
  validate_cmd->add_option("files", files, "Scenario files")->required()->check(CLI::ExistingFile);
  std::string validate_backend;
  validate_cmd->add_option("--backend", validate_backend,
                           "Also check what this backend can run (" + or_list(backend_choices()) + ")");

  std::string run_file;
  std::string backend;
  std::string policy;
  std::uint64_t seed = 0;
  std::string out;
  auto* run_cmd = app.add_subcommand("run", "Run a scenario and write its results folder");
  run_cmd->add_option("file", run_file, "Scenario file")->required()->check(CLI::ExistingFile);
  run_cmd->add_option("--backend", backend, or_list(backend_choices()) + " (default: the first)");
  auto* policy_opt = run_cmd->add_option("--policy", policy, policy_names_text() + " (default: the scenario's)")
                         ->check(CLI::IsMember(policy_choices()));
  auto* seed_opt = run_cmd->add_option("--seed", seed, "Random seed (default: the scenario's)");
  run_cmd->add_option("--out", out, "Results folder (default: results/<scenario>/<backend>-<policy>-<seed>)");
  bool no_plot = false;
  run_cmd->add_flag("--no-plot", no_plot, "Do not draw throughput.png");

  std::string show_file;
  auto* show_cmd = app.add_subcommand("show", "Print a scenario with every setting, defaults filled in");
  show_cmd->add_option("file", show_file, "Scenario file")->required()->check(CLI::ExistingFile);

  CompareRequest compare_request;
  compare_request.out = "results/compare";
  bool compare_no_plot = false;
  bool compare_update = false;
  auto* compare_cmd = app.add_subcommand(
      "compare", "Run scenarios with each policy on each backend; write report.md, comparison.json and PNGs");
  compare_cmd->add_option("files", compare_request.files, "Scenario files")->required()->check(CLI::ExistingFile);
  compare_cmd->add_option("--backends", compare_request.backends,
                          "Backends, comma-separated; the first is parity's reference (default: " +
                              compiled_backend_names() + ")")
      ->delimiter(',')
      ->allow_extra_args(false);
  compare_cmd->add_option("--policies", compare_request.policies,
                          "Policies, comma-separated (default: " + policy_names_text() + ")")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(CLI::IsMember(policy_choices()));
  compare_cmd->add_option("--seeds", compare_request.seeds, "Seeds per combination: the scenario's and the next ones")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();
  compare_cmd->add_option("--out", compare_request.out, "Folder for the report, the figures and the runs")
      ->capture_default_str();
  compare_cmd->add_flag("--no-plot", compare_no_plot, "Do not draw the PNGs");
  compare_cmd->add_flag("--update", compare_update,
                        "Rerun these scenarios' runs (of --backends and --policies) in --out's comparison; keep the "
                        "other runs, redo report.md and PNGs");

  CheckRequest check_request;
  check_request.out = "results/check";
  auto* check_cmd = app.add_subcommand(
      "check", "Rerun a baseline's scenarios; exit 3 naming each figure where recovery got worse than its tolerance");
  check_cmd->add_option("--baseline", check_request.baseline, "A comparison.json (results/baseline/comparison.json)")
      ->required()
      ->check(CLI::ExistingFile);
  check_cmd->add_option("files", check_request.files, "Scenario files (default: the baseline's)")->check(CLI::ExistingFile);
  check_cmd->add_option("--backends", check_request.backends, "Backends to check, comma-separated (default: the baseline's that can run here)")
      ->delimiter(',')
      ->allow_extra_args(false);
  check_cmd->add_option("--policies", check_request.policies, "Policies to check, comma-separated (default: the baseline's)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(CLI::IsMember(policy_choices()));
  check_cmd->add_option("--out", check_request.out, "Folder for the new runs and their comparison")->capture_default_str();
  check_cmd->add_option("--parity-with", check_request.parity_with,
                        "A backend of the baseline (e.g. the deterministic sim) whose figures each new run on another "
                        "backend must agree with, by compare's parity rules");
  check_cmd->add_option("--junit", check_request.junit,
                        "Also write the outcome as JUnit XML: a test case per scenario, backend and policy");

  // Everything after `campaign` goes to the Python side, --help included.
  auto* campaign_cmd = app.add_subcommand(
      "campaign", "Parameter sweeps from a YAML campaign file: run (resumes, local or dask), status, table, plot "
                  "(`mprecover campaign --help`)");
  campaign_cmd->prefix_command();
  campaign_cmd->set_help_flag();

  auto* spec_cmd = app.add_subcommand("spec", "Print the scenario file format, the policies and the outage kinds as Markdown tables");
  auto* backends_cmd = app.add_subcommand("backends", "List the backends of this build and whether they can run here");
  auto* policies_cmd = app.add_subcommand("policies", "List the path manager policies");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  try {
    if (*validate_cmd) return validate(files, validate_backend);
    if (*show_cmd) {
      std::cout << describe(load_scenario_file(show_file));
      return 0;
    }
    if (*spec_cmd) {
      std::cout << spec_document();
      return 0;
    }
    if (*campaign_cmd) return campaign_command(campaign_cmd->remaining());
    if (*backends_cmd) return list_backends();
    if (*policies_cmd) return list_policies();
    if (*compare_cmd || *check_cmd) {
      std::signal(SIGINT, request_stop);
      std::signal(SIGTERM, request_stop);
      compare_request.command_line = check_request.command_line = joined_arguments(argc, argv);
      if (*compare_cmd) return compare_command(compare_request, !compare_no_plot, compare_update, g_stop);
      return check_command(check_request, g_stop);
    }
    if (*run_cmd) {
      RunRequest request;
      request.backend = backend;
      if (*policy_opt) request.policy = policy;
      if (*seed_opt) request.seed = seed;
      if (!out.empty()) request.out = out;
      request.command_line = joined_arguments(argc, argv);
      return run(run_file, request, !no_plot);
    }
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << '\n';
    return 1;
  } catch (const BackendUnavailable& e) {
    std::cerr << "mprecover: " << e.what() << '\n';
    return 4;
  } catch (const std::exception& e) {
    std::cerr << "mprecover: " << e.what() << '\n';
    return 1;
  }
  return 2;
}
