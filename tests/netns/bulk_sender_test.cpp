// The netns sender waits for the server's greeting before it sends a byte.
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

namespace mprecover::netns {
namespace {

using namespace std::chrono_literals;

constexpr std::uint16_t kPort = 5201;

// An MPTCP listener on 127.0.0.1 in `ns` that greets no one by itself.
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

TEST(BulkSender, SendsNothingUntilTheServerGreetsIt) {
  MPRECOVER_REQUIRE_MPTCP();
  const NetworkNamespace ns = NetworkNamespace::create(namespace_name(make_run_stem(), "sender"));
  test::run_command("ip netns exec " + ns.name() + " ip link set lo up");
  const test::Fd listener = listen_mptcp(ns);
  ASSERT_GE(listener.get(), 0);

  EventLoop loop;
  std::atomic<bool> stop{false};
  BulkSender sender(ns, loop, "127.0.0.1", kPort, std::nullopt);
  loop.run_until(loop.now() + 300ms, stop);
  EXPECT_TRUE(sender.connected());
  EXPECT_EQ(sender.bytes_sent(), 0U);

  const test::Fd accepted(accept(listener.get(), nullptr, nullptr));
  ASSERT_GE(accepted.get(), 0);
  ASSERT_EQ(send(accepted.get(), "g", 1, MSG_NOSIGNAL), 1);
  loop.run_until(loop.now() + 300ms, stop);
  EXPECT_FALSE(sender.error().has_value()) << *sender.error();
  EXPECT_GT(sender.bytes_sent(), 100'000U);
}

}  // namespace
}  // namespace mprecover::netns
