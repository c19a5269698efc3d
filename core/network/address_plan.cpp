#include "core/network/address_plan.h"

#include <arpa/inet.h>

namespace mprecover {

std::optional<PathId> path_of_client_address(std::string_view address) {
  in_addr addr{};
  if (inet_pton(AF_INET, std::string(address).c_str(), &addr) != 1) return std::nullopt;
  const std::uint32_t host = ntohl(addr.s_addr);
  const std::uint32_t n = (host >> 8) & 0xffU;
  if ((host >> 16) != ((10U << 8) | 1U) || n == 0 || n > max_paths) return std::nullopt;
  return n - 1;
}

}  // namespace mprecover
