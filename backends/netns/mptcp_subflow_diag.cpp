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

#include "backends/netns/sock_diag_socket.h"

namespace mprecover::netns {

namespace {

constexpr std::uint32_t kAllStates = ~std::uint32_t{0};
constexpr std::uint32_t kListen = std::uint32_t{1} << 10;  // TCP_LISTEN
constexpr std::uint8_t kWithInfo = 1 << (INET_DIAG_INFO - 1);  // tcp_info, and the ULP's attributes

// The IPv4 address of one end: AF_INET's own, or an IPv4-mapped IPv6 one (::ffff:a.b.c.d).
std::optional<std::string> ipv4_of(std::uint8_t family, const std::uint32_t (&address)[4]) {
  std::uint32_t ipv4 = 0;
  if (family == AF_INET) {
    ipv4 = address[0];
  } else if (address[0] == 0 && address[1] == 0 && address[2] == htonl(0xffff)) {
    ipv4 = address[3];
  } else {
    return std::nullopt;
  }
  in_addr addr{};
  addr.s_addr = ipv4;
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &addr, text, sizeof text);
  return text;
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
      const auto local = ipv4_of(socket.idiag_family, socket.id.idiag_src);
      const auto remote = ipv4_of(socket.idiag_family, socket.id.idiag_dst);
      if (!token || !local || !remote) return;
      SubflowInfo s;
      s.local_address = *local;
      s.local_port = ntohs(socket.id.idiag_sport);
      s.remote_address = *remote;
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
