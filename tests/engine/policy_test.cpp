// The three path manager policies, driven through the engine against scripted paths.
#include <gtest/gtest.h>

#include <cerrno>
#include <optional>
#include <set>

#include "engine/policy_table.h"
#include "scripted_network.h"

namespace mprecover::testing {
namespace {

using namespace std::chrono_literals;

EngineConfig config_for(const std::string& policy) {
  EngineConfig c;
  c.policy.name = policy;
  c.detector = policy_named(policy).detector;
  return c;
}

// Opens `count` connections with their initial subflow on path 0, as the backend reports them.
void open_connections(ScriptedNetwork& net, ConnectionToken count) {
  for (ConnectionToken t = 1; t <= count; ++t) {
    net.feed(MptcpCreated{t, 0});
    net.feed(MptcpEstablished{t, 0});
  }
}

std::vector<double> seconds(const std::vector<TimedAction>& actions) {
  std::vector<double> out;
  for (const auto& a : actions) out.push_back(to_seconds(a.at));
  return out;
}

TEST(KernelPolicy, OnlyProbes) {
  ScriptedNetwork net(config_for("kernel"), 2);
  net.cut(1, 10s, 20s);
  open_connections(net, 3);
  net.run_until(5s);
  net.feed(MptcpSubClosed{1, 1, ECONNRESET});
  net.run_until(40s);
  for (const auto& a : net.actions()) EXPECT_TRUE(std::holds_alternative<SendProbe>(a.action));
  EXPECT_EQ(net.engine().path_manager(), PathManagerMode::in_kernel);
}

TEST(RebuildPolicy, UsesTheUserspacePmWhenTheBackendHasIt) {
  ScriptedNetwork with(config_for("rebuild"), 2, {.userspace_pm = true, .daemons = {}});
  EXPECT_EQ(with.engine().path_manager(), PathManagerMode::userspace);
  ScriptedNetwork without(config_for("rebuild"), 2, {.userspace_pm = false, .daemons = {}});
  EXPECT_EQ(without.engine().path_manager(), PathManagerMode::in_kernel);
}

TEST(RebuildPolicy, RebuildViaSubflowNeedsTheUserspacePm) {
  EngineConfig c = config_for("rebuild");
  c.policy.settings.set("rebuild_via", std::string("subflow"));
  EXPECT_THROW(Engine(c, 2, {.userspace_pm = false, .daemons = {}}, Instant{}), std::invalid_argument);
}

TEST(RebuildPolicy, NewConnectionsGetASubflowOnEveryOtherUpPath) {
  ScriptedNetwork net(config_for("rebuild"), 3);
  net.cut(2, 0s, 60s);
  net.run_until(5s);  // path 2 is down by now
  open_connections(net, 2);
  const auto creates = net.actions_of<CreateSubflow>();
  ASSERT_EQ(creates.size(), 2u);
  for (const auto& a : creates) EXPECT_EQ(std::get<CreateSubflow>(a.action).path, 1u);
}

TEST(RebuildPolicy, RebuildsEveryConnectionInOnePassWhenThePathIsUp) {
  ScriptedNetwork net(config_for("rebuild"), 2);
  net.cut(1, 10s, 25s);
  open_connections(net, 4);
  net.run_until(10s);
  ASSERT_EQ(net.actions_of<CreateSubflow>().size(), 4u);
  // The reset: every subflow on path 1 dies with an error as the path is cut.
  for (ConnectionToken t = 1; t <= 4; ++t) net.feed(MptcpSubClosed{t, 1, ECONNRESET});
  net.run_until(40s);
  // Retries at 10.5 s fail (ETIMEDOUT at 13.5 s, after the path was declared down at 13 s, so
  // no more retries); the probe at 25 s brings the path up at 25.02 s and one pass rebuilds all.
  const auto creates = net.actions_of<CreateSubflow>();
  ASSERT_EQ(creates.size(), 12u);
  EXPECT_EQ(seconds({creates.begin() + 4, creates.end()}),
            (std::vector<double>{10.5, 10.5, 10.5, 10.5, 25.02, 25.02, 25.02, 25.02}));
  // The 10.5 s creations were still connecting when the path went down at 13 s: dropped, so
  // that their SYN retransmissions do not decide when the path is used again.
  EXPECT_EQ(seconds(net.actions_of<DestroySubflow>()), (std::vector<double>{13, 13, 13, 13}));
  const auto passes = net.notices_of(NoticeKind::rebuild_pass);
  ASSERT_EQ(passes.size(), 1u);
  EXPECT_EQ(passes[0].count, 4u);
  for (ConnectionToken t = 1; t <= 4; ++t)
    EXPECT_EQ(net.engine().connections().subflow(t, 1), SubflowState::established);
}

TEST(RebuildPolicy, ResetWhilePathUpIsRetriedWithBoundedBackoff) {
  ScriptedNetwork net(config_for("rebuild"), 2);
  open_connections(net, 1);
  net.run_until(10s);
  net.answer_subflows(false);
  // Each re-creation fails again 100 ms after it was asked for.
  for (int i = 0; i < 7; ++i) {
    net.feed(MptcpSubClosed{1, 1, ECONNRESET});
    const auto last = net.notices_of(NoticeKind::retry_scheduled).back();
    net.run_until(net.clock().now().time_since_epoch() + last.delay + 100ms);
  }
  std::vector<double> delays;
  for (const auto& n : net.notices_of(NoticeKind::retry_scheduled)) delays.push_back(to_seconds(n.delay));
  EXPECT_EQ(delays, (std::vector<double>{0.5, 1, 2, 4, 8, 8, 8}));
  EXPECT_EQ(net.actions_of<CreateSubflow>().size(), 1u + 7u);
  // Once the subflow is back, the backoff starts afresh.
  net.feed(MptcpSubEstablished{1, 1});
  net.feed(MptcpSubClosed{1, 1, ECONNRESET});
  EXPECT_EQ(to_seconds(net.notices_of(NoticeKind::retry_scheduled).back().delay), 0.5);
}

TEST(RebuildPolicy, CleanCloseIsNotRetried) {
  ScriptedNetwork net(config_for("rebuild"), 2);
  open_connections(net, 1);
  net.run_until(5s);
  net.feed(MptcpSubClosed{1, 1, 0});
  net.run_until(20s);
  EXPECT_EQ(net.actions_of<CreateSubflow>().size(), 1u);
}

TEST(RebuildPolicy, BackoffStopsWhileThePathIsDown) {
  ScriptedNetwork net(config_for("rebuild"), 2);
  open_connections(net, 1);
  net.cut(1, 11s, 30s);  // probes sent at 11, 12 and 13 s time out: down at 14 s
  net.run_until(10s);
  net.answer_subflows(false);
  // Re-creations fail 100 ms after each is asked for: retries at 10.5, 11.6 and 13.7 s, and one
  // due at 17.8 s that the path going down at 14 s cancels.
  for (const auto until : {10600ms, 11700ms, 13800ms}) {
    net.feed(MptcpSubClosed{1, 1, ECONNRESET});
    net.run_until(until);
  }
  net.feed(MptcpSubClosed{1, 1, ECONNRESET});
  net.run_until(29s);
  const auto cancelled = net.notices_of(NoticeKind::retries_cancelled);
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(to_seconds(cancelled[0].at), 14.0);
  EXPECT_EQ(cancelled[0].count, 1u);
  EXPECT_EQ(seconds(net.actions_of<CreateSubflow>()), (std::vector<double>{0, 10.5, 11.6, 13.7}));
  // A subflow that dies while the path is down is not retried either.
  net.feed(MptcpSubClosed{1, 1, ETIMEDOUT});
  EXPECT_EQ(net.notices_of(NoticeKind::retry_scheduled).size(), 4u);
  net.run_until(31s);
  EXPECT_EQ(seconds(net.actions_of<CreateSubflow>()), (std::vector<double>{0, 10.5, 11.6, 13.7, 30.02}));
}

TEST(RebuildPolicy, TenThousandConnectionsRebuiltInOnePassLeavingHealthyOnesAlone) {
  ScriptedNetwork net(config_for("rebuild"), 2);
  net.cut(1, 10s, 20s);
  constexpr ConnectionToken kConnections = 10'000;
  open_connections(net, kConnections);
  net.run_until(15s);  // path 1 declared down at 13 s
  // Half the subflows died (reset); the other half survive the blackhole.
  for (ConnectionToken t = 2; t <= kConnections; t += 2) net.feed(MptcpSubClosed{t, 1, ECONNRESET});
  const std::size_t before = net.actions_of<CreateSubflow>().size();
  net.run_until(21s);
  const auto creates = net.actions_of<CreateSubflow>();
  ASSERT_EQ(creates.size() - before, kConnections / 2);
  std::set<ConnectionToken> tokens;
  for (std::size_t i = before; i < creates.size(); ++i) {
    EXPECT_EQ(creates[i].at, Instant{20020ms});
    const auto& c = std::get<CreateSubflow>(creates[i].action);
    EXPECT_EQ(c.path, 1u);
    EXPECT_EQ(c.token % 2, 0u) << "a healthy subflow was touched";
    tokens.insert(c.token);
  }
  EXPECT_EQ(tokens.size(), kConnections / 2);
  EXPECT_EQ(net.notices_of(NoticeKind::rebuild_pass).back().count, kConnections / 2);
}

TEST(RebuildPolicy, FlapsTheEndpointWithoutTheUserspacePm) {
  ScriptedNetwork net(config_for("rebuild"), 2, {.userspace_pm = false, .daemons = {}});
  net.cut(1, 10s, 20s);
  open_connections(net, 3);
  for (ConnectionToken t = 1; t <= 3; ++t) net.feed(MptcpSubEstablished{t, 1});  // the kernel's own
  net.run_until(10s);
  for (ConnectionToken t = 1; t <= 3; ++t) net.feed(MptcpSubClosed{t, 1, ECONNRESET});
  net.run_until(30s);
  EXPECT_TRUE(net.actions_of<CreateSubflow>().empty());
  // The 10.5 s retry flaps once for all three, then the path-up pass at 20.02 s again.
  EXPECT_EQ(seconds(net.actions_of<DeleteEndpoint>()), (std::vector<double>{10.5, 20.02}));
  EXPECT_EQ(seconds(net.actions_of<AddEndpoint>()), (std::vector<double>{10.5, 20.02}));
}

TEST(OmrPolicy, FollowsOpenMptcpRoutersTimeline) {
  ScriptedNetwork net(config_for("omr"), 2);
  net.cut(1, 10s, 30s);
  open_connections(net, 2);
  net.run_until(60s);
  // Probes every 2 s with a 2 s timeout: those of 10, 12 and 14 s fail, down at 16 s, endpoint
  // off. Five good probes (30..38 s) bring it up at 38.02 s; 15 s later off, 1 s later on.
  EXPECT_EQ(seconds(net.actions_of<DeleteEndpoint>()), (std::vector<double>{16, 53.02}));
  EXPECT_EQ(seconds(net.actions_of<AddEndpoint>()), (std::vector<double>{54.02}));
  EXPECT_TRUE(net.actions_of<CreateSubflow>().empty());
  EXPECT_EQ(net.engine().path_manager(), PathManagerMode::in_kernel);
}

TEST(OmrPolicy, NewOutageDuringTheWaitCancelsTheFlap) {
  ScriptedNetwork net(config_for("omr"), 2);
  net.cut(1, 10s, 30s);
  net.cut(1, 40s, 80s);
  net.run_until(80s);
  // Up at 38.02 s, the flap would come at 53.02 s, but the path is down again at 46 s.
  EXPECT_EQ(seconds(net.actions_of<DeleteEndpoint>()), (std::vector<double>{16, 46}));
  EXPECT_TRUE(net.actions_of<AddEndpoint>().empty());
}

// A connection with its initial subflow on path 0 (port 1000) and one on path 1 (port 2000) that
// carries data until `stop` and, after `resume` if given, again.
void run_with_progress(ScriptedNetwork& net, Duration until, Duration stop, std::optional<Duration> resume = {}) {
  std::uint64_t bytes = 0;
  while (net.clock().now() < Instant{until}) {
    net.run_until(net.clock().now().time_since_epoch() + 100ms);
    const Duration t = net.clock().now().time_since_epoch();
    if (t < stop || (resume && t >= *resume)) bytes += 1000;
    net.engine().on_progress(1, 1, bytes, net.clock().now());
    net.engine().on_progress(1, 0, static_cast<std::uint64_t>(t.count() / 1000), net.clock().now());
  }
}

TEST(RebuildPolicy, ReplacesASubflowStalledThroughTheOutageMakeBeforeBreak) {
  ScriptedNetwork net(config_for("rebuild"), 2);
  net.answer_subflows(false);
  net.cut(1, 10s, 20s);
  net.feed(MptcpCreated{1, 0});
  net.feed(MptcpEstablished{1, 0, 1000});
  net.feed(MptcpSubEstablished{1, 1, 2000});
  run_with_progress(net, 21s, 10s);
  // Down at 13 s; probed every 200 ms while down, so the restore at 20 s is seen at 20.02 s.
  const auto up = net.notices_of(NoticeKind::path_up);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_NEAR(to_seconds(up[0].at), 20.02, 1e-9);
  const auto creates = net.actions_of<CreateSubflow>();
  ASSERT_EQ(creates.size(), 2u) << "the initial one at the start, then the replacement";
  EXPECT_EQ(creates[1].at, up[0].at);
  EXPECT_TRUE(net.actions_of<RetireSubflow>().empty()) << "nothing is retired before its replacement is up";
  EXPECT_EQ(net.notices_of(NoticeKind::replace_pass).at(0).count, 1u);

  net.feed(MptcpSubEstablished{1, 1, 3000});
  const auto retired = net.actions_of<RetireSubflow>();
  ASSERT_EQ(retired.size(), 1u);
  EXPECT_EQ(std::get<RetireSubflow>(retired[0].action).port, 2000);
  EXPECT_EQ(net.engine().connections().ports(1, 1), (std::vector<std::uint16_t>{2000, 3000}));
  net.feed(MptcpSubClosed{1, 1, 0, 2000});
  EXPECT_EQ(net.engine().connections().ports(1, 1), (std::vector<std::uint16_t>{3000}));
  EXPECT_TRUE(net.notices_of(NoticeKind::retry_scheduled).empty()) << "the retired subflow is not re-created";
}

TEST(RebuildPolicy, NeverTouchesASubflowThatMovedDataAgain) {
  ScriptedNetwork net(config_for("rebuild"), 2);
  net.answer_subflows(false);
  net.cut(1, 10s, 20s);
  net.feed(MptcpCreated{1, 0});
  net.feed(MptcpEstablished{1, 0, 1000});
  net.feed(MptcpSubEstablished{1, 1, 2000});
  // Its retransmission got through at 20.0 s, before the path was seen up.
  run_with_progress(net, 21s, 10s, 20s);
  EXPECT_EQ(net.actions_of<CreateSubflow>().size(), 1u);
  EXPECT_TRUE(net.notices_of(NoticeKind::replace_pass).empty());
}

TEST(RebuildPolicy, ReplacementCanBeTurnedOff) {
  EngineConfig c = config_for("rebuild");
  c.policy.settings.set("replace_stalled", false);
  ScriptedNetwork net(c, 2);
  net.answer_subflows(false);
  net.cut(1, 10s, 20s);
  net.feed(MptcpCreated{1, 0});
  net.feed(MptcpEstablished{1, 0, 1000});
  net.feed(MptcpSubEstablished{1, 1, 2000});
  run_with_progress(net, 21s, 10s);
  EXPECT_EQ(net.actions_of<CreateSubflow>().size(), 1u);
}

TEST(RebuildPolicy, ProbesADownPathAtItsOwnIntervalAndTheOthersAsUsual) {
  ScriptedNetwork net(config_for("rebuild"), 2);
  net.cut(1, 10s, 30s);
  net.run_until(30s);
  std::size_t path0 = 0, path1_down = 0;
  for (const auto& a : net.actions_of<SendProbe>()) {
    const auto& p = std::get<SendProbe>(a.action);
    if (p.path == 0 && a.at >= Instant{13s}) ++path0;
    if (p.path == 1 && a.at > Instant{13s}) ++path1_down;
  }
  EXPECT_EQ(path0, 18u) << "13 s to 30 s, one a second";
  EXPECT_GE(path1_down, 80u) << "five a second while down";
  EXPECT_LE(path1_down, 86u);
}

TEST(OmrPolicy, KeepsItsIntervalWhileAPathIsDown) {
  ScriptedNetwork net(config_for("omr"), 2);
  net.cut(1, 10s, 30s);
  net.run_until(30s);
  std::size_t down = 0;
  for (const auto& a : net.actions_of<SendProbe>())
    if (std::get<SendProbe>(a.action).path == 1 && a.at > Instant{16s}) ++down;
  EXPECT_EQ(down, 7u) << "18 s to 30 s, one every 2 s";
}

TEST(MptcpdPolicy, TheRealDaemonWhereTheBackendRunsItAndTheEngineOnlyObserves) {
  ScriptedNetwork net(config_for("mptcpd"), 2, {.userspace_pm = true, .daemons = {"mptcpd"}});
  EXPECT_EQ(net.engine().path_manager(), PathManagerMode::daemon);
  EXPECT_EQ(net.engine().daemon(), "mptcpd");
  net.cut(1, 10s, 20s);
  open_connections(net, 2);
  net.feed(LinkChanged{1, LinkChange::address_gone});
  net.feed(LinkChanged{1, LinkChange::address_back});
  net.run_until(30s);
  for (const auto& a : net.actions()) EXPECT_TRUE(std::holds_alternative<SendProbe>(a.action));
  EXPECT_FALSE(net.notices_of(NoticeKind::path_down).empty()) << "detection instants still come from the engine";
}

TEST(MptcpdPolicy, ElsewhereAModelOfAddrAdvFollowsTheAddresses) {
  ScriptedNetwork net(config_for("mptcpd"), 2, {.userspace_pm = true, .daemons = {}});
  EXPECT_EQ(net.engine().path_manager(), PathManagerMode::in_kernel);
  open_connections(net, 2);
  net.run_until(5s);
  net.feed(MptcpSubClosed{1, 1, ECONNRESET});
  net.feed(LinkChanged{1, LinkChange::carrier_down});
  net.feed(LinkChanged{1, LinkChange::carrier_up});
  EXPECT_TRUE(net.actions_of<DeleteEndpoint>().empty()) << "a reset or a link down and up: nothing, as mptcpd";
  net.feed(LinkChanged{1, LinkChange::address_gone});
  net.feed(LinkChanged{1, LinkChange::address_back});
  EXPECT_EQ(net.actions_of<DeleteEndpoint>().size(), 1u);
  EXPECT_EQ(net.actions_of<AddEndpoint>().size(), 1u);
  EXPECT_LT(net.actions_of<DeleteEndpoint>()[0].at, net.actions_of<AddEndpoint>()[0].at + 1ns);
}

}  // namespace
}  // namespace mprecover::testing
