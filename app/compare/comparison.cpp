#include "comparison.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "app/backends.h"
#include "engine/policy_table.h"

namespace mprecover {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

OrderedJson to_json(const ParityVerdict& verdict) {
  OrderedJson differences = OrderedJson::array();
  for (const ParityDifference& d : verdict.differences) {
    differences.push_back({{"outage", d.outage + 1},
                           {"figure", d.figure},
                           {"reference", figure_json(d.reference)},
                           {"candidate", figure_json(d.candidate)},
                           {"allowed", d.allowed}});
  }
  return {{"policy", verdict.policy},         {"reference", verdict.reference},
          {"candidate", verdict.candidate},   {"agree", verdict.agree},
          {"differences", differences},       {"not_compared", verdict.not_compared}};
}

// A policy's name as the policy table spells it today (baselines may use an older alias).
std::string canonical_policy(const std::string& name) {
  const PolicyEntry* policy = find_policy(name);
  return policy ? policy->name : name;
}

}  // namespace

Tolerance default_tolerance(const std::string& backend) {
  // A deterministic backend gives the same figures for the same build and seed: any growth
  // beyond rounding is real.
  for (const BackendEntry& b : compiled_backends())
    if (b.name == backend && b.deterministic) return {0.001, 0.0, 0.0, 0.001, 0.0};
  // A live kernel's figures move with scheduling and the probe phase: half a second plus half the
  // value, and a few connections that fell back to plain TCP. Time to rebalance moves more: it
  // waits for a slow start on the rebuilt subflow to win its share from the kernel's scheduler
  // (wan-linkdown, rebuild policy: 1.13 to 3.06 s over six runs of one build).
  return {0.5, 0.5, 0.05, 2.0, 1.0};
}

std::optional<std::string> ScenarioComparison::not_run_on(const std::string& backend) const {
  for (const std::string& reason : not_run)
    if (reason.rfind(backend + ": ", 0) == 0) return reason;
  return std::nullopt;
}

const RunFigures* ScenarioComparison::find(const std::string& backend, const std::string& policy) const {
  const auto it = std::find_if(runs.begin(), runs.end(),
                               [&](const RunFigures& r) { return r.backend == backend && r.policy == policy; });
  return it == runs.end() ? nullptr : &*it;
}

ParityContext ScenarioComparison::parity_context(const std::string& policy) const {
  const auto interval = probe_interval_s.find(policy);
  return {interval == probe_interval_s.end() ? 1.0 : interval->second, round_trip_s, outage_changes_delay,
          outage_in_random_loss};
}

void ScenarioComparison::take_runs(const std::vector<RunFigures>& fresh) {
  const auto has_backend = [this](const std::string& backend) {
    return std::any_of(runs.begin(), runs.end(), [&backend](const RunFigures& r) { return r.backend == backend; });
  };
  bool new_backend = false;
  for (const RunFigures& run : fresh) {
    new_backend = new_backend || !has_backend(run.backend);
    const auto old_run = std::find_if(runs.begin(), runs.end(), [&run](const RunFigures& r) {
      return r.backend == run.backend && r.policy == run.policy;
    });
    if (old_run != runs.end()) *old_run = run;
    else runs.push_back(run);
  }
  if (!new_backend) return;
  std::vector<std::string> order;
  for (const RunFigures& run : fresh)
    if (std::find(order.begin(), order.end(), run.backend) == order.end()) order.push_back(run.backend);
  const auto rank = [&order](const RunFigures& r) { return std::find(order.begin(), order.end(), r.backend) - order.begin(); };
  std::stable_sort(runs.begin(), runs.end(), [&rank](const RunFigures& a, const RunFigures& b) { return rank(a) < rank(b); });
}

void ScenarioComparison::judge_parity() {
  parity.clear();
  if (runs.empty()) return;
  const std::string& reference = runs.front().backend;
  for (const RunFigures& candidate : runs) {
    if (candidate.backend == reference) continue;
    if (const RunFigures* base = find(reference, candidate.policy))
      parity.push_back(check_parity(*base, candidate, parity_context(candidate.policy)));
  }
}

ScenarioComparison describe_for_comparison(const Scenario& scenario, const std::vector<std::string>& policies) {
  ScenarioComparison c;
  c.name = scenario.name;
  c.file = scenario.source_file;
  c.family = name_of(scenario.family);
  for (const PathSpec& p : scenario.paths)
    c.round_trip_s = std::max(c.round_trip_s, 2 * to_seconds(p.delay + scenario.server.delay));
  for (const std::string& policy : policies) {
    Scenario with_policy = scenario;
    with_policy.engine.policy.name = policy_named(policy).name;
    c.probe_interval_s[policy] = to_seconds(with_policy.detector_config().interval);
  }
  const auto lossy = [](const PathEvent& e) { return e.action->starts_outage && e.shape.loss.value_or(0) > 0; };
  for (std::size_t i = 0; i < scenario.events.size(); ++i) {
    const PathEvent& e = scenario.events[i];
    if (!e.action->starts_outage) continue;
    c.outage_changes_delay.push_back(e.shape.delay.has_value());
    const auto next = std::find_if(scenario.events.begin() + static_cast<std::ptrdiff_t>(i) + 1, scenario.events.end(),
                                   [&e](const PathEvent& later) { return later.path == e.path; });
    c.outage_in_random_loss.push_back(scenario.paths[e.path].loss > 0 || lossy(e) ||
                                      (next != scenario.events.end() && lossy(*next)));
  }
  return c;
}

