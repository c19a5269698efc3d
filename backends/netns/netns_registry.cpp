#include "backends/netns/netns_registry.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <random>
#include <system_error>

#include "backends/netns/network_namespace.h"

namespace mprecover::netns {

std::string make_run_stem() {
  std::random_device device;
  std::uniform_int_distribution<std::uint32_t> dist;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string suffix(8, '0');
  std::uint32_t value = dist(device);
  for (char& c : suffix) {
    c = kHex[value & 0xfU];
    value >>= 4U;
  }
  return std::string(kNetnsPrefix) + std::to_string(getpid()) + "-" + suffix;
}

std::string namespace_name(const std::string& stem, std::string_view role) {
  return stem + "-" + std::string(role);
}

std::optional<NetnsName> parse_namespace_name(std::string_view name) {
  if (!name.starts_with(kNetnsPrefix)) return std::nullopt;
  name.remove_prefix(kNetnsPrefix.size());
  const auto dash1 = name.find('-');
  if (dash1 == std::string_view::npos || dash1 == 0) return std::nullopt;
  NetnsName parsed;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + dash1, parsed.pid);
  if (ec != std::errc{} || end != name.data() + dash1 || parsed.pid <= 0) return std::nullopt;
  name.remove_prefix(dash1 + 1);
  const auto dash2 = name.find('-');
  if (dash2 == std::string_view::npos || dash2 == 0 || dash2 + 1 == name.size()) return std::nullopt;
  parsed.suffix = std::string(name.substr(0, dash2));
  parsed.role = std::string(name.substr(dash2 + 1));
  return parsed;
}

std::vector<std::string> list_named_namespaces() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kNetnsRunDir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool process_alive(pid_t pid) {
  if (kill(pid, 0) != 0 && errno != EPERM) return false;
  // A zombie still answers kill(); its namespaces are as orphaned as a reaped process's.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto paren = line.rfind(')');
  return !(paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z');
}

namespace {

template <class Pred>
std::vector<std::string> remove_where(Pred pred) {
  std::vector<std::string> removed;
  for (const std::string& name : list_named_namespaces()) {
    const auto parsed = parse_namespace_name(name);
    if (parsed && pred(*parsed) && remove_named_namespace(name)) removed.push_back(name);
  }
  return removed;
}

}  // namespace

std::vector<std::string> remove_leftover_namespaces() {
  return remove_where([](const NetnsName& n) { return !process_alive(n.pid); });
}

std::vector<std::string> remove_namespaces_of(pid_t pid) {
  return remove_where([pid](const NetnsName& n) { return n.pid == pid; });
}

}  // namespace mprecover::netns
