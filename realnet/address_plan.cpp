#include "realnet/address_plan.h"

#include <arpa/inet.h>

#include <charconv>

namespace mprecover::realnet {

std::optional<PathId> path_of_client_address(std::string_view address) {
  in_addr addr{};
  if (inet_pton(AF_INET, std::string(address).c_str(), &addr) != 1) return std::nullopt;
  const std::uint32_t host = ntohl(addr.s_addr);
  const std::uint32_t n = (host >> 8) & 0xffU;
  if ((host >> 16) != ((10U << 8) | 1U) || n == 0 || n > kMaxPaths) return std::nullopt;
  return n - 1;
}

std::optional<PathId> path_of_client_device(std::string_view device) {
  constexpr std::string_view prefix = "path";
  if (!device.starts_with(prefix)) return std::nullopt;
  const std::string_view digits = device.substr(prefix.size());
  PathId path = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), path);
  if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty() || path >= kMaxPaths) {
    return std::nullopt;
  }
  return path;
}

}  // namespace mprecover::realnet