const ScenarioComparison* Comparison::find(const std::string& scenario) const {
  const auto it = std::find_if(scenarios.begin(), scenarios.end(),
                               [&](const ScenarioComparison& s) { return s.name == scenario; });
  return it == scenarios.end() ? nullptr : &*it;
}

OrderedJson to_json(const Comparison& comparison) {
  OrderedJson tolerances = OrderedJson::object();
  for (const auto& [backend, t] : comparison.tolerances) {
    tolerances[backend] = {{"absolute_s", t.absolute_s},
                           {"relative", t.relative},
                           {"rebuilt_fraction", t.rebuilt_fraction},
                           {"rebalance_absolute_s", t.rebalance_absolute_s},
                           {"rebalance_relative", t.rebalance_relative}};
  }
  OrderedJson scenarios = OrderedJson::array();
  for (const ScenarioComparison& s : comparison.scenarios) {
    OrderedJson runs = OrderedJson::array();
    for (const RunFigures& r : s.runs) runs.push_back(to_json(r));
    OrderedJson parity = OrderedJson::array();
    for (const ParityVerdict& verdict : s.parity) parity.push_back(to_json(verdict));
    scenarios.push_back({{"name", s.name},
                         {"file", s.file},
                         {"family", s.family},
                         {"round_trip_s", s.round_trip_s},
                         {"probe_interval_s", s.probe_interval_s},
                         {"outage_changes_delay", s.outage_changes_delay},
                         {"outage_in_random_loss", s.outage_in_random_loss},
                         {"not_run", s.not_run},
                         {"runs", runs},
                         {"parity", parity}});
  }
  return {{"written_by", comparison.written_by},
          {"command_line", comparison.command_line},
          {"updates", comparison.updates},
          {"tolerances", tolerances},
          {"scenarios", scenarios}};
}

Comparison comparison_from_json(const Json& json, const std::string& origin) {
  Comparison c;
  try {
    c.written_by = json.value("written_by", "");
    c.command_line = json.value("command_line", "");
    c.updates = json.value("updates", std::vector<std::string>{});
    for (const auto& [backend, t] : json.at("tolerances").items()) {
      Tolerance& tolerance = c.tolerances[backend];
      tolerance.absolute_s = t.at("absolute_s").get<double>();
      tolerance.relative = t.at("relative").get<double>();
      tolerance.rebuilt_fraction = t.at("rebuilt_fraction").get<double>();
      // A baseline written before time to rebalance had its own tolerance judged it like latency.
      tolerance.rebalance_absolute_s = t.value("rebalance_absolute_s", tolerance.absolute_s);
      tolerance.rebalance_relative = t.value("rebalance_relative", tolerance.relative);
    }
    for (const Json& s : json.at("scenarios")) {
      ScenarioComparison sc;
      sc.name = s.at("name").get<std::string>();
      sc.file = s.at("file").get<std::string>();
      sc.family = s.value("family", "ipv4");  // written before topology.family: IPv4
      sc.round_trip_s = s.at("round_trip_s").get<double>();
      for (const auto& [policy, interval] : s.at("probe_interval_s").get<std::map<std::string, double>>())
        sc.probe_interval_s[canonical_policy(policy)] = interval;
      sc.outage_changes_delay = s.at("outage_changes_delay").get<std::vector<bool>>();
      sc.outage_in_random_loss = s.value("outage_in_random_loss", std::vector<bool>{});
      sc.not_run = s.value("not_run", std::vector<std::string>{});
      for (const Json& r : s.at("runs")) {
        sc.runs.push_back(run_figures_from_json(r, origin + ": " + sc.name));
        sc.runs.back().policy = canonical_policy(sc.runs.back().policy);
      }
      // The verdicts follow from the runs and today's rules.
      sc.judge_parity();
      c.scenarios.push_back(std::move(sc));
    }
  } catch (const Json::exception& e) {
    throw std::runtime_error(origin + ": not a comparison.json of mprecover compare: " + e.what());
  }
  return c;
}

Comparison read_comparison(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string() + ": " + std::strerror(errno));
  Json json;
  try {
    json = Json::parse(in);
  } catch (const Json::parse_error& e) {
    throw std::runtime_error(file.string() + ": not JSON: " + e.what());
  }
  return comparison_from_json(json, file.string());
}

void write_comparison(const Comparison& comparison, const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::trunc);
  out << to_json(comparison).dump(2) << '\n';
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
}

}  // namespace mprecover
