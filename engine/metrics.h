// Recovery metrics computed from what happened during a run: outages, the detector's verdicts,
// subflow events and byte counters. Sans-I/O: the backend feeds it, the harness writes it out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clock.h"
#include "ids.h"
#include "notices.h"

namespace mprecover {

struct MetricsConfig {
  Duration baseline_window = std::chrono::seconds{5};  // before an outage: the path's normal share
  Duration rebalance_window = std::chrono::milliseconds{500};
  double rebalance_fraction = 0.9;  // rebalanced: the path carries this much of its normal share
  double below_rate_fraction = 0.9;  // below its rate: a rebalance window delivered less than this
  // Backup paths (carrying traffic only when no other path can): give the outages of the other
  // paths their failover and failback figures (OutageFigures::failover_s, failback_s).
  std::vector<PathId> backup_paths;
  double failed_back_share = 0.1;  // failed back: the backups carry less than this over a rebalance window
};

// The recovery figures of one outage: what summary.json's "outages" hold, what `compare` puts side
// by side and what `check` judges. Counts are doubles because the same figures also carry medians
// over several seeds, which may fall between two counts.
// A request of request/response traffic: issued, answered (the last byte of its response in; none
// if not by the end of the run), and the timeout its client gives it.
struct TimedRequest {
  Instant issued;
  std::optional<Instant> answered;
  Duration timeout;

  // Whether it failed, not answered within its timeout, as seen at `end`: none while still
  // unanswered within it.
  std::optional<bool> failed(Instant end) const {
    const Instant given_up = issued + timeout;
    if (answered) return *answered > given_up;
    if (end >= given_up) return true;
    return std::nullopt;
  }
};

struct OutageFigures {
  std::string path;  // the path's name
  std::string kind;
  double start_s = 0;
  std::optional<double> end_s;  // null when the run ended first
  std::optional<double> detected_down_s;
  std::optional<double> detected_up_s;
  double connections = 0;  // open at the restore
  double rebuilt = 0;      // of those, with a working subflow on the path again: the three below
  double recreated = 0;    // a subflow died (or never was) and a new one was established
  double replaced = 0;     // a subflow outlived the outage stalled and was replaced by a fresh one
  double resumed = 0;      // a subflow outlived the outage and carried data again by itself
  std::optional<double> latency_median_s;
  std::optional<double> latency_p95_s;
  std::optional<double> latency_max_s;  // null when some connection was never rebuilt
  std::optional<double> rebalance_s;
  // Against the aggregate goodput of the baseline window before the outage, from the outage start
  // to the end of its recovery period (the next outage, or the end of the run): the deepest drop
  // over a rebalance window (0.5: half the goodput was gone), and the bytes short of that rate.
  std::optional<double> goodput_dip;
  std::optional<double> bytes_lost;
  // App-limited traffic only, over the same period: how long the connections together delivered
  // less than 90 % of what their applications made (over a rebalance window, at each sample), and
  // how far behind their applications they fell at worst, in seconds of their stream (the backlog
  // beyond the one they had when the outage began, over their rate): what a video player's
  // buffer must hold to play through the outage.
  std::optional<double> below_rate_s;
  std::optional<double> worst_shortfall_s;
  // Request/response traffic only: the latency (median and 99th percentile, nearest rank; null
  // when no request was answered) of the requests issued within the baseline window before the
  // outage and answered before it began ("before"), of those issued from then until the restore and not answered before the
  // outage began ("during": one caught by the outage counts here), and of those issued after the
  // restore up to the end of the recovery period ("after"); and of the requests during and after,
  // how many there were and how many failed: not answered within their group's timeout (one still
  // within it when the run ended is not counted as failed).
  std::optional<double> request_p50_before_s;
  std::optional<double> request_p99_before_s;
  std::optional<double> request_p50_during_s;
  std::optional<double> request_p99_during_s;
  std::optional<double> request_p50_after_s;
  std::optional<double> request_p99_after_s;
  std::optional<double> requests_issued;  // null: no request/response traffic
  std::optional<double> requests_failed;
  // Outages of a path that is not a backup, in a scenario with backup paths, over the same period:
  // from the outage start to the first sample at which a backup path carried data (null: none
  // did, the other paths sufficed), and from the restore to the end of the first rebalance window
  // in which the backups carried less than 10 % of the traffic again (null: not by the end of the
  // period, or there was no failover).
  bool failover_applies = false;  // an outage of a path that is not a backup, with backup paths
  std::optional<double> failover_s;
  std::optional<double> failback_s;
  // How many subflows the connections had at the end of each phase of the outage: the most common
  // count among the connections open then (null when none was). "before" is the instant the
  // outage starts, "during" the instant of the restore, "after" the end of its recovery period.
  std::optional<double> subflows_before;
  std::optional<double> subflows_during;
  std::optional<double> subflows_after;

