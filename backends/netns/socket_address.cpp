#include "backends/netns/socket_address.h"

#include <algorithm>
#include <cerrno>

namespace mprecover::netns {

SocketAddress socket_address(const IpAddress& address, std::uint16_t port) {
  SocketAddress sa;
  if (address.family() == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&sa.storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    std::copy_n(address.data(), address.size(), reinterpret_cast<std::uint8_t*>(&v4->sin_addr));
    sa.size = sizeof(sockaddr_in);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&sa.storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    std::copy_n(address.data(), address.size(), reinterpret_cast<std::uint8_t*>(&v6->sin6_addr));
    sa.size = sizeof(sockaddr_in6);
  }
  return sa;
}

std::uint16_t port_of(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
}

int dual_stack_socket(int type, int protocol) {
  const int fd = socket(AF_INET6, type, protocol);
  // No IPv6, or (EPROTONOSUPPORT) MPTCP built without CONFIG_MPTCP_IPV6: IPv4 alone.
  if (fd < 0) return errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT ? socket(AF_INET, type, protocol) : -1;
  const int off = 0;
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  return fd;
}

SocketAddress wildcard_address(int fd, std::uint16_t port) {
  int family = AF_INET;
  socklen_t size = sizeof family;
  getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &size);
  return socket_address(*IpAddress::parse(family == AF_INET6 ? "::" : "0.0.0.0"), port);
}

}  // namespace mprecover::netns
