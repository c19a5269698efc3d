// Sysctls of one namespace (never the root namespace's).
#pragma once

#include <string>

namespace mprecover::netns {

class NetworkNamespace;

// Writes `value` to /proc/sys/<key with dots as slashes> from inside `ns`
// (e.g. set_sysctl(ns, "net.ipv4.ip_forward", "1")).
void set_sysctl(const NetworkNamespace& ns, const std::string& key, const std::string& value);
// Reads it back, without the trailing newline.
std::string get_sysctl(const NetworkNamespace& ns, const std::string& key);

}  // namespace mprecover::netns
