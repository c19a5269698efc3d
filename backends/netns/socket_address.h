// Socket addresses from their text form, for bind() and connect().
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "backends/netns/ip_address.h"

namespace mprecover::netns {

// An IPv4 socket address. "0.0.0.0" (or any text inet_pton rejects) gives the wildcard address.
inline sockaddr_in inet_address(const std::string& address, std::uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  return sa;
}

// An IPv4 or IPv6 socket address, as the address's family has it.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t size = 0;

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

SocketAddress socket_address(const IpAddress& address, std::uint16_t port);

// The port of an IPv4 or IPv6 socket address (host order).
std::uint16_t port_of(const sockaddr_storage& address);

// A socket that serves every address of both families: an IPv6 one that takes IPv4 too
// (IPV6_V6ONLY off), or an IPv4 one on a kernel without IPv6 (or without MPTCP over IPv6). -1
// with errno on failure. Open it inside the namespace it serves.
int dual_stack_socket(int type, int protocol);

// The wildcard address of `fd`'s family ("::" or "0.0.0.0") on `port`, to bind() it to.
SocketAddress wildcard_address(int fd, std::uint16_t port);

}  // namespace mprecover::netns
