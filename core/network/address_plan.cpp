#include "core/network/address_plan.h"

#include <arpa/inet.h>

#include <array>

namespace mprecover {

std::string AddressPlan::link_prefix(unsigned net, std::uint32_t n) const {
  std::string text = v6() ? "2001:db8:" : "10.";
  text += std::to_string(net);
  text += v6() ? ":" : ".";
  text += std::to_string(n);
  text += v6() ? "::" : ".";
  return text;
}

std::string AddressPlan::lan_subnet(PathId p) const {
  return link_prefix(1, p + 1) + (v6() ? "/64" : "0/24");
}

std::string AddressPlan::client_address(PathId p, unsigned readdresses) const {
  return link_prefix(1, p + 1) + std::to_string(1 + readdresses);
}

std::string AddressPlan::router_lan_address(PathId p) const { return link_prefix(1, p + 1) + "254"; }
std::string AddressPlan::router_wan_address(PathId p) const { return link_prefix(2, p + 1) + "1"; }
std::string AddressPlan::aggregation_wan_address(PathId p) const { return link_prefix(2, p + 1) + "2"; }
std::string AddressPlan::server_subnet() const { return v6() ? "2001:db8:3::/64" : "10.3.0.0/24"; }
std::string AddressPlan::aggregation_server_address() const { return v6() ? "2001:db8:3::1" : "10.3.0.1"; }
std::string AddressPlan::server_address() const { return v6() ? "2001:db8:3::2" : "10.3.0.2"; }

std::optional<PathId> AddressPlan::path_of_client_address(std::string_view address) const {
  const std::string text(address);
  std::uint32_t n = 0;
  if (v6()) {
    std::array<unsigned char, 16> a{};
    if (inet_pton(AF_INET6, text.c_str(), a.data()) != 1) return std::nullopt;
    // 2001:0db8:0001:00nn::/64
    const std::array<unsigned char, 6> lan{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01};
    for (std::size_t i = 0; i < lan.size(); ++i) {
      if (a[i] != lan[i]) return std::nullopt;
    }
    // The plan writes n in decimal digits, which IPv6 reads as hex: path 1 to 8 are 0x1 to 0x8.
    if (a[6] != 0) return std::nullopt;
    n = a[7];
  } else {
    in_addr addr{};
    if (inet_pton(AF_INET, text.c_str(), &addr) != 1) return std::nullopt;
    const std::uint32_t host = ntohl(addr.s_addr);
    if ((host >> 16) != ((10U << 8) | 1U)) return std::nullopt;
    n = (host >> 8) & 0xffU;
  }
  if (n == 0 || n > max_paths) return std::nullopt;
  return n - 1;
}

}  // namespace mprecover
