// Kind command on the kernel: other programs' MPTCP subflows found by token through sock_diag,
// and iperf3 run under mptcpize, server first, with failures reported with their output.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "backends/netns/bulk_client.h"
#include "backends/netns/bulk_server.h"
#include "backends/netns/command_traffic.h"
#include "backends/netns/mptcp_socket_info.h"
#include "backends/netns/mptcp_subflow_diag.h"
#include "backends/netns/namespace_scope.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/sock_diag_socket.h"
#include "backends/netns/socket_address.h"
#include "test_support.h"

namespace mprecover::netns {
namespace {

using namespace std::chrono_literals;

constexpr std::uint16_t kPort = 5201;

TEST(MptcpSubflowDiag, FindsAConnectionsSubflowsByItsToken) {
  MPRECOVER_REQUIRE_MPTCP();
  const NetworkNamespace ns = test::namespace_with_loopback("diag");
  test::Fd listener;
  {
    NamespaceScope scope(ns);
    listener = test::Fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP));
    const sockaddr_in address = inet_address("127.0.0.1", kPort);
    ASSERT_EQ(bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(listen(listener.get(), 8), 0);
  }
  EventLoop loop;
  std::atomic<bool> stop{false};
  BulkClient sender(ns, loop, "127.0.0.1", kPort, BulkRequest{});
  loop.run_until(loop.now() + 100ms, stop);
  const test::Fd accepted(accept(listener.get(), nullptr, nullptr));
  ASSERT_EQ(send(accepted.get(), "g", 1, MSG_NOSIGNAL), 1);
  loop.run_until(loop.now() + 200ms, stop);

