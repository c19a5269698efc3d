// The network port: everything the driver needs from a network, and the only way it reaches one.
// Each backend implements it around its own topology, model or kernel (backends/sim,
// backends/netns); the driver's tests implement it in memory (tests/support/scripted_network.h).
// As Shadow's single dependency interface, it keeps ns-3, netlink and sockets out of the driver.
// C++17-clean: the sim adapter compiles it against ns-3 3.37, whose headers are C++17 only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/network/path_shape.h"
#include "core/network/request_response.h"
#include "core/network/traffic.h"
#include "engine/actions.h"
#include "engine/clock.h"
#include "engine/config.h"
#include "engine/events.h"
#include "engine/ids.h"
#include "engine/path_manager_policy.h"

namespace mprecover {

// Where a port reports what happens on its network. A port calls it from its own clock's turns (a
// timer, a simulator event, a ready socket), never from inside one of its own methods, so that the
// driver is never re-entered.
class NetworkObserver {
 public:
  virtual ~NetworkObserver() = default;
  // A probe's answer or failure, a change of a client link, an MPTCP path-manager event.
  virtual void on_network_event(const Event& event) = 0;
  // What the backend did or saw that the engine does not need, as a line of events.csv
  // ("readdressed" and the new address, "subflows_destroyed", "leftover_removed", ...).
  virtual void on_network_note(std::string_view what, std::optional<PathId> path, std::string_view detail) = 0;
  // The network cannot go on as the scenario asks (a helper process died, ...): the run stops
  // with this reason and writes no results.
  virtual void on_network_failure(std::string_view reason) = 0;
  // The traffic is over before the end of the run (kind command: the client's program ended, in
  // `how`): the run ends here, and its figures with it, rather than count an idle tail as lost.
  virtual void on_traffic_over(std::string_view how) = 0;
};

// One connection's byte counter on one path, as the driver samples it.
struct SubflowSample {
  ConnectionToken token = 0;
  PathId path = 0;
  std::uint64_t bytes = 0;  // cumulative bytes of the connection carried through the path
  bool up = false;          // a subflow of the connection is established on the path
  std::size_t group = 0;    // the traffic group it belongs to (ConnectionRequest::group)
};

// One established subflow as the client's (sending) TCP sees it: timeseries.csv's subflow rows.
struct SubflowDetail {
  ConnectionToken token = 0;
  PathId path = 0;
  std::string local_address;  // the client's end
  std::uint16_t local_port = 0;
  std::string remote_address;  // the server's end
  std::uint16_t remote_port = 0;
  // Bytes the subflow carried: what the server acknowledged (tcpi_bytes_acked) and what the client
  // received from it (tcpi_bytes_received, a download).
  std::uint64_t bytes = 0;
  std::optional<double> rtt_s;         // smoothed round trip (tcpi_rtt); none before the first sample
  std::optional<std::uint32_t> cwnd;   // congestion window in segments (tcpi_snd_cwnd)
  std::uint32_t retransmissions = 0;   // segments retransmitted over the subflow's life (tcpi_total_retrans)
};

// A connection from the client to the server, carrying data either way.
struct ConnectionRequest {
  std::optional<std::uint64_t> bytes;  // for the sending side to send; none: until the end of the run
  // The application's pace: none sends as fast as the network takes it; a rate makes data from the
  // moment the connection is opened (what is not sent yet waits).
  std::optional<AppRate> rate;
  // Which side sends: `bytes` and `rate` are the sending application's.
  TrafficDirection direction = TrafficDirection::upload;
  // Request/response (direction both): the client's application sends requests and the server's
  // answers each (request_response.h) instead of each sending a stream of its own pace.
  std::optional<RequestResponse> exchange;
  std::size_t group = 0;  // the scenario's traffic group, which the port gives back with its figures
};

// What the server received of one connection, at the end of the run.
struct ReceivedStream {
  std::string connection;  // the backend's name for it in notes: "the connection from port 40312"
  std::uint64_t bytes = 0;
  bool complete = false;                        // the sender's end of stream arrived
  std::optional<std::uint64_t> first_mismatch;  // where the bytes first differ from those sent
  std::size_t group = 0;                        // the traffic group of the connection that sent them
  // Which way it flowed: received by the server (upload) or by the client (download).
  TrafficDirection direction = TrafficDirection::upload;
};

struct TrafficReport {
  std::uint64_t bytes_sent = 0;
  // One per connection that reached the server and direction it carries.
  std::vector<ReceivedStream> received;
  // Connections that failed on the client's side, or commands that failed or ended early, in words.
  std::vector<std::string> failures;
  // Every request of request/response connections, as their clients saw them.
  std::vector<RequestTiming> requests;
};

// The kernel's largest MPTCP subflow limit (MPTCP_PM_ADDR_MAX): additional subflows per connection.
constexpr std::uint32_t kMaxSubflowLimit = 8;

class NetworkPort {
 public:
  using TimerId = std::uint64_t;
  virtual ~NetworkPort() = default;

