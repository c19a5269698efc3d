// Settings of the path health detector and the path manager policies, with their defaults.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

#include "enum_names.h"
#include "clock.h"

namespace mprecover {

using namespace std::chrono_literals;

enum class ProbeMode { ping, dns, http, tcp };

template <>
struct EnumNames<ProbeMode> {
  static constexpr std::array<std::pair<ProbeMode, std::string_view>, 4> table{{
      {ProbeMode::ping, "ping"}, {ProbeMode::dns, "dns"}, {ProbeMode::http, "http"}, {ProbeMode::tcp, "tcp"}}};
};

struct DetectorConfig {
  ProbeMode mode = ProbeMode::ping;
  Duration interval = 1s;       // one probe per path per interval
  Duration timeout = 1s;        // a probe without an answer by then has failed
  unsigned down_after = 3;      // consecutive failures that declare an up path down
  unsigned up_after = 1;        // consecutive successes that make a down path a candidate
  Duration hold = 0s;           // a candidate must stay good this long before it is used
  std::optional<ProbeMode> confirm;  // a probe of this mode must also pass before "up"
};

enum class PolicyKind { kernel, omr, engine };

template <>
struct EnumNames<PolicyKind> {
  static constexpr std::array<std::pair<PolicyKind, std::string_view>, 3> table{{
      {PolicyKind::kernel, "kernel"}, {PolicyKind::omr, "omr"}, {PolicyKind::engine, "engine"}}};
};

// How the `engine` policy re-creates a subflow: per connection through the userspace PM
// (SUBFLOW_CREATE), or by deleting and re-adding the path's endpoint of the in-kernel PM.
enum class RebuildVia { automatic, subflow, endpoint };

template <>
struct EnumNames<RebuildVia> {
  static constexpr std::array<std::pair<RebuildVia, std::string_view>, 3> table{{
      {RebuildVia::automatic, "auto"}, {RebuildVia::subflow, "subflow"}, {RebuildVia::endpoint, "endpoint"}}};
};

struct PolicyConfig {
  PolicyKind kind = PolicyKind::engine;
  Duration omr_wait = 15s;        // omr: time between "path up" and the endpoint flap
  Duration omr_flap_gap = 1s;     // omr: between endpoint off and on ("multipath off; sleep 1; on")
  Duration retry_initial = 500ms; // engine: first re-creation delay after a subflow error
  Duration retry_max = 8s;        // engine: the backoff doubles up to this bound
  RebuildVia rebuild_via = RebuildVia::automatic;
};

// The detector settings a policy uses when the scenario leaves them out. OMR's tracker probes
// every 2 s with a 2 s timeout, and needs 3 failures to go down and 5 successes to come back.
constexpr DetectorConfig default_detector_config(PolicyKind kind) {
  DetectorConfig c;
  if (kind == PolicyKind::omr) {
    c.interval = 2s;
    c.timeout = 2s;
    c.down_after = 3;
    c.up_after = 5;
  }
  return c;
}

struct EngineConfig {
  DetectorConfig detector;
  PolicyConfig policy;
};

// What the backend can do; the engine picks its way of rebuilding from it.
struct BackendCapabilities {
  bool userspace_pm = false;  // SUBFLOW_CREATE per connection token
};

}  // namespace mprecover
