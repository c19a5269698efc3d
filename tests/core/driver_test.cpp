// The driver, on the scripted in-memory network: the timeline, outages that end others, the
// path manager set-up, sampling, stopping and the integrity verdict, at simulated speed.
#include "core/driver/driver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/scenario/loader.h"
#include "support/scripted_network.h"

namespace mprecover::testing {
namespace {

using namespace std::chrono_literals;

// Two paths, one connection from 1 s, the given events, 20 s long.
Scenario scenario_with(const std::string& events, const std::string& extra = "") {
  return load_scenario_text("name: driver-test\nduration: 20s\n"
                            "topology: {paths: [{name: wan1}, {name: wan2}, {name: wan3}]}\n"
                            "traffic: {connections: 1, start: 1s}\n" +
                                extra + "events:\n" + events,
                            "driver-test");
}

struct ScriptedRun {
  explicit ScriptedRun(const Scenario& s) : scenario(s), network(s.paths.size()), recorder(scenario, {"scripted", s.engine.policy.name, 1, ""}) {}

  RunOutcome play(const std::atomic<bool>& stop) {
    Driver driver(scenario, scenario.engine_config(), network, recorder, stop);
    return driver.run();
  }
  RunOutcome play() {
    const std::atomic<bool> never{false};
    return play(never);
  }
  // The log lines of the faults the driver applied, without probes and path-manager calls.
  std::vector<std::string> faults() const {
    std::vector<std::string> out;
    for (const std::string& line : network.log())
      if (line.find("create") == std::string::npos && line.find("endpoint") == std::string::npos &&
          line.find("limit") == std::string::npos && line.find("destroy") == std::string::npos &&
          line.find("retire") == std::string::npos)
        out.push_back(line);
    return out;
  }
  std::string events_csv() { return run_file("events.csv"); }
  std::string run_file(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / ("driver-test-" + std::to_string(::getpid()));
    recorder.finish(totals, end, dir);
    std::ifstream in(dir / name);
    std::stringstream text;
    text << in.rdbuf();
    std::filesystem::remove_all(dir);
    return text.str();
  }

  Scenario scenario;
  ScriptedNetwork network;
  RunRecorder recorder;
  RunTotals totals;
  Instant end{};
};

TEST(Driver, AppliesTheTimelineInTimeOrderAndTheFileOrderForEqualTimes) {
  ScriptedRun run(scenario_with("  - {at: 8s, path: wan3, action: blackhole}\n"
                        "  - {at: 5s, path: wan2, action: down}\n"
                        "  - {at: 5s, path: wan1, action: blackhole}\n"
                        "  - {at: 9s, path: wan2, action: up}\n"
                        "  - {at: 9s, path: wan1, action: restore}\n"
                        "  - {at: 9s, path: wan3, action: restore}\n"));
  run.play();
  EXPECT_EQ(run.faults(), (std::vector<std::string>{"t=5.000 link 1 down", "t=5.000 blackhole 0 on",
                                                     "t=8.000 blackhole 2 on", "t=9.000 link 1 up",
                                                     "t=9.000 blackhole 0 off", "t=9.000 blackhole 2 off"}));
}

TEST(Driver, AnOutageThatStartsWhileAnotherIsInProgressEndsIt) {
  ScriptedRun run(scenario_with("  - {at: 5s, path: wan2, action: blackhole}\n"
                        "  - {at: 7s, path: wan2, action: reset}\n"
                        "  - {at: 9s, path: wan2, action: degrade, rate: 5Mbit, loss: 1%}\n"
                        "  - {at: 11s, path: wan2, action: restore}\n"));
  run.play();
  EXPECT_EQ(run.faults(),
            (std::vector<std::string>{"t=5.000 blackhole 1 on", "t=7.000 blackhole 1 off", "t=7.000 abort 1",
                                      "t=7.000 blackhole 1 on", "t=9.000 blackhole 1 off",
                                      "t=9.000 shape 1 rate=5000000 loss=0.010000",
                                      "t=11.000 shape 1 rate=50000000 delay=0.010000 loss=0.000000"}));
}

TEST(Driver, ARestoreWithoutAnOutageIsRefusedByValidationBeforeAnyRun) {
  EXPECT_THROW(scenario_with("  - {at: 5s, path: wan2, action: restore}\n"), ScenarioError);
}

TEST(Driver, SetsUpThePathManagerThePolicyNeeds) {
  ScriptedRun userspace(scenario_with("  []\n"));
  userspace.play();
  EXPECT_EQ(userspace.network.path_manager(), PathManagerMode::userspace);
  const auto& log = userspace.network.log();
  EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const std::string& l) { return l.find("create") != l.npos; }))
      << "the rebuild policy opens the extra subflows itself";

  ScriptedRun in_kernel(scenario_with("  []\n", "engine: {policy: omr}\n"));
  in_kernel.play();
  EXPECT_EQ(in_kernel.network.path_manager(), PathManagerMode::in_kernel);
  const auto& kernel_log = in_kernel.network.log();
  EXPECT_EQ(std::vector<std::string>(kernel_log.begin(), kernel_log.begin() + 3),
            (std::vector<std::string>{"t=0.000 limit 8", "t=0.000 endpoint add 1", "t=0.000 endpoint add 2"}));
}

