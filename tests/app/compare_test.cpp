// Parity rules, the regression gate and comparison.json, on hand-made figures.
#include <gtest/gtest.h>

#include "app/compare/baseline_check.h"
#include "app/compare/check_cases.h"
#include "app/compare/compare_report.h"
#include "app/compare/comparison.h"

namespace mprecover {
namespace {

// wan-reset as the rebuild policy leaves it on `backend`.
RunFigures reset_run(const std::string& backend, double detected_up, double latency_max) {
  RunFigures r;
  r.scenario = "wan-reset";
  r.backend = backend;
  r.policy = "rebuild";
  r.seeds = {1};
  r.integrity_ok = true;
  OutageFigures o;
  o.path = "wan2";
  o.kind = "reset";
  o.start_s = 10;
  o.end_s = 25;
  o.detected_down_s = 13;
  o.detected_up_s = detected_up;
  o.connections = 4;
  o.rebuilt = 4;
  o.latency_median_s = latency_max;
  o.latency_p95_s = latency_max;
  o.latency_max_s = latency_max;
  o.rebalance_s = 0.7;
  o.subflows_before = 2;
  o.subflows_during = 1;
  o.subflows_after = 2;
  r.outages = {o};
  return r;
}

const ParityContext kOneSecondProbes{1.0, 0.042, {false}, {false}};

TEST(Parity, AgreesWithinOneProbeIntervalPlusARoundTrip) {
  const auto verdict = check_parity(reset_run("sim", 25.042, 0.084), reset_run("netns", 25.002, 0.002), kOneSecondProbes);
  EXPECT_TRUE(verdict.agree);
  EXPECT_TRUE(verdict.differences.empty());
}

TEST(Parity, NamesTheFigureAndByHowMuch) {
  RunFigures netns = reset_run("netns", 27.5, 2.5);
  netns.outages[0].subflows_after = 1;
  const auto verdict = check_parity(reset_run("sim", 25.042, 0.084), netns, kOneSecondProbes);
  EXPECT_FALSE(verdict.agree);
  std::vector<std::string> figures;
  for (const auto& d : verdict.differences) figures.push_back(d.figure);
  EXPECT_EQ(figures, (std::vector<std::string>{"detected_up_s", "rebuild_latency_median_s", "rebuild_latency_max_s",
                                                "subflows_after"}));
  EXPECT_DOUBLE_EQ(*verdict.differences[0].candidate, 27.5);
  EXPECT_DOUBLE_EQ(verdict.differences[1].allowed, 1.042);
}

TEST(Parity, AFigureMissingOnOneBackendOnlyDisagrees) {
  RunFigures netns = reset_run("netns", 25.002, 0.002);
  netns.outages[0].latency_max_s.reset();
  netns.outages[0].rebuilt = 3;
  const auto verdict = check_parity(reset_run("sim", 25.042, 0.084), netns, kOneSecondProbes);
  EXPECT_FALSE(verdict.agree);
  ASSERT_EQ(verdict.differences.size(), 2u);
  EXPECT_EQ(verdict.differences[0].figure, "rebuild_latency_max_s");
  EXPECT_FALSE(verdict.differences[0].candidate);
  EXPECT_EQ(verdict.differences[1].figure, "rebuilt_share");
}

TEST(Parity, AnOutageThatNeedsAMissingDelayIsComparedOnCountsOnly) {
  RunFigures netns = reset_run("netns", 40, 9);  // far off, but it could not have the delay
  netns.delay_emulated = false;
  const auto verdict = check_parity(reset_run("sim", 25.042, 0.084), netns, {1.0, 0.042, {true}, {false}});
  EXPECT_TRUE(verdict.agree);
  ASSERT_EQ(verdict.not_compared.size(), 1u);
  EXPECT_NE(verdict.not_compared[0].find("delay"), std::string::npos);

  netns.outages[0].rebuilt = 2;
  EXPECT_FALSE(check_parity(reset_run("sim", 25.042, 0.084), netns, {1.0, 0.042, {true}, {false}}).agree);
}

TEST(Parity, DetectionUnderRandomLossIsNotCompared) {
  RunFigures netns = reset_run("netns", 27.0, 2.0);  // path up two probes later: other draws
  const auto verdict = check_parity(reset_run("sim", 25.042, 0.084), netns, {1.0, 0.042, {false}, {true}});
  EXPECT_TRUE(verdict.agree);
  ASSERT_EQ(verdict.not_compared.size(), 1u);
  EXPECT_NE(verdict.not_compared[0].find("random loss"), std::string::npos) << verdict.not_compared[0];
  netns.outages[0].subflows_after = 1;
  EXPECT_FALSE(check_parity(reset_run("sim", 25.042, 0.084), netns, {1.0, 0.042, {false}, {true}}).agree);
}

// Survivors that came back at their own retransmission on both backends: the backoff decides
// the instant, so the rule allows the outage's length; a replaced or re-created one gets no such room.
TEST(Parity, SurvivorsThatResumedByThemselvesAgreeWithinTheOutagesLength) {
  RunFigures sim = reset_run("sim", 30.042, 11.4);
  RunFigures netns = reset_run("netns", 30.01, 16.8);
  for (RunFigures* r : {&sim, &netns}) {
    r->outages[0].kind = "blackhole";
    r->outages[0].end_s = 30;
    r->outages[0].resumed = 4;
  }
  EXPECT_TRUE(check_parity(sim, netns, kOneSecondProbes).agree);
  netns.outages[0].resumed = 3;
  netns.outages[0].replaced = 1;
  EXPECT_FALSE(check_parity(sim, netns, kOneSecondProbes).agree);
}

Comparison baseline_with(const RunFigures& run) {
  Comparison c;
  c.tolerances["sim"] = default_tolerance("sim");
  c.tolerances["netns"] = default_tolerance("netns");
  ScenarioComparison s;
  s.name = run.scenario;
  s.file = "scenarios/wan-reset.yaml";
  s.runs = {run};
  c.scenarios = {s};
  return c;
}

TEST(BaselineCheck, TheSameFiguresPass) {
  const Comparison base = baseline_with(reset_run("sim", 25.042, 0.084));
  EXPECT_TRUE(find_regressions(base, base).empty());
}

TEST(BaselineCheck, ASlowerRebuildIsARegressionNamingEverything) {
  const Comparison base = baseline_with(reset_run("sim", 25.042, 0.084));
  const Comparison now = baseline_with(reset_run("sim", 30.042, 5.084));
  const auto found = find_regressions(base, now);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[2].describe(),
            "wan-reset rebuild on sim, outage 1: rebuild_latency_max_s went from 0.084 to 5.084 (limit 0.085)");
}

TEST(BaselineCheck, NetnsFiguresHaveRoomForTheKernelsJitter) {
  const Comparison base = baseline_with(reset_run("netns", 25.002, 0.002));
  EXPECT_TRUE(find_regressions(base, baseline_with(reset_run("netns", 25.3, 0.3))).empty());
  EXPECT_EQ(find_regressions(base, baseline_with(reset_run("netns", 27, 2))).size(), 3u);
}

// The rebuilt subflow's slow start against the kernel's scheduler: the same build rebalanced
// wan-linkdown in 1.13 to 3.06 s. Twice the baseline plus two seconds is jitter; never is not.
TEST(BaselineCheck, NetnsTimeToRebalanceHasRoomForTheSlowStart) {
  RunFigures run = reset_run("netns", 25.5, 0.5);
  run.outages[0].rebalance_s = 1.5;
  const Comparison base = baseline_with(run);
  run.outages[0].rebalance_s = 3.1;
  EXPECT_TRUE(find_regressions(base, baseline_with(run)).empty());
  run.outages[0].rebalance_s = 5.1;
  ASSERT_EQ(find_regressions(base, baseline_with(run)).size(), 1u);
  EXPECT_EQ(find_regressions(base, baseline_with(run))[0].describe(),
            "wan-reset rebuild on netns, outage 1: rebalance_s went from 1.500 to 5.100 (limit 5.000)");
  run.outages[0].rebalance_s.reset();
  EXPECT_EQ(find_regressions(base, baseline_with(run)).size(), 1u);
}

// A baseline written before time to rebalance had a tolerance of its own judges it like latency.
TEST(Comparison, AnOlderBaselineJudgesRebalanceLikeLatency) {
  const Comparison older = comparison_from_json(
      nlohmann::json::parse(R"({"tolerances": {"netns": {"absolute_s": 0.5, "relative": 0.5, "rebuilt_fraction": 0.05}},
                                "scenarios": []})"),
      "old.json");
  EXPECT_DOUBLE_EQ(older.tolerances.at("netns").rebalance_absolute_s, 0.5);
  EXPECT_DOUBLE_EQ(older.tolerances.at("netns").rebalance_relative, 0.5);
}

