// An IPv4 socket address from its text form, for bind() and connect().
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <string>

namespace mprecover::netns {

// "0.0.0.0" (or any text inet_pton rejects) gives the wildcard address.
inline sockaddr_in inet_address(const std::string& address, std::uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  return sa;
}

}  // namespace mprecover::netns
