// One scenario run on the live kernel: the topology in namespaces, kernel MPTCP, probes and bulk
// traffic, all on one event loop that drives the engine with the monotonic clock and reports
// everything to the run's recorder. The netns counterpart of sim/helper/scenario-run.h.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "harness/backend.h"
#include "harness/results/run_recorder.h"
#include "harness/scenario/scenario.h"
#include "realnet/bulk_sender.h"
#include "realnet/bulk_server.h"
#include "realnet/event_loop.h"
#include "realnet/link_monitor.h"
#include "realnet/mptcp_event_listener.h"
#include "realnet/mptcp_pm_client.h"
#include "realnet/path_faults.h"
#include "realnet/path_prober.h"
#include "realnet/probe_responders.h"
#include "realnet/subflow_byte_counter.h"
#include "realnet/topology.h"

namespace mprecover::realnet {

class NetnsRun {
 public:
  // Builds the topology and sets up the kernel's path manager for the policy; throws
  // RealnetError with the step that failed (everything built by then is removed again).
  NetnsRun(const Scenario& scenario, const EngineConfig& config, RunRecorder& recorder,
           const std::atomic<bool>& stop);
  ~NetnsRun();
  NetnsRun(const NetnsRun&) = delete;
  NetnsRun& operator=(const NetnsRun&) = delete;

  // Plays the scenario in real time to its end, or until `stop` becomes true.
  RunOutcome run();

 private:
  void set_up_path_manager();
  void feed(const Event& event);
  void on_kernel_events();
  void on_engine_timer();
  // Carries out the engine's actions, logs its notices and arms its next deadline.
  void pump();
  void carry(const Action& action);
  void create_subflow(ConnectionToken token, PathId path);
  std::uint8_t subflow_local_id(PathId path) const;
  void destroy_subflow(ConnectionToken token, PathId path);
  void apply_path_event(const PathEvent& event);
  void end_outage(PathId path);
  void abort_subflows(PathId path);
  // The path's one-way delay where the kernel has netem; else only noted for the summary.
  void set_delay(PathId path, Duration delay);
  void open_connection();
  void sample();
  void show_progress();
  BulkSender* sender_of(ConnectionToken token);
  RunTotals totals() const;

  const Scenario& scenario_;
  RunRecorder& recorder_;
  const std::atomic<bool>& stop_;
  // Declared first so that it goes last: every socket below lives in its namespaces.
  Topology topology_;
  EventLoop loop_;
  Engine engine_;
  PathFaults faults_;
  MptcpPmClient client_pm_;
  MptcpPmClient server_pm_;
  MptcpEventListener kernel_events_;
  LinkMonitor link_monitor_;
  ProbeResponders responders_;
  PathProber prober_;
  BulkServer server_;
  std::vector<std::unique_ptr<BulkSender>> senders_;
  std::map<ConnectionToken, BulkSender*> sender_by_token_;
  std::map<ConnectionToken, SubflowByteCounter> bytes_by_token_;
  std::optional<EventLoop::TimerId> engine_timer_;
  std::vector<std::optional<PathEventKind>> outage_;  // per path: the outage in progress
  std::vector<unsigned> readdresses_;                 // per path: how often its address changed
  bool delay_not_emulated_ = false;  // a degrade asked for a delay this kernel cannot give
  std::chrono::steady_clock::time_point last_progress_;
  bool show_progress_;
};

}  // namespace mprecover::realnet
