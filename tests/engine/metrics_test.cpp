// Recovery metrics from hand-made event streams.
#include <gtest/gtest.h>

#include <functional>

#include "engine/metrics.h"

namespace mprecover {
namespace {

using namespace std::chrono_literals;

Instant at(double s) { return at_seconds(s); }

// Two paths, `n` connections that each move `rate` bytes per 100 ms sample on each path, except
// on path 1 while it is cut.
struct TwoPathRun {
  MetricsCollector metrics{{"wan1", "wan2"}};
  std::vector<std::array<std::uint64_t, 2>> bytes;

  explicit TwoPathRun(ConnectionToken n) : bytes(n) {
    for (ConnectionToken t = 0; t < n; ++t) {
      metrics.connection_opened(t, 0, 0, at(0));
      metrics.subflow_established(t, 1, 0, at(0.05));
    }
  }
  // Samples from `from` to `to` (exclusive) every 100 ms; `flows(t, conn)` tells whether the
  // connection moves data on path 1 at instant t.
  template <typename F>
  void traffic(double from, double to, F flows) {
    for (double s = from; s < to - 1e-9; s += 0.1) {
      for (ConnectionToken c = 0; c < bytes.size(); ++c) {
        bytes[c][0] += 1000;
        if (flows(s, c)) bytes[c][1] += 1000;
        metrics.bytes_sample(c, 0, bytes[c][0], at(s));
        metrics.bytes_sample(c, 1, bytes[c][1], at(s));
      }
    }
  }
};

TEST(Metrics, ReportsDetectionAndRebuildOfResetSubflows) {
  TwoPathRun run(4);
  run.traffic(0.1, 10, [](double, ConnectionToken) { return true; });
  run.metrics.outage_started(1, "reset", at(10));
  for (ConnectionToken c = 0; c < 4; ++c) run.metrics.subflow_closed(c, 1, 0, at(10));
  run.metrics.notice({.at = at(13), .kind = NoticeKind::path_down, .path = 1, .token = {}});
  run.traffic(10, 25, [](double, ConnectionToken) { return false; });
  run.metrics.outage_ended(1, at(25));
  run.metrics.notice({.at = at(25.02), .kind = NoticeKind::path_up, .path = 1, .token = {}});
  // Connections 0..2 come back 40, 50 and 60 ms after the restore; 3 never does.
  for (ConnectionToken c = 0; c < 3; ++c) run.metrics.subflow_established(c, 1, 0, at(25.04 + 0.01 * c));
  run.traffic(25, 40, [](double, ConnectionToken c) { return c < 3; });

  const auto reports = run.metrics.report(at(40));
  ASSERT_EQ(reports.size(), 1u);
  const OutageFigures& r = reports[0];
  EXPECT_EQ(r.path, "wan2");
  EXPECT_EQ(r.kind, "reset");
  EXPECT_DOUBLE_EQ(r.start_s, 10);
  EXPECT_DOUBLE_EQ(*r.end_s, 25);
  EXPECT_DOUBLE_EQ(*r.detected_down_s, 13);
  EXPECT_DOUBLE_EQ(*r.detected_up_s, 25.02);
  EXPECT_EQ(r.connections, 4.0);
  EXPECT_EQ(r.rebuilt, 3.0);
  EXPECT_NEAR(*r.latency_median_s, 0.05, 1e-9);
  EXPECT_NEAR(*r.latency_p95_s, 0.06, 1e-9);
  EXPECT_FALSE(r.latency_max_s) << "max is null while a connection was never rebuilt";
  // Before: path 1 carried half. After: 3 of 4 connections, 3/7 of the bytes: 86 % of its share.
  EXPECT_FALSE(r.rebalance_s);
  // 8 kB per 100 ms before; 4 kB during the 15 s cut (half gone), 7 kB in the 15 s after it.
  // Tolerances: a 100 ms sample more or less at each end of the windows (8 kB each).
  EXPECT_NEAR(*r.goodput_dip, 0.5, 0.02);
  EXPECT_NEAR(static_cast<double>(*r.bytes_lost), 15 * 40'000 + 15 * 10'000, 24'000);
  EXPECT_EQ(r.subflows_before, 2.0);
  EXPECT_EQ(r.subflows_during, 1.0);
  EXPECT_EQ(r.subflows_after, 2.0) << "three of the four connections have two again";
}

TEST(Metrics, NoGoodputFiguresWithoutAFullBaselineWindowOfTraffic) {
  TwoPathRun run(1);
  run.traffic(7, 10, [](double, ConnectionToken) { return true; });  // 3 s of the 5 s window
  run.metrics.outage_started(1, "blackhole", at(10));
  run.traffic(10, 20, [](double, ConnectionToken) { return false; });
  const auto r = run.metrics.report(at(20)).at(0);
  EXPECT_FALSE(r.goodput_dip);
  EXPECT_FALSE(r.bytes_lost);
}

TEST(Metrics, SurvivingSubflowIsBackWhenItMovesDataAgain) {
  TwoPathRun run(2);
  run.traffic(0.1, 10, [](double, ConnectionToken) { return true; });
  run.metrics.outage_started(1, "blackhole", at(10));
  run.traffic(10, 20, [](double, ConnectionToken) { return false; });
  run.metrics.outage_ended(1, at(20));
  // TCP's retransmission timer brings one back at 20.5 s and the other at 21.2 s.
  run.traffic(20, 30, [](double s, ConnectionToken c) { return s > (c == 0 ? 20.45 : 21.15); });

  const auto r = run.metrics.report(at(30)).at(0);
  EXPECT_EQ(r.connections, 2.0);
  EXPECT_EQ(r.rebuilt, 2.0);
  EXPECT_EQ(r.resumed, 2.0);
  EXPECT_EQ(r.replaced + r.recreated, 0.0);
  EXPECT_NEAR(*r.latency_max_s, 1.2, 1e-6);
  EXPECT_NEAR(*r.latency_median_s, 0.85, 1e-6);
  EXPECT_FALSE(r.detected_down_s);
  EXPECT_FALSE(r.detected_up_s);
  // Path 1's normal share is 1/2. The window (21.0, 21.5] has 9 of its 10 samples: 9/19 = 47 %,
  // at least 90 % of the normal share, so rebalanced at 21.5 s; (20.9, 21.4] had 8/18 = 44 %.
  ASSERT_TRUE(r.rebalance_s);
  EXPECT_NEAR(*r.rebalance_s, 1.5, 1e-6);
}

// A subflow that outlived the outage stalled is replaced: back when the fresh one carries data.
TEST(Metrics, AReplacedSubflowCountsApartAndIsBackWhenItsReplacementCarriesData) {
  TwoPathRun run(2);
  run.traffic(0.1, 10, [](double, ConnectionToken) { return true; });
  run.metrics.outage_started(1, "blackhole", at(10));
  run.traffic(10, 20, [](double, ConnectionToken) { return false; });
  run.metrics.outage_ended(1, at(20));
  // Connection 0's subflow (port 0 here) is replaced at 20.2 s: a fresh one from port 3000, then
  // the stalled one retired. Connection 1 resumes by itself at 25 s.
  run.metrics.subflow_established(0, 1, 3000, at(20.2));
  run.metrics.subflow_replaced(0, 1, at(20.2));
  run.metrics.subflow_closed(0, 1, 0, at(20.25));
  run.traffic(20, 30, [](double s, ConnectionToken c) { return s > (c == 0 ? 20.25 : 24.95); });

  const auto r = run.metrics.report(at(30)).at(0);
  EXPECT_EQ(r.rebuilt, 2.0);
  EXPECT_EQ(r.replaced, 1.0);
  EXPECT_EQ(r.resumed, 1.0);
  EXPECT_NEAR(*r.latency_median_s, (0.3 + 5.0) / 2, 1e-6);
  EXPECT_EQ(r.subflows_after, 2.0) << "one subflow per path again";
}

TEST(Metrics, OutageStillInProgressAtTheEndHasNoRestoreFigures) {
  TwoPathRun run(1);
  run.metrics.outage_started(1, "down", at(5));
  const auto r = run.metrics.report(at(10)).at(0);
  EXPECT_FALSE(r.end_s);
  EXPECT_EQ(r.connections, 0.0);
  EXPECT_FALSE(r.latency_median_s);
  EXPECT_FALSE(r.rebalance_s);
}

TEST(Metrics, ANewOutageOnThePathEndsTheCurrentOne) {
  MetricsCollector metrics({"wan1", "wan2"});
  metrics.outage_started(1, "reset", at(10));
  metrics.outage_started(1, "degrade", at(25));
  metrics.outage_ended(1, at(30));
  const auto reports = metrics.report(at(40));
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_DOUBLE_EQ(*reports[0].end_s, 25);
  EXPECT_EQ(reports[1].kind, "degrade");
  EXPECT_DOUBLE_EQ(*reports[1].end_s, 30);
}

TEST(Metrics, RecoveryThroughADegradedPathCountsForTheCutBeforeIt) {
  MetricsCollector metrics({"wan1", "wan2"});
  metrics.connection_opened(1, 0, 0, at(0));
  metrics.subflow_established(1, 1, 0, at(0.1));
  metrics.outage_started(1, "reset", at(10));
  metrics.subflow_closed(1, 1, 0, at(10));
  metrics.notice({.at = at(13), .kind = NoticeKind::path_down, .path = 1, .token = {}});
  metrics.outage_started(1, "degrade", at(25));  // back at 25 s, but lossy until 30 s
  metrics.outage_ended(1, at(30));
  metrics.notice({.at = at(36), .kind = NoticeKind::path_up, .path = 1, .token = {}});
  metrics.subflow_established(1, 1, 0, at(36.1));
  metrics.outage_started(1, "blackhole", at(50));
  const auto reports = metrics.report(at(60));
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_DOUBLE_EQ(*reports[0].detected_up_s, 36);
  EXPECT_EQ(reports[0].rebuilt, 1.0);
  EXPECT_NEAR(*reports[0].latency_max_s, 11.1, 1e-9);
  EXPECT_NEAR(*reports[1].latency_max_s, 6.1, 1e-9);
}

TEST(Metrics, ConnectionsClosedBeforeTheRestoreDoNotCount) {
  MetricsCollector metrics({"wan1", "wan2"});
  metrics.connection_opened(1, 0, 0, at(0));
  metrics.connection_opened(2, 0, 0, at(0));
  metrics.outage_started(1, "reset", at(5));
  metrics.connection_closed(2, at(6));
  metrics.outage_ended(1, at(10));
  metrics.connection_opened(3, 0, 0, at(11));  // opened after the restore
  metrics.subflow_established(1, 1, 0, at(10.5));
  const auto r = metrics.report(at(20)).at(0);
  EXPECT_EQ(r.connections, 1.0);
  EXPECT_EQ(r.rebuilt, 1.0);
  EXPECT_NEAR(*r.latency_max_s, 0.5, 1e-9);
}

TEST(Metrics, RejectsUnknownPaths) {
  MetricsCollector metrics({"wan1", "wan2"});
  EXPECT_THROW(metrics.outage_started(2, "down", at(1)), std::out_of_range);
}

// One app-limited connection of 8 Mbit/s (100 kB per 100 ms sample) stalls for the 2 s of an
// outage of the other path, then catches up at twice its rate.
// The video-like connection of the two tests below: 8 Mbit/s, stalled from 10 s to 12 s, then
// catching up at twice its rate. `others` runs every sample for the connections beside it.
void play_stalled_video(MetricsCollector& metrics, const std::function<void(double)>& others = {}) {
  metrics.app_rate(1, 8'000'000);
  metrics.connection_opened(1, 0, 40000, at(0));
  metrics.outage_started(1, "reset", at(10));
  metrics.outage_ended(1, at(12));
  std::uint64_t bytes = 0;
  std::uint64_t backlog = 0;
  for (int tenth = 1; tenth <= 300; ++tenth) {
    const double s = tenth / 10.0;
    if (s > 10.05 && s < 12.05) {
      backlog += 100'000;
    } else {
      const std::uint64_t catch_up = std::min<std::uint64_t>(backlog, 100'000);
      bytes += 100'000 + catch_up;
      backlog -= catch_up;
    }
    metrics.bytes_sample(1, 0, bytes, at(s));
    metrics.bytes_sample(1, 1, 0, at(s));
    if (others) others(s);
  }
}

void expect_video_figures(const OutageFigures& o) {
  // Windows of 500 ms with less than 90 % of the 500 kB made: those ending at 10.1 to 12.2 s.
  ASSERT_TRUE(o.below_rate_s);
  EXPECT_NEAR(*o.below_rate_s, 2.2, 1e-6);
  ASSERT_TRUE(o.worst_shortfall_s);
  EXPECT_NEAR(*o.worst_shortfall_s, 2.0, 1e-6);
}

// One app-limited connection of 8 Mbit/s (100 kB per 100 ms sample) stalls for the 2 s of an
// outage of the other path, then catches up at twice its rate.
TEST(Metrics, AppLimitedTrafficFallsBehindItsRateAndCatchesUp) {
  MetricsCollector metrics({"wan1", "wan2"});
  play_stalled_video(metrics);
  expect_video_figures(metrics.report(at(30)).at(0));
}

// Traffic groups: a bulk connection that keeps delivering 1 MB per sample through the stall must
// not hide the video's shortfall, which is judged on the app-limited connections' own bytes.
TEST(Metrics, RateFiguresCountOnlyTheAppLimitedConnections) {
  MetricsCollector metrics({"wan1", "wan2"});
  metrics.connection_opened(2, 0, 40002, at(0));
  std::uint64_t bulk = 0;
  play_stalled_video(metrics, [&](double s) {
    metrics.bytes_sample(2, 0, bulk += 1'000'000, at(s));
    metrics.bytes_sample(2, 1, 0, at(s));
  });
  expect_video_figures(metrics.report(at(30)).at(0));
}

// A request failed when answered after its timeout, or not answered by the end once its timeout
// was over; one still within its timeout at the end is undecided.
TEST(TimedRequest, FailsWhenAnsweredLateOrNotAnsweredWithinItsTimeout) {
  EXPECT_EQ(TimedRequest({at(1), at(2), 2s}).failed(at(30)), false);
  EXPECT_EQ(TimedRequest({at(1), at(3), 2s}).failed(at(30)), false) << "answered just in time";
  EXPECT_EQ(TimedRequest({at(1), at(4), 2s}).failed(at(30)), true);
  EXPECT_EQ(TimedRequest({at(1), std::nullopt, 2s}).failed(at(3)), true);
  EXPECT_EQ(TimedRequest({at(1), std::nullopt, 2s}).failed(at(2)), std::nullopt);
}

// Request/response traffic through an outage of wan2 from 10 s to 14 s, in a 30 s run whose next
// outage starts at 20 s: 50 ms answers before, 500 ms during, 80 ms after; one request issued just
// before the outage is caught by it, one during it is answered after 3 s (its timeout is 2 s), one
// after the restore never is.
TEST(Metrics, RequestLatencyBeforeDuringAndAfterAnOutageAndTheRequestsThatFailed) {
  MetricsCollector metrics({"wan1", "wan2"});
  metrics.outage_started(1, "blackhole", at(10));
  metrics.outage_ended(1, at(14));
  metrics.outage_started(0, "blackhole", at(20));
  metrics.outage_ended(0, at(21));
  const Duration timeout = std::chrono::seconds{2};
  const auto request = [&](double issued, std::optional<double> latency) {
    metrics.request(at(issued), latency ? std::optional<Instant>(at(issued + *latency)) : std::nullopt, timeout);
  };
  request(1.0, 0.9);  // answered before the baseline window: not counted
  for (double s = 5.0; s < 9.9; s += 0.5) request(s, 0.05);
  request(9.98, 0.6);  // caught by the outage
  for (double s = 10.5; s < 13.9; s += 1.0) request(s, 0.5);
  request(13.5, 3.0);  // failed: answered after its timeout
  for (double s = 14.5; s < 19.0; s += 0.5) request(s, 0.08);
  request(19.5, std::nullopt);  // failed: unanswered for more than its timeout by the run's end
  request(29.5, std::nullopt);  // within its timeout at the end: open, not failed
  const std::vector<OutageFigures> figures = metrics.report(at(30));
  const OutageFigures& o = figures.at(0);
  ASSERT_TRUE(o.request_p50_before_s && o.request_p99_before_s);
  EXPECT_NEAR(*o.request_p50_before_s, 0.05, 1e-6);
  EXPECT_NEAR(*o.request_p99_before_s, 0.05, 1e-6) << "the request of 1 s is not in the baseline window";
  ASSERT_TRUE(o.request_p50_during_s && o.request_p99_during_s);
  EXPECT_NEAR(*o.request_p50_during_s, 0.5, 1e-6);
  EXPECT_NEAR(*o.request_p99_during_s, 3.0, 1e-6);
  ASSERT_TRUE(o.request_p50_after_s && o.request_p99_after_s);
  EXPECT_NEAR(*o.request_p50_after_s, 0.08, 1e-6);
  EXPECT_NEAR(*o.request_p99_after_s, 0.08, 1e-6) << "the one unanswered is in no latency";
  // During: 9.98, 4 at 10.5 to 13.5, 13.5; after, up to the next outage: 9 at 14.5 to 18.5, 19.5.
  EXPECT_EQ(o.requests_issued, 16.0);
  EXPECT_EQ(o.requests_failed, 2.0);
  const OutageFigures& next = figures.at(1);
  EXPECT_EQ(next.requests_issued, 2.0) << "19.5 was still unanswered when the next outage began; and 29.5";
  EXPECT_EQ(next.requests_failed, 1.0);
}

TEST(Metrics, BulkTrafficHasNoRateFigures) {
  MetricsCollector metrics({"wan1", "wan2"});
  metrics.connection_opened(1, 0, 40000, at(0));
  metrics.outage_started(1, "reset", at(10));
  metrics.bytes_sample(1, 0, 1000, at(11));
  const OutageFigures o = metrics.report(at(20)).at(0);
  EXPECT_FALSE(o.below_rate_s);
  EXPECT_FALSE(o.worst_shortfall_s);
  EXPECT_FALSE(o.requests_issued) << "nor request figures";
}

// wan1 and an LTE backup: wan1 carries 100 kB per 100 ms sample, the backup nothing. wan1 is cut
// from 10 s to 14 s; the backup takes the traffic from the sample at 10.3 s on, and from 15.2 s on
// wan1 has it all again.
TEST(Metrics, BackupPathFailsOverAndBack) {
  MetricsConfig config;
  config.backup_paths = {1};
  MetricsCollector metrics({"wan1", "lte"}, config);
  metrics.connection_opened(1, 0, 40000, at(0));
  metrics.outage_started(0, "reset", at(10));
  metrics.outage_ended(0, at(14));
  std::uint64_t primary = 0;
  std::uint64_t backup = 0;
  for (int tenth = 1; tenth <= 300; ++tenth) {
    const double s = tenth / 10.0;
    if (s > 10.25 && s < 15.15) backup += 100'000;
    else if (s < 10.05 || s > 15.15) primary += 100'000;
    metrics.bytes_sample(1, 0, primary, at(s));
    metrics.bytes_sample(1, 1, backup, at(s));
  }
  const OutageFigures o = metrics.report(at(30)).at(0);
  ASSERT_TRUE(o.failover_s);
  EXPECT_NEAR(*o.failover_s, 0.3, 1e-6);
  // The first window of 500 ms with under 10 % on the backup: (15.1 s, 15.6 s].
  ASSERT_TRUE(o.failback_s);
  EXPECT_NEAR(*o.failback_s, 1.6, 1e-6);
}

// The backup never takes over (another path carries the traffic): no failover, no failback; and
// an outage of the backup itself has neither.
TEST(Metrics, NoFailoverWhileAnotherPathCarriesTheTraffic) {
  MetricsConfig config;
  config.backup_paths = {2};
  MetricsCollector metrics({"wan1", "wan2", "lte"}, config);
  metrics.connection_opened(1, 0, 40000, at(0));
  metrics.outage_started(0, "reset", at(10));
  metrics.outage_ended(0, at(12));
  metrics.outage_started(2, "reset", at(20));
  metrics.outage_ended(2, at(22));
  for (int tenth = 1; tenth <= 300; ++tenth) {
    const double s = tenth / 10.0;
    metrics.bytes_sample(1, 0, static_cast<std::uint64_t>(tenth) * 1000, at(s));
    metrics.bytes_sample(1, 1, static_cast<std::uint64_t>(tenth) * 1000, at(s));
    metrics.bytes_sample(1, 2, 0, at(s));
  }
  for (const OutageFigures& o : metrics.report(at(30))) {
    EXPECT_FALSE(o.failover_s) << o.path;
    EXPECT_FALSE(o.failback_s) << o.path;
  }
}

TEST(Metrics, BackupPathsMustBePathsOfTheRun) {
  MetricsConfig config;
  config.backup_paths = {2};
  EXPECT_THROW(MetricsCollector({"wan1", "lte"}, config), std::out_of_range);
}

}  // namespace
}  // namespace mprecover
