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

std::string traffic_text(const TrafficSpec& traffic) {
  if (traffic.kind == TrafficKind::command) return "a client command";
  return std::to_string(traffic.connections) + " connections";
}

TrafficCommands Scenario::traffic_commands() const {
  const Duration until_end = duration - traffic.start - std::chrono::seconds{1};
  return {traffic.server_command, traffic.client_command, std::max<Duration>(until_end, std::chrono::seconds{1})};
}

PathShape Scenario::normal_shape(PathId path) const {
  const PathSpec& p = paths.at(path);
  return PathShape{p.rate, p.delay, p.loss};
}

}  // namespace mprecover
