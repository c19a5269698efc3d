// A network in memory behind the network port, for the driver's tests: a manual clock with
// timers, paths that carry traffic unless a fault cuts them, probes answered after a round trip,
// MPTCP connections with subflows on each path in either path manager, byte counters that grow
// while a subflow can carry data, and a log of every fault and path-manager call the driver made.
// A subflow that outlives a cut of its path stays stalled, as one stuck in TCP's backoff would
// for long: only a subflow established after the cut carries data again.
#pragma once

#include <cerrno>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/network/network_port.h"
#include "support/manual_clock.h"

namespace mprecover::testing {

class ScriptedNetwork final : public NetworkPort {
 public:
  // What a subflow carries per second while its path works.
  static constexpr std::uint64_t kBytesPerSecond = 1'000'000;

  explicit ScriptedNetwork(std::size_t paths) : paths_(paths) {}

  // ---- The test's levers.
  // The path-manager programs it offers to run (none: the engine models mptcpd).
  std::vector<std::string> daemons;
  void set_rtt(Duration rtt) { rtt_ = rtt; }
  // The server will see a wrong byte at `offset` of the n-th connection (0-based).
  void corrupt_connection(std::size_t n, std::uint64_t offset) { corrupt_[n] = offset; }
  // The n-th connection never reaches the server.
  void lose_connection(std::size_t n) { lost_.insert(n); }
  // What the driver asked for, in order, and when.
  const std::vector<std::pair<Instant, ConnectionRequest>>& requests() const { return requests_; }
  // Kind command: the failures its programs report at the end (none: they worked).
  std::vector<std::string> command_failures;
  // SUBFLOW_CREATE answers `error` from now on (0: it works).
  void refuse_subflows(int error) { refuse_ = error; }
  // Calls `callback` at `when`, as any timer (for a test that acts in the middle of a run).
  void at_time(Instant when, std::function<void()> callback) { at(when, std::move(callback)); }

  // ---- What the driver did.
  // "t=10.000 blackhole wan0 on", "t=0.000 endpoint add 1", ...: faults and path-manager calls.
  const std::vector<std::string>& log() const { return log_; }
  // The instants at which the driver sampled the counters.
  const std::vector<Instant>& sample_times() const { return sample_times_; }
  std::size_t probes_sent() const { return probes_sent_; }
  const std::optional<PathManagerMode>& path_manager() const { return mode_; }

