// Socket addresses from their text form, for bind() and connect().
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
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

inline SocketAddress socket_address(const IpAddress& address, std::uint16_t port) {
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

}  // namespace mprecover::netns