// The backup flag of a path reaches every endpoint and subflow the port makes there: at the set-up
// and on each rebuild.
TEST(Driver, MakesABackupPathsEndpointsAndSubflowsBackups) {
  const auto lte_backup = [](Scenario s) {
    s.paths[2].backup = true;
    return s;
  };
  ScriptedRun in_kernel(lte_backup(scenario_with("  []\n", "engine: {policy: omr}\n")));
  in_kernel.play();
  const auto& kernel_log = in_kernel.network.log();
  EXPECT_EQ(std::vector<std::string>(kernel_log.begin() + 1, kernel_log.begin() + 3),
            (std::vector<std::string>{"t=0.000 endpoint add 1", "t=0.000 endpoint add 2 backup"}));

  ScriptedRun userspace(lte_backup(scenario_with("  - {at: 5s, path: wan3, action: reset}\n"
                                                 "  - {at: 10s, path: wan3, action: restore}\n")));
  userspace.play();
  std::size_t wan3_after_restore = 0;
  for (const std::string& line : userspace.network.log()) {
    if (line.find(" create ") == std::string::npos) continue;
    const bool on_wan3 = line.find(" 2 backup") != std::string::npos || line.ends_with(" 2");
    EXPECT_EQ(on_wan3, line.ends_with(" 2 backup")) << line;
    if (on_wan3 && std::stod(line.substr(2)) >= 10.0) ++wan3_after_restore;
  }
  EXPECT_GE(wan3_after_restore, 1u) << "the rebuild after the restore keeps the flag";

  ScriptedRun daemon(lte_backup(scenario_with("  []\n", "engine: {policy: mptcpd}\n")));
  daemon.network.daemons = {"mptcpd"};
  daemon.play();
  const auto& daemon_log = daemon.network.log();
  EXPECT_EQ(std::vector<std::string>(daemon_log.begin(), daemon_log.begin() + 2),
            (std::vector<std::string>{"t=0.000 daemon mptcpd", "t=0.000 endpoint backup 2"}))
      << "the daemon's endpoint on the backup path is marked, and no other";
}

TEST(Driver, RebuildsAResetPathThroughThePort) {
  ScriptedRun run(scenario_with("  - {at: 5s, path: wan2, action: reset}\n"
                        "  - {at: 10s, path: wan2, action: restore}\n"));
  run.totals = run.play().totals;
  run.end = Instant{20s};
  const auto figures = run.recorder.metrics().report(Instant{20s});
  ASSERT_EQ(figures.size(), 1u);
  EXPECT_EQ(figures[0].rebuilt, 1.0);
  ASSERT_TRUE(figures[0].latency_max_s);
  EXPECT_LE(*figures[0].latency_max_s, 1.0 + 0.04) << "one probe interval plus the round trips";
  const std::string events = run.events_csv();
  EXPECT_NE(events.find("engine,path_up,wan2"), std::string::npos) << events;
  EXPECT_NE(events.find("mptcp,sub_closed,wan2,100,error=ECONNRESET"), std::string::npos) << events;
}

TEST(Driver, SamplesEveryHundredMillisecondsOfTheRunsClock) {
  ScriptedRun run(scenario_with("  []\n"));
  const RunOutcome outcome = run.play();
  EXPECT_EQ(outcome.end, Instant{20s});
  const auto& times = run.network.sample_times();
  ASSERT_EQ(times.size(), 200u) << "0.1 s to 20.0 s";
  for (std::size_t i = 0; i < times.size(); ++i) EXPECT_EQ(times[i], Instant{100ms * (i + 1)});
}

