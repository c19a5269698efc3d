// The path health detector, driven through the engine against scripted paths.
#include <gtest/gtest.h>

#include "scripted_network.h"

namespace mprecover::testing {
namespace {

using namespace std::chrono_literals;

EngineConfig kernel_config(DetectorConfig detector = {}) {
  EngineConfig c;
  c.detector = detector;
  c.policy.name = "kernel";
  return c;
}

std::vector<double> times_of(const std::vector<Notice>& notices) {
  std::vector<double> out;
  for (const auto& n : notices) out.push_back(to_seconds(n.at));
  return out;
}

TEST(ManualClock, RefusesToGoBackwards) {
  ManualClock clock;
  clock.advance(2s);
  EXPECT_THROW(clock.set(Instant{1s}), std::logic_error);
  EXPECT_THROW(clock.advance(-1ms), std::logic_error);
  EXPECT_EQ(clock.now(), Instant{2s});
}

TEST(Engine, RefusesTimeGoingBackwards) {
  Engine engine(kernel_config(), 2, {}, Instant{});
  engine.on_timeout(Instant{5s});
  EXPECT_THROW(engine.on_timeout(Instant{4s}), std::logic_error);
  EXPECT_THROW(engine.on_event(ProbeResult{0, 1, true}, Instant{1s}), std::logic_error);
}

TEST(Engine, RejectsEventsForUnknownPaths) {
  Engine engine(kernel_config(), 2, {}, Instant{});
  EXPECT_THROW(engine.on_event(LinkChanged{7, LinkChange::carrier_down}, Instant{}), std::out_of_range);
}

TEST(Detector, ProbesEveryIntervalOnEveryPath) {
  ScriptedNetwork net(kernel_config(), 2);
  net.run_until(2500ms);
  const auto probes = net.actions_of<SendProbe>();
  ASSERT_EQ(probes.size(), 6u);  // t = 0, 1, 2 on both paths
  EXPECT_EQ(probes[0].at, Instant{0s});
  EXPECT_EQ(probes[5].at, Instant{2s});
  EXPECT_EQ(net.engine().path_state(0), PathState::up);
}

TEST(Detector, DeclaresDownAfterConsecutiveTimeouts) {
  ScriptedNetwork net(kernel_config(), 2);
  net.cut(1, 10s, 30s);
  net.run_until(20s);
  // Probes sent at 10, 11 and 12 s time out at 11, 12 and 13 s.
  EXPECT_EQ(times_of(net.notices_of(NoticeKind::path_down)), std::vector<double>{13.0});
  EXPECT_EQ(net.notices_of(NoticeKind::path_down)[0].reason, DownReason::probes);
  EXPECT_EQ(net.engine().path_state(1), PathState::down);
  EXPECT_EQ(net.engine().path_state(0), PathState::up);
}

TEST(Detector, DeclaresUpOnTheFirstGoodProbeByDefault) {
  ScriptedNetwork net(kernel_config(), 2);
  net.cut(1, 10s, 30s);
  net.run_until(40s);
  // The probe sent at 30 s is answered after one round trip.
  EXPECT_EQ(times_of(net.notices_of(NoticeKind::path_up)), std::vector<double>{30.02});
}

TEST(Detector, PathThatRecoversBeforeDeclaredDownStaysUp) {
  ScriptedNetwork net(kernel_config(), 2);
  net.cut(1, 10s, 11500ms);  // two probes lost, the third answered
  net.run_until(20s);
  EXPECT_TRUE(net.notices_of(NoticeKind::path_down).empty());
  EXPECT_EQ(net.engine().path_state(1), PathState::up);
}

TEST(Detector, FailuresMustBeConsecutive) {
  ScriptedNetwork net(kernel_config(), 1);
  net.cut(0, 10s, 11500ms);
  net.cut(0, 12500ms, 14500ms);  // 2 lost, 1 ok, 2 lost, 1 ok
  net.run_until(20s);
  EXPECT_TRUE(net.notices_of(NoticeKind::path_down).empty());
}

TEST(Detector, LateAnswersCountAsTimeouts) {
  DetectorConfig d;
  d.timeout = 300ms;
  ScriptedNetwork net(kernel_config(d), 1);
  net.set_rtt(400ms);  // every answer comes after the timeout
  net.run_until(5s);
  EXPECT_EQ(times_of(net.notices_of(NoticeKind::path_down)), std::vector<double>{2.3});
}

TEST(Detector, AnswerToATimedOutProbeIsIgnored) {
  DetectorConfig d;
  d.down_after = 1;
  d.timeout = 300ms;
  Engine engine(kernel_config(d), 1, {}, Instant{});
  engine.on_timeout(Instant{});
  const auto probe = std::get<SendProbe>(*engine.poll_action());
  engine.on_timeout(Instant{300ms});
  EXPECT_EQ(engine.path_state(0), PathState::down);
  engine.on_event(ProbeResult{0, probe.probe_id, true}, Instant{400ms});
  EXPECT_EQ(engine.path_state(0), PathState::down);
}

TEST(Detector, HoldKeepsAFlappingPathDown) {
  DetectorConfig d;
  d.hold = 5s;
  ScriptedNetwork net(kernel_config(d), 1);
  net.cut(0, 10s, 20s);
  // Then it flaps: good 2 s, bad 2 s, ... until 32 s, and stays good after.
  for (int t = 22; t < 32; t += 4) net.cut(0, std::chrono::seconds{t}, std::chrono::seconds{t + 2});
  net.run_until(60s);
  EXPECT_EQ(times_of(net.notices_of(NoticeKind::path_down)), std::vector<double>{13.0});
  EXPECT_GE(net.notices_of(NoticeKind::path_hold_broken).size(), 3u);
  // Good again from 32 s: candidate at 32.02 s, held 5 s.
  EXPECT_EQ(times_of(net.notices_of(NoticeKind::path_up)), std::vector<double>{37.02});
}

TEST(Detector, UpAfterNeedsConsecutiveSuccesses) {
  DetectorConfig d;
  d.up_after = 3;
  ScriptedNetwork net(kernel_config(d), 1);
  net.cut(0, 10s, 20s);
  net.run_until(30s);
  // Answers at 20.02, 21.02 and 22.02 s.
  EXPECT_EQ(times_of(net.notices_of(NoticeKind::path_up)), std::vector<double>{22.02});
}

TEST(Detector, ConfirmProbeOfAnotherModeGatesUp) {
  DetectorConfig d;
  d.confirm = ProbeMode::http;
  ScriptedNetwork net(kernel_config(d), 1);
  net.cut(0, 10s, 20s);
  net.run_until(30s);
  std::vector<TimedAction> http;
  for (const auto& a : net.actions_of<SendProbe>())
    if (std::get<SendProbe>(a.action).mode == ProbeMode::http) http.push_back(a);
  ASSERT_EQ(http.size(), 1u);
  EXPECT_EQ(http[0].at, Instant{20020ms});
  EXPECT_EQ(times_of(net.notices_of(NoticeKind::path_up)), std::vector<double>{20.04});
}

TEST(Detector, FailedConfirmProbeSendsThePathBackDown) {
  DetectorConfig d;
  d.confirm = ProbeMode::http;
  ScriptedNetwork net(kernel_config(d), 1);
  net.cut(0, 10s, 20s);
  net.cut(0, 20030ms, 20050ms);  // the confirm probe's answer is lost
  net.run_until(30s);
  ASSERT_EQ(net.notices_of(NoticeKind::path_hold_broken).size(), 1u);
  EXPECT_EQ(to_seconds(net.notices_of(NoticeKind::path_hold_broken)[0].at), 21.02);
  // The 21 s probe was answered while confirming, which does not count; the 22 s one makes it a
  // candidate again and its confirm probe passes.
  EXPECT_EQ(times_of(net.notices_of(NoticeKind::path_up)), std::vector<double>{22.04});
}

TEST(Detector, CarrierLossIsImmediateAndCarrierReturnProbesAtOnce) {
  ScriptedNetwork net(kernel_config(), 2);
  net.cut(1, 10s, 15500ms);
  net.run_until(10200ms);
  net.feed(LinkChanged{1, LinkChange::carrier_down});
  EXPECT_EQ(net.engine().path_state(1), PathState::down);
  ASSERT_EQ(net.notices_of(NoticeKind::path_down).size(), 1u);
  EXPECT_EQ(net.notices_of(NoticeKind::path_down)[0].reason, DownReason::carrier);
  net.run_until(15500ms);
  net.feed(LinkChanged{1, LinkChange::carrier_up});
  net.run_until(15600ms);
  // Up at 15.52 s instead of waiting for the 16 s probe.
  EXPECT_EQ(times_of(net.notices_of(NoticeKind::path_up)), std::vector<double>{15.52});
}

TEST(Detector, AddressLossDeclaresDown) {
  ScriptedNetwork net(kernel_config(), 2);
  net.run_until(3s);
  net.feed(LinkChanged{1, LinkChange::address_gone});
  ASSERT_EQ(net.notices_of(NoticeKind::path_down).size(), 1u);
  EXPECT_EQ(net.notices_of(NoticeKind::path_down)[0].reason, DownReason::address);
  net.feed(LinkChanged{1, LinkChange::address_back});
  net.run_until(3100ms);
  EXPECT_EQ(net.engine().path_state(1), PathState::up);
}

}  // namespace
}  // namespace mprecover::testing
