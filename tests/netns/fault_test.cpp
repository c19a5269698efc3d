// The faults that act on the client: SOCK_DESTROY of a path's TCP sockets (the `reset` fault,
// plain TCP and MPTCP subflows). The readdress of a path is in topology_test.cpp, for both IP families.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "backends/netns/device_names.h"
#include "backends/netns/mptcp_event_listener.h"
#include "backends/netns/mptcp_pm_client.h"
#include "backends/netns/namespace_scope.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/path_faults.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/socket_destroyer.h"
#include "backends/netns/topology.h"
#include "test_support.h"
#include "backends/netns/socket_address.h"

namespace mprecover::netns {
namespace {

using namespace std::chrono_literals;
using mptcp_pm::EventType;
using test::ConnectFrom;
using test::Fd;

constexpr std::uint16_t kPort = 5400;


// read() that gives up after `timeout`: the bytes read, 0 at EOF, -errno on an error, or
// -ETIMEDOUT when nothing came.
long read_within(int fd, char* buffer, std::size_t size, std::chrono::milliseconds timeout) {
  pollfd pfd{fd, POLLIN, 0};
  if (poll(&pfd, 1, static_cast<int>(timeout.count())) != 1) return -ETIMEDOUT;
  const ssize_t n = read(fd, buffer, size);
  return n >= 0 ? static_cast<long>(n) : -static_cast<long>(errno);
}

// Sends `bytes` from one end and reads them at the other; returns how many arrived in `timeout`.
std::size_t carry(int from, int to, std::size_t bytes, std::chrono::milliseconds timeout = 5s) {
  const std::vector<char> data(bytes, 'm');
  std::vector<char> received(64 * 1024);
  std::size_t sent = 0;
  std::size_t arrived = 0;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (arrived < bytes && std::chrono::steady_clock::now() < end) {
    if (sent < bytes) {
      const ssize_t n = send(from, data.data() + sent, bytes - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN) return arrived;
    }
    const long n = read_within(to, received.data(), received.size(), 50ms);
    if (n > 0) arrived += static_cast<std::size_t>(n);
    if (n == 0 || (n < 0 && n != -ETIMEDOUT)) return arrived;
  }
  return arrived;
}

// --- SOCK_DESTROY on plain TCP ---------------------------------------------------------------

TEST(SocketDestroyer, KillsThePathsTcpConnectionAndLeavesTheOtherPathsAlone) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(test::small_scenario(2));
  Fd listener = test::listen_tcp(topology.server(), kPort);
  Fd client0 = test::connect_tcp(topology.client(), {"", ipv4_plan.client_address(0)}, ipv4_plan.server_address(), kPort, 2s);
  Fd server0;
  ASSERT_EQ(test::accept_peer(listener.get(), 1s, &server0), ipv4_plan.client_address(0));
  Fd client1 = test::connect_tcp(topology.client(), {"", ipv4_plan.client_address(1)}, ipv4_plan.server_address(), kPort, 2s);
  Fd server1;
  ASSERT_EQ(test::accept_peer(listener.get(), 1s, &server1), ipv4_plan.client_address(1));

  const auto before = list_tcp_sockets(topology.client(), ipv4_plan.client_address(1));
  ASSERT_EQ(before.size(), 1U);
  EXPECT_EQ(before[0].remote_address, ipv4_plan.server_address());
  EXPECT_EQ(before[0].remote_port, kPort);
  EXPECT_EQ(before[0].state, TCP_ESTABLISHED);

  EXPECT_EQ(destroy_tcp_sockets(topology.client(), ipv4_plan.client_address(1)), 1U);
  EXPECT_TRUE(list_tcp_sockets(topology.client(), ipv4_plan.client_address(1)).empty());

  char buffer[16];
  EXPECT_EQ(read_within(client1.get(), buffer, sizeof buffer, 1s), -ECONNABORTED) << "the destroyed socket's own end";
  EXPECT_EQ(read_within(server1.get(), buffer, sizeof buffer, 2s), -ECONNRESET) << "the peer got an RST";

