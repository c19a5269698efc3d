// The addresses of a scenario's network, the same on every backend, so that events.csv, the
// probes and the kernel's MPTCP events read the same whichever backend ran. For path i with
// n = i + 1, on IPv4 (documentation-style private ranges) and on IPv6 (2001:db8::/32, the
// documentation prefix), the same numbers in the same places:
//
//   client ── LAN ── router r<i> ── WAN ── aggregation ── server link ── server
//
//                 IPv4            IPv6
//   LAN of i      10.1.n.0/24     2001:db8:1:n::/64    client .1 / ::1 (.2, ::2 ... after
//                                                      readdresses), router .254 / ::254
//   WAN of i      10.2.n.0/24     2001:db8:2:n::/64    router .1 / ::1, aggregation .2 / ::2
//   server link   10.3.0.0/24     2001:db8:3::/64      aggregation .1 / ::1, server .2 / ::2
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/enum_names.h"
#include "engine/ids.h"

namespace mprecover {

// The IP version of an address.
enum class IpFamily { ipv4, ipv6 };

template <>
struct EnumNames<IpFamily> {
  static constexpr std::array<std::pair<IpFamily, std::string_view>, 2> table{
      {{IpFamily::ipv4, "ipv4"}, {IpFamily::ipv6, "ipv6"}}};
};

// The addresses of a scenario's network (its `topology.family`): of one family, or dual-stack,
// where every link has both and the connections, their subflows and the probes use IPv6, as a
// dual-stack host prefers it.
enum class NetworkFamily { ipv4, ipv6, dual };

template <>
struct EnumNames<NetworkFamily> {
  static constexpr std::array<std::pair<NetworkFamily, std::string_view>, 3> table{
      {{NetworkFamily::ipv4, "ipv4"}, {NetworkFamily::ipv6, "ipv6"}, {NetworkFamily::dual, "dual"}}};
};

// The family of the connections, their subflows and the probes.
constexpr IpFamily connection_family(NetworkFamily network) {
  return network == NetworkFamily::ipv4 ? IpFamily::ipv4 : IpFamily::ipv6;
}
// Whether the network has addresses of `family` (dual: both).
constexpr bool has_family(NetworkFamily network, IpFamily family) {
  return network == NetworkFamily::dual || connection_family(network) == family;
}
// The families the network has addresses of, IPv4 first: what a backend builds for each.
inline std::vector<IpFamily> network_families(NetworkFamily network) {
  std::vector<IpFamily> families;
  for (const IpFamily family : {IpFamily::ipv4, IpFamily::ipv6}) {
    if (has_family(network, family)) families.push_back(family);
  }
  return families;
}

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

// The plan's addresses of one family, as text (IPv6 in its canonical form, as inet_ntop writes
// it, so that addresses the kernel reports compare equal to the plan's).
class AddressPlan {
 public:
  constexpr explicit AddressPlan(IpFamily family) : family_(family) {}

  IpFamily family() const { return family_; }
  int prefix_length() const { return v6() ? 64 : 24; }

  std::string lan_subnet(PathId p) const;
  // The client's address on path p after `readdresses` changes of it.
  std::string client_address(PathId p, unsigned readdresses = 0) const;
  std::string router_lan_address(PathId p) const;
  std::string router_wan_address(PathId p) const;
  std::string aggregation_wan_address(PathId p) const;
  std::string server_subnet() const;
  std::string aggregation_server_address() const;
  std::string server_address() const;

  // The path whose LAN a client address (readdressed ones included) is on; nothing for an address
  // of the other family or outside the paths' LANs.
  std::optional<PathId> path_of_client_address(std::string_view address) const;

 private:
  bool v6() const { return family_ == IpFamily::ipv6; }
  // "10.<net>.<n>." or "2001:db8:<net>:<n>::": the start of an address on a numbered link.
  std::string link_prefix(unsigned net, std::uint32_t n) const;

  IpFamily family_;
};

inline constexpr AddressPlan ipv4_plan{IpFamily::ipv4};
inline constexpr AddressPlan ipv6_plan{IpFamily::ipv6};
inline constexpr const AddressPlan& address_plan(IpFamily family) {
  return family == IpFamily::ipv6 ? ipv6_plan : ipv4_plan;
}

}  // namespace mprecover
