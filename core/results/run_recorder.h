// Records what happens during one run, as a backend reports it, and writes the run's folder:
// summary.json, timeseries.csv, events.csv, scenario.yaml and metadata.json.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "engine/actions.h"
#include "engine/events.h"
#include "engine/metrics.h"
#include "engine/notices.h"
#include "core/network/network_port.h"
#include "core/results/run_figures.h"
#include "core/scenario/scenario.h"

namespace mprecover {

// What a run is, for the summary and the metadata.
struct RunIdentity {
  std::string backend;
  std::string policy;
  std::uint64_t seed = 1;
  std::string command_line;
};

// Totals only the backend knows.
struct RunTotals {
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_delivered = 0;
  bool integrity_ok = false;
  bool delay_emulated = true;  // false: the scenario's delays could not be applied (no netem)
  std::string delay_method;    // how: "simulated", "netem", "nfqueue" or "none"
  std::string scheduler;       // the MPTCP packet scheduler of the client's sender
  std::vector<std::string> notes;  // what was emulated differently or left out, for the summary
  std::vector<std::pair<std::string, std::string>> files;  // more files for the run folder: name, contents
};

class RunRecorder {
 public:
  RunRecorder(const Scenario& scenario, RunIdentity identity);

  // The scenario's timeline as the backend applied it.
  void path_event(const PathEvent& event, Instant at);
  // What the engine decided and asked for.
  void notice(const Notice& notice);
  void action(const Action& action, Instant at);
  // What the backend observed and fed to the engine.
  void event(const Event& event, Instant at);
  // The round trip of a probe answered on a path that had no outage in progress.
  void probe_rtt(PathId path, Duration rtt);
  // A line for events.csv from the backend itself (traffic start, a fault it applied, ...).
  void backend_note(Instant at, std::string_view event, std::optional<PathId> path, std::string_view detail);

  // Cumulative bytes a connection delivered through a path, whether its subflow there is up, and
  // its traffic group. Sample every connection on every path at the same instants.
  void sample(const SubflowSample& sample, Instant at);
  // A request of a request/response connection, once the run is over; `timeout` is its group's.
  // They go to requests.csv.
  void request(const RequestTiming& request, Duration timeout);
  // One subflow as its TCP saw it at a sample instant (timeseries.csv's subflow rows).
  void subflow_sample(const SubflowDetail& detail, Instant at);

  // Computes the metrics and writes the run's folder (created if needed): summary.json,
  // timeseries.csv, events.csv, scenario.yaml and metadata.json. Returns the run's figures, as
  // summary.json has them.
  RunFigures finish(const RunTotals& totals, Instant end, const std::filesystem::path& dir) const;

  const MetricsCollector& metrics() const { return metrics_; }

 private:
  struct Row {
    Instant at;
    std::string source;
    std::string event;
    std::optional<PathId> path;
    std::optional<ConnectionToken> connection;
    std::string detail;
  };
  struct Sample {
    std::uint64_t bytes = 0;
    bool up = false;
  };
  // A subflow row, compact: a run of 1,000 connections keeps millions of them until it ends.
  // Its addresses, ports and path are those of subflow_names_[subflow].
  struct SubflowRow {
    Instant at;
    std::uint32_t subflow = 0;
    std::uint32_t retransmissions = 0;
    std::uint64_t bytes = 0;
    float rtt_s = 0;          // NaN: not known
    std::uint32_t cwnd = 0;   // kNoCwnd: not known
  };
  static constexpr std::uint32_t kNoCwnd = ~std::uint32_t{0};

  void log(Instant at, std::string_view source, std::string_view event, std::optional<PathId> path,
           std::optional<ConnectionToken> connection, std::string detail);
  std::string path_name(std::optional<PathId> path) const;
  void write_events(const std::filesystem::path& file) const;
  void write_timeseries(const std::filesystem::path& file) const;
  void write_requests(const std::filesystem::path& file, Instant end) const;
  void write_summary(const std::filesystem::path& file, const RunTotals& totals, Instant end,
                     const std::vector<OutageFigures>& outages) const;
  void write_metadata(const std::filesystem::path& file) const;
  // The probes sent per second on `path`: overall, while the detector had it up, while down.
  nlohmann::ordered_json probe_rate(PathId path, Instant end) const;
  void write_scenario(const std::filesystem::path& file) const;

  const Scenario& scenario_;
  RunIdentity identity_;
  MetricsCollector metrics_;
  std::vector<Row> rows_;
  std::vector<std::vector<double>> probe_rtts_;  // per path, seconds
  // Per path: the probes sent, and those sent while the detector had it down.
  struct ProbeCount {
    std::uint64_t sent = 0;
    std::uint64_t sent_while_down = 0;
    std::optional<Instant> down_since;
    Duration down_for{};
  };
  std::vector<ProbeCount> probe_counts_;
  // instant -> (connection, path) -> sample
  std::map<Instant, std::map<std::pair<ConnectionToken, PathId>, Sample>> samples_;
  // Every subflow seen, as the first columns of its rows show it, and its index there.
  std::vector<SubflowDetail> subflow_names_;
  std::map<std::tuple<ConnectionToken, PathId, std::uint16_t, std::string, std::uint16_t>, std::uint32_t> subflow_index_;
  std::vector<SubflowRow> subflow_rows_;  // in time order
  std::vector<std::pair<RequestTiming, Duration>> requests_;  // with their group's timeout
};

// results/<scenario>/<backend>-<policy>-<seed>, under `root`.
std::filesystem::path default_run_dir(const std::filesystem::path& root, const Scenario& scenario,
                                      const RunIdentity& identity);

}  // namespace mprecover
