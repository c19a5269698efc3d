#include "core/scenario/loader.h"
#include "core/scenario/spec.h"
#include "engine/policy_table.h"

#include <gtest/gtest.h>

namespace mprecover {
namespace {

using namespace std::chrono_literals;

TEST(Loader, FillsLeftOutKeysWithTheStructsDefaults) {
  const Scenario s = load_scenario_text("name: t\nduration: 30s\ntopology:\n  paths:\n    - name: a\n");
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.duration, 30s);
  EXPECT_EQ(s.seed, Scenario{}.seed);
  EXPECT_EQ(s.server.rate, ServerSpec{}.rate);
  ASSERT_EQ(s.paths.size(), 1u);
  EXPECT_EQ(s.paths[0].rate, PathSpec{}.rate);
  EXPECT_EQ(s.paths[0].queue, PathSpec{}.queue);
  EXPECT_EQ(s.paths[0].line, 5);
  EXPECT_EQ(s.traffic[0].connections, TrafficSpec{}.connections);
  EXPECT_FALSE(s.traffic[0].bytes);
  EXPECT_TRUE(s.events.empty());
  EXPECT_TRUE(s.source_file.empty());
}

TEST(Loader, ReadsEveryKey) {
  const Scenario s = load_scenario_text(R"(name: all-keys
description: |
  two lines
  of text
duration: 90s
seed: 7
topology:
  server: {rate: 10Gbit, delay: 2ms}
  paths:
    - {name: a, rate: 20Mbit, delay: 5ms, loss: 1%, queue: 64KB}
    - {name: b}
traffic: {connections: 3, start: 2s, spacing: 100ms, bytes: 1GiB}
engine:
  policy: omr
  rebuild_via: endpoint
  omr_wait: 10s
  omr_flap_gap: 2s
  retry: {initial: 1s, max: 4s}
  probe: {mode: tcp, interval: 500ms, timeout: 300ms, down_after: 2, up_after: 4, hold: 3s, confirm: http}
netns: {require_delay: true}
results: {subflow_rows: false, subflow_interval: 500ms}
events:
  - {at: 20s, path: b, action: degrade, rate: 1Mbit, delay: 100ms, loss: 5%}
  - {at: 30s, path: b, action: restore}
)");
  EXPECT_EQ(s.description, "two lines\nof text");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.server.rate, 10'000'000'000u);
  EXPECT_EQ(s.server.delay, 2ms);
  EXPECT_EQ(s.paths[0].loss, 0.01);
  EXPECT_EQ(s.paths[0].queue, (QueueSize{QueueSize::Unit::bytes, 64'000}));
  EXPECT_EQ(s.traffic[0].bytes, 1ULL << 30);
  EXPECT_EQ(s.traffic[0].spacing, 100ms);
  EXPECT_EQ(s.engine.policy.name, "omr");
  EXPECT_EQ(s.engine.policy.settings.word("rebuild_via"), "endpoint");
  EXPECT_EQ(s.engine.policy.settings.duration("omr_wait"), 10s);
  EXPECT_EQ(s.engine.policy.settings.duration("retry.max"), 4s);
  const DetectorConfig d = s.detector_config();
  EXPECT_EQ(d.mode, ProbeMode::tcp);
  EXPECT_EQ(d.interval, 500ms);
  EXPECT_EQ(d.timeout, 300ms);
  EXPECT_EQ(d.down_after, 2u);
  EXPECT_EQ(d.up_after, 4u);
  EXPECT_EQ(d.hold, 3s);
  EXPECT_EQ(d.confirm, ProbeMode::http);
  EXPECT_TRUE(s.netns.require_delay);
  EXPECT_FALSE(s.results.subflow_rows);
  EXPECT_EQ(s.results.subflow_interval, 500ms);
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].path, 1u);
  EXPECT_EQ(s.events[0].action->name, "degrade");
  EXPECT_EQ(s.events[0].shape.rate, 1'000'000u);
  EXPECT_EQ(s.events[0].shape.delay, 100ms);
  EXPECT_EQ(s.events[0].shape.loss, 0.05);
  EXPECT_EQ(s.events[0].line, 23);
}

TEST(Loader, ProbeSettingsLeftOutTakeThePolicysDefaults) {
  const Scenario s = load_scenario_text(
      "name: t\nduration: 60s\ntopology: {paths: [{name: a}]}\nengine: {policy: omr, probe: {interval: 3s}}\n");
  const DetectorConfig omr = policy_named("omr").detector;
  EXPECT_EQ(s.detector_config().interval, 3s);
  EXPECT_EQ(s.detector_config().up_after, omr.up_after);
  EXPECT_EQ(s.detector_config().timeout, omr.timeout);
  EXPECT_EQ(s.engine_config().policy.name, "omr");
}

TEST(Loader, SortsEventsByTimeKeepingTheFileOrderForEqualTimes) {
  const Scenario s = load_scenario_text(R"(name: t
duration: 60s
topology: {paths: [{name: a}, {name: b}]}
events:
  - {at: 20s, path: a, action: restore}
  - {at: 10s, path: b, action: down}
  - {at: 10s, path: a, action: reset}
  - {at: 20s, path: b, action: up}
)");
  ASSERT_EQ(s.events.size(), 4u);
  EXPECT_EQ(s.events[0].line, 6);
  EXPECT_EQ(s.events[1].line, 7);
  EXPECT_EQ(s.events[2].line, 5);
  EXPECT_EQ(s.events[3].line, 8);
}

TEST(Loader, AcceptsAnOutageThatEndsAnother) {
  // degrade starts a new outage and ends the reset; one restore then ends the degrade.
  const Scenario s = load_scenario_text(R"(name: t
duration: 60s
topology: {paths: [{name: a}]}
events:
  - {at: 10s, path: a, action: reset}
  - {at: 20s, path: a, action: degrade, loss: 50%}
  - {at: 30s, path: a, action: restore}
)");
  EXPECT_EQ(s.events.size(), 3u);
}

TEST(Loader, TakesAnEmptyEventsKeyAsNoEvents) {
  EXPECT_TRUE(load_scenario_text("name: t\nduration: 60s\ntopology: {paths: [{name: a}]}\nevents:\n").events.empty());
}

TEST(Loader, SetsSourceFileAndNamesItInErrors) {
  const std::string path = MPRECOVER_SOURCE_DIR "/scenarios/wan-reset.yaml";
  EXPECT_EQ(load_scenario_file(path).source_file, path);
  try {
    load_scenario_text("name: t\n", "memory.yaml");
    FAIL() << "loaded without duration";
  } catch (const ScenarioError& error) {
    EXPECT_EQ(error.file(), "memory.yaml");
  }
}

// `engine` was the default policy's name before it had one of its own; files that say it still load.
TEST(Loader, ReadsTrafficAsAListOfGroups) {
  const Scenario s = load_scenario_text(
      "name: t\nduration: 30s\ntopology: {paths: [{name: wan1}, {name: wan2}]}\n"
      "traffic:\n"
      "  - {kind: bulk, connections: 4}\n"
      "  - {kind: rate, rate: 5Mbit, connections: 2, start: 3s, spacing: 500ms}\n",
      "t.yaml");
  ASSERT_EQ(s.traffic.size(), 2u);
  EXPECT_FALSE(s.traffic_as_map);
  EXPECT_EQ(s.traffic[0].kind, TrafficKind::bulk);
  EXPECT_EQ(s.traffic[0].connections, 4u);
  EXPECT_EQ(s.traffic[1].kind, TrafficKind::rate);
  EXPECT_EQ(s.traffic[1].rate, 5'000'000u);
  EXPECT_EQ(s.traffic[1].start, 3s);
  EXPECT_EQ(s.traffic[1].spacing, 500ms);
  EXPECT_EQ(s.traffic_key(1), "traffic[1]");
  EXPECT_EQ(traffic_text(s.traffic), "6 connections in 2 groups");
}

// Files written before groups keep loading, and describe() keeps their form: a map stays a map,
// a list of one stays a list.
TEST(Loader, ASingleTrafficMapIsOneGroupAndKeepsItsForm) {
  const std::string head = "name: t\nduration: 30s\ntopology: {paths: [{name: wan1}]}\n";
  const Scenario map = load_scenario_text(head + "traffic: {connections: 3}\n", "t.yaml");
  ASSERT_EQ(map.traffic.size(), 1u);
  EXPECT_TRUE(map.traffic_as_map);
  EXPECT_EQ(map.traffic_key(0), "traffic");
  EXPECT_NE(describe(map).find("traffic:\n  kind: bulk"), std::string::npos) << describe(map);
  const Scenario list = load_scenario_text(head + "traffic:\n  - {connections: 3}\n", "t.yaml");
  EXPECT_FALSE(list.traffic_as_map);
  EXPECT_EQ(list.traffic_key(0), "traffic[0]");
  EXPECT_NE(describe(list).find("traffic:\n  - kind: bulk"), std::string::npos) << describe(list);
  const Scenario none = load_scenario_text(head, "t.yaml");
  ASSERT_EQ(none.traffic.size(), 1u);
  EXPECT_EQ(none.traffic[0].connections, TrafficSpec{}.connections);
}

TEST(Loader, TheOldNameOfTheDefaultPolicyStillLoads) {
  const Scenario s = load_scenario_text("name: t\nduration: 60s\ntopology: {paths: [{name: a}]}\nengine: {policy: engine}\n");
  EXPECT_EQ(s.engine.policy.name, default_policy().name);
  EXPECT_EQ(describe(s).find("policy: engine"), std::string::npos) << "shown by its name today";
}

}  // namespace
}  // namespace mprecover
