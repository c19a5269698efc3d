// The netns bulk client: it waits for the server's greeting before it sends a byte, and moves
// the byte pattern either way through the bulk server, as streams or as requests and responses.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>

#include "backends/netns/bulk_client.h"
#include "backends/netns/bulk_server.h"
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

TEST(BulkClient, SendsNothingUntilTheServerGreetsIt) {
  MPRECOVER_REQUIRE_MPTCP();
  const NetworkNamespace ns = test::namespace_with_loopback("sender");
  const test::Fd listener = listen_mptcp(ns);
  ASSERT_GE(listener.get(), 0);

  EventLoop loop;
  std::atomic<bool> stop{false};
  BulkClient sender(ns, loop, "127.0.0.1", kPort, BulkRequest{});
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

// Both directions through the bulk server: what one end writes, the other counts and checks.
TEST(BulkClient, UploadsToAndDownloadsFromTheBulkServer) {
  MPRECOVER_REQUIRE_MPTCP();
  const NetworkNamespace ns = test::namespace_with_loopback("bulk");
  EventLoop loop;
  std::atomic<bool> stop{false};
  BulkServer server(ns, loop, kPort);
  BulkClient upload(ns, loop, "127.0.0.1", kPort, BulkRequest{TrafficDirection::upload, 3'000'000, std::nullopt});
  BulkClient download(ns, loop, "127.0.0.1", kPort,
                      BulkRequest{TrafficDirection::download, 2'000'000, std::nullopt});
  // Both ways, the download shorter than the upload: the client goes on writing after it ended.
  BulkClient both(ns, loop, "127.0.0.1", kPort, BulkRequest{TrafficDirection::both, 4'000'000, std::nullopt});
  BulkClient both_slow_upload(ns, loop, "127.0.0.1", kPort,
                              BulkRequest{TrafficDirection::both, 500'000, AppRate{8'000'000}});
  const auto deadline = loop.now() + 10s;
  while ((upload.fd() >= 0 || download.fd() >= 0 || both.fd() >= 0 || both_slow_upload.fd() >= 0) &&
         loop.now() < deadline)
    loop.run_until(loop.now() + 50ms, stop);

  EXPECT_FALSE(upload.error()) << *upload.error();
  EXPECT_FALSE(download.error()) << *download.error();
  EXPECT_EQ(upload.bytes_sent(), 3'000'000U);
  const auto uploaded = server.streams().find(upload.local_port());
  ASSERT_NE(uploaded, server.streams().end());
  EXPECT_EQ(uploaded->second.bytes, 3'000'000U);
  EXPECT_TRUE(uploaded->second.complete);
  EXPECT_FALSE(uploaded->second.first_mismatch);
  EXPECT_EQ(server.streams().count(download.local_port()), 0U) << "a download is no upload stream";

  EXPECT_EQ(download.bytes_sent(), 0U);
  EXPECT_EQ(download.received().bytes, 2'000'000U);
  EXPECT_TRUE(download.received().complete);
  EXPECT_FALSE(download.received().first_mismatch);
  EXPECT_TRUE(server.failures().empty());

  for (const BulkClient* client : {&both, &both_slow_upload}) {
    const std::uint64_t bytes = client == &both ? 4'000'000U : 500'000U;
    EXPECT_FALSE(client->error()) << *client->error();
    EXPECT_EQ(client->bytes_sent(), bytes);
    const auto up = server.streams().find(client->local_port());
    ASSERT_NE(up, server.streams().end());
    EXPECT_EQ(up->second.bytes, bytes);
    EXPECT_TRUE(up->second.complete);
    EXPECT_FALSE(up->second.first_mismatch);
    EXPECT_EQ(client->received().bytes, bytes);
    EXPECT_TRUE(client->received().complete);
    EXPECT_FALSE(client->received().first_mismatch);
  }
  EXPECT_EQ(server.bytes_sent(), 2'000'000U + 4'000'000U + 500'000U);
}

// Request/response through the bulk server: each request of 3 kB is answered with 50 kB once the
// whole of it is in, and the next goes out 20 ms after the answer; both streams are checked.
TEST(BulkClient, AsksAndIsAnsweredOneRequestAtATime) {
  MPRECOVER_REQUIRE_MPTCP();
  const NetworkNamespace ns = test::namespace_with_loopback("rr");
  EventLoop loop;
  std::atomic<bool> stop{false};
  BulkServer server(ns, loop, kPort);
  BulkClient client(ns, loop, "127.0.0.1", kPort, BulkRequest{TrafficDirection::both, std::nullopt, std::nullopt},
                    RequestResponse{3'000, 50'000, 20ms, 1s});
  loop.run_until(loop.now() + 1s, stop);

  EXPECT_FALSE(client.error()) << *client.error();
  ASSERT_TRUE(client.requests());
  const std::vector<RequestTiming>& requests = client.requests()->requests();
  ASSERT_GT(requests.size(), 10U) << "a request every 20 ms and a bit over loopback";
  ASSERT_LT(requests.size(), 51U) << "no request before the think time is over";
  for (std::size_t i = 0; i + 1 < requests.size(); ++i) {
    ASSERT_TRUE(requests[i].answered) << i;
    EXPECT_GE(requests[i + 1].issued - *requests[i].answered, 20ms) << i;
  }
  // The loop may stop while the last request is still being written: every earlier one is whole.
  const std::size_t answered = requests.size() - (requests.back().answered ? 0 : 1);
  EXPECT_GE(client.bytes_sent(), (requests.size() - 1) * 3'000U);
  EXPECT_LE(client.bytes_sent(), requests.size() * 3'000U);
  EXPECT_GE(client.received().bytes, answered * 50'000U);
  EXPECT_LE(client.received().bytes, requests.size() * 50'000U) << "a response for each request, no more";
  EXPECT_FALSE(client.received().first_mismatch);
  const auto up = server.streams().find(client.local_port());
  ASSERT_NE(up, server.streams().end());
  EXPECT_GE(up->second.bytes, answered * 3'000U) << "each answered request was whole at the server";
  EXPECT_LE(up->second.bytes, client.bytes_sent());
  EXPECT_FALSE(up->second.first_mismatch);
  EXPECT_TRUE(server.failures().empty());
}

}  // namespace
}  // namespace mprecover::netns
