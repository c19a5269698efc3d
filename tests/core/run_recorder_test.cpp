// The results folder, written from a hand-made run.
#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/results/run_recorder.h"

namespace mprecover {
namespace {

using namespace std::chrono_literals;

Scenario two_paths() {
  Scenario s;
  s.name = "recorder-test";
  s.duration = 30s;
  s.paths.resize(2);
  s.paths[0].name = "wan1";
  s.paths[1].name = "wan2";
  return s;
}

PathEvent path_event(PathId path, const std::string& action) {
  PathEvent e;
  e.path = path;
  e.action = &outage_kind(action);
  return e;
}

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Two connections; wan2 is reset at 10 s and restored at 20 s; both subflows are back at 20.1 s.
void record_run(RunRecorder& r) {
  const Instant t0{1s};
  for (ConnectionToken c : {7u, 9u}) {
    r.event(MptcpCreated{c, 0}, t0);
    r.event(MptcpEstablished{c, 0}, t0);
    r.action(CreateSubflow{c, 1}, t0);
    r.event(MptcpSubEstablished{c, 1}, t0 + 20ms);
  }
  std::uint64_t bytes[2][2] = {};
  for (int tenth = 11; tenth <= 300; ++tenth) {
    const Instant at{std::chrono::milliseconds{tenth * 100}};
    if (at == Instant{10s}) {
      r.path_event(path_event(1, "reset"), at);
      for (ConnectionToken c : {7u, 9u}) r.event(MptcpSubClosed{c, 1, ECONNRESET}, at);
    }
    if (at == Instant{13s}) r.notice({.at = at, .kind = NoticeKind::path_down, .path = 1, .token = {}, .reason = DownReason::probes});
    if (at == Instant{20s}) {
      r.path_event(path_event(1, "restore"), at);
      r.notice({.at = at, .kind = NoticeKind::path_up, .path = 1, .token = {}});
    }
    if (at == Instant{20100ms})
      for (ConnectionToken c : {7u, 9u}) r.event(MptcpSubEstablished{c, 1}, at);
    const bool wan2_works = at < Instant{10s} || at >= Instant{20100ms};
    for (int c = 0; c < 2; ++c) {
      bytes[c][0] += 10'000;
      if (wan2_works) bytes[c][1] += 10'000;
      const ConnectionToken token = c == 0 ? 7u : 9u;
      r.sample({token, 0, bytes[c][0], true}, at);
      r.sample({token, 1, bytes[c][1], wan2_works}, at);
    }
  }
}

class RunRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mprecover-recorder-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(RunRecorderTest, WritesTheSummaryWithTheOutageFigures) {
  const Scenario s = two_paths();
  RunRecorder r(s, {.backend = "test", .policy = "rebuild", .seed = 3, .command_line = "x"});
  record_run(r);
  r.finish({.bytes_sent = 100, .bytes_delivered = 100, .integrity_ok = true, .delay_emulated = true, .delay_method = "simulated", .scheduler = "test scheduler", .notes = {}, .files = {{"daemon.log", "started\n"}}}, Instant{30s}, dir_);

