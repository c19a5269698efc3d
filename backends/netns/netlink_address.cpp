#include "backends/netns/netlink_address.h"

#include <arpa/inet.h>

#include "backends/netns/ip_address.h"
#include "backends/netns/netns_error.h"

namespace mprecover::netns {

std::string netlink_address_text(const nlattr* v4, const nlattr* v6) {
  if (v4 != nullptr && nla_len(v4) == 4) return IpAddress::from_bytes(AF_INET, nla_data(v4)).text();
  if (v6 != nullptr && nla_len(v6) == 16) return IpAddress::from_bytes(AF_INET6, nla_data(v6)).text();
  return {};
}

void put_netlink_address(nl_msg* msg, int family_attr, int v4_attr, int v6_attr, const std::string& text,
                         const std::string& action) {
  const std::optional<IpAddress> address = IpAddress::parse(text);
  if (!address) throw NetnsError(action, "address '" + text + "'", "neither an IPv4 nor an IPv6 address");
  nla_put_u16(msg, family_attr, static_cast<std::uint16_t>(address->family()));
  nla_put(msg, address->family() == AF_INET ? v4_attr : v6_attr, static_cast<int>(address->size()), address->data());
}

}  // namespace mprecover::netns
