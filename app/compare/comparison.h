// A comparison: scenarios run with several policies on several backends, the figures of each
// combination (median over seeds), and the parity verdicts: per policy, the first backend (the
// reference) against each other one. It is what
// `mprecover compare` writes as comparison.json and what `mprecover check` reads as its baseline.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/scenario/scenario.h"
#include "parity.h"
#include "core/results/run_figures.h"

namespace mprecover {

// How much worse than the baseline a figure may get before `check` calls it a regression, per
// backend: a deterministic backend gets none beyond rounding, a live kernel some.
struct Tolerance {
  double absolute_s = 0;            // on rebuild latency
  double relative = 0;              // of the baseline value, added to absolute_s
  double rebuilt_fraction = 0;      // of the connections, fewer rebuilt than the baseline
  double rebalance_absolute_s = 0;  // on time to rebalance, which moves more than rebuild latency
  double rebalance_relative = 0;
};

Tolerance default_tolerance(const std::string& backend);

struct ScenarioComparison {
  std::string name;
  std::string file;
  std::string family = "ipv4";  // topology.family: the network's addresses
  double round_trip_s = 0;
  std::map<std::string, double> probe_interval_s;  // per policy
  std::vector<bool> outage_changes_delay;
  std::vector<bool> outage_in_random_loss;  // per outage: detected while its path drops at random
  std::vector<RunFigures> runs;                   // one per backend and policy
  std::vector<ParityVerdict> parity;              // per policy: the first backend against each other
  std::vector<std::string> not_run;               // backends that could not run, and why

  const RunFigures* find(const std::string& backend, const std::string& policy) const;
  // Why `backend` did not run this scenario ("sim: the sim backend cannot carry ..."), if it did not.
  std::optional<std::string> not_run_on(const std::string& backend) const;
  ParityContext parity_context(const std::string& policy) const;
  // Fills `parity` from `runs`: the backend of the first run is the reference.
  void judge_parity();
  // `fresh` runs (of an update) in place of the runs of their backend and policy, the others kept.
  // When a backend is new to the scenario, the runs then follow `fresh`'s backend order (the kept
  // backends it did not run last), so that the reference is the backend the update put first.
  void take_runs(const std::vector<RunFigures>& fresh);
};

// What of a scenario the comparison needs before any run: round trip, probe intervals, outages.
ScenarioComparison describe_for_comparison(const Scenario& scenario, const std::vector<std::string>& policies);

struct Comparison {
  std::vector<ScenarioComparison> scenarios;
  std::map<std::string, Tolerance> tolerances;  // per backend
  std::string written_by;                       // mprecover version and git revision
  std::string command_line;
  // What `compare --update` later reran into it: "<written_by>: <command line>", oldest first.
  std::vector<std::string> updates;

  const ScenarioComparison* find(const std::string& scenario) const;
};

nlohmann::ordered_json to_json(const Comparison& comparison);
Comparison comparison_from_json(const nlohmann::json& json, const std::string& origin);
Comparison read_comparison(const std::filesystem::path& file);
void write_comparison(const Comparison& comparison, const std::filesystem::path& file);

}  // namespace mprecover
