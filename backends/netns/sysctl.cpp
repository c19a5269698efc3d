#include "backends/netns/sysctl.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "backends/netns/namespace_scope.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/netns_error.h"

namespace mprecover::netns {

namespace {

std::string proc_path(const std::string& key) {
  std::string path = "/proc/sys/" + key;
  std::replace(path.begin() + 10, path.end(), '.', '/');
  return path;
}

}  // namespace

// /proc/sys/net resolves to the namespace of the thread that opens the file.
void set_sysctl(const NetworkNamespace& ns, const std::string& key, const std::string& value) {
  const std::string object = key + " in " + ns.name();
  NamespaceScope scope(ns);
  const int fd = open(proc_path(key).c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("setting sysctl", object, errno);
  const ssize_t written = write(fd, value.data(), value.size());
  const int error = errno;
  close(fd);
  if (written != static_cast<ssize_t>(value.size())) throw_errno("setting sysctl", object + " to " + value, error);
}

std::string get_sysctl(const NetworkNamespace& ns, const std::string& key) {
  NamespaceScope scope(ns);
  const int fd = open(proc_path(key).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("reading sysctl", key + " in " + ns.name(), errno);
  char buf[256];
  const ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  if (n < 0) throw_errno("reading sysctl", key + " in " + ns.name(), errno);
  std::string value(buf, static_cast<std::size_t>(n));
  while (!value.empty() && value.back() == '\n') value.pop_back();
  return value;
}

}  // namespace mprecover::netns
