#include "backends/netns/ip_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
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

IpAddress IpAddress::unmapped() const {
  static constexpr std::array<std::uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (family_ != AF_INET6 || !std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes_.begin())) return *this;
  return from_bytes(AF_INET, bytes_.data() + kMappedPrefix.size());
}

IpAddress IpAddress::of_socket_address(const sockaddr* address) {
  if (address->sa_family == AF_INET6) {
    return from_bytes(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
  }
  return from_bytes(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr);
}

std::string IpAddress::text() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family_, bytes_.data(), text, sizeof text);
  return text;
}

}  // namespace mprecover::netns