TEST(BaselineCheck, NoLongerRebuildingIsARegression) {
  const Comparison base = baseline_with(reset_run("sim", 25.042, 0.084));
  RunFigures run = reset_run("sim", 25.042, 0.084);
  run.outages[0].rebuilt = 0;
  run.outages[0].latency_median_s.reset();
  run.outages[0].latency_p95_s.reset();
  run.outages[0].latency_max_s.reset();
  run.outages[0].rebalance_s.reset();
  run.integrity_ok = false;
  const auto found = find_regressions(base, baseline_with(run));
  std::vector<std::string> figures;
  for (const auto& r : found) figures.push_back(r.figure);
  EXPECT_EQ(figures, (std::vector<std::string>{"integrity_ok", "rebuilt", "rebuild_latency_median_s",
                                                "rebuild_latency_p95_s", "rebuild_latency_max_s", "rebalance_s"}));
  EXPECT_NE(found[4].describe().find("to none"), std::string::npos);
}

// The kernel policy's survivors come back at a retransmission of TCP's backoff: a later one (the
// restore fell in the next backoff interval) is not a regression, within the outage's length.
TEST(BaselineCheck, SurvivorsBackByBackoffMayMoveByTheOutagesLength) {
  const auto blackhole = [](double latency) {
    RunFigures run = reset_run("netns", 30.01, latency);
    run.policy = "kernel";
    run.outages[0].kind = "blackhole";
    run.outages[0].end_s = 30;
    run.outages[0].resumed = 4;
    return run;
  };
  const Comparison base = baseline_with(blackhole(8.4));
  EXPECT_TRUE(find_regressions(base, baseline_with(blackhole(17.3))).empty());
  // The outage's length and the base timeout (within the 0.5 s tolerance) later: still the backoff.
  EXPECT_TRUE(find_regressions(base, baseline_with(blackhole(8.4 + 20 + 0.4))).empty());
  EXPECT_EQ(find_regressions(base, baseline_with(blackhole(30))).size(), 3u);
  RunFigures replaced = blackhole(17.3);
  replaced.outages[0].resumed = 0;
  replaced.outages[0].replaced = 4;
  EXPECT_EQ(find_regressions(base, baseline_with(replaced)).size(), 3u);
}