  // ---- The port.
  Instant now() const override { return clock_.now(); }
  TimerId at(Instant when, std::function<void()> callback) override {
    const TimerId id = ++next_timer_;
    timers_.emplace(std::max(when, clock_.now()), std::make_pair(id, std::move(callback)));
    return id;
  }
  void cancel(TimerId timer) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it)
      if (it->second.first == timer) {
        timers_.erase(it);
        return;
      }
  }
  Instant run(Instant until) override {
    halted_ = false;
    while (!halted_ && !timers_.empty() && timers_.begin()->first <= until) {
      auto node = timers_.extract(timers_.begin());
      advance_counters(node.key());
      node.mapped().second();
    }
    if (!halted_) advance_counters(until);
    return clock_.now();
  }
  void halt() override { halted_ = true; }
  void observe(NetworkObserver& observer) override { observer_ = &observer; }

  void set_blackhole(PathId path, bool on) override {
    record("blackhole " + std::to_string(path) + (on ? " on" : " off"));
    paths_[path].blackhole = on;
    if (on) ++paths_[path].cuts;
  }
  void set_link(PathId path, bool up) override {
    record("link " + std::to_string(path) + (up ? " up" : " down"));
    paths_[path].link_up = up;
    if (!up) ++paths_[path].cuts;
    later(LinkChanged{path, up ? LinkChange::carrier_up : LinkChange::carrier_down});
  }
  void abort_subflows(PathId path) override {
    record("abort " + std::to_string(path));
    for (auto& [token, c] : connections_)
      for (const std::uint16_t port : take(c, path)) later(MptcpSubClosed{token, path, ECONNRESET, port});
  }
  void readdress(PathId path) override {
    record("readdress " + std::to_string(path));
    if (observer_) observer_->on_network_note("readdressed", path, "10.1." + std::to_string(path + 1) + ".2");
  }
  void shape(PathId path, const PathShape& shape) override {
    std::string text = "shape " + std::to_string(path);
    if (shape.rate) text += " rate=" + std::to_string(*shape.rate);
    if (shape.delay) text += " delay=" + std::to_string(to_seconds(*shape.delay));
    if (shape.loss) text += " loss=" + std::to_string(*shape.loss);
    record(text);
  }

  BackendCapabilities capabilities() const override { return {.userspace_pm = true, .daemons = daemons}; }
  void use_path_manager(PathManagerMode mode) override { mode_ = mode; }
  void start_daemon(const std::string& name) override { record("daemon " + name); }
  void mark_endpoint_backup(PathId path) override { record("endpoint backup " + std::to_string(path)); }
  void set_subflow_limit(std::uint32_t subflows) override { record("limit " + std::to_string(subflows)); }
  void add_endpoint(PathId path, bool backup) override {
    record("endpoint add " + std::to_string(path) + (backup ? " backup" : ""));
    endpoints_.insert(path);
    for (auto& [token, c] : connections_) join(token, path);
  }
  void delete_endpoint(PathId path) override {
    record("endpoint delete " + std::to_string(path));
    endpoints_.erase(path);
    for (auto& [token, c] : connections_)
      for (const std::uint16_t port : take(c, path)) later(MptcpSubClosed{token, path, 0, port});
  }
  // As the kernel's userspace PM: a second subflow from the same address is a new subflow.
  int create_subflow(ConnectionToken token, PathId path, bool backup) override {
    record("create " + std::to_string(token) + " " + std::to_string(path) + (backup ? " backup" : ""));
    if (refuse_ != 0) return refuse_;
    join(token, path);
    return 0;
  }
  void destroy_subflow(ConnectionToken token, PathId path) override {
    record("destroy " + std::to_string(token) + " " + std::to_string(path));
  }
  void retire_subflow(ConnectionToken token, PathId path, std::uint16_t port) override {
    record("retire " + std::to_string(token) + " " + std::to_string(path) + " " + std::to_string(port));
    if (connections_.at(token).subflows.erase({path, port}) > 0) later(MptcpSubClosed{token, path, 0, port});
  }

  void send_probe(const SendProbe& probe) override {
    ++probes_sent_;
    if (works(probe.path)) later(ProbeResult{probe.path, probe.probe_id, true}, rtt_);
  }

  void open_connection(const ConnectionRequest& request) override {
    const ConnectionToken token = static_cast<ConnectionToken>(100 + opened_++);
    connections_[token].bytes = request.bytes;
    connections_[token].group = request.group;
    connections_[token].direction = request.direction;
    requests_.push_back({now(), request});
    if (!works(0)) return;
    later(MptcpCreated{token, 0});
    at(now() + rtt_, [this, token] {
      Connection& c = connections_.at(token);
      c.established = true;
      const std::uint16_t port = next_port_++;
      c.subflows.insert({0, port});
      c.cuts_at_start[port] = paths_[0].cuts;
      emit(MptcpEstablished{token, 0, port});
      if (mode_ == PathManagerMode::in_kernel)
        for (PathId p : endpoints_) join(token, p);
    });
  }
  // The client's program opens one connection, as `iperf3 -c` opens its data connection, and ends
  // after its time.
  void run_commands(const TrafficCommands& commands) override {
    record("commands " + commands.client + " for " + std::to_string(to_seconds(commands.client_time)) + " s");
    open_connection({});
    at(now() + commands.client_time, [this] {
      if (observer_ != nullptr) observer_->on_traffic_over("the client command exited with code 0");
    });
  }
  std::vector<SubflowSample> sample() override {
    sample_times_.push_back(now());
    std::vector<SubflowSample> out;
    for (const auto& [token, c] : connections_) {
      if (!c.established) continue;
      for (PathId p = 0; p < paths_.size(); ++p) {
        const auto carried = c.carried.find(p);
        out.push_back({token, p, carried == c.carried.end() ? 0 : carried->second, on(c, p) > 0, c.group});
      }
    }
    return out;
  }
  // A subflow per connection and (path, port), its counters made up from what the path carried.
  std::vector<SubflowDetail> subflow_details() override {
    subflow_detail_times_.push_back(now());
    std::vector<SubflowDetail> out;
    for (const auto& [token, c] : connections_) {
      for (const auto& [path, port] : c.subflows) {
        const auto carried = c.carried.find(path);
        out.push_back({token, path, "10.0." + std::to_string(path) + ".2", port, "192.0.2.1", 5201,
                       carried == c.carried.end() ? 0 : carried->second, to_seconds(rtt_), 10, 0});
      }
    }
    return out;
  }
  const std::vector<Instant>& subflow_detail_times() const { return subflow_detail_times_; }

  TrafficReport traffic_report() const override {
    TrafficReport report;
    std::size_t n = 0;
    for (const auto& [token, c] : connections_) {
      std::uint64_t total = 0;
      for (const auto& [path, bytes] : c.carried) total += bytes;
      report.bytes_sent += total;
      if (c.established && lost_.count(n) == 0) {
        // Each way the connection carries: what the path carried stands for each stream.
        for (const TrafficDirection way : {TrafficDirection::upload, TrafficDirection::download}) {
          if (!(way == TrafficDirection::upload ? client_sends(c.direction) : server_sends(c.direction))) continue;
          ReceivedStream stream{"connection " + std::to_string(token), total, c.bytes && total >= *c.bytes, {}, c.group,
                                way};
          if (const auto bad = corrupt_.find(n); bad != corrupt_.end()) stream.first_mismatch = bad->second;
          report.received.push_back(stream);
        }
      }
      ++n;
    }
    report.failures = command_failures;
    return report;
  }

  bool simulated() const override { return true; }
  bool delay_emulated() const override { return true; }
  std::string delay_method() const override { return "scripted"; }
  std::string scheduler() const override { return "scripted"; }
  // Tells the driver the network cannot go on, at `when`.
  void fail_at(Instant when, std::string reason) {
    at(when, [this, reason] {
      if (observer_) observer_->on_network_failure(reason);
    });
  }
  std::vector<std::string> notes() const override { return {"scripted network"}; }
  std::vector<std::pair<std::string, std::string>> run_files() const override { return {{"scripted.txt", "scripted\n"}}; }

 private:
  struct Path {
    bool blackhole = false;
    bool link_up = true;
    unsigned cuts = 0;  // how often the path was cut so far
  };
  struct Connection {
    std::optional<std::uint64_t> bytes;
    std::size_t group = 0;
    TrafficDirection direction = TrafficDirection::upload;
    bool established = false;
    std::set<std::pair<PathId, std::uint16_t>> subflows;  // (path, local port)
    std::map<std::uint16_t, unsigned> cuts_at_start;       // by port: its path's cuts then
    std::map<PathId, std::uint64_t> carried;
  };

  bool works(PathId path) const { return !paths_[path].blackhole && paths_[path].link_up; }

  void record(const std::string& what) {
    char t[32];
    std::snprintf(t, sizeof t, "t=%.3f ", to_seconds(now()));
    log_.push_back(t + what);
  }

  // A subflow on `path` is established after a round trip if the path works then.
  void join(ConnectionToken token, PathId path) {
    if (path >= paths_.size()) return;
    at(now() + rtt_, [this, token, path] {
      Connection& c = connections_.at(token);
      if (!works(path)) return;
      const std::uint16_t port = next_port_++;
      c.subflows.insert({path, port});
      c.cuts_at_start[port] = paths_[path].cuts;
      emit(MptcpSubEstablished{token, path, port});
    });
  }

  // A subflow on the path that has seen no cut since it was established.
  bool progressing(const Connection& c, PathId path) const {
    for (const auto& [p, port] : c.subflows)
      if (p == path && c.cuts_at_start.at(port) == paths_[path].cuts) return true;
    return false;
  }

  static std::size_t on(const Connection& c, PathId path) {
    std::size_t n = 0;
    for (const auto& [p, port] : c.subflows) n += p == path ? 1 : 0;
    return n;
  }
  // Takes every subflow of the connection off `path`; returns their ports.
  static std::vector<std::uint16_t> take(Connection& c, PathId path) {
    std::vector<std::uint16_t> ports;
    for (auto it = c.subflows.begin(); it != c.subflows.end();) {
      if (it->first != path) {
        ++it;
        continue;
      }
      ports.push_back(it->second);
      it = c.subflows.erase(it);
    }
    return ports;
  }

  void emit(const Event& event) {
    if (observer_) observer_->on_network_event(event);
  }
  // Events reach the driver from a turn of their own, never from inside a port call.
  void later(const Event& event, Duration after = Duration{0}) {
    at(now() + after, [this, event] { emit(event); });
  }

  // Every subflow that can carry data carries kBytesPerSecond until `to`.
  void advance_counters(Instant to) {
    const double seconds = to_seconds(to - clock_.now());
    for (auto& [token, c] : connections_) {
      if (!c.established) continue;
      std::uint64_t total = 0;
      for (const auto& [path, bytes] : c.carried) total += bytes;
      std::set<PathId> paths;
      for (const auto& [p, port] : c.subflows) paths.insert(p);
      for (PathId p : paths) {
        if (!works(p) || !progressing(c, p)) continue;
        auto more = static_cast<std::uint64_t>(seconds * kBytesPerSecond);
        if (c.bytes) more = std::min(more, *c.bytes - total);
        c.carried[p] += more;
        total += more;
      }
    }
    clock_.set(to);
  }

  ManualClock clock_;
  std::vector<Path> paths_;
  Duration rtt_ = std::chrono::milliseconds{20};
  NetworkObserver* observer_ = nullptr;
  std::optional<PathManagerMode> mode_;
  TimerId next_timer_ = 0;
  std::multimap<Instant, std::pair<TimerId, std::function<void()>>> timers_;
  bool halted_ = false;
  std::set<PathId> endpoints_;
  std::map<ConnectionToken, Connection> connections_;
  std::size_t opened_ = 0;
  std::vector<std::pair<Instant, ConnectionRequest>> requests_;
  std::map<std::size_t, std::uint64_t> corrupt_;
  std::set<std::size_t> lost_;
  int refuse_ = 0;
  std::uint16_t next_port_ = 40000;
  std::size_t probes_sent_ = 0;
  std::vector<std::string> log_;
  std::vector<Instant> sample_times_;
  std::vector<Instant> subflow_detail_times_;
};

}  // namespace mprecover::testing
