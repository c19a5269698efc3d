// The path health probes on a real topology: the prober in the client namespace, the responders
// in the server namespace, one event loop; every mode, every path, with and without faults.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <atomic>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/config.h"
#include "backends/netns/device_names.h"
#include "backends/netns/dns_message.h"
#include "backends/netns/event_loop.h"
#include "backends/netns/namespace_scope.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/path_faults.h"
#include "backends/netns/path_prober.h"
#include "backends/netns/probe_responders.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/topology.h"
#include "test_support.h"
#include "backends/netns/socket_address.h"

namespace mprecover::netns {
namespace {

using namespace std::chrono_literals;

std::size_t open_fds() {
  const std::filesystem::directory_iterator fds("/proc/self/fd");
  return static_cast<std::size_t>(std::distance(begin(fds), end(fds)));
}

// --- DNS messages (no namespaces needed) ---

std::span<const std::uint8_t> bytes(const dns::Bytes& message) { return {message.data(), message.size()}; }

TEST(ProbeDnsMessage, AQueryParsesAndItsAnswerMatchesItsIdOnly) {
  const dns::Bytes query = dns::make_query(0xbeef, "probe.mprecover.");
  const auto parsed = dns::parse_query(bytes(query));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->id, 0xbeef);
  EXPECT_TRUE(parsed->recursion_desired);
  // 5 probe 9 mprecover 0, type A, class IN.
  const dns::Bytes question{5, 'p', 'r', 'o', 'b', 'e', 9, 'm', 'p', 'r', 'e', 'c', 'o', 'v', 'e', 'r', 0, 0, 1, 0, 1};
  EXPECT_EQ(parsed->question, question);
  EXPECT_EQ(dns::make_query(0xbeef, "probe.mprecover"), query) << "the final dot is optional";

  const dns::Bytes answer = dns::make_answer(*parsed, {10, 3, 0, 2});
  EXPECT_TRUE(dns::is_response_to(bytes(answer), 0xbeef));
  EXPECT_FALSE(dns::is_response_to(bytes(answer), 0xbeee));
  EXPECT_FALSE(dns::is_response_to(bytes(query), 0xbeef)) << "a query is no response";
  EXPECT_FALSE(dns::parse_query(bytes(answer))) << "a response is no query";
  // Header, question, then: pointer to the name, A, IN, TTL 0, 4 bytes of address.
  ASSERT_EQ(answer.size(), dns::kHeaderSize + question.size() + 16);
  EXPECT_EQ(answer[7], 1) << "one answer";
  const dns::Bytes record(answer.end() - 16, answer.end());
  EXPECT_EQ(record, (dns::Bytes{0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 10, 3, 0, 2}));
}

TEST(ProbeDnsMessage, MalformedQueriesAreNotQueries) {
  const dns::Bytes good = dns::make_query(7, "probe.mprecover.");
  EXPECT_FALSE(dns::parse_query({}));
  EXPECT_FALSE(dns::parse_query(bytes(good).first(dns::kHeaderSize - 1))) << "short header";
  EXPECT_FALSE(dns::parse_query(bytes(good).first(good.size() - 1))) << "question cut short";
  dns::Bytes two_questions = good;
  two_questions[5] = 2;
  EXPECT_FALSE(dns::parse_query(bytes(two_questions)));
  dns::Bytes compressed = good;
  compressed[dns::kHeaderSize] = 0xc0;
  EXPECT_FALSE(dns::parse_query(bytes(compressed)));
  dns::Bytes other_opcode = good;
  other_opcode[2] |= 0x28;  // opcode 5, UPDATE
  EXPECT_FALSE(dns::parse_query(bytes(other_opcode)));
}

TEST(ProbeDnsMessage, NamesDnsCannotCarryAreRefused) {
  EXPECT_THROW(dns::make_query(1, "probe..mprecover"), NetnsError);
  EXPECT_THROW(dns::make_query(1, std::string(64, 'a') + ".example"), NetnsError);
  EXPECT_THROW(dns::make_query(1, "probe.mprecover.."), NetnsError);
}

// --- Probes on a topology ---

// The timeout of probes that should be answered. On a freshly built topology the first packet on
// a path now and then waits for an ARP retry (1 s) before it gets through; this leaves room for it.
constexpr Duration kAnswerTimeout = 3s;
// How long an answer may take, that retry included: well under kAnswerTimeout.
constexpr Duration kAnswerTime = 2s;

struct ProbeResult {
  PathId path = 0;
  std::uint64_t probe_id = 0;
  bool ok = false;
  Duration took{};
};

// A two-path topology with the responders and a prober on one event loop.
class PathProbeTest : public ::testing::TestWithParam<ProbeMode> {
 protected:
  void SetUp() override {
    MPRECOVER_REQUIRE_NETNS();
    topology_ = std::make_unique<Topology>(test::small_scenario(2));
    responders_ = std::make_unique<ProbeResponders>(topology_->server(), loop_);
    prober_ = std::make_unique<PathProber>(
        topology_->client(), loop_, [this](PathId path) { return source_of(path); },
        [this](PathId path, std::uint64_t probe_id, bool ok) {
          results_.push_back({path, probe_id, ok, loop_.now() - sent_at_.at(probe_id)});
          if (results_.size() >= expected_) loop_.quit();
        });
  }