// The same share of connections rebuilt, out of fewer MPTCP connections (one fell back to TCP).
TEST(Parity, ComparesTheShareOfConnectionsRebuilt) {
  RunFigures netns = reset_run("netns", 25.002, 0.002);
  netns.outages[0].connections = 3;
  netns.outages[0].rebuilt = 3;
  EXPECT_TRUE(check_parity(reset_run("sim", 25.042, 0.084), netns, kOneSecondProbes).agree);
}

TEST(BaselineCheck, FasterIsNotARegression) {
  const Comparison base = baseline_with(reset_run("sim", 25.042, 0.084));
  EXPECT_TRUE(find_regressions(base, baseline_with(reset_run("sim", 25.0, 0.01))).empty());
}

TEST(Comparison, SurvivesARoundTripThroughJson) {
  Comparison c = baseline_with(reset_run("sim", 25.042, 0.084));
  c.scenarios[0].runs.push_back(reset_run("netns", 27.5, 2.5));
  c.scenarios[0].probe_interval_s["rebuild"] = 1;
  c.scenarios[0].outage_changes_delay = {false};
  c.scenarios[0].judge_parity();
  ASSERT_EQ(c.scenarios[0].parity.size(), 1u);
  ASSERT_FALSE(c.scenarios[0].parity[0].agree);
  const Comparison back = comparison_from_json(nlohmann::json::parse(to_json(c).dump()), "test");
  EXPECT_EQ(to_json(back).dump(), to_json(c).dump());
  EXPECT_TRUE(find_regressions(c, back).empty());
}

