#include "core/results/run_figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace mprecover {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

class FigureError : public std::runtime_error {
 public:
  FigureError(const std::string& origin, const std::string& key, const std::string& what)
      : std::runtime_error(origin + ": " + key + ": " + what) {}
};

const Json& member(const Json& object, const char* key, const std::string& origin, const std::string& where) {
  if (!object.is_object() || !object.contains(key)) throw FigureError(origin, where + key, "missing");
  return object.at(key);
}

std::optional<double> optional_number(const Json& object, const char* key, const std::string& origin,
                                      const std::string& where) {
  const Json& value = member(object, key, origin, where);
  if (value.is_null()) return std::nullopt;
  if (!value.is_number()) throw FigureError(origin, where + key, "not a number: " + value.dump());
  return value.get<double>();
}

double number(const Json& object, const char* key, const std::string& origin, const std::string& where) {
  const auto value = optional_number(object, key, origin, where);
  if (!value) throw FigureError(origin, where + key, "null where a number is needed");
  return *value;
}

std::string text(const Json& object, const char* key, const std::string& origin) {
  const Json& value = member(object, key, origin, "");
  if (!value.is_string()) throw FigureError(origin, key, "not a string: " + value.dump());
  return value.get<std::string>();
}

std::string fixed(double value, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

constexpr int kSeconds = 6;  // microseconds: the precision of everything we measure
constexpr int kShare = 4;
constexpr int kCount = 1;    // a median over seeds may fall between two counts
constexpr int kBytes = 0;

// Rounded to `decimals` (stable text); counts and bytes, which are whole but for medians, as
// integers where they are whole.
OrderedJson number_json(double value, int decimals) {
  const double rounded = std::stod(fixed(value, decimals));
  const bool whole_count = decimals <= kCount && std::fabs(rounded) < 9e15 && rounded == std::floor(rounded);
  if (whole_count) return static_cast<std::int64_t>(rounded);
  return rounded;
}

OrderedJson optional_json(std::optional<double> value, int decimals) {
  return value ? number_json(*value, decimals) : OrderedJson(nullptr);
}

// Median of the values that are there; null when any run has none (a connection never rebuilt
// in one seed is not hidden by the others).
std::optional<double> median_of(const std::vector<std::optional<double>>& values) {
  std::vector<double> present;
  for (const auto& v : values) {
    if (!v) return std::nullopt;
    present.push_back(*v);
  }
  if (present.empty()) return std::nullopt;
  std::sort(present.begin(), present.end());
  const std::size_t n = present.size();
  return n % 2 == 1 ? present[n / 2] : (present[n / 2 - 1] + present[n / 2]) / 2;
}

}  // namespace

RunFigures run_figures_from_json(const Json& json, const std::string& origin) {
  RunFigures f;
  f.scenario = text(json, "scenario", origin);
  f.backend = text(json, "backend", origin);
  f.policy = text(json, "policy", origin);
  if (json.contains("seeds")) {
    f.seeds = json.at("seeds").get<std::vector<std::uint64_t>>();
  } else {
    f.seeds = {member(json, "seed", origin, "").get<std::uint64_t>()};
  }
  f.integrity_ok = member(json, "integrity_ok", origin, "").get<bool>();
  f.delay_emulated = json.value("delay_emulated", true);
  f.notes = json.value("notes", std::vector<std::string>{});
  f.run_dirs = json.value("run_dirs", std::vector<std::string>{});
  f.wall_s = json.value("wall_s", 0.0);
  const Json& outages = member(json, "outages", origin, "");
  if (!outages.is_array()) throw FigureError(origin, "outages", "not a list");
  for (std::size_t i = 0; i < outages.size(); ++i)
    f.outages.push_back(outage_figures_from_json(outages[i], origin, "outages[" + std::to_string(i) + "]."));
  return f;
}

RunFigures read_run_figures(const std::filesystem::path& run_dir) {
  const auto file = run_dir / "summary.json";
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  Json summary;
  try {
    summary = Json::parse(in);
  } catch (const Json::parse_error& e) {
    throw std::runtime_error(file.string() + ": not JSON: " + e.what());
  }
  RunFigures f = run_figures_from_json(summary, file.string());
  f.run_dirs = {run_dir.string()};
  return f;
}

