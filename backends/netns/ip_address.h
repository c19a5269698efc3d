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
  std::string text() const;  // inet_ntop's form: "10.1.1.1", "2001:db8::1"

  bool operator==(const IpAddress&) const = default;

 private:
  int family_ = AF_INET;
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace mprecover::netns