  // Every rebuilt connection came back by itself, at a retransmission of TCP's exponential backoff:
  // its latency is then fixed only to within the outage's length (parity_rules_markdown, rule 2).
  bool back_by_backoff() const { return rebuilt > 0 && resumed == rebuilt; }
  double length_s() const { return end_s ? *end_s - start_s : 0.0; }
};

// Each outage's figures are looked for until the next outage starts (on its path; on any path for
// the traffic shares); an outage starting at the instant of the restore (the path comes back
// degraded) does not end that search. Feed it in time order. A connection's subflow on a path is "back" after an outage when a subflow
// is established there after the restore, or, if one stayed established through the restore, when
// it first carries data again afterwards (so its precision is the byte-sampling interval).
class MetricsCollector {
 public:
  // One name per path, in path order: the figures name their path.
  explicit MetricsCollector(std::vector<std::string> path_names, MetricsConfig config = {});

  void outage_started(PathId path, std::string_view kind, Instant at);
  void outage_ended(PathId path, Instant at);
  // The engine's notices; path_down and path_up are the detection instants.
  void notice(const Notice& notice);
  // The connection is established (MPTCP_EVENT_ESTABLISHED) / closed.
  void connection_opened(ConnectionToken token, PathId initial_path, std::uint16_t port, Instant at);
  void connection_closed(ConnectionToken token, Instant at);
  // The subflow of the connection on `path` from local `port` (0: the backend does not say).
  void subflow_established(ConnectionToken token, PathId path, std::uint16_t port, Instant at);
  void subflow_closed(ConnectionToken token, PathId path, std::uint16_t port, Instant at);
  // A policy retired the connection's stalled subflow on `path`: its fresh replacement is up.
  void subflow_replaced(ConnectionToken token, PathId path, Instant at);
  // The connection is app-limited: its application makes `bits_per_second` from its opening on.
  // Such connections give the outages their rate figures (OutageFigures::below_rate_s,
  // worst_shortfall_s), from their own bytes. Say so before its first bytes_sample.
  void app_rate(ConnectionToken token, std::uint64_t bits_per_second);
  // A request of request/response traffic, issued at `issued` and answered (the last byte of its
  // response in) at `answered`, none if not by the end of the run; it failed if not answered within
  // `timeout`. Requests give the outages their request figures (OutageFigures::request_*).
  void request(Instant issued, std::optional<Instant> answered, Duration timeout);
  // Cumulative bytes the connection delivered over its subflow(s) on `path`, sampled at `at`.
  // Sample every connection and path at the same instants.
  void bytes_sample(ConnectionToken token, PathId path, std::uint64_t cumulative, Instant at);

  std::vector<OutageFigures> report(Instant end) const;

 private:
  struct Outage {
    PathId path;
    std::string kind;
    Instant start;
    std::optional<Instant> end;
  };
  struct Lifetime {
    Instant opened;
    std::optional<Instant> closed;
  };
  struct SubflowEvent {
    Instant at;
    unsigned count;  // established subflows of the connection on the path afterwards
  };
  enum class Comeback { recreated, replaced, resumed };
  struct Rebuild {
    double latency_s;
    Comeback how;
  };
  struct Progress {
    std::uint64_t last = 0;
    std::vector<Instant> moved;  // sample instants at which the counter grew
  };
  using Key = std::pair<ConnectionToken, PathId>;

  std::optional<Rebuild> rebuild(ConnectionToken token, PathId path, Instant restore, Instant horizon) const;
  std::optional<double> rebalance(const Outage& outage, Instant horizon) const;
  void goodput_loss(const Outage& outage, Instant horizon, OutageFigures& figures) const;
  void app_rate_figures(const Outage& outage, Instant horizon, OutageFigures& figures) const;
  void backup_figures(const Outage& outage, Instant horizon, OutageFigures& figures) const;
  void request_figures(const Outage& outage, Instant horizon, Instant end, OutageFigures& figures) const;
  std::uint64_t delivered_on_backups(Instant from, Instant to) const;  // over (from, to]
  // Bytes the applications of the app-limited connections open made over (from, to], each at its rate.
  double app_bytes(Instant from, Instant to) const;
  double app_rate_Bps(Instant at) const;  // of the app-limited connections open at `at`, together
  std::uint64_t delivered_app(Instant from, Instant to) const;  // by the app-limited ones, over (from, to]
  std::optional<double> typical_subflow_count(Instant at) const;
  std::uint64_t delivered(PathId path, Instant from, Instant to) const;  // over (from, to]
  std::uint64_t delivered_all(Instant from, Instant to) const;
  void check_path(PathId path) const;

  std::vector<std::string> path_names_;
  std::size_t path_count_;
  MetricsConfig config_;
  std::vector<Outage> outages_;
  std::vector<std::vector<std::pair<Instant, bool>>> verdicts_;  // per path: (at, up)
  std::map<ConnectionToken, Lifetime> lifetimes_;
  std::map<Key, std::vector<SubflowEvent>> subflows_;
  std::map<Key, std::vector<std::uint16_t>> ports_;  // established subflows now, oldest first
  std::map<Key, std::vector<Instant>> replaced_;
  std::map<Key, Progress> progress_;
  std::map<Instant, std::vector<std::uint64_t>> delivered_;  // bytes per path in (previous sample, at]
  std::map<ConnectionToken, double> app_Bps_;                // app-limited connections: bytes per second
  std::map<Instant, std::uint64_t> delivered_app_;           // their bytes in (previous sample, at]
  std::vector<TimedRequest> requests_;
};

}  // namespace mprecover