  ProbeSource source_of(PathId path) const {
    const auto it = sources_.find(path);
    return it != sources_.end() ? it->second : ProbeSource{client_device(path), ipv4_plan.client_address(path), ipv4_plan.server_address()};
  }

  // Sends a probe of the test's mode; its result must not come back from within send().
  void send(PathId path, std::uint64_t probe_id, Duration timeout) {
    const std::size_t before = results_.size();
    sent_at_[probe_id] = loop_.now();
    prober_->send(path, probe_id, GetParam(), timeout);
    EXPECT_EQ(results_.size(), before) << "probe " << probe_id << " reported from within send()";
  }

  // Runs the loop until `count` results are in (or `deadline` passes), then a little longer, so
  // that a second report of any probe would be seen.
  void await_results(std::size_t count, Duration deadline) {
    std::atomic<bool> stop{false};
    expected_ = count;
    loop_.run_until(loop_.now() + deadline, stop);
    ASSERT_EQ(results_.size(), count) << "results in " << to_seconds(deadline) << " s";
    loop_.run_until(loop_.now() + 300ms, stop);
    EXPECT_EQ(results_.size(), count) << "a probe was reported twice";
  }

  const ProbeResult& result_of(std::uint64_t probe_id) const {
    const ProbeResult* found = nullptr;
    for (const auto& result : results_) {
      if (result.probe_id != probe_id) continue;
      EXPECT_EQ(found, nullptr) << "probe " << probe_id << " reported more than once";
      found = &result;
    }
    static const ProbeResult missing{};
    EXPECT_NE(found, nullptr) << "no result for probe " << probe_id;
    return found != nullptr ? *found : missing;
  }

