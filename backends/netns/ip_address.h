// An IPv4 or IPv6 address as the kernel's interfaces carry it (4 or 16 bytes, network order),
// parsed from and written as text: one place for both families.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace mprecover::netns {

class IpAddress {
 public:
  // None for text that is neither an IPv4 nor an IPv6 address.
  static std::optional<IpAddress> parse(const std::string& text);
  // `family`'s address in the first 4 or 16 bytes at `data` (network order).
  static IpAddress from_bytes(int family, const void* data);

  int family() const { return family_; }  // AF_INET or AF_INET6
  std::size_t size() const { return family_ == AF_INET ? 4 : 16; }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::string text() const;  // inet_ntop's form: "10.1.2.1", "2001:db8::1"
  // An IPv4-mapped IPv6 address (::ffff:10.1.2.1, an IPv4 peer of a dual-stack socket) as the
  // IPv4 address it is; any other address as it is.
  IpAddress unmapped() const;
  // The address of an IPv4 or IPv6 socket address (sockaddr_in or sockaddr_in6 at `address`).
  static IpAddress of_socket_address(const sockaddr* address);

  bool operator==(const IpAddress&) const = default;

 private:
  int family_ = AF_INET;
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace mprecover::netns