TEST(Driver, WritesSubflowRowsAtTheScenariosInterval) {
  ScriptedRun run(scenario_with("  []\n", "results: {subflow_interval: 1s}\n"));
  run.play();
  const auto& times = run.network.subflow_detail_times();
  ASSERT_EQ(times.size(), 20u) << "0.1 s, 1.1 s, ... 19.1 s";
  EXPECT_EQ(times[1], Instant{1100ms});
  const std::string series = run.run_file("timeseries.csv");
  EXPECT_EQ(series.rfind("time_s,scope,id,bytes,throughput_bps,subflows_up,path,local_address,local_port,"
                         "remote_address,remote_port,rtt_s,cwnd,retransmissions\n",
                         0),
            0u)
      << series;
  EXPECT_NE(series.find("\n2.100000,subflow,100,"), std::string::npos) << series;
  EXPECT_NE(series.find(",1,wan1,10.0.0.2,40000,192.0.2.1,5201,"), std::string::npos) << series;
  EXPECT_NE(series.find("\n2.100000,path,wan1,"), std::string::npos) << series;
}

TEST(Driver, WritesNoSubflowRowsWhenTheScenarioSaysSo) {
  ScriptedRun run(scenario_with("  []\n", "results: {subflow_rows: false}\n"));
  run.play();
  EXPECT_TRUE(run.network.subflow_detail_times().empty());
  EXPECT_EQ(run.run_file("timeseries.csv").find(",subflow,"), std::string::npos);
}

TEST(Driver, StopsAtTheNextSampleOnceAskedTo) {
  ScriptedRun run(scenario_with("  []\n"));
  std::atomic<bool> stop{false};
  run.network.at_time(Instant{7s + 30ms}, [&stop] { stop = true; });
  const RunOutcome outcome = run.play(stop);
  EXPECT_EQ(outcome.end, Instant{7s + 100ms});
  EXPECT_EQ(run.network.sample_times().back(), Instant{7s + 100ms});
}

TEST(Driver, ARefusedSubflowCreationReachesTheEngineAsAFailedSubflow) {
  ScriptedRun run(scenario_with("  []\n"));
  run.network.refuse_subflows(EINVAL);
  run.totals = run.play().totals;
  const std::string events = run.events_csv();
  EXPECT_NE(events.find("backend,create_subflow_refused,wan2,,EINVAL"), std::string::npos) << events;
  EXPECT_NE(events.find("mptcp,sub_closed,wan2,100,error=EINVAL"), std::string::npos) << events;
  EXPECT_NE(events.find("engine,retry_scheduled,wan2,100,delay=0.500s"), std::string::npos) << events;
}

TEST(Driver, ReportsIntactTrafficAsIntact) {
  ScriptedRun run(scenario_with("  []\n"));
  const RunTotals totals = run.play().totals;
  EXPECT_TRUE(totals.integrity_ok);
  EXPECT_GT(totals.bytes_delivered, 0u);
  EXPECT_EQ(totals.bytes_delivered, totals.bytes_sent);
  EXPECT_NE(std::find(totals.notes.begin(), totals.notes.end(), "scripted network"), totals.notes.end());
}

TEST(Driver, ReportsAnIntegrityFailureAsSuch) {
  ScriptedRun corrupted(scenario_with("  []\n"));
  corrupted.network.corrupt_connection(0, 4096);
  const RunTotals bad = corrupted.play().totals;
  EXPECT_FALSE(bad.integrity_ok);
  EXPECT_NE(std::find(bad.notes.begin(), bad.notes.end(), "connection 100 delivered a wrong byte at offset 4096"),
            bad.notes.end());

  ScriptedRun lost(scenario_with("  []\n"));
  lost.network.lose_connection(0);
  const RunTotals missing = lost.play().totals;
  EXPECT_FALSE(missing.integrity_ok);
  EXPECT_NE(std::find(missing.notes.begin(), missing.notes.end(), "0 of 1 connections reached the server"),
            missing.notes.end());
}