  // Destroyed in reverse: the prober and the responders before the topology and the loop.
  EventLoop loop_;
  std::unique_ptr<Topology> topology_;
  std::unique_ptr<ProbeResponders> responders_;
  std::unique_ptr<PathProber> prober_;
  std::map<PathId, ProbeSource> sources_;  // overrides of the address plan
  std::map<std::uint64_t, Instant> sent_at_;
  std::vector<ProbeResult> results_;
  std::size_t expected_ = 0;
};

TEST_P(PathProbeTest, EveryPathAnswers) {
  const std::size_t fds_before = open_fds();
  send(0, 10, kAnswerTimeout);
  send(1, 11, kAnswerTimeout);
  await_results(2, kAnswerTimeout + 2s);
  EXPECT_TRUE(result_of(10).ok);
  EXPECT_EQ(result_of(10).path, 0U);
  EXPECT_TRUE(result_of(11).ok);
  EXPECT_EQ(result_of(11).path, 1U);
  EXPECT_LT(result_of(10).took, kAnswerTime) << "an answer ends the probe, not its timeout";
  EXPECT_LT(result_of(11).took, kAnswerTime) << "an answer ends the probe, not its timeout";
  EXPECT_EQ(open_fds(), fds_before) << "every probe's socket is closed, and the server's side too";
}

TEST_P(PathProbeTest, ABlackholedPathFailsAtItsTimeoutAndTheOtherStillAnswers) {
  PathFaults(*topology_).set_blackhole(1, true);
  const std::size_t fds_before = open_fds();
  constexpr Duration timeout = 1500ms;
  send(0, 20, kAnswerTimeout);
  send(1, 21, timeout);
  await_results(2, kAnswerTimeout + 2s);
  EXPECT_TRUE(result_of(20).ok);
  EXPECT_FALSE(result_of(21).ok);
  EXPECT_GE(result_of(21).took, timeout * 9 / 10) << "failed before its timeout";
  EXPECT_LT(result_of(21).took, timeout + 2s);
  EXPECT_EQ(open_fds(), fds_before) << "a timed-out probe's socket is closed";

  PathFaults(*topology_).set_blackhole(1, false);
  send(1, 22, kAnswerTimeout);
  await_results(3, kAnswerTimeout + 2s);
  EXPECT_TRUE(result_of(22).ok) << "the path answers again once the blackhole is gone";
}

TEST_P(PathProbeTest, APathWithoutCarrierFails) {
  PathFaults(*topology_).set_link(1, false);
  constexpr Duration timeout = 1s;
  send(0, 30, kAnswerTimeout);
  send(1, 31, timeout);
  await_results(2, kAnswerTimeout + 2s);
  EXPECT_TRUE(result_of(30).ok);
  EXPECT_FALSE(result_of(31).ok);
  EXPECT_LT(result_of(31).took, timeout + 2s);
}

TEST_P(PathProbeTest, ASourceAddressThatIsNotThereFailsAtOnceWithoutThrowing) {
  sources_[1] = {client_device(1), "10.1.2.77", ipv4_plan.server_address()};  // as after a readdress the prober has not seen
  EXPECT_NO_THROW(send(1, 40, kAnswerTimeout));
  await_results(1, kAnswerTimeout + 2s);
  EXPECT_FALSE(result_of(40).ok);
  EXPECT_LT(result_of(40).took, 500ms) << "a probe that cannot go out need not wait for its timeout";

  sources_.erase(1);
  send(1, 41, kAnswerTimeout);
  await_results(2, kAnswerTimeout + 2s);
  EXPECT_TRUE(result_of(41).ok) << "the source is asked again at every probe";
}

TEST_P(PathProbeTest, DestroyingTheProberDropsItsProbesUnreported) {
  PathFaults(*topology_).set_blackhole(1, true);
  const std::size_t fds_before = open_fds();
  send(1, 50, 300ms);
  sources_[0] = {client_device(0), "10.1.1.77", ipv4_plan.server_address()};
  send(0, 51, 300ms);  // a failure scheduled for the loop's next turn
  prober_.reset();
  EXPECT_EQ(open_fds(), fds_before) << "the probes' sockets are closed";
  std::atomic<bool> stop{false};
  loop_.run_until(loop_.now() + 1s, stop);
  EXPECT_TRUE(results_.empty()) << "a destroyed prober reported a probe";
}

INSTANTIATE_TEST_SUITE_P(Probe, PathProbeTest,
                         ::testing::Values(ProbeMode::ping, ProbeMode::dns, ProbeMode::http, ProbeMode::tcp),
                         [](const auto& mode) { return std::string(name_of(mode.param)); });

// Every kind of probe over IPv6 (ICMPv6 echo, DNS, HTTP and TCP over UDP/TCP on IPv6), answered
// by the same responders, in one namespace over its loopback device: ::1 answers; a source
// address the namespace does not have, or a target of the other family, fails.
class PathProbeIPv6Test : public ::testing::TestWithParam<ProbeMode> {};

TEST_P(PathProbeIPv6Test, AnswersFromItsIPv6TargetAndFailsWithoutItsSource) {
  MPRECOVER_REQUIRE_NETNS();
  const NetworkNamespace ns = test::namespace_with_loopback("v6");
  if (test::run_command("ip -n " + ns.name() + " -6 addr show dev lo").find("::1") == std::string::npos) {
    GTEST_SKIP() << "no IPv6 on this kernel";
  }
  EventLoop loop;
  ProbeResponders responders(ns, loop);
  std::map<PathId, ProbeSource> sources{{0, {"lo", "::1", "::1"}},
                                        {1, {"lo", "2001:db8::7", "::1"}},
                                        {2, {"lo", "::1", "127.0.0.1"}}};
  std::map<PathId, bool> results;
  PathProber prober(
      ns, loop, [&](PathId path) { return sources.at(path); },
      [&](PathId path, std::uint64_t, bool ok) {
        results[path] = ok;
        if (results.size() == sources.size()) loop.quit();
      });
  for (const auto& [path, source] : sources) prober.send(path, path, GetParam(), kAnswerTimeout);
  std::atomic<bool> stop{false};
  loop.run_until(loop.now() + kAnswerTimeout + 2s, stop);
  EXPECT_EQ(results, (std::map<PathId, bool>{{0, true}, {1, false}, {2, false}}));
}

INSTANTIATE_TEST_SUITE_P(Probe, PathProbeIPv6Test,
                         ::testing::Values(ProbeMode::ping, ProbeMode::dns, ProbeMode::http, ProbeMode::tcp),
                         [](const auto& mode) { return std::string(name_of(mode.param)); });

// The DNS responder ignores what is not a query and answers the query after it.
TEST(ProbeResponders, IgnoreMalformedDnsAndAnswerTheNextQuery) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(test::small_scenario(1));
  EventLoop loop;
  ProbeResponders responders(topology.server(), loop);
  test::Fd client;
  {
    NamespaceScope scope(topology.client());
    client = test::Fd(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  }
  const sockaddr_in server = inet_address(ipv4_plan.server_address(), kProbeDnsPort);
  ASSERT_EQ(connect(client.get(), reinterpret_cast<const sockaddr*>(&server), sizeof server), 0);

  dns::Bytes cut = dns::make_query(1, "probe.mprecover.");
  cut.resize(cut.size() - 2);
  dns::Bytes response = dns::make_answer(*dns::parse_query(bytes(dns::make_query(2, "x."))), {1, 2, 3, 4});
  for (const dns::Bytes& junk : {dns::Bytes{0x12}, cut, response}) {
    ASSERT_EQ(send(client.get(), junk.data(), junk.size(), 0), static_cast<ssize_t>(junk.size()));
  }
  const dns::Bytes query = dns::make_query(3, "probe.mprecover.");
  ASSERT_EQ(send(client.get(), query.data(), query.size(), 0), static_cast<ssize_t>(query.size()));

  // Datagrams on one path keep their order: had the junk been answered, those replies came first.
  std::vector<dns::Bytes> replies;
  loop.watch(client.get(), EPOLLIN, [&](std::uint32_t) {
    dns::Bytes reply(512);
    const ssize_t n = recv(client.get(), reply.data(), reply.size(), 0);
    if (n <= 0) return;
    reply.resize(static_cast<std::size_t>(n));
    replies.push_back(reply);
    loop.quit();
  });
  std::atomic<bool> stop{false};
  loop.run_until(loop.now() + kAnswerTimeout, stop);
  ASSERT_EQ(replies.size(), 1U) << "no answer";
  loop.run_until(loop.now() + 300ms, stop);
  loop.unwatch(client.get());
  ASSERT_EQ(replies.size(), 1U) << "one answer, to the one query";
  EXPECT_TRUE(dns::is_response_to(bytes(replies[0]), 3));
  const dns::Bytes address(replies[0].end() - 4, replies[0].end());
  EXPECT_EQ(address, (dns::Bytes{10, 3, 0, 2})) << "the server's address";
}

}  // namespace
}  // namespace mprecover::netns
