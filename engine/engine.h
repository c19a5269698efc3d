// The recovery engine: one path health detector per path and a path manager policy, sans-I/O.
//
// A backend drives it like this (quinn-proto's Connection model):
//   engine.on_timeout(now);                 // at start and whenever now >= next_deadline()
//   engine.on_event(event, now);            // for every probe result, link change, PM event
//   while (auto a = engine.poll_action())   // after each of the two calls above
//     carry_out(*a);
//   while (auto n = engine.poll_notice())
//     log(*n);
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "actions.h"
#include "config.h"
#include "connection_table.h"
#include "events.h"
#include "notices.h"
#include "output.h"
#include "path_health_detector.h"
#include "path_manager_policy.h"

namespace mprecover {

class Engine {
 public:
  // Throws std::invalid_argument if the policy cannot run with `caps` or path_count is 0.
  Engine(const EngineConfig& config, std::size_t path_count, const BackendCapabilities& caps, Instant start);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Call for every event the backend observes. Throws std::logic_error if `now` is earlier than
  // the previous call's, std::out_of_range for a path the engine does not know.
  void on_event(const Event& event, Instant now);

  // Call when now >= next_deadline(); calling early is harmless.
  void on_timeout(Instant now);

  // Call at every sample of the byte counters: the connection's cumulative bytes through `path`.
  // Not an Event: it is not logged, and it decides nothing by itself.
  void on_progress(ConnectionToken token, PathId path, std::uint64_t bytes, Instant now);

  // Call until empty after each on_event / on_timeout; carry out the actions in order.
  std::optional<Action> poll_action() { return out_.pop_action(); }
  // Call until empty after each on_event / on_timeout; for the event log and the metrics.
  std::optional<Notice> poll_notice() { return out_.pop_notice(); }

  // The earliest instant at which on_timeout has work to do.
  Instant next_deadline() const;

  // Which kernel path manager the backend must set up for this engine's policy.
  PathManagerMode path_manager() const { return policy_->mode(); }
  // The program to run when path_manager() is PathManagerMode::daemon.
  const std::string& daemon() const { return daemon_; }
  PathState path_state(PathId path) const { return detectors_.at(path).state(); }
  const ConnectionTable& connections() const { return connections_; }

 private:
  void advance(Instant now);
  void check_path(PathId path) const;
  void tell_policy(PathId path, Transition transition, Instant now);

  Instant now_;
  Output out_;
  ConnectionTable connections_;
  ProgressTable progress_;
  std::vector<PathHealthDetector> detectors_;
  std::unique_ptr<PathManagerPolicy> policy_;
  std::string daemon_;
};

}  // namespace mprecover
