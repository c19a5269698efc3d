// The netns topology's addresses and names, the same plan as the sim backend's (sim/helper/
// wan-topology-helper.cc), so that a scenario's addresses read the same on both backends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>

#include "engine/ids.h"

namespace mprecover::realnet {

inline constexpr std::size_t kMaxPaths = 253;

// prefix + number + suffix, spelled out (GCC 12's -Wrestrict misfires on "lit" + std::string).
inline std::string numbered(const char* prefix, std::uint32_t number, const char* suffix = "") {
  std::string text(prefix);
  text += std::to_string(number);
  text += suffix;
  return text;
}

// Path i uses n = i + 1: LAN 10.1.n.0/24 (client .1, router .254), WAN hop 10.2.n.0/24
// (router .1, aggregation .2); server link 10.3.0.0/24 (aggregation .1, server .2).
inline std::string lan_subnet(PathId p) { return numbered("10.1.", p + 1, ".0/24"); }
inline std::string client_address(PathId p) { return numbered("10.1.", p + 1, ".1"); }
inline std::string router_lan_address(PathId p) { return numbered("10.1.", p + 1, ".254"); }
inline std::string router_wan_address(PathId p) { return numbered("10.2.", p + 1, ".1"); }
inline std::string aggregation_wan_address(PathId p) { return numbered("10.2.", p + 1, ".2"); }
inline constexpr const char* kServerSubnet = "10.3.0.0/24";
inline constexpr const char* kAggregationServerAddress = "10.3.0.1";
inline constexpr const char* kServerAddress = "10.3.0.2";

// Device names, each local to its namespace.
inline std::string client_device(PathId p) { return numbered("path", p); }  // client and aggregation
inline constexpr const char* kRouterLanDevice = "lan";
inline constexpr const char* kRouterWanDevice = "wan";
inline constexpr const char* kAggregationServerDevice = "srv";
inline constexpr const char* kServerDevice = "agg";

// The client's routing table for the source-routing rule of path p, and the rule's priority.
inline std::uint32_t client_table(PathId p) { return 100 + p; }
inline std::uint32_t client_rule_priority(PathId p) { return 1000 + p; }

// The path of a client device name ("path<i>"), or nothing for any other device.
std::optional<PathId> path_of_client_device(std::string_view device);

// The path whose LAN a client address (any 10.1.n.x, readdressed ones included) is on.
std::optional<PathId> path_of_client_address(std::string_view address);

inline std::string router_role(PathId p) { return numbered("r", p); }

}  // namespace mprecover::realnet
