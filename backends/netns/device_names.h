// Names inside the netns topology: devices (each local to its namespace), routing tables and
// namespace roles. The addresses are the shared plan's (core/network/address_plan.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/network/address_plan.h"

namespace mprecover::netns {

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

inline std::string router_role(PathId p) { return numbered("r", p); }

}  // namespace mprecover::netns
