#include "backends/netns/mptcp_subflow_diag.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/mptcp.h>
#include <netinet/in.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <optional>
#include <string>

#include "backends/netns/ip_address.h"
#include "backends/netns/sock_diag_socket.h"

namespace mprecover::netns {

namespace {

constexpr std::uint32_t kAllStates = ~std::uint32_t{0};
constexpr std::uint32_t kListen = std::uint32_t{1} << 10;  // TCP_LISTEN
constexpr std::uint8_t kWithInfo = 1 << (INET_DIAG_INFO - 1);  // tcp_info, and the ULP's attributes

// One end's address, an IPv4-mapped one (a dual-stack socket's IPv4 peer) as the IPv4 address.
std::string address_of(std::uint8_t family, const std::uint32_t (&address)[4]) {
  return IpAddress::from_bytes(family, address).unmapped().text();
}

// The local token of the MPTCP connection the subflow belongs to; none for a plain TCP socket.
std::optional<std::uint32_t> subflow_token(nlattr* ulp_info) {
  if (ulp_info == nullptr) return std::nullopt;
  nlattr* ulp[INET_ULP_INFO_MAX + 1] = {};
  if (nla_parse_nested(ulp, INET_ULP_INFO_MAX, ulp_info, nullptr) != 0 || ulp[INET_ULP_INFO_MPTCP] == nullptr)
    return std::nullopt;
  nlattr* mptcp[MPTCP_SUBFLOW_ATTR_MAX + 1] = {};
  if (nla_parse_nested(mptcp, MPTCP_SUBFLOW_ATTR_MAX, ulp[INET_ULP_INFO_MPTCP], nullptr) != 0 ||
      mptcp[MPTCP_SUBFLOW_ATTR_TOKEN_LOC] == nullptr)
    return std::nullopt;
  return nla_get_u32(mptcp[MPTCP_SUBFLOW_ATTR_TOKEN_LOC]);
}

}  // namespace

std::map<std::uint32_t, std::vector<SubflowInfo>> mptcp_subflows_by_token(SockDiagSocket& diag) {
  std::map<std::uint32_t, std::vector<SubflowInfo>> subflows;
  for (const std::uint8_t family : {std::uint8_t{AF_INET}, std::uint8_t{AF_INET6}}) {
    diag.dump_tcp(family, kAllStates & ~kListen, kWithInfo, [&](const inet_diag_msg& socket, const nlmsghdr& message) {
      nlattr* attributes[INET_DIAG_MAX + 1] = {};
      auto* header = const_cast<nlmsghdr*>(&message);
      if (nlmsg_parse(header, sizeof(inet_diag_msg), attributes, INET_DIAG_MAX, nullptr) != 0) return;
      const auto token = subflow_token(attributes[INET_DIAG_ULP_INFO]);
      if (!token) return;
      SubflowInfo s;
      s.local_address = address_of(socket.idiag_family, socket.id.idiag_src);
      s.local_port = ntohs(socket.id.idiag_sport);
      s.remote_address = address_of(socket.idiag_family, socket.id.idiag_dst);
      s.remote_port = ntohs(socket.id.idiag_dport);
      s.established = socket.idiag_state == 1;  // TCP_ESTABLISHED
      if (nlattr* info = attributes[INET_DIAG_INFO])
        read_tcp_info(nla_data(info), static_cast<std::size_t>(nla_len(info)), s);
      subflows[*token].push_back(std::move(s));
    });
  }
  return subflows;
}

bool tcp_listener_on(SockDiagSocket& diag, std::uint16_t port) {
  bool found = false;
  for (const std::uint8_t family : {std::uint8_t{AF_INET}, std::uint8_t{AF_INET6}}) {
    diag.dump_tcp(family, kListen, 0, [&](const inet_diag_msg& socket, const nlmsghdr&) {
      found = found || (socket.idiag_state == 10 && ntohs(socket.id.idiag_sport) == port);
    });
  }
  return found;
}

}  // namespace mprecover::netns
