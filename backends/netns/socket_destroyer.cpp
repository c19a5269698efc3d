#include "backends/netns/socket_destroyer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <vector>

#include "backends/netns/netns_error.h"
#include "backends/netns/sock_diag_socket.h"

namespace mprecover::netns {

namespace {

std::string dotted(std::uint32_t network_order) {
  in_addr addr{};
  addr.s_addr = network_order;
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &addr, text, sizeof text);
  return text;
}

std::string describe(const inet_diag_sockid& id) {
  return "TCP socket " + dotted(id.idiag_src[0]) + ":" + std::to_string(ntohs(id.idiag_sport)) + " -> " +
         dotted(id.idiag_dst[0]) + ":" + std::to_string(ntohs(id.idiag_dport));
}

std::uint32_t parse_ipv4(const std::string& address, const std::string& action) {
  in_addr addr{};
  if (inet_pton(AF_INET, address.c_str(), &addr) != 1) {
    throw NetnsError(action, "TCP sockets of '" + address + "'", "not an IPv4 address");
  }
  return addr.s_addr;
}

std::vector<inet_diag_msg> matching(SockDiagSocket& diag, std::uint32_t local, std::uint32_t state_mask) {
  std::vector<inet_diag_msg> found;
  diag.dump_tcp(AF_INET, state_mask, 0, [&](const inet_diag_msg& socket, const nlmsghdr&) {
    // The state is checked again because the kernel widens some masks.
    if (socket.idiag_family != AF_INET || socket.id.idiag_src[0] != local) return;
    if (socket.idiag_state >= 32 || (state_mask & (std::uint32_t{1} << socket.idiag_state)) == 0) return;
    found.push_back(socket);
  });
  return found;
}

}  // namespace

std::vector<TcpSocketInfo> list_tcp_sockets(const NetworkNamespace& ns, const std::string& local_address,
                                            std::uint32_t state_mask) {
  const std::uint32_t local = parse_ipv4(local_address, "listing");
  SockDiagSocket diag(ns);
  std::vector<TcpSocketInfo> sockets;
  for (const inet_diag_msg& socket : matching(diag, local, state_mask)) {
    sockets.push_back({dotted(socket.id.idiag_src[0]), ntohs(socket.id.idiag_sport), dotted(socket.id.idiag_dst[0]),
                       ntohs(socket.id.idiag_dport), socket.idiag_state});
  }
  return sockets;
}

std::size_t destroy_tcp_sockets(const NetworkNamespace& ns, const std::string& local_address,
                                std::uint32_t state_mask) {
  const std::uint32_t local = parse_ipv4(local_address, "destroying");
  SockDiagSocket diag(ns);
  std::size_t destroyed = 0;
  for (const inet_diag_msg& socket : matching(diag, local, state_mask)) {
    if (diag.destroy_tcp(AF_INET, socket.id, describe(socket.id))) ++destroyed;
  }
  return destroyed;
}

}  // namespace mprecover::netns
