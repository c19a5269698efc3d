// The mptcp_pm genl client and events on the live kernel, in a netns topology.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "backends/netns/device_names.h"
#include "backends/netns/mptcp_event_listener.h"
#include "backends/netns/mptcp_pm_client.h"
#include "backends/netns/namespace_scope.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/sysctl.h"
#include "backends/netns/topology.h"
#include "test_support.h"
#include "backends/netns/socket_address.h"

namespace mprecover::netns {
namespace {

const PathOfAddress path_of_ipv4_client = [](std::string_view a) { return ipv4_plan.path_of_client_address(a); };

using namespace std::chrono_literals;
using mptcp_pm::EventType;
using test::Fd;

constexpr std::uint16_t kPort = 5300;


// One MPTCP connection from the client's path 0 to the server, with a byte each way.
// The listener stays open: MP_JOINs reach the server through it.
struct MptcpConnection {
  Fd listener;
  Fd client;
  Fd server;
};

MptcpConnection connect_mptcp(Topology& topology) {
  MptcpConnection c;
  Fd& listener = c.listener;
  {
    NamespaceScope scope(topology.server());
    listener = Fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP));
  }
  const int one = 1;
  setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const sockaddr_in any = inet_address("0.0.0.0", kPort);
  EXPECT_EQ(bind(listener.get(), reinterpret_cast<const sockaddr*>(&any), sizeof any), 0);
  EXPECT_EQ(listen(listener.get(), 8), 0);
  {
    NamespaceScope scope(topology.client());
    c.client = Fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP));
  }
  const sockaddr_in src = inet_address(ipv4_plan.client_address(0), 0);
  const sockaddr_in dst = inet_address(ipv4_plan.server_address(), kPort);
  EXPECT_EQ(bind(c.client.get(), reinterpret_cast<const sockaddr*>(&src), sizeof src), 0);
  EXPECT_EQ(connect(c.client.get(), reinterpret_cast<const sockaddr*>(&dst), sizeof dst), 0) << std::strerror(errno);
  c.server = Fd(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  char byte = 'x';
  EXPECT_EQ(write(c.client.get(), &byte, 1), 1);
  EXPECT_EQ(read(c.server.get(), &byte, 1), 1);
  EXPECT_EQ(write(c.server.get(), &byte, 1), 1);
  EXPECT_EQ(read(c.client.get(), &byte, 1), 1);
  return c;
}

// Collects events until one of `type` (on `path`, when given) arrives or `timeout` passes.
std::optional<KernelMptcpEvent> wait_for(MptcpEventListener& listener, std::vector<KernelMptcpEvent>& seen,
                                         EventType type, std::optional<PathId> path = std::nullopt,
                                         std::chrono::milliseconds timeout = 5s) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (std::size_t next = 0;;) {
    for (; next < seen.size(); ++next) {
      if (seen[next].type == type && (!path || ipv4_plan.path_of_client_address(seen[next].saddr) == path)) return seen[next];
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd pfd{listener.fd(), POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) == 1) {
      for (auto& e : listener.drain()) seen.push_back(std::move(e));
    }
  }
}

TEST(MptcpPmSpec, EventNamesRoundTrip) {
  for (const auto& [type, name] : mptcp_pm::kEventNames) {
    EXPECT_EQ(mptcp_pm::event_type_named(name), type);
    EXPECT_EQ(mptcp_pm::event_name(type), name);
  }
}

TEST(MptcpEvents, BecomeEngineEvents) {
  KernelMptcpEvent e;
  e.token = 7;
  e.saddr = "10.1.2.1";
  e.type = EventType::sub_closed;
  e.error = 104;
  const auto ev = to_engine_event(e, path_of_ipv4_client);
  ASSERT_TRUE(ev && std::holds_alternative<MptcpSubClosed>(*ev));
  EXPECT_EQ(std::get<MptcpSubClosed>(*ev).path, 1U);
  EXPECT_EQ(std::get<MptcpSubClosed>(*ev).error, 104);
  e.saddr = "192.0.2.1";
  EXPECT_FALSE(to_engine_event(e, path_of_ipv4_client)) << "no path owns that address";
  e.type = EventType::closed;
  EXPECT_TRUE(to_engine_event(e, path_of_ipv4_client)) << "closed needs no address";
  e.type = EventType::announced;
  e.saddr = "10.1.1.1";
  EXPECT_FALSE(to_engine_event(e, path_of_ipv4_client));
  EXPECT_EQ(ipv4_plan.path_of_client_address("10.1.3.7"), 2U);
  EXPECT_FALSE(ipv4_plan.path_of_client_address("10.2.1.1"));
}