  EXPECT_EQ(list_tcp_sockets(topology.client(), ipv4_plan.client_address(0)).size(), 1U);
  EXPECT_EQ(carry(client0.get(), server0.get(), 1000), 1000U) << "path 0's connection works on";
  EXPECT_EQ(carry(server0.get(), client0.get(), 1000), 1000U);
  EXPECT_EQ(destroy_tcp_sockets(topology.client(), ipv4_plan.client_address(1)), 0U) << "nothing left on path 1";
}

TEST(SocketDestroyer, LeavesListenersAloneByDefault) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(test::small_scenario(1));
  Fd listener;
  {
    NamespaceScope scope(topology.server());
    listener = Fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  }
  const sockaddr_in sa = inet_address(ipv4_plan.server_address(), kPort);
  ASSERT_EQ(bind(listener.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(listen(listener.get(), 8), 0);
  EXPECT_EQ(destroy_tcp_sockets(topology.server(), ipv4_plan.server_address()), 0U);
  EXPECT_EQ(list_tcp_sockets(topology.server(), ipv4_plan.server_address(), std::uint32_t{1} << TCP_LISTEN).size(), 1U)
      << "the listener is still there";
}

// The same over IPv6: a client on 2001:db8::2 and a server on ::1, both on the loopback device.
TEST(SocketDestroyer, KillsIPv6Connections) {
  MPRECOVER_REQUIRE_NETNS();
  const NetworkNamespace ns = test::namespace_with_loopback("v6");
  test::run_command("ip -n " + ns.name() + " addr add 2001:db8::2/128 dev lo nodad");
  Fd listener;
  Fd client;
  {
    NamespaceScope scope(ns);
    listener = Fd(socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    client = Fd(socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  }
  if (listener.get() < 0 || client.get() < 0) {
    GTEST_SKIP() << "no IPv6 here: " << std::strerror(errno);
  }
  const SocketAddress server_address = socket_address(*IpAddress::parse("::1"), kPort);
  const SocketAddress client_address = socket_address(*IpAddress::parse("2001:db8::2"), 0);
  ASSERT_EQ(bind(listener.get(), server_address.get(), server_address.size), 0);
  ASSERT_EQ(listen(listener.get(), 1), 0);
  ASSERT_EQ(bind(client.get(), client_address.get(), client_address.size), 0) << std::strerror(errno);
  ASSERT_EQ(connect(client.get(), server_address.get(), server_address.size), 0);
  Fd server(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));

  const auto before = list_tcp_sockets(ns, "2001:db8::2");
  ASSERT_EQ(before.size(), 1U);
  EXPECT_EQ(before[0].remote_address, "::1");
  EXPECT_EQ(before[0].remote_port, kPort);
  EXPECT_TRUE(list_tcp_sockets(ns, "127.0.0.1").empty()) << "an IPv4 address has none of them";
  EXPECT_EQ(destroy_tcp_sockets(ns, "2001:db8::2"), 1U);
  char buffer[16];
  EXPECT_EQ(read_within(client.get(), buffer, sizeof buffer, 1s), -ECONNABORTED) << "the destroyed socket's own end";
  EXPECT_EQ(read_within(server.get(), buffer, sizeof buffer, 2s), -ECONNRESET) << "the peer got an RST";
  EXPECT_TRUE(list_tcp_sockets(ns, "2001:db8::2").empty());
}

TEST(SocketDestroyer, RefusesANonAddress) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(test::small_scenario(1));
  try {
    destroy_tcp_sockets(topology.client(), "10.1.1");
    FAIL() << "destroyed the sockets of a non-address";
  } catch (const NetnsError& e) {
    EXPECT_NE(std::string(e.what()).find("'10.1.1'"), std::string::npos) << e.what();
  }
}

// --- SOCK_DESTROY on an MPTCP connection's subflow -------------------------------------------

// One MPTCP connection from the client's path 0 to the server, with a byte each way. The
// listener stays open: MP_JOINs reach the server through it.
struct MptcpConnection {
  Fd listener;
  Fd client;
  Fd server;
};

MptcpConnection connect_mptcp(Topology& topology) {
  MptcpConnection c;
  {
    NamespaceScope scope(topology.server());
    c.listener = Fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP));
  }
  const int one = 1;
  setsockopt(c.listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const sockaddr_in any = inet_address("0.0.0.0", kPort);
  EXPECT_EQ(bind(c.listener.get(), reinterpret_cast<const sockaddr*>(&any), sizeof any), 0);
  EXPECT_EQ(listen(c.listener.get(), 8), 0);
  {
    NamespaceScope scope(topology.client());
    c.client = Fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP));
  }
  const sockaddr_in src = inet_address(ipv4_plan.client_address(0), 0);
  const sockaddr_in dst = inet_address(ipv4_plan.server_address(), kPort);
  EXPECT_EQ(bind(c.client.get(), reinterpret_cast<const sockaddr*>(&src), sizeof src), 0);
  EXPECT_EQ(connect(c.client.get(), reinterpret_cast<const sockaddr*>(&dst), sizeof dst), 0) << std::strerror(errno);
  c.server = Fd(accept4(c.listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  EXPECT_EQ(carry(c.client.get(), c.server.get(), 1), 1U);
  EXPECT_EQ(carry(c.server.get(), c.client.get(), 1), 1U);
  return c;
}

// Collects events until one of `type` on `path` arrives or `timeout` passes.
std::optional<KernelMptcpEvent> wait_for(MptcpEventListener& listener, std::vector<KernelMptcpEvent>& seen,
                                         EventType type, PathId path, std::chrono::milliseconds timeout = 5s) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (std::size_t next = 0;;) {
    for (; next < seen.size(); ++next) {
      if (seen[next].type == type && ipv4_plan.path_of_client_address(seen[next].saddr) == path) return seen[next];
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd pfd{listener.fd(), POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) == 1) {
      for (auto& e : listener.drain()) seen.push_back(std::move(e));
    }
  }
}

