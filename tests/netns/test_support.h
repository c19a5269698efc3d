// Shared by the netns tests: skipping without root, TCP helpers bound to namespaces, a scenario.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/scenario/scenario.h"
#include "backends/netns/network_namespace.h"

namespace mprecover::netns::test {

// Why this machine cannot run namespace tests (not root), or nothing.
std::optional<std::string> netns_unavailable();

#define MPRECOVER_REQUIRE_NETNS()                                          \
  do {                                                                     \
    if (auto why = ::mprecover::netns::test::netns_unavailable()) {      \
      GTEST_SKIP() << *why;                                                \
    }                                                                      \
  } while (false)

// Why this machine cannot run tests of kernel MPTCP (not root, no MPTCP, MPTCP off), or nothing.
std::optional<std::string> mptcp_unavailable();

#define MPRECOVER_REQUIRE_MPTCP()                                          \
  do {                                                                     \
    if (auto why = ::mprecover::netns::test::mptcp_unavailable()) {      \
      GTEST_SKIP() << *why;                                                \
    }                                                                      \
  } while (false)

// A namespace of this test run (`<stem>-<role>`) with its loopback up, for tests that need no topology.
NetworkNamespace namespace_with_loopback(const char* role);

// A scenario of `paths` paths at `rate` bit/s each, nothing else.
Scenario small_scenario(std::size_t paths, BitRate rate = 100'000'000);

// An owned fd.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  int release();

 private:
  int fd_;
};

// A TCP listener on 0.0.0.0:port in `ns`.
Fd listen_tcp(const NetworkNamespace& ns, std::uint16_t port);

struct ConnectFrom {
  std::string device;      // SO_BINDTODEVICE, if not empty
  std::string source;      // bind() address, if not empty
};

// A TCP connection from `ns` to dst:port, or an invalid Fd when it did not complete in `timeout`.
Fd connect_tcp(const NetworkNamespace& ns, const ConnectFrom& from, const std::string& dst, std::uint16_t port,
               std::chrono::milliseconds timeout);

// Accepts one pending connection within `timeout`; returns the peer's address, or nothing.
std::optional<std::string> accept_peer(int listener, std::chrono::milliseconds timeout, Fd* accepted = nullptr);

// Output of a shell command (stdout and stderr).
std::string run_command(const std::string& command);

}  // namespace mprecover::netns::test
