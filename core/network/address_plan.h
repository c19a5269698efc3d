// The addresses of a scenario's network, the same on every backend, so that events.csv, the
// probes and the kernel's MPTCP events read the same whichever backend ran:
//
//   client ── 10.1.n.0/24 ── router r<i> ── 10.2.n.0/24 ── aggregation ── 10.3.0.0/24 ── server
//   .1 (.2, .3 ... after readdresses)  .254   .1                   .2   .1                  .2
//
// for path i with n = i + 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/ids.h"

namespace mprecover {

// A scenario's paths: the kernel's in-kernel path manager takes at most 8 subflows per connection
// (MPTCP_PM_ADDR_MAX), so more paths could not all carry a subflow. The plan itself has room for 253.
inline constexpr std::size_t max_paths = 8;
// How often a path's client address may change in one run: .1 first, then .2 up to .253.
inline constexpr unsigned max_readdresses = 252;

// prefix + number + suffix, spelled out (GCC 12's -Wrestrict misfires on "lit" + std::string).
inline std::string numbered(const char* prefix, std::uint32_t number, const char* suffix = "") {
  std::string text(prefix);
  text += std::to_string(number);
  text += suffix;
  return text;
}

inline std::string lan_subnet(PathId p) { return numbered("10.1.", p + 1, ".0/24"); }
// The client's address on path p after `readdresses` changes of it.
inline std::string client_address(PathId p, unsigned readdresses = 0) {
  std::string text = numbered("10.1.", p + 1, ".");
  text += std::to_string(1 + readdresses);
  return text;
}
inline std::string router_lan_address(PathId p) { return numbered("10.1.", p + 1, ".254"); }
inline std::string router_wan_address(PathId p) { return numbered("10.2.", p + 1, ".1"); }
inline std::string aggregation_wan_address(PathId p) { return numbered("10.2.", p + 1, ".2"); }
inline constexpr const char* kServerSubnet = "10.3.0.0/24";
inline constexpr const char* kAggregationServerAddress = "10.3.0.1";
inline constexpr const char* kServerAddress = "10.3.0.2";
inline constexpr int kLanPrefixLength = 24;

// The path whose LAN a client address (any 10.1.n.x, readdressed ones included) is on.
std::optional<PathId> path_of_client_address(std::string_view address);

}  // namespace mprecover