TEST(Driver, AShortStreamBreaksIntegrityWhenTheScenarioSetsBytes) {
  // 30 MB at 2 MB/s cannot arrive within the run.
  ScriptedRun run(load_scenario_text("name: t\nduration: 10s\ntopology: {paths: [{name: wan1}, {name: wan2}]}\n"
                             "traffic: {connections: 1, start: 1s, bytes: 30MB}\n"));
  const RunTotals totals = run.play().totals;
  EXPECT_FALSE(totals.integrity_ok);
  ASSERT_FALSE(totals.notes.empty());
  EXPECT_NE(totals.notes[0].find("of 30000000 bytes"), std::string::npos) << totals.notes[0];
}

// Two groups: bulk connections at 1 s and 2 s, a rate connection of 30 MB at 3 s.
Scenario two_groups() {
  return load_scenario_text("name: t\nduration: 10s\ntopology: {paths: [{name: wan1}, {name: wan2}]}\n"
                            "traffic:\n"
                            "  - {kind: bulk, connections: 2, start: 1s, spacing: 1s}\n"
                            "  - {kind: rate, rate: 4Mbit, connections: 1, start: 3s, bytes: 30MB}\n",
                            "t");
}

TEST(Driver, OpensEachTrafficGroupsConnectionsOnItsScheduleWithItsApplication) {
  ScriptedRun run(two_groups());
  run.play();
  const auto& requests = run.network.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].first, at_seconds(1));
  EXPECT_EQ(requests[1].first, at_seconds(2));
  EXPECT_EQ(requests[2].first, at_seconds(3));
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(requests[i].second.group, 0u);
    EXPECT_FALSE(requests[i].second.rate);
    EXPECT_FALSE(requests[i].second.bytes);
  }
  EXPECT_EQ(requests[2].second.group, 1u);
  ASSERT_TRUE(requests[2].second.rate);
  EXPECT_EQ(requests[2].second.rate->bits_per_second, 4'000'000u);
  EXPECT_EQ(requests[2].second.bytes, 30'000'000u);
}

// Each stream is held to its own group's bytes, and each group's connections are counted apart.
TEST(Driver, ChecksEachStreamAgainstItsOwnGroup) {
  ScriptedRun run(two_groups());
  run.network.lose_connection(1);
  const RunTotals totals = run.play().totals;
  EXPECT_FALSE(totals.integrity_ok);
  const auto noted = [&](const std::string& text) {
    return std::find(totals.notes.begin(), totals.notes.end(), text) != totals.notes.end();
  };
  EXPECT_TRUE(noted("1 of 2 connections of traffic[0] reached the server"));
  EXPECT_FALSE(noted("1 of 1 connections of traffic[1] reached the server"));
  // The rate connection's 30 MB cannot arrive in 7 s at the scripted network's pace; the bulk
  // connections, which send until the end, are not held to it.
  const auto short_notes = std::count_if(totals.notes.begin(), totals.notes.end(), [](const std::string& note) {
    return note.find("of 30000000 bytes") != std::string::npos;
  });
  EXPECT_EQ(short_notes, 1);
  EXPECT_TRUE(std::any_of(totals.notes.begin(), totals.notes.end(), [](const std::string& note) {
    return note.rfind("connection 102 delivered", 0) == 0;
  }));
}

// Both ways a connection has two streams: it is counted once, and each stream is checked.
TEST(Driver, CountsAConnectionBothWaysOnceAndChecksEachOfItsStreams) {
  ScriptedRun run(load_scenario_text("name: t\nduration: 6s\ntopology: {paths: [{name: wan1}, {name: wan2}]}\n"
                                     "traffic: {direction: both, connections: 3, start: 1s}\n",
                                     "t"));
  run.network.lose_connection(2);
  run.network.corrupt_connection(0, 77);
  const RunTotals totals = run.play().totals;
  EXPECT_FALSE(totals.integrity_ok);
  EXPECT_EQ(std::count(totals.notes.begin(), totals.notes.end(), "2 of 3 connections reached the server"), 1);
  EXPECT_EQ(std::count(totals.notes.begin(), totals.notes.end(), "connection 100 delivered a wrong byte at offset 77"),
            2);
  EXPECT_EQ(run.network.requests().at(0).second.direction, TrafficDirection::both);
}

Scenario command_scenario() {
  return load_scenario_text("name: t\nduration: 12s\ntopology: {paths: [{name: wan1}, {name: wan2}]}\n"
                            "traffic: {kind: command, start: 2s, server_command: 'iperf3 -s -p {port}',\n"
                            "          client_command: 'iperf3 -c {server} -p {port} -t {duration}'}\n",
                            "t");
}