// An MPTCP connection over IPv6 loopback in a namespace of its own: its events carry the IPv6
// addresses (the kernel sends them in saddr6/daddr6, not saddr4/daddr4).
TEST(MptcpEvents, CarryIPv6Addresses) {
  MPRECOVER_REQUIRE_MPTCP();
  const NetworkNamespace ns = test::namespace_with_loopback("v6");
  MptcpEventListener listener(ns);
  Fd server_listener;
  Fd client;
  {
    NamespaceScope scope(ns);
    server_listener = Fd(socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP));
    client = Fd(socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP));
  }
  if (server_listener.get() < 0 || client.get() < 0) {
    GTEST_SKIP() << "no IPv6 MPTCP socket here: " << std::strerror(errno);
  }
  const SocketAddress loopback = socket_address(*IpAddress::parse("::1"), kPort);
  ASSERT_EQ(bind(server_listener.get(), loopback.get(), loopback.size), 0) << std::strerror(errno);
  ASSERT_EQ(listen(server_listener.get(), 1), 0);
  ASSERT_EQ(connect(client.get(), loopback.get(), loopback.size), 0) << std::strerror(errno);

  std::vector<KernelMptcpEvent> seen;
  const auto created = wait_for(listener, seen, EventType::created);
  ASSERT_TRUE(created) << "no created event";
  EXPECT_EQ(created->saddr, "::1");
  EXPECT_EQ(created->daddr, "::1");
  EXPECT_EQ(created->dport, kPort);
}

// The in-kernel PM's endpoints take IPv6 addresses as they take IPv4 ones, and list them back.
TEST(MptcpPm, EndpointsTakeIPv6Addresses) {
  MPRECOVER_REQUIRE_MPTCP();
  const NetworkNamespace ns = test::namespace_with_loopback("v6");
  MptcpPmClient pm(ns);
  pm.add_endpoint({"2001:db8:1::2", 3, mptcp_pm::EndpointFlag::signal, 0});
  pm.add_endpoint({"10.1.1.1", 4, mptcp_pm::EndpointFlag::signal, 0});
  const std::string shown = test::run_command("ip -n " + ns.name() + " mptcp endpoint show");
  EXPECT_NE(shown.find("2001:db8:1::2 id 3 signal"), std::string::npos) << shown;
  std::vector<std::pair<std::string, int>> listed;
  for (const MptcpEndpoint& e : pm.endpoints()) listed.emplace_back(e.address, e.id);
  EXPECT_EQ(listed, (std::vector<std::pair<std::string, int>>{{"2001:db8:1::2", 3}, {"10.1.1.1", 4}}));
  EXPECT_THROW(pm.add_endpoint({"2001:db8::zz", 5, mptcp_pm::EndpointFlag::signal, 0}), NetnsError);
}

