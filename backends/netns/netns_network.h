// The netns backend's network port: the scenario's topology in network namespaces of its own, the
// live kernel's MPTCP over netlink, probes and bulk MPTCP traffic, all on one event loop (epoll and
// a timerfd on the monotonic clock). The driver (core/driver) runs the scenario over it.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backends/netns/bulk_client.h"
#include "backends/netns/bulk_server.h"
#include "backends/netns/command_traffic.h"
#include "backends/netns/daemon_process.h"
#include "backends/netns/event_loop.h"
#include "backends/netns/link_monitor.h"
#include "backends/netns/mptcp_event_listener.h"
#include "backends/netns/mptcp_pm_client.h"
#include "backends/netns/mptcp_socket_info.h"
#include "backends/netns/path_faults.h"
#include "backends/netns/path_prober.h"
#include "backends/netns/probe_responders.h"
#include "backends/netns/sock_diag_socket.h"
#include "backends/netns/subflow_byte_counter.h"
#include "backends/netns/topology.h"
#include "core/network/network_port.h"
#include "core/scenario/scenario.h"

namespace mprecover::netns {

class NetnsNetwork final : public NetworkPort {
 public:
  // Builds the topology and enables MPTCP in the client and server namespaces; throws NetnsError
  // with the step that failed (everything built by then is removed again). `delay`: how the paths
  // get their delay, what this kernel offers unless a test says otherwise.
  explicit NetnsNetwork(const Scenario& scenario, const DelaySupport& delay = netns::delay_support());
  ~NetnsNetwork() override;
  NetnsNetwork(const NetnsNetwork&) = delete;
  NetnsNetwork& operator=(const NetnsNetwork&) = delete;

  Instant now() const override { return loop_.now(); }
  TimerId at(Instant when, std::function<void()> callback) override { return loop_.at(when, std::move(callback)); }
  void cancel(TimerId timer) override { loop_.cancel(timer); }
  Instant run(Instant until) override;
  void halt() override { loop_.quit(); }
  void observe(NetworkObserver& observer) override;

  void set_blackhole(PathId path, bool on) override { faults_.set_blackhole(path, on); }
  void set_link(PathId path, bool up) override { faults_.set_link(path, up); }
  void abort_subflows(PathId path) override;
  void readdress(PathId path) override;
  void shape(PathId path, const PathShape& shape) override;

  BackendCapabilities capabilities() const override;
  void use_path_manager(PathManagerMode mode) override;
  void start_daemon(const std::string& name) override;
  void mark_endpoint_backup(PathId path) override;
  void set_subflow_limit(std::uint32_t subflows) override;
  void add_endpoint(PathId path, bool backup) override;
  void delete_endpoint(PathId path) override;
  int create_subflow(ConnectionToken token, PathId path, bool backup) override;
  void destroy_subflow(ConnectionToken token, PathId path) override;
  void retire_subflow(ConnectionToken token, PathId path, std::uint16_t port) override;

  void send_probe(const SendProbe& probe) override;

  void open_connection(const ConnectionRequest& request) override;
  void run_commands(const TrafficCommands& commands) override;
  std::vector<SubflowSample> sample() override;
  std::vector<SubflowDetail> subflow_details() override;
  TrafficReport traffic_report() const override;

  bool simulated() const override { return false; }
  bool delay_emulated() const override;
  std::string delay_method() const override;
  std::string scheduler() const override;
  std::vector<std::string> notes() const override;
  std::vector<std::pair<std::string, std::string>> run_files() const override;

  // The NFQUEUE delay line when that is how the paths get their delay (else null): for tests and
  // measurements.
  DelayLine* delay_line() { return topology_.delay_line(); }

 private:
  void note(std::string_view what, std::optional<PathId> path, std::string_view detail);
  void deliver(const Event& event);
  void on_kernel_events();
  // The delay line failed: the paths it serves are cut off, and the run cannot go on.
  void on_delay_line_failure();
  // The userspace PM remembers each connection's local addresses by id: after a readdress the
  // path's subflows need an id of their own.
  std::uint8_t subflow_local_id(PathId path) const;
  // The path's delay by the topology's delay method; without one, only noted for the summary.
  void set_delay(PathId path, Duration delay);
  // One of mprecover's own connections (not a program's): its client, and its traffic group.
  struct OwnConnection {
    std::unique_ptr<BulkClient> client;
    std::size_t group = 0;
  };
  const OwnConnection* own_connection(ConnectionToken token) const;
  // The connection's subflows now: through its socket if it is ours, else through sock_diag.
  std::vector<SubflowInfo> subflows_of(ConnectionToken token);
  // The path whose LAN a client address is on (the plan's family), as the kernel's readers take it.
  PathOfAddress path_of_client() const;
  // One reading of a connection's subflows into its per-path counters and the samples.
  void count(ConnectionToken token, std::size_t group, std::vector<SubflowInfo> subflows,
             std::vector<SubflowSample>& samples);

  // Runs in one process (threads of the Python module) take turns: each one's namespaces are its
  // own, but the kernel's MPTCP events, CPU and rates are shared, and timing is what we measure.
  std::unique_lock<std::mutex> turn_;
  const Scenario& scenario_;
  // Declared before the sockets so that it goes after them: they live in its namespaces.
  Topology topology_;
  EventLoop loop_;
  PathFaults faults_;
  MptcpPmClient client_pm_;
  MptcpPmClient server_pm_;
  MptcpEventListener kernel_events_;
  LinkMonitor link_monitor_;
  ProbeResponders responders_;
  PathProber prober_;
  std::optional<BulkServer> server_;  // not for kind command: the server's program has the port
  NetworkObserver* observer_ = nullptr;
  std::vector<std::pair<std::string, std::string>> early_notes_;  // (what, detail) before observe()
  std::deque<OwnConnection> own_connections_;  // a deque: own_by_token_ points into it
  std::map<ConnectionToken, const OwnConnection*> own_by_token_;
  std::map<ConnectionToken, SubflowByteCounter> bytes_by_token_;
  std::map<ConnectionToken, std::vector<SubflowInfo>> sampled_subflows_;  // what the last sample() read
  std::vector<unsigned> readdresses_;  // per path: how often its address changed
  std::unique_ptr<DaemonProcess> daemon_;  // the policy's path-manager program, if it has one
  // Kind command: the programs, the MPTCP connections they opened (by token), and how they are read.
  std::unique_ptr<CommandTraffic> commands_;
  std::set<ConnectionToken> command_tokens_;
  std::size_t command_connections_ = 0;  // every one the programs opened, closed ones too
  std::optional<SockDiagSocket> client_diag_;
  bool delay_not_emulated_ = false;    // a degrade asked for a delay this kernel cannot give
};

}  // namespace mprecover::netns
