#include <fstream>

#include "test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <utility>

#include "backends/netns/namespace_scope.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/socket_address.h"

namespace mprecover::netns::test {

namespace {

// Every test process ends by removing the namespaces it owns, whatever happened in the tests,
// and starts by removing the ones dead test processes left.
class NamespaceSweeper : public ::testing::Environment {
 public:
  void SetUp() override {
    if (netns_unavailable()) return;
    for (const auto& name : remove_leftover_namespaces()) std::cerr << "removed leftover namespace " << name << "\n";
  }
  void TearDown() override {
    if (netns_unavailable()) return;
    for (const auto& name : remove_namespaces_of(getpid())) std::cerr << "removed namespace " << name << " left by a test\n";
  }
};

[[maybe_unused]] ::testing::Environment* const sweeper = ::testing::AddGlobalTestEnvironment(new NamespaceSweeper);

}  // namespace

std::optional<std::string> netns_unavailable() {
  if (geteuid() != 0) return "needs root (network namespaces, veth, nftables)";
  return std::nullopt;
}

std::optional<std::string> mptcp_unavailable() {
  if (auto why = netns_unavailable()) return why;
  std::ifstream enabled("/proc/sys/net/mptcp/enabled");
  std::string value;
  if (!(enabled >> value)) return "the kernel has no MPTCP (/proc/sys/net/mptcp/enabled missing)";
  if (value != "1") return "MPTCP is disabled (net.mptcp.enabled=0)";
  return std::nullopt;
}

Scenario small_scenario(std::size_t paths, BitRate rate) {
  Scenario scenario;
  scenario.name = "netns-test";
  for (std::size_t i = 0; i < paths; ++i) {
    PathSpec path;
    path.name = "wan" + std::to_string(i + 1);
    path.rate = rate;
    scenario.paths.push_back(path);
  }
  return scenario;
}

NetworkNamespace namespace_with_loopback(const char* role) {
  NetworkNamespace ns = NetworkNamespace::create(namespace_name(make_run_stem(), role));
  run_command("ip netns exec " + ns.name() + " ip link set lo up");
  return ns;
}

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) close(fd_);
}

int Fd::release() { return std::exchange(fd_, -1); }

Fd listen_tcp(const NetworkNamespace& ns, std::uint16_t port) {
  NamespaceScope scope(ns);
  Fd fd(dual_stack_socket(SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  const int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const SocketAddress any = wildcard_address(fd.get(), port);
  if (bind(fd.get(), any.get(), any.size) != 0 || listen(fd.get(), 64) != 0) {
    ADD_FAILURE() << "listen on port " << port << " in " << ns.name() << ": " << std::strerror(errno);
    return Fd{};
  }
  return fd;
}

Fd connect_tcp(const NetworkNamespace& ns, const ConnectFrom& from, const std::string& dst, std::uint16_t port,
               std::chrono::milliseconds timeout) {
  const std::optional<IpAddress> destination = IpAddress::parse(dst);
  if (!destination) {
    ADD_FAILURE() << "not an address: " << dst;
    return Fd{};
  }
  Fd fd;
  {
    NamespaceScope scope(ns);
    fd = Fd(socket(destination->family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  }
  if (!from.device.empty() &&
      setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, from.device.c_str(), static_cast<socklen_t>(from.device.size())) != 0) {
    ADD_FAILURE() << "SO_BINDTODEVICE " << from.device << ": " << std::strerror(errno);
    return Fd{};
  }
  if (!from.source.empty()) {
    const std::optional<IpAddress> source = IpAddress::parse(from.source);
    const SocketAddress src = socket_address(source.value_or(*destination), 0);
    if (!source || bind(fd.get(), src.get(), src.size) != 0) {
      ADD_FAILURE() << "bind " << from.source << ": " << std::strerror(errno);
      return Fd{};
    }
  }
  const SocketAddress sa = socket_address(*destination, port);
  if (connect(fd.get(), sa.get(), sa.size) != 0 && errno != EINPROGRESS) return Fd{};
  pollfd pfd{fd.get(), POLLOUT, 0};
  if (poll(&pfd, 1, static_cast<int>(timeout.count())) != 1) return Fd{};
  int error = 0;
  socklen_t len = sizeof error;
  getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len);
  if (error != 0) return Fd{};
  const int flags = fcntl(fd.get(), F_GETFL);
  fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

std::optional<std::string> accept_peer(int listener, std::chrono::milliseconds timeout, Fd* accepted) {
  pollfd pfd{listener, POLLIN, 0};
  if (poll(&pfd, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  Fd fd(accept4(listener, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  if (accepted != nullptr) *accepted = std::move(fd);
  // An IPv4 peer of the dual-stack listener reads as IPv4, not as ::ffff:a.b.c.d.
  return IpAddress::of_socket_address(reinterpret_cast<const sockaddr*>(&peer)).unmapped().text();
}

std::string run_command(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  char buf[4096];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  pclose(pipe);
  return output;
}

}  // namespace mprecover::netns::test