TEST(MptcpPm, InKernelEndpointOpensASubflowAndDeletingItClosesIt) {
  MPRECOVER_REQUIRE_MPTCP();
  Topology topology(test::small_scenario(2));
  MptcpPmClient client_pm(topology.client());
  MptcpPmClient server_pm(topology.server());
  client_pm.set_limits(2, 2);
  server_pm.set_limits(2, 2);
  client_pm.add_endpoint({ipv4_plan.client_address(1), 2, mptcp_pm::EndpointFlag::subflow,
                          topology.client_route().ifindex(client_device(1))});
  const std::string endpoints = test::run_command("ip -n " + topology.client().name() + " mptcp endpoint show");
  EXPECT_NE(endpoints.find("10.1.2.1 id 2 subflow dev path1"), std::string::npos) << endpoints;
  const std::string limits = test::run_command("ip -n " + topology.client().name() + " mptcp limits show");
  EXPECT_NE(limits.find("subflows 2"), std::string::npos) << limits;

  MptcpEventListener listener(topology.client());
  std::vector<KernelMptcpEvent> seen;
  MptcpConnection connection = connect_mptcp(topology);
  const auto created = wait_for(listener, seen, EventType::created, 0);
  ASSERT_TRUE(created) << "no created event";
  EXPECT_FALSE(created->server_side);
  EXPECT_EQ(created->daddr, ipv4_plan.server_address());
  EXPECT_EQ(created->dport, kPort);
  ASSERT_TRUE(wait_for(listener, seen, EventType::established, 0));
  const auto sub = wait_for(listener, seen, EventType::sub_established, 1);
  ASSERT_TRUE(sub) << "the endpoint's subflow was not established";
  EXPECT_EQ(sub->token, created->token);
  const auto engine_event = to_engine_event(*sub, path_of_ipv4_client);
  ASSERT_TRUE(engine_event && std::holds_alternative<MptcpSubEstablished>(*engine_event));
  EXPECT_EQ(std::get<MptcpSubEstablished>(*engine_event).path, 1U);

  client_pm.delete_endpoint(2);
  const auto closed = wait_for(listener, seen, EventType::sub_closed, 1);
  ASSERT_TRUE(closed) << "deleting the endpoint did not close its subflow";
  EXPECT_EQ(closed->token, created->token);
  EXPECT_EQ(test::run_command("ip -n " + topology.client().name() + " mptcp endpoint show").find("10.1.2.1"),
            std::string::npos);

  connection.client = Fd{};
  connection.server = Fd{};
  EXPECT_TRUE(wait_for(listener, seen, EventType::closed));
}

TEST(MptcpPm, UserspacePmCreatesAndDestroysASubflowPerToken) {
  MPRECOVER_REQUIRE_MPTCP();
  Topology topology(test::small_scenario(2));
  set_sysctl(topology.client(), "net.mptcp.pm_type", "1");
  MptcpPmClient client_pm(topology.client());
  MptcpPmClient(topology.server()).set_limits(2, 2);

  MptcpEventListener listener(topology.client());
  std::vector<KernelMptcpEvent> seen;
  MptcpConnection connection = connect_mptcp(topology);
  const auto created = wait_for(listener, seen, EventType::created, 0);
  ASSERT_TRUE(created);
  ASSERT_TRUE(wait_for(listener, seen, EventType::established, 0));

  client_pm.create_subflow(created->token, {ipv4_plan.client_address(1), 0, 2}, {ipv4_plan.server_address(), kPort, 0});
  const auto sub = wait_for(listener, seen, EventType::sub_established, 1);
  if (!sub) {
    for (const auto& e : seen) {
      ADD_FAILURE() << mptcp_pm::event_name(e.type) << " token " << e.token << " " << e.saddr << ":" << e.sport
                    << " -> " << e.daddr << ":" << e.dport << " error " << e.error;
    }
  }
  ASSERT_TRUE(sub) << "SUBFLOW_CREATE did not establish a subflow on path 1";
  EXPECT_EQ(sub->token, created->token);
  EXPECT_NE(sub->sport, 0);

  client_pm.destroy_subflow(created->token, {ipv4_plan.client_address(1), sub->sport, 0}, {ipv4_plan.server_address(), kPort, 0});
  const auto closed = wait_for(listener, seen, EventType::sub_closed, 1);
  ASSERT_TRUE(closed) << "SUBFLOW_DESTROY did not close it";
  EXPECT_EQ(closed->sport, sub->sport);
}

TEST(MptcpPm, ErrorsNameTheCommandAndObject) {
  MPRECOVER_REQUIRE_MPTCP();
  Topology topology(test::small_scenario(1));
  MptcpPmClient client_pm(topology.client());
  try {
    client_pm.delete_endpoint(42);
    FAIL() << "deleting a missing endpoint succeeded";
  } catch (const NetnsError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("deleting MPTCP endpoint id 42 in " + topology.client().name()), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace mprecover::netns
