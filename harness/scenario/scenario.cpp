#include "harness/scenario/scenario.h"

namespace mprecover {

DetectorConfig Scenario::detector_config() const {
  DetectorConfig config = default_detector_config(engine.policy.kind);
  const ProbeSettings& probe = engine.probe;
  if (probe.mode) config.mode = *probe.mode;
  if (probe.interval) config.interval = *probe.interval;
  if (probe.timeout) config.timeout = *probe.timeout;
  if (probe.down_after) config.down_after = *probe.down_after;
  if (probe.up_after) config.up_after = *probe.up_after;
  if (probe.hold) config.hold = *probe.hold;
  if (probe.confirm) config.confirm = *probe.confirm;
  return config;
}

}  // namespace mprecover
