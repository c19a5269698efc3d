#include "core/scenario/validate.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/network/command_line.h"
#include "core/scenario/scenario_error.h"
#include "core/scenario/spec.h"
#include "core/scenario/units.h"
#include "engine/policy_table.h"

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
    if (scenario_.paths.front().backup)
      fail(path_key(0) + ".backup", "the first path cannot be a backup: every connection starts on it (list a "
                                    "path that is not a backup first)");
  }

  void check_traffic() const {
    const std::vector<TrafficSpec>& groups = scenario_.traffic;
    std::uint64_t connections = 0;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      check_group(g);
      connections += groups[g].connections;
      if (groups[g].kind == TrafficKind::command && groups.size() > 1)
        fail(scenario_.traffic_key(g) + ".kind", "kind command runs alone: its programs' connections could not be "
                                                 "told from another group's (give it a scenario of its own)");
    }
    if (connections > max_connections)
      fail("traffic", std::to_string(connections) + " connections in all; the groups take at most " +
                          std::to_string(max_connections) + " together");
  }

  void check_group(std::size_t g) const {
    const TrafficSpec& traffic = scenario_.traffic[g];
    const std::string key = scenario_.traffic_key(g);
    if (traffic.kind == TrafficKind::rate && !traffic.rate)
      fail(key + ".kind", "kind rate needs " + key + ".rate, what each connection sends per second (e.g. 5Mbit)");
    if (traffic.kind != TrafficKind::rate && traffic.rate)
      fail(key + ".rate", "only for kind rate (this traffic is " + std::string(name_of(traffic.kind)) +
                              "); add `kind: rate` or leave rate out");
    check_commands(traffic, key);
    check_exchange(traffic, key);
    if (traffic.start >= scenario_.duration)
      fail(key + ".start", "starts at " + format_duration(traffic.start) + ", not before the end of the run (duration " +
                               format_duration(scenario_.duration) + ")");
    // The last connection must open before the end too; in double, as spacing * connections may not fit.
    const double last_start = to_seconds(traffic.start) + to_seconds(traffic.spacing) * (traffic.connections - 1);
    if (last_start >= to_seconds(scenario_.duration))
      fail(key + ".spacing", "the last of " + std::to_string(traffic.connections) +
                                 " connections would open at or after the end of the run (duration " +
                                 format_duration(scenario_.duration) + ")");
  }

  void check_exchange(const TrafficSpec& traffic, const std::string& key) const {
    const std::array<std::pair<const char*, bool>, 4> keys{{{"request", traffic.request.has_value()},
                                                            {"response", traffic.response.has_value()},
                                                            {"think", traffic.think.has_value()},
                                                            {"timeout", traffic.timeout.has_value()}}};
    if (traffic.kind != TrafficKind::request_response) {
      for (const auto& [name, given] : keys)
        if (given)
          fail(key + "." + name, "only for kind request-response (this traffic is " +
                                     std::string(name_of(traffic.kind)) + "); add `kind: request-response` or leave " +
                                     name + " out");
      return;
    }
    if (!traffic.request)
      fail(key + ".kind", "kind request-response needs " + key + ".request, the bytes of each request (e.g. 1KB)");
    if (!traffic.response)
      fail(key + ".kind", "kind request-response needs " + key + ".response, the bytes of each response (e.g. 100KB)");
    if (traffic.bytes)
      fail(key + ".bytes", "kind request-response exchanges requests and responses until the end of the run: set "
                           "their sizes with request and response, and leave bytes out");
    if (traffic.direction != TrafficDirection::upload)
      fail(key + ".direction", "kind request-response sends its requests up and its responses down: leave direction "
                               "out");
  }

  void check_commands(const TrafficSpec& traffic, const std::string& key) const {
    const std::array<std::pair<std::string, const std::string*>, 2> commands{
        {{key + ".server_command", &traffic.server_command}, {key + ".client_command", &traffic.client_command}}};
    if (traffic.kind != TrafficKind::command) {
      for (const auto& [command_key, command] : commands)
        if (!command->empty())
          fail(command_key, "only for kind command (this traffic is " + std::string(name_of(traffic.kind)) +
                                "); add `kind: command` or leave it out");
      return;
    }
    if (traffic.server_command.empty())
      fail(key + ".kind", "kind command needs " + key + ".server_command, the server's program (e.g. \"iperf3 -s -p "
                          "{port}\")");
    if (traffic.client_command.empty())
      fail(key + ".kind", "kind command needs " + key + ".client_command, the client's program (e.g. \"iperf3 -c "
                          "{server} -p {port} -t {duration}\")");
    // Any value splits alike: placeholders stand for single words (an address, a number).
    std::map<std::string, std::string> sample_values;
    for (const auto& [placeholder, meaning] : command_placeholders()) sample_values.emplace(placeholder, "1");
    for (const auto& [command_key, command] : commands) {
      try {
        split_command_line(fill_placeholders(*command, sample_values));
      } catch (const CommandLineError& error) {
        fail(command_key, error.what());
      }
    }
    if (traffic.connections != 1)
      fail(key + ".connections", "kind command runs one client program; how many connections it opens is its own "
                                 "option (iperf3 -P): leave connections out");
    if (traffic.bytes)
      fail(key + ".bytes", "kind command sends what its programs send: say so in their options (iperf3 -n)");
    if (traffic.direction != TrafficDirection::upload)
      fail(key + ".direction", "kind command's programs decide which way their data flows: say so in their "
                               "options (iperf3 -R for a download)");
  }

  void check_engine() const {
    // Every policy's own checks: a scenario may hold any policy's keys (--policy switches).
    const PolicySettings& settings = scenario_.engine.policy.settings;
    for (const PolicyEntry& policy : policy_table()) {
      if (!policy.check) continue;
      if (const auto problem = policy.check(settings))
        fail("engine." + problem->first, with_values(problem->second, settings));
    }
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
      check_shape_values(event, key);
      if (event.action->starts_outage) {
        outage[event.path] = i;
      } else if (!outage[event.path]) {
        fail(key + ".action", event.action->name + " on " + path + " at " + format_duration(event.at) +
                                  ", but " + path + " has no outage in progress then");
      } else {
        outage[event.path].reset();
      }
    }
  }

  void check_shape_values(const PathEvent& event, const std::string& key) const {
    const std::string& action = event.action->name;
    if (event.action->takes_shape) {
      if (event.shape.empty()) fail(key, "a " + action + " needs at least one of rate, delay or loss");
      return;
    }
    std::vector<std::string> shaping;
    for (const OutageKind& k : outage_kinds())
      if (k.takes_shape) shaping.push_back("a " + k.name);
    const std::string only = "only " + or_list(shaping) + " takes a ";
    if (event.shape.rate) fail(key + ".rate", only + "rate, not a " + action);
    if (event.shape.delay) fail(key + ".delay", only + "delay, not a " + action);
    if (event.shape.loss) fail(key + ".loss", only + "loss, not a " + action);
  }

  // A policy check's message with "{key}" replaced by that key's value as the file writes it.
  static std::string with_values(std::string message, const PolicySettings& settings) {
    for (std::size_t open = message.find('{'); open != std::string::npos; open = message.find('{', open)) {
      const std::size_t close = message.find('}', open);
      if (close == std::string::npos) break;
      const std::string key = message.substr(open + 1, close - open - 1);
      const PolicyValue& value = settings.value(key);
      std::string text;
      if (const auto* d = std::get_if<Duration>(&value)) text = format_duration(*d);
      if (const auto* w = std::get_if<std::string>(&value)) text = *w;
      if (const auto* f = std::get_if<bool>(&value)) text = *f ? "true" : "false";
      message.replace(open, close - open + 1, text);
      open += text.size();
    }
    return message;
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