TEST(Comparison, ABrokenFileNamesItself) {
  EXPECT_THROW(
      {
        try {
          comparison_from_json(nlohmann::json::parse(R"({"scenarios": []})"), "base.json");
        } catch (const std::runtime_error& e) {
          EXPECT_NE(std::string(e.what()).find("base.json"), std::string::npos) << e.what();
          throw;
        }
      },
      std::runtime_error);
}

TEST(MedianOverSeeds, TakesEachFigureAndKeepsAMissingOneMissing) {
  RunFigures a = reset_run("sim", 25.0, 0.1);
  RunFigures b = reset_run("sim", 25.5, 0.3);
  RunFigures c = reset_run("sim", 26.0, 0.2);
  c.seeds = {3};
  b.seeds = {2};
  const RunFigures m = median_over_seeds({a, b, c});
  EXPECT_EQ(m.seeds, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_DOUBLE_EQ(*m.outages[0].detected_up_s, 25.5);
  EXPECT_DOUBLE_EQ(*m.outages[0].latency_max_s, 0.2);
  c.outages[0].latency_max_s.reset();
  EXPECT_FALSE(median_over_seeds({a, b, c}).outages[0].latency_max_s);
}

TEST(CompareReport, HasTheRulesATableRowPerRunAndTheVerdicts) {
  Comparison c = baseline_with(reset_run("sim", 25.042, 0.084));
  c.scenarios[0].runs.push_back(reset_run("netns", 25.002, 0.002));
  c.scenarios[0].judge_parity();
  const std::string md = compare_report_markdown(c, "/nonexistent");
  EXPECT_NE(md.find("## Parity rules"), std::string::npos);
  EXPECT_NE(md.find("| rebuild | sim | 1: reset wan2 10–25 s | 13.000 / 25.042 | 4/4 | 0.084 / 0.084 / 0.084 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("**Parity (sim vs netns):** rebuild agree."), std::string::npos) << md;
}

// The network's family is in comparison.json and in the scenario's line of the report; a file
// written before topology.family reads as IPv4.
TEST(CompareReport, SaysWhichFamilyTheNetworkWas) {
  Comparison c = baseline_with(reset_run("sim", 25.042, 0.084));
  EXPECT_EQ(compare_report_markdown(c, "/nonexistent").find("IPv6"), std::string::npos);
  c.scenarios[0].family = "ipv6";
  EXPECT_NE(compare_report_markdown(c, "/nonexistent").find("`: IPv6 (2001:db8::/32); longest round trip"),
            std::string::npos);
  c.scenarios[0].family = "dual";
  EXPECT_NE(compare_report_markdown(c, "/nonexistent").find("`: dual-stack, connections over IPv6; longest"),
            std::string::npos);
  EXPECT_EQ(comparison_from_json(nlohmann::json::parse(to_json(c).dump()), "test").scenarios[0].family, "dual");
  nlohmann::json older = nlohmann::json::parse(to_json(c).dump());
  older["scenarios"][0].erase("family");
  EXPECT_EQ(comparison_from_json(older, "old").scenarios[0].family, "ipv4");
}

// Request/response figures survive comparison.json and get a table of their own, a row per run.
TEST(CompareReport, RequestFiguresHaveATableAndSurviveJson) {
  RunFigures run = reset_run("sim", 25.042, 0.084);
  OutageFigures& o = run.outages[0];
  o.request_p50_before_s = 0.039;
  o.request_p99_before_s = 0.041;
  o.request_p50_during_s = 0.059;
  o.request_p99_during_s = 0.52;
  o.request_p50_after_s = 0.039;
  o.request_p99_after_s = 0.05;
  o.requests_issued = 534;
  o.requests_failed = 2;
  const Comparison c = baseline_with(run);
  const std::string md = compare_report_markdown(c, "/nonexistent");
  EXPECT_NE(md.find("| policy | backend | outage | p50 / p99 before (s) | p50 / p99 during (s) | p50 / p99 after (s) "
                    "| requests | failed |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| rebuild | sim | 1: reset wan2 | 0.039 / 0.041 | 0.059 / 0.520 | 0.039 / 0.050 | 534 | 2 |"),
            std::string::npos)
      << md;
  const Comparison back = comparison_from_json(nlohmann::json::parse(to_json(c).dump()), "test");
  EXPECT_EQ(to_json(back).dump(), to_json(c).dump());
  EXPECT_EQ(back.scenarios[0].runs[0].outages[0].requests_failed, 2.0);
  EXPECT_EQ(compare_report_markdown(baseline_with(reset_run("sim", 25.042, 0.084)), "/nonexistent").find("p50 / p99"),
            std::string::npos)
      << "no request table without request/response traffic";
}

// Parity knows no backend by name: the first backend of the comparison is the reference.
// An update that adds a backend to a scenario (the sim, once it can carry it) puts it where the
// update's command did: first, so the reference stays the sim as in every other scenario.
TEST(Comparison, AnUpdateThatAddsABackendTakesTheUpdatesBackendOrder) {
  ScenarioComparison s;
  s.runs = {reset_run("netns", 25.04, 0.09)};
  s.take_runs({reset_run("sim", 25.04, 0.08), reset_run("netns", 25.05, 0.1)});
  ASSERT_EQ(s.runs.size(), 2u);
  EXPECT_EQ(s.runs[0].backend, "sim");
  EXPECT_EQ(s.runs[1].backend, "netns");
  EXPECT_EQ(s.runs[1].outages[0].latency_max_s, 0.1) << "the fresh run took the kept one's place";

  // An update of one backend keeps the order, whichever it reran.
  s.take_runs({reset_run("netns", 25.04, 0.2)});
  EXPECT_EQ(s.runs[0].backend, "sim");
  EXPECT_EQ(s.runs[1].outages[0].latency_max_s, 0.2);
}

TEST(Parity, AnyTwoBackendsTheFirstAsReference) {
  Comparison c = baseline_with(reset_run("third", 25.042, 0.084));
  c.scenarios[0].runs.push_back(reset_run("sim", 25.002, 0.002));
  c.scenarios[0].runs.push_back(reset_run("netns", 29.0, 4.0));
  c.scenarios[0].judge_parity();
  ASSERT_EQ(c.scenarios[0].parity.size(), 2u);
  EXPECT_EQ(c.scenarios[0].parity[0].reference, "third");
  EXPECT_EQ(c.scenarios[0].parity[0].candidate, "sim");
  EXPECT_TRUE(c.scenarios[0].parity[0].agree);
  EXPECT_EQ(c.scenarios[0].parity[1].candidate, "netns");
  EXPECT_FALSE(c.scenarios[0].parity[1].agree);
  const std::string md = compare_report_markdown(c, "/nonexistent");
  EXPECT_NE(md.find("**Parity (third vs sim, third vs netns):** rebuild (sim) agree · rebuild (netns) DISAGREE on "
                    "detected_up_s (outage 1): third 25.042, netns 29.000"),
            std::string::npos)
      << md;
}

// A baseline written before the default policy was renamed still matches today's runs.
TEST(Comparison, ABaselineWithTheOldPolicyNameStillMatches) {
  RunFigures old = reset_run("sim", 25.042, 0.084);
  old.policy = "engine";
  const Comparison base = comparison_from_json(nlohmann::json::parse(to_json(baseline_with(old)).dump()), "old");
  ASSERT_NE(base.scenarios[0].find("sim", "rebuild"), nullptr);
  const Comparison now = baseline_with(reset_run("sim", 30.042, 5.084));
  EXPECT_EQ(find_regressions(base, now).size(), 3u);
}

// The kernel's runs judged against the sim's baseline figures, without rerunning the sim.
TEST(CheckCases, ParityWithABaselineBackendNamesEachDisagreement) {
  Comparison baseline = baseline_with(reset_run("sim", 25.042, 0.084));
  baseline.scenarios[0].runs.push_back(reset_run("netns", 25.002, 0.002));
  baseline.scenarios[0].probe_interval_s["rebuild"] = 1;
  baseline.scenarios[0].outage_changes_delay = {false};
  Comparison now = baseline_with(reset_run("netns", 28.5, 3.5));
  now.scenarios[0].probe_interval_s["rebuild"] = 1;
  now.scenarios[0].outage_changes_delay = {false};

  const auto without = judge_check(baseline, now, std::nullopt);
  ASSERT_EQ(without.size(), 1u);
  EXPECT_EQ(without[0].backend, "netns");
  const auto with = judge_check(baseline, now, std::string("sim"));
  ASSERT_EQ(with.size(), 1u);
  ASSERT_FALSE(with[0].problems.empty());
  EXPECT_NE(with[0].problems.back().find("DISAGREE wan-reset rebuild: detected_up_s (outage 1): sim 25.042, netns 28.500"),
            std::string::npos)
      << with[0].problems.back();
}

// A scenario the sim cannot run (kind command): the kernel's runs are checked for regressions
// only, and the check says why parity was not judged instead of calling it a disagreement.
TEST(CheckCases, ParityIsNotJudgedWhereTheBaselineCouldNotRunTheReferenceBackend) {
  Comparison baseline = baseline_with(reset_run("netns", 25.002, 0.002));
  baseline.scenarios[0].not_run = {"sim: the sim backend cannot carry kind command traffic"};
  const Comparison now = baseline_with(reset_run("netns", 25.002, 0.002));
  const auto cases = judge_check(baseline, now, std::string("sim"));
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_TRUE(cases[0].problems.empty()) << cases[0].problems.front();
  ASSERT_EQ(cases[0].notes.size(), 1u);
  EXPECT_NE(cases[0].notes[0].find("parity not judged: wan-reset rebuild: the baseline did not run it on sim: the sim "
                                   "backend cannot carry kind command traffic"),
            std::string::npos)
      << cases[0].notes[0];

  baseline.scenarios[0].not_run.clear();
  const auto missing = judge_check(baseline, now, std::string("sim"));
  ASSERT_EQ(missing[0].problems.size(), 1u);
  EXPECT_NE(missing[0].problems[0].find("the baseline has no run on sim"), std::string::npos);
}

TEST(CheckCases, JunitHasASuitePerScenarioAndAFailurePerProblem) {
  const std::vector<CheckCase> cases{{"wan-reset", "sim", "kernel", 12.5, {}, {}},
                                     {"wan-reset", "sim", "rebuild", 13, {"REGRESSION a <b> & c", "DISAGREE d"}, {}},
                                     {"wan-flap", "netns", "omr", 61, {}, {}}};
  const std::string xml = junit_xml(cases);
  EXPECT_NE(xml.find("<testsuites name=\"mprecover check\" tests=\"3\" failures=\"1\">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"wan-reset\" tests=\"2\" failures=\"1\">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase classname=\"wan-flap.netns\" name=\"omr\" time=\"61.000000\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("message=\"REGRESSION a &lt;b&gt; &amp; c\""), std::string::npos) << "escaped: " << xml;
}

}  // namespace
}  // namespace mprecover
