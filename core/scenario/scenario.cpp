#include "core/scenario/scenario.h"

#include <algorithm>

#include "engine/policy_table.h"

namespace mprecover {

DetectorConfig Scenario::detector_config() const {
  DetectorConfig config = policy_named(engine.policy.name).detector;
  const ProbeSettings& probe = engine.probe;
  if (probe.mode) config.mode = *probe.mode;
  if (probe.interval) config.interval = *probe.interval;
  if (probe.down_interval) config.down_interval = *probe.down_interval;
  if (probe.timeout) config.timeout = *probe.timeout;
  if (probe.down_after) config.down_after = *probe.down_after;
  if (probe.up_after) config.up_after = *probe.up_after;
  if (probe.hold) config.hold = *probe.hold;
  if (probe.confirm) config.confirm = *probe.confirm;
  return config;
}

std::optional<RequestResponse> TrafficSpec::exchange() const {
  if (kind != TrafficKind::request_response) return std::nullopt;
  return RequestResponse{request.value_or(1), response.value_or(1), think.value_or(Duration{}),
                         timeout.value_or(default_request_timeout)};
}

std::string traffic_text(const std::vector<TrafficSpec>& traffic) {
  if (traffic.size() == 1 && traffic.front().kind == TrafficKind::command) return "a client command";
  unsigned connections = 0;
  for (const TrafficSpec& group : traffic) connections += group.connections;
  std::string text = std::to_string(connections) + " connections";
  if (traffic.size() > 1) text += " in " + std::to_string(traffic.size()) + " groups";
  return text;
}

std::string Scenario::traffic_key(std::size_t group) const {
  if (traffic_as_map) return "traffic";
  std::string key = "traffic[";  // appended: GCC 12's -Wrestrict misfires on "lit" + string
  key += std::to_string(group);
  return key + "]";
}

const TrafficSpec* Scenario::command_group() const {
  const auto found = std::find_if(traffic.begin(), traffic.end(),
                                  [](const TrafficSpec& group) { return group.kind == TrafficKind::command; });
  return found == traffic.end() ? nullptr : &*found;
}

TrafficCommands Scenario::traffic_commands() const {
  const TrafficSpec& group = *command_group();
  const Duration until_end = duration - group.start - std::chrono::seconds{1};
  return {group.server_command, group.client_command, std::max<Duration>(until_end, std::chrono::seconds{1})};
}

PathShape Scenario::normal_shape(PathId path) const {
  const PathSpec& p = paths.at(path);
  return PathShape{p.rate, p.delay, p.loss};
}

}  // namespace mprecover
