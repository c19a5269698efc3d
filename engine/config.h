// Settings of the path health detector and the path manager policies, with their defaults.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>
#include <string_view>
#include <utility>

#include "clock.h"
#include "enum_names.h"
#include "policy_settings.h"

namespace mprecover {

using namespace std::chrono_literals;

enum class ProbeMode { ping, dns, http, tcp };

template <>
struct EnumNames<ProbeMode> {
  static constexpr std::array<std::pair<ProbeMode, std::string_view>, 4> table{{
      {ProbeMode::ping, "ping"}, {ProbeMode::dns, "dns"}, {ProbeMode::http, "http"}, {ProbeMode::tcp, "tcp"}}};
};

// The name of the default policy (policy_table.cpp decides it).
std::string default_policy_name();

struct DetectorConfig {
  ProbeMode mode = ProbeMode::ping;
  Duration interval = 1s;       // one probe per path per interval
  std::optional<Duration> down_interval;  // while the path is down; none: the interval
  Duration timeout = 1s;        // a probe without an answer by then has failed
  unsigned down_after = 3;      // consecutive failures that declare an up path down
  unsigned up_after = 1;        // consecutive successes that make a down path a candidate
  Duration hold = 0s;           // a candidate must stay good this long before it is used
  std::optional<ProbeMode> confirm;  // a probe of this mode must also pass before "up"
};

// The policy a run uses and the settings of every policy (policy_table.h lists them).
struct PolicyConfig {
  std::string name = default_policy_name();
  PolicySettings settings;
};

struct EngineConfig {
  DetectorConfig detector;
  PolicyConfig policy;
};

// What the backend can do; the engine picks its way of rebuilding from it.
struct BackendCapabilities {
  bool userspace_pm = false;         // SUBFLOW_CREATE per connection token
  std::vector<std::string> daemons;  // path-manager programs it can run for real ("mptcpd")
};

}  // namespace mprecover
