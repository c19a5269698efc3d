// Other programs' MPTCP connections (`kind: command`), read as `ss -tni` reads them: a sock_diag
// dump of the namespace's TCP sockets with their tcp_info and their MPTCP subflow attributes
// (INET_DIAG_ULP_INFO), grouped by the token of the connection each subflow belongs to. The
// backend's own connections are read through their sockets (mptcp_socket_info.h); these are not
// its sockets, and the token is what the kernel's path-manager events name them by.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "backends/netns/mptcp_socket_info.h"

namespace mprecover::netns {

class SockDiagSocket;

// Every MPTCP subflow in the namespace `diag` was opened in, by its connection's local token (the
// one mptcp_pm events carry). IPv4 subflows, and IPv4-mapped ones of IPv6 sockets. Throws NetnsError.
std::map<std::uint32_t, std::vector<SubflowInfo>> mptcp_subflows_by_token(SockDiagSocket& diag);

// Whether a TCP socket of either family listens on `port` there (an MPTCP listener's TCP socket too).
bool tcp_listener_on(SockDiagSocket& diag, std::uint16_t port);

}  // namespace mprecover::netns
