#include "backends/netns/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace mprecover::netns {

std::optional<IpAddress> IpAddress::parse(const std::string& text) {
  IpAddress address;
  for (const int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, text.c_str(), address.bytes_.data()) == 1) {
      address.family_ = family;
      return address;
    }
  }
  return std::nullopt;
}

IpAddress IpAddress::from_bytes(int family, const void* data) {
  IpAddress address;
  address.family_ = family;
  std::memcpy(address.bytes_.data(), data, address.size());
  return address;
}

std::string IpAddress::text() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family_, bytes_.data(), text, sizeof text);
  return text;
}

}  // namespace mprecover::netns