  EXPECT_EQ(read(dir_ / "daemon.log"), "started\n") << "the backend's files go to the run folder";
  const auto summary = nlohmann::json::parse(read(dir_ / "summary.json"));
  EXPECT_EQ(summary["scenario"], "recorder-test");
  EXPECT_EQ(summary["backend"], "test");
  EXPECT_EQ(summary["scheduler"], "test scheduler");
  EXPECT_EQ(summary["policy"], "rebuild");
  EXPECT_EQ(summary["seed"], 3);
  EXPECT_EQ(summary["duration_s"], 30.0);
  EXPECT_EQ(summary["paths"][1]["name"], "wan2");
  EXPECT_EQ(summary["integrity_ok"], true);
  ASSERT_EQ(summary["outages"].size(), 1u);
  const auto& o = summary["outages"][0];
  EXPECT_EQ(o["path"], "wan2");
  EXPECT_EQ(o["kind"], "reset");
  EXPECT_EQ(o["start_s"], 10.0);
  EXPECT_EQ(o["end_s"], 20.0);
  EXPECT_EQ(o["detected_down_s"], 13.0);
  EXPECT_EQ(o["detected_up_s"], 20.0);
  EXPECT_EQ(o["connections"], 2);
  EXPECT_EQ(o["rebuilt"], 2);
  EXPECT_EQ(o["rebuild_latency_s"]["median"], 0.1);
  EXPECT_EQ(o["rebuild_latency_s"]["max"], 0.1);
  EXPECT_TRUE(o["rebalance_s"].is_number());
  for (const char* key : {"bytes_sent", "bytes_delivered", "outages", "paths"}) EXPECT_TRUE(summary.contains(key)) << key;
}

TEST_F(RunRecorderTest, WritesEventsInTimeOrderAndTheTimeseries) {
  const Scenario s = two_paths();
  RunRecorder r(s, {.backend = "test", .policy = "rebuild", .seed = 1, .command_line = ""});
  record_run(r);
  r.finish({}, Instant{30s}, dir_);

  const std::string events = read(dir_ / "events.csv");
  EXPECT_EQ(events.rfind("time_s,source,event,path,connection,detail\n", 0), 0u);
  EXPECT_NE(events.find("1.000000,mptcp,established,wan1,7,\n"), std::string::npos);
  EXPECT_NE(events.find("10.000000,scenario,reset,wan2,,\n"), std::string::npos);
  EXPECT_NE(events.find("10.000000,mptcp,sub_closed,wan2,9,error=ECONNRESET\n"), std::string::npos);
  EXPECT_NE(events.find("13.000000,engine,path_down,wan2,,reason=probes\n"), std::string::npos);
  EXPECT_NE(events.find("1.000000,engine,create_subflow,wan2,7,\n"), std::string::npos);

  const std::string series = read(dir_ / "timeseries.csv");
  EXPECT_EQ(series.rfind("time_s,scope,id,bytes,throughput_bps,subflows_up,path,", 0), 0u);
  // 2 connections x 10 kB per 100 ms on wan1: 1.6 Mbit/s; wan2 carries nothing during the outage.
  EXPECT_NE(series.find("5.000000,path,wan1,800000,1600000,2,,,,,,,,\n"), std::string::npos);
  EXPECT_NE(series.find("15.000000,path,wan2,"), std::string::npos);
  EXPECT_NE(series.find("15.000000,connection,7,"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "metadata.json"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "scenario.yaml"));
}

TEST_F(RunRecorderTest, SameRunGivesByteIdenticalEvents) {
  const Scenario s = two_paths();
  RunRecorder a(s, {.backend = "test", .policy = "rebuild", .seed = 1, .command_line = ""});
  RunRecorder b(s, {.backend = "test", .policy = "rebuild", .seed = 1, .command_line = ""});
  record_run(a);
  record_run(b);
  a.finish({}, Instant{30s}, dir_ / "a");
  b.finish({}, Instant{30s}, dir_ / "b");
  EXPECT_EQ(read(dir_ / "a" / "events.csv"), read(dir_ / "b" / "events.csv"));
  EXPECT_EQ(read(dir_ / "a" / "summary.json"), read(dir_ / "b" / "summary.json"));
}

TEST_F(RunRecorderTest, UnwritableFolderIsAnErrorNamingIt) {
  const Scenario s = two_paths();
  RunRecorder r(s, {});
  std::ofstream(dir_.string() + "-file") << "x";  // a file where the folder should go
  try {
    r.finish({}, Instant{30s}, dir_.string() + "-file");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir_.string() + "-file"), std::string::npos) << e.what();
  }
  std::filesystem::remove(dir_.string() + "-file");
}

}  // namespace
}  // namespace mprecover