RunFigures median_over_seeds(const std::vector<RunFigures>& runs) {
  if (runs.empty()) throw std::invalid_argument("median_over_seeds: no runs");
  RunFigures m = runs.front();
  m.wall_s = 0;
  m.seeds.clear();
  m.run_dirs.clear();
  m.notes.clear();
  for (const RunFigures& r : runs) {
    if (r.outages.size() != m.outages.size())
      throw std::runtime_error(r.scenario + " " + r.backend + " " + r.policy + ": the seeds' runs have different outages");
    m.seeds.insert(m.seeds.end(), r.seeds.begin(), r.seeds.end());
    m.run_dirs.insert(m.run_dirs.end(), r.run_dirs.begin(), r.run_dirs.end());
    for (const std::string& note : r.notes)
      if (std::find(m.notes.begin(), m.notes.end(), note) == m.notes.end()) m.notes.push_back(note);
    m.integrity_ok = m.integrity_ok && r.integrity_ok;
    m.wall_s += r.wall_s;
    m.delay_emulated = m.delay_emulated && r.delay_emulated;
  }
  for (std::size_t i = 0; i < m.outages.size(); ++i) {
    const auto median = [&](auto field) {
      std::vector<std::optional<double>> values;
      for (const RunFigures& r : runs) values.push_back(std::optional<double>(r.outages[i].*field));
      return median_of(values);
    };
    OutageFigures& o = m.outages[i];
    o.end_s = median(&OutageFigures::end_s);
    o.detected_down_s = median(&OutageFigures::detected_down_s);
    o.detected_up_s = median(&OutageFigures::detected_up_s);
    o.connections = *median(&OutageFigures::connections);
    o.rebuilt = *median(&OutageFigures::rebuilt);
    o.recreated = *median(&OutageFigures::recreated);
    o.replaced = *median(&OutageFigures::replaced);
    o.resumed = *median(&OutageFigures::resumed);
    o.latency_median_s = median(&OutageFigures::latency_median_s);
    o.latency_p95_s = median(&OutageFigures::latency_p95_s);
    o.latency_max_s = median(&OutageFigures::latency_max_s);
    o.rebalance_s = median(&OutageFigures::rebalance_s);
    o.goodput_dip = median(&OutageFigures::goodput_dip);
    o.bytes_lost = median(&OutageFigures::bytes_lost);
    o.below_rate_s = median(&OutageFigures::below_rate_s);
    o.worst_shortfall_s = median(&OutageFigures::worst_shortfall_s);
    o.request_p50_before_s = median(&OutageFigures::request_p50_before_s);
    o.request_p99_before_s = median(&OutageFigures::request_p99_before_s);
    o.request_p50_during_s = median(&OutageFigures::request_p50_during_s);
    o.request_p99_during_s = median(&OutageFigures::request_p99_during_s);
    o.request_p50_after_s = median(&OutageFigures::request_p50_after_s);
    o.request_p99_after_s = median(&OutageFigures::request_p99_after_s);
    o.requests_issued = median(&OutageFigures::requests_issued);
    o.requests_failed = median(&OutageFigures::requests_failed);
    o.failover_s = median(&OutageFigures::failover_s);
    o.failback_s = median(&OutageFigures::failback_s);
    o.subflows_before = median(&OutageFigures::subflows_before);
    o.subflows_during = median(&OutageFigures::subflows_during);
    o.subflows_after = median(&OutageFigures::subflows_after);
  }
  return m;
}

OrderedJson figure_json(std::optional<double> value) { return optional_json(value, kSeconds); }

OrderedJson to_json(const OutageFigures& o) {
  OrderedJson json{{"path", o.path},
          {"kind", o.kind},
          {"start_s", number_json(o.start_s, kSeconds)},
          {"end_s", optional_json(o.end_s, kSeconds)},
          {"detected_down_s", optional_json(o.detected_down_s, kSeconds)},
          {"detected_up_s", optional_json(o.detected_up_s, kSeconds)},
          {"connections", number_json(o.connections, kCount)},
          {"rebuilt", number_json(o.rebuilt, kCount)},
          {"recreated", number_json(o.recreated, kCount)},
          {"replaced", number_json(o.replaced, kCount)},
          {"resumed", number_json(o.resumed, kCount)},
          {"rebuild_latency_s",
           {{"median", optional_json(o.latency_median_s, kSeconds)},
            {"p95", optional_json(o.latency_p95_s, kSeconds)},
            {"max", optional_json(o.latency_max_s, kSeconds)}}},
          {"rebalance_s", optional_json(o.rebalance_s, kSeconds)},
          {"goodput_dip", optional_json(o.goodput_dip, kShare)},
          {"bytes_lost", optional_json(o.bytes_lost, kBytes)},
          {"subflows_per_connection",
           {{"before", optional_json(o.subflows_before, kCount)},
            {"during", optional_json(o.subflows_during, kCount)},
            {"after", optional_json(o.subflows_after, kCount)}}}};
  // Only app-limited traffic has them.
  if (o.below_rate_s || o.worst_shortfall_s)
    json["rate"] = {{"below_rate_s", optional_json(o.below_rate_s, kSeconds)},
                    {"worst_shortfall_s", optional_json(o.worst_shortfall_s, kSeconds)}};
  // Only request/response traffic has them.
  if (o.requests_issued)
    json["requests"] = {{"latency_p50_s",
                         {{"before", optional_json(o.request_p50_before_s, kSeconds)},
                          {"during", optional_json(o.request_p50_during_s, kSeconds)},
                          {"after", optional_json(o.request_p50_after_s, kSeconds)}}},
                        {"latency_p99_s",
                         {{"before", optional_json(o.request_p99_before_s, kSeconds)},
                          {"during", optional_json(o.request_p99_during_s, kSeconds)},
                          {"after", optional_json(o.request_p99_after_s, kSeconds)}}},
                        {"issued", optional_json(o.requests_issued, kCount)},
                        {"failed", optional_json(o.requests_failed, kCount)}};
  // Only outages of a path that is not a backup, in a scenario with backup paths.
  if (o.failover_applies)
    json["backup"] = {{"failover_s", optional_json(o.failover_s, kSeconds)},
                      {"failback_s", optional_json(o.failback_s, kSeconds)}};
  return json;
}

