// The netns sender's first write: kFirstWriteBytes alone, until the server has acknowledged them.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>

#include "backends/netns/bulk_sender.h"
#include "backends/netns/namespace_scope.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/socket_address.h"
#include "test_support.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

namespace mprecover::netns {
namespace {

using namespace std::chrono_literals;

constexpr std::uint16_t kPort = 5201;

// An MPTCP listener on 127.0.0.1 in `ns`; the kernel acknowledges what arrives without an accept().
test::Fd listen_mptcp(const NetworkNamespace& ns) {
  NamespaceScope scope(ns);
  test::Fd listener(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP));
  const sockaddr_in address = inet_address("127.0.0.1", kPort);
  if (listener.get() < 0 || bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener.get(), 8) != 0) {
    return test::Fd();
  }
  return listener;
}

TEST(BulkSender, SendsItsFirstWriteAloneUntilTheServerAcknowledgesIt) {
  MPRECOVER_REQUIRE_MPTCP();
  const NetworkNamespace ns = NetworkNamespace::create(namespace_name(make_run_stem(), "sender"));
  const std::string in_ns = "ip netns exec " + ns.name() + " ";
  test::run_command(in_ns + "ip link set lo up");
  const test::Fd listener = listen_mptcp(ns);
  ASSERT_GE(listener.get(), 0);
  // The server's acknowledgements are dropped, its SYN-ACK excepted: the handshake completes.
  test::run_command(in_ns + "nft add table ip hold");
  test::run_command(in_ns + "nft add chain ip hold out '{ type filter hook output priority 0; }'");
  test::run_command(in_ns + "nft add rule ip hold out tcp sport " + std::to_string(kPort) +
                    " tcp flags '& (syn) != syn' drop");

  EventLoop loop;
  std::atomic<bool> stop{false};
  BulkSender sender(ns, loop, "127.0.0.1", kPort, std::nullopt);
  loop.run_until(loop.now() + 300ms, stop);
  EXPECT_TRUE(sender.connected());
  EXPECT_EQ(sender.bytes_sent(), kFirstWriteBytes);

  test::run_command(in_ns + "nft delete table ip hold");
  loop.run_until(loop.now() + 2s, stop);  // the retransmission is acknowledged, the bulk follows
  EXPECT_FALSE(sender.error().has_value()) << *sender.error();
  EXPECT_GT(sender.bytes_sent(), 1'000'000U);
}

}  // namespace
}  // namespace mprecover::netns