TEST(SocketDestroyer, KillsAnMptcpSubflowAndTheConnectionLivesOnTheOtherPath) {
  MPRECOVER_REQUIRE_MPTCP();
  Topology topology(test::small_scenario(2));
  MptcpPmClient client_pm(topology.client());
  MptcpPmClient(topology.server()).set_limits(2, 2);
  client_pm.set_limits(2, 2);
  client_pm.add_endpoint({ipv4_plan.client_address(1), 2, mptcp_pm::EndpointFlag::subflow,
                          topology.client_route().ifindex(client_device(1))});

  MptcpEventListener events(topology.client());
  std::vector<KernelMptcpEvent> seen;
  MptcpConnection connection = connect_mptcp(topology);
  const auto joined = wait_for(events, seen, EventType::sub_established, 1);
  ASSERT_TRUE(joined) << "the endpoint's subflow on path 1 was not established";
  const auto subflows = list_tcp_sockets(topology.client(), ipv4_plan.client_address(1));
  ASSERT_EQ(subflows.size(), 1U) << "an MPTCP subflow is a TCP socket in the TCP tables";
  EXPECT_EQ(subflows[0].local_port, joined->sport);

  EXPECT_EQ(destroy_tcp_sockets(topology.client(), ipv4_plan.client_address(1)), 1U);
  const auto closed = wait_for(events, seen, EventType::sub_closed, 1);
  ASSERT_TRUE(closed) << "no sub_closed for the destroyed subflow";
  EXPECT_EQ(closed->token, joined->token);
  EXPECT_EQ(closed->sport, joined->sport);
  EXPECT_NE(closed->error, 0) << "a destroyed subflow dies with an error";
  EXPECT_EQ(closed->error, ECONNABORTED) << "SOCK_DESTROY aborts with ECONNABORTED";
  RecordProperty("sub_closed_error", closed->error);

  // The MPTCP-level socket is not in the TCP tables, so it survives, and so does path 0's subflow.
  EXPECT_EQ(list_tcp_sockets(topology.client(), ipv4_plan.client_address(0)).size(), 1U);
  const std::string mptcp_sockets =
      test::run_command("ip netns exec " + topology.client().name() + " ss -HnM state established");
  EXPECT_NE(mptcp_sockets.find(std::string(ipv4_plan.server_address()) + ":" + std::to_string(kPort)), std::string::npos)
      << mptcp_sockets;
  EXPECT_EQ(carry(connection.client.get(), connection.server.get(), 256 * 1024), 256U * 1024U);
  EXPECT_EQ(carry(connection.server.get(), connection.client.get(), 256 * 1024), 256U * 1024U);
  for (const auto& e : seen) EXPECT_NE(e.type, EventType::closed) << "the MPTCP connection closed";
}

}  // namespace
}  // namespace mprecover::netns
