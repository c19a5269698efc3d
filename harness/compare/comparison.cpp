#include "comparison.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace mprecover {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

OrderedJson optional_json(std::optional<double> value) { return value ? OrderedJson(*value) : OrderedJson(nullptr); }

std::optional<double> optional_number(const Json& value) {
  return value.is_null() ? std::nullopt : std::optional<double>(value.get<double>());
}

OrderedJson to_json(const ParityVerdict& verdict) {
  OrderedJson differences = OrderedJson::array();
  for (const ParityDifference& d : verdict.differences) {
    differences.push_back({{"outage", d.outage + 1},
                           {"figure", d.figure},
                           {"sim", optional_json(d.sim)},
                           {"netns", optional_json(d.netns)},
                           {"allowed", d.allowed}});
  }
  return {{"agree", verdict.agree}, {"differences", differences}, {"not_compared", verdict.not_compared}};
}

ParityVerdict verdict_from_json(const Json& json) {
  ParityVerdict v;
  v.agree = json.at("agree").get<bool>();
  for (const Json& d : json.at("differences")) {
    v.differences.push_back({d.at("outage").get<std::size_t>() - 1, d.at("figure").get<std::string>(),
                             optional_number(d.at("sim")), optional_number(d.at("netns")),
                             d.at("allowed").get<double>()});
  }
  v.not_compared = json.at("not_compared").get<std::vector<std::string>>();
  return v;
}

}  // namespace

Tolerance default_tolerance(const std::string& backend) {
  // The sim gives the same figures for the same build and seed: any growth beyond rounding is real.
  if (backend == "sim") return {0.001, 0.0, 0.0};
  // The kernel's figures move with scheduling and the probe phase: half a second plus half the
  // value, and a few connections that fell back to plain TCP.
  return {0.5, 0.5, 0.05};
}

const RunFigures* ScenarioComparison::find(const std::string& backend, const std::string& policy) const {
  const auto it = std::find_if(runs.begin(), runs.end(),
                               [&](const RunFigures& r) { return r.backend == backend && r.policy == policy; });
  return it == runs.end() ? nullptr : &*it;
}

ParityContext ScenarioComparison::parity_context(const std::string& policy) const {
  const auto interval = probe_interval_s.find(policy);
  return {interval == probe_interval_s.end() ? 1.0 : interval->second, round_trip_s, outage_changes_delay};
}

void ScenarioComparison::judge_parity() {
  parity.clear();
  for (const RunFigures& sim : runs) {
    if (sim.backend != "sim") continue;
    if (const RunFigures* netns = find("netns", sim.policy))
      parity[sim.policy] = check_parity(sim, *netns, parity_context(sim.policy));
  }
}

ScenarioComparison describe_for_comparison(const Scenario& scenario, const std::vector<std::string>& policies) {
  ScenarioComparison c;
  c.name = scenario.name;
  c.file = scenario.source_file;
  for (const PathSpec& p : scenario.paths)
    c.round_trip_s = std::max(c.round_trip_s, 2 * to_seconds(p.delay + scenario.server.delay));
  for (const std::string& policy : policies) {
    Scenario with_policy = scenario;
    with_policy.engine.policy.kind = parse_name<PolicyKind>(policy).value();
    c.probe_interval_s[policy] = to_seconds(with_policy.detector_config().interval);
  }
  for (const PathEvent& e : scenario.events)
    if (starts_outage(e.kind)) c.outage_changes_delay.push_back(e.kind == PathEventKind::degrade && e.delay.has_value());
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
    tolerances[backend] = {{"absolute_s", t.absolute_s}, {"relative", t.relative}, {"rebuilt_fraction", t.rebuilt_fraction}};
  }
  OrderedJson scenarios = OrderedJson::array();
  for (const ScenarioComparison& s : comparison.scenarios) {
    OrderedJson runs = OrderedJson::array();
    for (const RunFigures& r : s.runs) runs.push_back(to_json(r));
    OrderedJson parity = OrderedJson::object();
    for (const auto& [policy, verdict] : s.parity) parity[policy] = to_json(verdict);
    scenarios.push_back({{"name", s.name},
                         {"file", s.file},
                         {"round_trip_s", s.round_trip_s},
                         {"probe_interval_s", s.probe_interval_s},
                         {"outage_changes_delay", s.outage_changes_delay},
                         {"not_run", s.not_run},
                         {"runs", runs},
                         {"parity", parity}});
  }
  return {{"written_by", comparison.written_by},
          {"command_line", comparison.command_line},
          {"tolerances", tolerances},
          {"scenarios", scenarios}};
}

Comparison comparison_from_json(const Json& json, const std::string& origin) {
  Comparison c;
  try {
    c.written_by = json.value("written_by", "");
    c.command_line = json.value("command_line", "");
    for (const auto& [backend, t] : json.at("tolerances").items()) {
      c.tolerances[backend] = {t.at("absolute_s").get<double>(), t.at("relative").get<double>(),
                               t.at("rebuilt_fraction").get<double>()};
    }
    for (const Json& s : json.at("scenarios")) {
      ScenarioComparison sc;
      sc.name = s.at("name").get<std::string>();
      sc.file = s.at("file").get<std::string>();
      sc.round_trip_s = s.at("round_trip_s").get<double>();
      sc.probe_interval_s = s.at("probe_interval_s").get<std::map<std::string, double>>();
      sc.outage_changes_delay = s.at("outage_changes_delay").get<std::vector<bool>>();
      sc.not_run = s.value("not_run", std::vector<std::string>{});
      for (const Json& r : s.at("runs")) sc.runs.push_back(run_figures_from_json(r, origin + ": " + sc.name));
      for (const auto& [policy, verdict] : s.at("parity").items()) sc.parity[policy] = verdict_from_json(verdict);
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
