#include "backends/netns/socket_destroyer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <vector>

#include "backends/netns/ip_address.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/sock_diag_socket.h"

namespace mprecover::netns {

namespace {

std::string text(int family, const std::uint32_t* address) { return IpAddress::from_bytes(family, address).text(); }

std::string describe(int family, const inet_diag_sockid& id) {
  return "TCP socket " + text(family, id.idiag_src) + ":" + std::to_string(ntohs(id.idiag_sport)) + " -> " +
         text(family, id.idiag_dst) + ":" + std::to_string(ntohs(id.idiag_dport));
}

IpAddress parse(const std::string& address, const std::string& action) {
  const std::optional<IpAddress> parsed = IpAddress::parse(address);
  if (!parsed) throw NetnsError(action, "TCP sockets of '" + address + "'", "neither an IPv4 nor an IPv6 address");
  return *parsed;
}

std::vector<inet_diag_msg> matching(SockDiagSocket& diag, const IpAddress& local, std::uint32_t state_mask) {
  std::vector<inet_diag_msg> found;
  const auto family = static_cast<std::uint8_t>(local.family());
  diag.dump_tcp(family, state_mask, 0, [&](const inet_diag_msg& socket, const nlmsghdr&) {
    // The state is checked again because the kernel widens some masks.
    if (socket.idiag_family != family || IpAddress::from_bytes(family, socket.id.idiag_src) != local) return;
    if (socket.idiag_state >= 32 || (state_mask & (std::uint32_t{1} << socket.idiag_state)) == 0) return;
    found.push_back(socket);
  });
  return found;
}

}  // namespace

std::vector<TcpSocketInfo> list_tcp_sockets(const NetworkNamespace& ns, const std::string& local_address,
                                            std::uint32_t state_mask) {
  const IpAddress local = parse(local_address, "listing");
  SockDiagSocket diag(ns);
  std::vector<TcpSocketInfo> sockets;
  for (const inet_diag_msg& socket : matching(diag, local, state_mask)) {
    sockets.push_back({text(local.family(), socket.id.idiag_src), ntohs(socket.id.idiag_sport),
                       text(local.family(), socket.id.idiag_dst), ntohs(socket.id.idiag_dport), socket.idiag_state});
  }
  return sockets;
}

std::size_t destroy_tcp_sockets(const NetworkNamespace& ns, const std::string& local_address,
                                std::uint32_t state_mask) {
  const IpAddress local = parse(local_address, "destroying");
  SockDiagSocket diag(ns);
  std::size_t destroyed = 0;
  for (const inet_diag_msg& socket : matching(diag, local, state_mask)) {
    const auto family = static_cast<std::uint8_t>(local.family());
    if (diag.destroy_tcp(family, socket.id, describe(family, socket.id))) ++destroyed;
  }
  return destroyed;
}

}  // namespace mprecover::netns