TEST(Driver, RunsACommandScenariosProgramsOnceAtTheStartWithTheTimeLeft) {
  ScriptedRun run(command_scenario());
  const RunOutcome outcome = run.play();
  const RunTotals& totals = outcome.totals;
  // The run ends with the client's program, not with an idle second after it.
  EXPECT_EQ(outcome.end, Instant{11s});
  // 12 s run, from 2 s on, until a second before the end.
  EXPECT_EQ(std::count(run.network.log().begin(), run.network.log().end(),
                       "t=2.000 commands iperf3 -c {server} -p {port} -t {duration} for 9.000000 s"),
            1);
  EXPECT_TRUE(totals.integrity_ok);
  EXPECT_GT(totals.bytes_sent, 0u);
  // The programs' bytes are theirs: nothing is said of connections that did not reach the server.
  EXPECT_EQ(std::count_if(totals.notes.begin(), totals.notes.end(),
                          [](const std::string& n) { return n.find("reached the server") != std::string::npos; }),
            0);
}

TEST(Driver, AFailedCommandBreaksIntegrityAndSaysWhy) {
  ScriptedRun run(command_scenario());
  run.network.command_failures = {"the client command exited with code 1: iperf3: error - unable to connect"};
  const RunTotals totals = run.play().totals;
  EXPECT_FALSE(totals.integrity_ok);
  EXPECT_EQ(totals.notes.front(), run.network.command_failures.front());
}

TEST(Driver, ANetworkThatCannotGoOnStopsTheRunWithItsReason) {
  ScriptedRun run(scenario_with("  []\n"));
  run.network.fail_at(Instant{4s}, "the delay line exited");
  try {
    run.play();
    FAIL() << "the run went on";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("the run stopped at 4"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("the delay line exited"), std::string::npos) << e.what();
  }
}

TEST(Driver, MeasuresEachPathsRoundTripFromItsProbesOutsideOutages) {
  ScriptedRun run(scenario_with("  - {at: 5s, path: wan2, action: blackhole}\n"
                                "  - {at: 10s, path: wan2, action: restore}\n"));
  run.network.set_rtt(30ms);
  run.totals = run.play().totals;
  const auto dir = std::filesystem::temp_directory_path() / ("driver-rtt-" + std::to_string(::getpid()));
  run.recorder.finish(run.totals, Instant{20s}, dir);
  std::ifstream in(dir / "summary.json");
  const auto summary = nlohmann::json::parse(in);
  std::filesystem::remove_all(dir);
  const auto& wan2 = summary["paths"][1]["round_trip_s"];
  EXPECT_DOUBLE_EQ(wan2["measured_median"].get<double>(), 0.03);
  EXPECT_DOUBLE_EQ(wan2["measured_p95"].get<double>(), 0.03);
  // One probe a second over 20 s, none counted while wan2 was cut (5 s to 10 s).
  EXPECT_LE(wan2["probes"].get<int>(), 16);
  EXPECT_GE(summary["paths"][0]["round_trip_s"]["probes"].get<int>(), 19);
  EXPECT_EQ(summary["delay_method"], "scripted");
}

TEST(Driver, ReplacesASubflowThatOutlivedABlackholeStalledThroughThePort) {
  ScriptedRun run(scenario_with("  - {at: 5s, path: wan2, action: blackhole}\n"
                                "  - {at: 10s, path: wan2, action: restore}\n"));
  run.totals = run.play().totals;
  std::vector<std::string> replacement;
  for (const std::string& line : run.network.log())
    if (line.rfind("t=10.", 0) == 0 && line.find("blackhole") == std::string::npos) replacement.push_back(line);
  // The restore is seen at the next 200 ms probe; a fresh subflow, then the stalled one retired.
  ASSERT_EQ(replacement.size(), 2u) << ::testing::PrintToString(run.network.log());
  EXPECT_EQ(replacement[0], "t=10.020 create 100 1");
  EXPECT_EQ(replacement[1].rfind("t=10.040 retire 100 1 ", 0), 0u) << replacement[1];
  const auto figures = run.recorder.metrics().report(Instant{20s});
  EXPECT_EQ(figures.at(0).replaced, 1.0);
  EXPECT_EQ(figures.at(0).rebuilt, 1.0);
  EXPECT_LE(*figures.at(0).latency_max_s, 0.2) << "carrying data again at the next sample";
}

}  // namespace
}  // namespace mprecover::testing