  // ---- The clock: simulated time or the monotonic clock; Instant{} is the start of the run.
  virtual Instant now() const = 0;
  // Calls `callback` once at `when`, or on the next turn if that has passed. Timers due at the
  // same instant run in the order they were set.
  virtual TimerId at(Instant when, std::function<void()> callback) = 0;
  // Harmless for a timer that has fired or was cancelled.
  virtual void cancel(TimerId timer) = 0;
  // Plays the timers and the network until `until` or halt(); returns where the clock stopped.
  virtual Instant run(Instant until) = 0;
  // From a callback: run() returns once the callback does.
  virtual void halt() = 0;
  // Who hears of the network from now on; what the port noted while it was built goes to it at once.
  virtual void observe(NetworkObserver& observer) = 0;

  // ---- Faults on a path.
  // Drops every packet of the path both ways, or stops doing so; the link stays up.
  virtual void set_blackhole(PathId path, bool on) = 0;
  // The carrier of the client's link to the path's router.
  virtual void set_link(PathId path, bool up) = 0;
  // Aborts the path's subflows with a RST, as a NAT or modem reboot does.
  virtual void abort_subflows(PathId path) = 0;
  // Gives the client a new address on the path; the old one is gone (a PPPoE reconnect).
  virtual void readdress(PathId path) = 0;
  // Changes the path's rate, delay or loss; what `shape` leaves unset stays as it is.
  virtual void shape(PathId path, const PathShape& shape) = 0;

  // ---- The client's MPTCP path manager, as the kernel's mptcp_pm offers it.
  virtual BackendCapabilities capabilities() const = 0;
  // Before the first connection: the path manager the policy works with.
  virtual void use_path_manager(PathManagerMode mode) = 0;
  // PathManagerMode::daemon: runs the policy's path-manager program (mptcpd) for the client until
  // the run ends; it must be ready (its endpoints in place) when this returns. Throws when the
  // backend cannot run it, naming what is missing.
  virtual void start_daemon(const std::string& name) = 0;
  // PathManagerMode::daemon: gives the daemon's endpoint on the path's address the `backup` flag, as
  // an operator does (`ip mptcp endpoint change ... backup`): mptcpd gives every address the same
  // flags. Throws when there is no such endpoint.
  virtual void mark_endpoint_backup(PathId path) = 0;
  // In-kernel PM: `ip mptcp limits set subflows N` (at most kMaxSubflowLimit).
  virtual void set_subflow_limit(std::uint32_t subflows) = 0;
  // In-kernel PM: a `subflow` endpoint on the path's address, flagged `backup` on a backup path
  // (already there: nothing happens), and its deletion (none there: nothing happens).
  virtual void add_endpoint(PathId path, bool backup) = 0;
  virtual void delete_endpoint(PathId path) = 0;
  // Userspace PM: SUBFLOW_CREATE from the path's address, a backup subflow on a backup path; 0, or
  // the errno the path manager refused it with (EEXIST: the connection has a subflow there already).
  virtual int create_subflow(ConnectionToken token, PathId path, bool backup) = 0;
  // Userspace PM: SUBFLOW_DESTROY of the connection's subflows on the path.
  virtual void destroy_subflow(ConnectionToken token, PathId path) = 0;
  // Userspace PM: SUBFLOW_DESTROY of one subflow, the connection's on the path from local `port`.
  virtual void retire_subflow(ConnectionToken token, PathId path, std::uint16_t port) = 0;

  // ---- Probes, answered through on_network_event(ProbeResult).
  virtual void send_probe(const SendProbe& probe) = 0;

  // ---- Traffic.
  virtual void open_connection(const ConnectionRequest& request) = 0;
  // Kind command: starts the server's program, waits until it listens, then starts the client's;
  // their connections are sampled like the backend's own, and the client's end ends the run
  // (NetworkObserver::on_traffic_over). Throws when the backend cannot run them
  // (the driver never asks a backend whose table entry does not carry kind command).
  virtual void run_commands(const TrafficCommands& commands) = 0;
  // Every established connection's counter on every path, now.
  virtual std::vector<SubflowSample> sample() = 0;
  // Every established subflow of every connection at the last sample() (timeseries.csv's subflow
  // rows): the driver asks right after sampling, and a backend need not read its sockets twice.
  virtual std::vector<SubflowDetail> subflow_details() = 0;
  // At the end of the run.
  virtual TrafficReport traffic_report() const = 0;

  // ---- About the run, for its summary.
  // Simulated time, which the progress line shows the speed of; else real time.
  virtual bool simulated() const = 0;
  // Whether the paths had the delays the scenario asked for.
  virtual bool delay_emulated() const = 0;
  // How path delay was made: "simulated", "netem", "nfqueue", or "none".
  virtual std::string delay_method() const = 0;
  // The MPTCP packet scheduler that chose the subflow of each of the client's packets: the
  // kernel's net.mptcp.scheduler ("default"), or the sim model's ("min-rtt model").
  virtual std::string scheduler() const = 0;
  // What this backend emulated differently or left out.
  virtual std::vector<std::string> notes() const = 0;
  // Files for the run folder, name and contents (a daemon's log, ...).
  virtual std::vector<std::pair<std::string, std::string>> run_files() const = 0;
};

}  // namespace mprecover
