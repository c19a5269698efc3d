#include "backends/netns/device_names.h"

#include <charconv>

namespace mprecover::netns {

std::optional<PathId> path_of_client_device(std::string_view device) {
  constexpr std::string_view prefix = "path";
  if (!device.starts_with(prefix)) return std::nullopt;
  const std::string_view digits = device.substr(prefix.size());
  PathId path = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), path);
  if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty() || path >= max_paths) {
    return std::nullopt;
  }
  return path;
}

}  // namespace mprecover::netns
