#include "backends/netns/netlink_address.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "backends/netns/netns_error.h"

namespace mprecover::netns {

std::string netlink_address_text(const nlattr* v4, const nlattr* v6) {
  char text[INET6_ADDRSTRLEN] = {};
  if (v4 != nullptr && nla_len(v4) == static_cast<int>(sizeof(in_addr))) {
    inet_ntop(AF_INET, nla_data(v4), text, sizeof text);
  } else if (v6 != nullptr && nla_len(v6) == static_cast<int>(sizeof(in6_addr))) {
    inet_ntop(AF_INET6, nla_data(v6), text, sizeof text);
  }
  return text;
}

void put_netlink_address(nl_msg* msg, int family_attr, int v4_attr, int v6_attr, const std::string& text,
                         const std::string& action) {
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    nla_put_u16(msg, family_attr, AF_INET);
    nla_put(msg, v4_attr, sizeof v4, &v4);  // network order, as the kernel takes it
  } else if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    nla_put_u16(msg, family_attr, AF_INET6);
    nla_put(msg, v6_attr, sizeof v6, &v6);
  } else {
    throw NetnsError(action, "address '" + text + "'", "neither an IPv4 nor an IPv6 address");
  }
}

}  // namespace mprecover::netns
