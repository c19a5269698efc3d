// The driver: one scenario run over time, written once for every backend. It walks the scenario's
// timeline (outages, traffic, sampling), feeds the engine what the network reports, carries out
// the engine's actions through the network port, and tells the recorder everything. A backend only
// implements the port (core/network/network_port.h).
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <optional>
#include <vector>

#include "core/network/network_port.h"
#include "core/results/run_recorder.h"
#include "core/scenario/scenario.h"
#include "engine/engine.h"

namespace mprecover {

struct RunOutcome {
  RunTotals totals;
  Instant end;  // how far the run got: the scenario's duration unless it was stopped
};

class Driver final : private NetworkObserver {
 public:
  // How often the byte counters go to timeseries.csv and the metrics, on the run's clock.
  static constexpr Duration kSampleInterval = std::chrono::milliseconds{100};

  // Sets up the client's path manager for the policy through `network`. Throws
  // std::invalid_argument when the policy cannot work with what the network offers.
  Driver(const Scenario& scenario, const EngineConfig& config, NetworkPort& network, RunRecorder& recorder,
         const std::atomic<bool>& stop);
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // Plays the scenario to its end, or until `stop` becomes true (checked at every sample).
  RunOutcome run();

 private:
  void on_network_event(const Event& event) override;
  void on_network_note(std::string_view what, std::optional<PathId> path, std::string_view detail) override;
  void on_network_failure(std::string_view reason) override;
  void on_traffic_over(std::string_view how) override;

  void set_up_path_manager();
  void feed(const Event& event);
  void on_engine_timer();
  // Logs the engine's notices, carries out its actions and arms its next deadline.
  void pump();
  void carry(const Action& action);
  void create_subflow(const CreateSubflow& create);
  void measure_round_trip(const ProbeResult& probe, Instant now);
  // A scenario event: it ends the path's outage in progress, and may start another.
  void apply(const PathEvent& event);
  void end_outage(PathId path);
  void open_connection(std::size_t group);  // one of scenario.traffic[group]
  void sample();
  void show_progress();
  RunTotals totals(const TrafficReport& report) const;
  void check_streams(const TrafficReport& report, RunTotals& totals) const;

  const Scenario& scenario_;
  NetworkPort& net_;
  RunRecorder& recorder_;
  const std::atomic<bool>& stop_;
  Engine engine_;
  std::optional<NetworkPort::TimerId> engine_timer_;
  std::vector<const OutageKind*> outage_;  // per path: the outage in progress, or nullptr
  // Probes in flight on a path without an outage, by id: when they were sent.
  std::map<std::uint64_t, std::pair<PathId, Instant>> probes_sent_;
  std::optional<std::string> failure_;  // why the network could not go on
  bool show_progress_;
  std::chrono::steady_clock::time_point wall_start_;
  std::chrono::steady_clock::time_point last_progress_;
  std::uint64_t samples_taken_ = 0;
};

}  // namespace mprecover
