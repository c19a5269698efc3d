#include "harness/scenario/validate.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario/scenario_error.h"
#include "harness/scenario/units.h"

namespace mprecover {

namespace {

class Checker {
 public:
  Checker(const Scenario& scenario, const SourcePositions& positions, std::string_view file)
      : scenario_(scenario), positions_(positions), file_(file) {}

  void check_all() const {
    check_paths();
    check_traffic();
    check_engine();
    check_events();
  }

 private:
  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw ScenarioError(file_, positions_.of(key), key, message);
  }

  void check_paths() const {
    for (std::size_t i = 0; i < scenario_.paths.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (scenario_.paths[i].name == scenario_.paths[j].name)
          fail(path_key(i) + ".name", "duplicate path name \"" + scenario_.paths[i].name + "\" (first defined at line " +
                                          std::to_string(scenario_.paths[j].line) + ")");
  }

  void check_traffic() const {
    const TrafficSpec& traffic = scenario_.traffic;
    if (traffic.start >= scenario_.duration)
      fail("traffic.start", "starts at " + format_duration(traffic.start) + ", not before the end of the run (duration " +
                                format_duration(scenario_.duration) + ")");
    // The last connection must open before the end too; in double, as spacing * connections may not fit.
    const double last_start = to_seconds(traffic.start) + to_seconds(traffic.spacing) * (traffic.connections - 1);
    if (last_start >= to_seconds(scenario_.duration))
      fail("traffic.spacing", "the last of " + std::to_string(traffic.connections) +
                                  " connections would open at or after the end of the run (duration " +
                                  format_duration(scenario_.duration) + ")");
  }

  void check_engine() const {
    const PolicyConfig& policy = scenario_.engine.policy;
    if (policy.retry_initial > policy.retry_max)
      fail("engine.retry.initial", format_duration(policy.retry_initial) + " is more than engine.retry.max (" +
                                       format_duration(policy.retry_max) + ")");
    const DetectorConfig detector = scenario_.detector_config();
    if (detector.confirm == detector.mode)
      fail("engine.probe.confirm", "must differ from engine.probe.mode (" + std::string(name_of(detector.mode)) +
                                       "): a confirmation by the same probe adds nothing");
  }

  void check_events() const {
    const std::vector<PathEvent>& events = scenario_.events;
    std::vector<std::size_t> order(events.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return events[a].at < events[b].at; });

    // The event that started each path's outage in progress, by index into `events`.
    std::vector<std::optional<std::size_t>> outage(scenario_.paths.size());
    for (const std::size_t i : order) {
      const PathEvent& event = events[i];
      const std::string key = "events[" + std::to_string(i) + "]";
      const std::string& path = scenario_.paths[event.path].name;
      if (event.at >= scenario_.duration)
        fail(key + ".at", "at " + format_duration(event.at) + " is not before the end of the run (duration " +
                              format_duration(scenario_.duration) + ")");
      check_degrade_values(event, key);
      if (starts_outage(event.kind)) {
        outage[event.path] = i;
      } else if (!outage[event.path]) {
        fail(key + ".action", std::string(name_of(event.kind)) + " on " + path + " at " + format_duration(event.at) +
                                  ", but " + path + " has no outage in progress then");
      } else {
        outage[event.path].reset();
      }
    }
  }

  void check_degrade_values(const PathEvent& event, const std::string& key) const {
    const bool has_values = event.rate || event.delay || event.loss;
    if (event.kind == PathEventKind::degrade && !has_values)
      fail(key, "a degrade needs at least one of rate, delay or loss");
    if (event.kind == PathEventKind::degrade) return;
    const std::string action(name_of(event.kind));
    if (event.rate) fail(key + ".rate", "only a degrade takes a rate, not a " + action);
    if (event.delay) fail(key + ".delay", "only a degrade takes a delay, not a " + action);
    if (event.loss) fail(key + ".loss", "only a degrade takes a loss, not a " + action);
  }

  static std::string path_key(std::size_t index) { return "topology.paths[" + std::to_string(index) + "]"; }

  const Scenario& scenario_;
  const SourcePositions& positions_;
  std::string file_;
};

}  // namespace

void validate_scenario(const Scenario& scenario, const SourcePositions& positions, std::string_view file) {
  Checker(scenario, positions, file).check_all();
}

}  // namespace mprecover
