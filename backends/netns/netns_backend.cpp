#include "backends/netns/netns_backend.h"

#include <sys/resource.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "backends/netns/netns_network.h"

namespace mprecover {

namespace {

// A thousand connections are two thousand sockets plus probes: lift the soft fd limit to the hard one.
void raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

std::unique_ptr<NetworkPort> make_netns_network(const Scenario& scenario) {
  raise_fd_limit();
  return std::make_unique<netns::NetnsNetwork>(scenario);
}

std::optional<std::string> netns_backend_unavailable() {
  if (geteuid() != 0) {
    return "needs root (network namespaces, veth pairs, nftables and the MPTCP path manager need "
           "CAP_SYS_ADMIN and CAP_NET_ADMIN)";
  }
  if (!std::filesystem::exists("/proc/self/ns/net")) return "the kernel has no network namespaces";
  // net.mptcp.enabled is per namespace and on by default in new ones; its absence means no MPTCP.
  if (!std::filesystem::exists("/proc/sys/net/mptcp/enabled")) {
    return "the kernel has no MPTCP (CONFIG_MPTCP; /proc/sys/net/mptcp is missing)";
  }
  return std::nullopt;
}

std::optional<std::string> netns_family_unavailable(NetworkFamily family) {
  if (!has_family(family, IpFamily::ipv6)) return std::nullopt;
  if (!std::filesystem::exists("/proc/sys/net/ipv6")) return "the kernel has no IPv6 (CONFIG_IPV6; /proc/sys/net/ipv6 is missing)";
  std::ifstream disabled("/proc/sys/net/ipv6/conf/default/disable_ipv6");
  if (std::string value; disabled >> value && value != "0") {
    return "IPv6 is disabled on this machine (net.ipv6.conf.default.disable_ipv6 = " + value + ")";
  }
  const int fd = socket(AF_INET6, SOCK_STREAM, IPPROTO_MPTCP);
  if (fd < 0) return "the kernel's MPTCP has no IPv6 (CONFIG_MPTCP_IPV6: an IPv6 MPTCP socket cannot be made)";
  close(fd);
  return std::nullopt;
}

}  // namespace mprecover