  const auto token = mptcp_token(sender.fd());
  ASSERT_TRUE(token.has_value());
  SockDiagSocket diag(ns);
  auto by_token = mptcp_subflows_by_token(diag);
  const std::vector<SubflowInfo> own = mptcp_subflows(sender.fd());
  ASSERT_EQ(own.size(), 1U);
  ASSERT_EQ(by_token[*token].size(), 1U);
  const SubflowInfo& seen = by_token[*token].front();
  EXPECT_EQ(seen.local_address, "127.0.0.1");
  EXPECT_EQ(seen.local_port, own.front().local_port);
  EXPECT_EQ(seen.remote_port, kPort);
  EXPECT_TRUE(seen.established);
  // The listener reads nothing: the sender is stalled at a full window, so both readings agree.
  EXPECT_GT(seen.bytes_acked, 1000U);
  EXPECT_EQ(seen.bytes_acked, own.front().bytes_acked);
  EXPECT_GT(seen.cwnd, 0U);
  EXPECT_TRUE(tcp_listener_on(diag, kPort));
  EXPECT_FALSE(tcp_listener_on(diag, kPort + 1));
}

// The same over IPv6, through the bulk server's dual-stack listener: the client's own reading
// and the sock_diag dump both give the subflow's IPv6 addresses, and an IPv4 client of the same
// listener is reported with its IPv4 address, not the mapped ::ffff: form.
TEST(MptcpSubflowDiag, ReportsIPv6SubflowsAndIPv4PeersOfADualStackListener) {
  MPRECOVER_REQUIRE_MPTCP();
  const NetworkNamespace ns = test::namespace_with_loopback("diag6");
  EventLoop loop;
  std::atomic<bool> stop{false};
  BulkServer server(ns, loop, kPort);
  BulkClient v6(ns, loop, "::1", kPort, BulkRequest{});
  BulkClient v4(ns, loop, "127.0.0.1", kPort, BulkRequest{});
  loop.run_until(loop.now() + 300ms, stop);
  ASSERT_FALSE(v6.error()) << *v6.error();
  ASSERT_FALSE(v4.error()) << *v4.error();

  const std::vector<SubflowInfo> own = mptcp_subflows(v6.fd());
  ASSERT_EQ(own.size(), 1U);
  EXPECT_EQ(own.front().local_address, "::1");
  EXPECT_EQ(own.front().remote_address, "::1");
  EXPECT_EQ(own.front().remote_port, kPort);
  SockDiagSocket diag(ns);
  auto by_token = mptcp_subflows_by_token(diag);
  const auto token = mptcp_token(v6.fd());
  ASSERT_TRUE(token.has_value());
  ASSERT_EQ(by_token[*token].size(), 1U);
  EXPECT_EQ(by_token[*token].front().local_address, "::1");
  EXPECT_EQ(by_token[*token].front().local_port, v6.local_port());

  // The server's end of the IPv4 client's connection is an IPv6 socket with a mapped peer.
  bool v4_peer_seen = false;
  for (const auto& [server_token, subflows] : by_token) {
    for (const SubflowInfo& s : subflows) {
      if (s.local_port != kPort || s.remote_port != v4.local_port()) continue;
      EXPECT_EQ(s.remote_address, "127.0.0.1");
      EXPECT_EQ(s.local_address, "127.0.0.1");
      v4_peer_seen = true;
    }
  }
  EXPECT_TRUE(v4_peer_seen) << "the server's subflow of the IPv4 client";
}

std::optional<std::string> iperf3_missing() {
  if (access("/usr/bin/iperf3", X_OK) != 0) return "iperf3 is not installed (cmake/install-deps.sh installs it)";
  if (access("/usr/bin/mptcpize", X_OK) != 0) return "mptcpize is not installed (cmake/install-deps.sh installs it)";
  return std::nullopt;
}

#define REQUIRE_IPERF3()                                   \
  do {                                                     \
    MPRECOVER_REQUIRE_MPTCP();                             \
    if (auto why = iperf3_missing()) GTEST_SKIP() << *why; \
  } while (false)

void run_for(EventLoop& loop, Duration how_long) {
  std::atomic<bool> stop{false};
  loop.run_until(loop.now() + how_long, stop);
}

TEST(CommandTraffic, RunsIperf3UnderMptcpizeServerFirst) {
  REQUIRE_IPERF3();
  const NetworkNamespace ns = test::namespace_with_loopback("iperf3");
  EventLoop loop;
  CommandTraffic commands(ns, ns, loop, {"iperf3 -s -1 -p {port}", "iperf3 -c {server} -p {port} -t {duration}", 1s},
                          "127.0.0.1", kPort);
  EXPECT_EQ(commands.client_command(), "/usr/bin/mptcpize run iperf3 -c 127.0.0.1 -p 5201 -t 1");
  run_for(loop, 3s);
  EXPECT_TRUE(commands.failures().empty()) << commands.failures().front();
  const auto notes = commands.notes();
  ASSERT_EQ(notes.size(), 2U);
  EXPECT_NE(notes[1].find("`/usr/bin/mptcpize run iperf3 -c 127.0.0.1 -p 5201 -t 1` exited with code 0"),
            std::string::npos)
      << notes[1];
  const auto files = commands.run_files();
  ASSERT_EQ(files.size(), 2U);
  EXPECT_EQ(files[1].first, "command-client.log");
  EXPECT_NE(files[1].second.find("iperf Done."), std::string::npos) << files[1].second;
  EXPECT_NE(files[1].second.find("[exited with code 0]"), std::string::npos) << files[1].second;
}

TEST(CommandTraffic, AClientThatFailsIsReportedWithWhatItPrinted) {
  REQUIRE_IPERF3();
  const NetworkNamespace ns = test::namespace_with_loopback("iperf3");
  EventLoop loop;
  CommandTraffic commands(ns, ns, loop, {"iperf3 -s -p {port}", "iperf3 -c {server} -p 9 -t 1", 1s}, "127.0.0.1",
                          kPort);
  run_for(loop, 1s);
  const auto failures = commands.failures();
  ASSERT_EQ(failures.size(), 1U);
  EXPECT_NE(failures[0].find("the client command `/usr/bin/mptcpize run iperf3 -c 127.0.0.1 -p 9 -t 1` exited with "
                             "code 1"),
            std::string::npos)
      << failures[0];
  EXPECT_NE(failures[0].find("unable to connect"), std::string::npos) << failures[0];
  // The server still runs: stopped with the run, which is not a failure.
  EXPECT_NE(commands.notes()[0].find("was still running at the end of the run"), std::string::npos);
}

TEST(CommandTraffic, AServerThatEndsBeforeItListensStopsEverythingWithItsOutput) {
  REQUIRE_IPERF3();
  const NetworkNamespace ns = test::namespace_with_loopback("iperf3");
  EventLoop loop;
  try {
    CommandTraffic commands(ns, ns, loop, {"sh -c 'echo cannot bind; exit 3'", "iperf3 -c {server}", 1s},
                            "127.0.0.1", kPort);
    FAIL() << "the client started without a server";
  } catch (const NetnsError& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("it ended before it listened on port 5201"), std::string::npos) << what;
    EXPECT_NE(what.find("cannot bind"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace mprecover::netns
