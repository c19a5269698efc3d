// The files in scenarios/ load and reproduce what their names promise.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/scenario/loader.h"
#include "core/scenario/spec.h"

namespace mprecover {
namespace {

using namespace std::chrono_literals;

Scenario shipped(const std::string& name) {
  return load_scenario_file(MPRECOVER_SOURCE_DIR "/scenarios/" + name + ".yaml");
}

struct Expected {
  Duration at;
  std::string path;
  std::string action;
};

void expect_events(const Scenario& s, const std::vector<Expected>& expected) {
  ASSERT_EQ(s.events.size(), expected.size()) << s.name;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(s.events[i].at, expected[i].at) << s.name << " event " << i;
    EXPECT_EQ(s.paths[s.events[i].path].name, expected[i].path) << s.name << " event " << i;
    EXPECT_EQ(s.events[i].action->name, expected[i].action) << s.name << " event " << i;
  }
}

void expect_two_standard_paths(const Scenario& s) {
  ASSERT_EQ(s.paths.size(), 2u) << s.name;
  EXPECT_EQ(s.paths[0].name, "wan1");
  EXPECT_EQ(s.paths[0].rate, 50'000'000u);
  EXPECT_EQ(s.paths[0].delay, 10ms);
  EXPECT_EQ(s.paths[1].name, "wan2");
  EXPECT_EQ(s.paths[1].rate, 50'000'000u);
  EXPECT_EQ(s.paths[1].delay, 20ms);
}

TEST(ShippedScenarios, EveryFileLoadsIsDescribedAndFitsASimulator) {
  std::size_t count = 0;
  for (const auto& file : std::filesystem::directory_iterator(MPRECOVER_SOURCE_DIR "/scenarios")) {
    if (file.path().extension() != ".yaml") continue;
    ++count;
    const Scenario s = load_scenario_file(file.path().string());
    EXPECT_EQ(s.name + ".yaml", file.path().filename().string());
    EXPECT_FALSE(s.description.empty()) << s.name;
    EXPECT_GE(s.duration, 40s) << s.name;
    EXPECT_LE(s.duration, 90s) << s.name;
    EXPECT_FALSE(s.traffic[0].bytes) << s.name << ": connections are long-lived";
    EXPECT_FALSE(s.events.empty()) << s.name;
  }
  EXPECT_EQ(count, 16u);
}

TEST(ShippedScenarios, WanResetIsTheSeedsCase) {
  const Scenario s = shipped("wan-reset");
  expect_two_standard_paths(s);
  EXPECT_EQ(s.duration, 60s);
  EXPECT_EQ(s.traffic[0].connections, 4u);
  EXPECT_EQ(s.traffic[0].start, 1s);
  expect_events(s, {{10s, "wan2", "reset"}, {25s, "wan2", "restore"}});
}

TEST(ShippedScenarios, WanBlackhole) {
  const Scenario s = shipped("wan-blackhole");
  expect_two_standard_paths(s);
  expect_events(s, {{10s, "wan2", "blackhole"}, {30s, "wan2", "restore"}});
}

TEST(ShippedScenarios, WanLinkdown) {
  const Scenario s = shipped("wan-linkdown");
  expect_two_standard_paths(s);
  expect_events(s, {{10s, "wan2", "down"}, {30s, "wan2", "up"}});
}

TEST(ShippedScenarios, WanFlap) {
  const Scenario s = shipped("wan-flap");
  expect_two_standard_paths(s);
  EXPECT_EQ(s.duration, 55s);
  expect_events(s, {{10s, "wan2", "reset"},
                    {13s, "wan2", "restore"},
                    {20s, "wan2", "reset"},
                    {22s, "wan2", "restore"},
                    {30s, "wan2", "down"},
                    {34s, "wan2", "up"},
                    {40s, "wan2", "blackhole"},
                    {41s, "wan2", "restore"}});
}

TEST(ShippedScenarios, WanUnstableRecoveryHoldsLongerThanTheBadStretch) {
  const Scenario s = shipped("wan-unstable-recovery");
  expect_two_standard_paths(s);
  expect_events(s, {{10s, "wan2", "reset"},
                    {25s, "wan2", "degrade"},
                    {30s, "wan2", "restore"}});
  EXPECT_EQ(s.events[1].shape.loss, 0.5);
  const Duration bad_stretch = s.events[2].at - s.events[1].at;
  EXPECT_GT(s.detector_config().hold, bad_stretch);
  EXPECT_EQ(s.engine.policy.name, "rebuild");
}

TEST(ShippedScenarios, ThreeWanManyConns) {
  const Scenario s = shipped("three-wan-many-conns");
  ASSERT_EQ(s.paths.size(), 3u);
  EXPECT_EQ(s.paths[1].rate, 30'000'000u);
  EXPECT_EQ(s.paths[2].rate, 20'000'000u);
  EXPECT_EQ(s.paths[2].delay, 30ms);
  EXPECT_EQ(s.traffic[0].connections, 100u);
  EXPECT_EQ(s.traffic[0].spacing, 10ms);
  EXPECT_EQ(s.duration, 60s);
  expect_events(s, {{15s, "wan2", "reset"}, {30s, "wan2", "restore"}});
}

TEST(ShippedScenarios, WanReaddress) {
  const Scenario s = shipped("wan-readdress");
  expect_two_standard_paths(s);
  expect_events(s, {{10s, "wan2", "readdress"}, {25s, "wan2", "restore"}});
}

TEST(ShippedScenarios, WanDegrade) {
  const Scenario s = shipped("wan-degrade");
  expect_two_standard_paths(s);
  expect_events(s, {{10s, "wan1", "degrade"}, {30s, "wan1", "restore"}});
  EXPECT_EQ(s.events[0].shape.rate, 5'000'000u);
  EXPECT_EQ(s.events[0].shape.delay, 80ms);
  EXPECT_EQ(s.events[0].shape.loss, 0.03);
}

// wan-reset's outage with video streams that one WAN alone cannot carry.
TEST(ShippedScenarios, WanResetVideoOutgrowsOnePath) {
  const Scenario s = shipped("wan-reset-video");
  expect_two_standard_paths(s);
  expect_events(s, {{10s, "wan2", "reset"}, {25s, "wan2", "restore"}});
  EXPECT_EQ(s.traffic[0].kind, TrafficKind::rate);
  ASSERT_TRUE(s.traffic[0].rate);
  EXPECT_GT(*s.traffic[0].rate * s.traffic[0].connections, s.paths[0].rate);
  EXPECT_LT(*s.traffic[0].rate * s.traffic[0].connections, s.paths[0].rate + s.paths[1].rate);
}

// A fixed line with an LTE backup; the fixed line, where connections start, is reset.
TEST(ShippedScenarios, WanBackupFailoverResetsThePrimary) {
  const Scenario s = shipped("wan-backup-failover");
  ASSERT_EQ(s.paths.size(), 2u);
  EXPECT_FALSE(s.paths[0].backup);
  EXPECT_TRUE(s.paths[1].backup);
  expect_events(s, {{8s, "wan1", "reset"}, {18s, "wan1", "restore"}});
}

// As many paths as a scenario may have; one of the middle ones is reset.
TEST(ShippedScenarios, EightWanHasTheMostPaths) {
  const Scenario s = shipped("eight-wan");
  EXPECT_EQ(s.paths.size(), max_paths);
  expect_events(s, {{8s, "wan5", "reset"}, {18s, "wan5", "restore"}});
}

// wan-reset's outage with the data flowing from the server to the client, as OMR's users download.
TEST(ShippedScenarios, WanResetDownloadIsWanResetTheOtherWay) {
  const Scenario s = shipped("wan-reset-download");
  expect_two_standard_paths(s);
  ASSERT_EQ(s.traffic.size(), 1u);
  EXPECT_EQ(s.traffic[0].direction, TrafficDirection::download);
  EXPECT_EQ(s.traffic[0].connections, 4u);
  expect_events(s, {{8s, "wan2", "reset"}, {15s, "wan2", "restore"}});
}

// Web-like requests over keep-alive connections; wan1, the path most of them take, goes silent.
TEST(ShippedScenarios, WanBlackholeRequestsCutsThePathTheRequestsTake) {
  const Scenario s = shipped("wan-blackhole-requests");
  expect_two_standard_paths(s);
  ASSERT_EQ(s.traffic.size(), 1u);
  EXPECT_EQ(s.traffic[0].kind, TrafficKind::request_response);
  EXPECT_EQ(s.traffic[0].flow(), TrafficDirection::both);
  const std::optional<RequestResponse> exchange = s.traffic[0].exchange();
  ASSERT_TRUE(exchange);
  EXPECT_EQ(exchange->request_bytes, 2'000u);
  EXPECT_EQ(exchange->response_bytes, 100'000u);
  EXPECT_EQ(exchange->think, 100ms);
  EXPECT_EQ(exchange->timeout, 2s);
  expect_events(s, {{10s, "wan1", "blackhole"}, {20s, "wan1", "restore"}});
}

}  // namespace
}  // namespace mprecover
