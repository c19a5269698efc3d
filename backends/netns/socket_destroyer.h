// Destroys TCP sockets in a namespace as `ss -K` does: a sock_diag dump, then SOCK_DESTROY for
// each socket it found. This is how a `reset` fault kills a path's MPTCP subflows: they are TCP
// sockets in the kernel's TCP tables, so each one is aborted (the peer gets an RST) and the MPTCP
// connection lives on over its other subflows, while the MPTCP-level socket is never touched.
#pragma once

#include <netinet/tcp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mprecover::netns {

class NetworkNamespace;

// State masks as inet_diag takes them: bit (1 << TCP_ESTABLISHED) and so on (<netinet/tcp.h>).
inline constexpr std::uint32_t kAllTcpStates = ~std::uint32_t{0};
// Every state but LISTEN: the sockets of connections, never a listener (an MPTCP listener's, too,
// is a TCP socket, and MP_JOINs need it).
inline constexpr std::uint32_t kTcpConnectionStates = kAllTcpStates & ~(std::uint32_t{1} << TCP_LISTEN);

// One TCP socket as the dump reports it.
struct TcpSocketInfo {
  std::string local_address;  // text form, IPv4 or IPv6
  std::uint16_t local_port = 0;  // host order
  std::string remote_address;
  std::uint16_t remote_port = 0;
  std::uint8_t state = 0;  // TCP_ESTABLISHED, ...
};

// The TCP sockets in `ns` whose local address is `local_address` (IPv4 or IPv6) and whose state
// is in `state_mask`, MPTCP subflows included. Throws NetnsError.
std::vector<TcpSocketInfo> list_tcp_sockets(const NetworkNamespace& ns, const std::string& local_address,
                                            std::uint32_t state_mask = kAllTcpStates);

// Destroys (aborts, with an RST to the peer where the state calls for one) every TCP socket
// in `ns` that list_tcp_sockets() would return; returns how many it destroyed. A socket that went
// away between the dump and its destruction is not counted. A subflow destroyed this way makes the
// kernel emit mptcp_pm `sub_closed` with error ECONNABORTED. Throws NetnsError, saying so when
// the kernel lacks CONFIG_INET_DIAG_DESTROY.
std::size_t destroy_tcp_sockets(const NetworkNamespace& ns, const std::string& local_address,
                                std::uint32_t state_mask = kTcpConnectionStates);

}  // namespace mprecover::netns