OutageFigures outage_figures_from_json(const Json& o, const std::string& origin, const std::string& where) {
  OutageFigures f;
  f.path = member(o, "path", origin, where).get<std::string>();
  f.kind = member(o, "kind", origin, where).get<std::string>();
  f.start_s = number(o, "start_s", origin, where);
  f.end_s = optional_number(o, "end_s", origin, where);
  f.detected_down_s = optional_number(o, "detected_down_s", origin, where);
  f.detected_up_s = optional_number(o, "detected_up_s", origin, where);
  f.connections = number(o, "connections", origin, where);
  f.rebuilt = number(o, "rebuilt", origin, where);
  // Older summaries did not tell the three ways apart.
  f.recreated = o.value("recreated", 0.0);
  f.replaced = o.value("replaced", 0.0);
  f.resumed = o.value("resumed", 0.0);
  const Json& latency = member(o, "rebuild_latency_s", origin, where);
  f.latency_median_s = optional_number(latency, "median", origin, where + "rebuild_latency_s.");
  f.latency_p95_s = optional_number(latency, "p95", origin, where + "rebuild_latency_s.");
  f.latency_max_s = optional_number(latency, "max", origin, where + "rebuild_latency_s.");
  f.rebalance_s = optional_number(o, "rebalance_s", origin, where);
  f.goodput_dip = optional_number(o, "goodput_dip", origin, where);
  f.bytes_lost = optional_number(o, "bytes_lost", origin, where);
  const Json& phases = member(o, "subflows_per_connection", origin, where);
  f.subflows_before = optional_number(phases, "before", origin, where + "subflows_per_connection.");
  f.subflows_during = optional_number(phases, "during", origin, where + "subflows_per_connection.");
  f.subflows_after = optional_number(phases, "after", origin, where + "subflows_per_connection.");
  if (const auto rate = o.find("rate"); rate != o.end()) {
    f.below_rate_s = optional_number(*rate, "below_rate_s", origin, where + "rate.");
    f.worst_shortfall_s = optional_number(*rate, "worst_shortfall_s", origin, where + "rate.");
  }
  if (const auto requests = o.find("requests"); requests != o.end()) {
    const std::string at = where + "requests.";
    const Json& p50 = member(*requests, "latency_p50_s", origin, at);
    const Json& p99 = member(*requests, "latency_p99_s", origin, at);
    f.request_p50_before_s = optional_number(p50, "before", origin, at + "latency_p50_s.");
    f.request_p50_during_s = optional_number(p50, "during", origin, at + "latency_p50_s.");
    f.request_p50_after_s = optional_number(p50, "after", origin, at + "latency_p50_s.");
    f.request_p99_before_s = optional_number(p99, "before", origin, at + "latency_p99_s.");
    f.request_p99_during_s = optional_number(p99, "during", origin, at + "latency_p99_s.");
    f.request_p99_after_s = optional_number(p99, "after", origin, at + "latency_p99_s.");
    f.requests_issued = optional_number(*requests, "issued", origin, at);
    f.requests_failed = optional_number(*requests, "failed", origin, at);
  }
  if (const auto backup = o.find("backup"); backup != o.end()) {
    f.failover_applies = true;
    f.failover_s = optional_number(*backup, "failover_s", origin, where + "backup.");
    f.failback_s = optional_number(*backup, "failback_s", origin, where + "backup.");
  }
  return f;
}

OrderedJson to_json(const RunFigures& f) {
  OrderedJson outages = OrderedJson::array();
  for (const OutageFigures& o : f.outages) outages.push_back(to_json(o));
  return {{"scenario", f.scenario},     {"backend", f.backend},     {"policy", f.policy},
          {"seeds", f.seeds},           {"integrity_ok", f.integrity_ok}, {"delay_emulated", f.delay_emulated},
          {"outages", outages},         {"notes", f.notes},         {"run_dirs", f.run_dirs},
          {"wall_s", number_json(f.wall_s, 1)}};
}

}  // namespace mprecover
