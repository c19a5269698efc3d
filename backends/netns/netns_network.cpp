#include "backends/netns/netns_network.h"

#include <sys/epoll.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <cstdio>

#include "backends/netns/device_names.h"
#include "backends/netns/mptcp_socket_info.h"
#include "backends/netns/mptcp_subflow_diag.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/socket_destroyer.h"
#include "backends/netns/sysctl.h"

namespace mprecover::netns {

namespace {

constexpr std::uint16_t kMptcpPort = 5201;
// The kernel's cap on subflow limits (MPTCP_PM_ADDR_MAX): the server accepts a join on every path,
// and a rebuilt one while the dead one is going.

std::mutex g_kernel_in_use;

std::uint8_t endpoint_id(PathId path) { return static_cast<std::uint8_t>(path + 1); }

std::string kernel_release() {
  utsname u{};
  uname(&u);
  return u.release;
}

}  // namespace

NetnsNetwork::NetnsNetwork(const Scenario& scenario, const DelaySupport& delay)
    : turn_(g_kernel_in_use),
      scenario_(scenario),
      topology_(scenario, delay),
      faults_(topology_),
      client_pm_(topology_.client()),
      server_pm_(topology_.server()),
      kernel_events_(topology_.client()),
      link_monitor_(topology_.client(), topology_.plan().family(), path_of_client_device,
                    [this](PathId path, LinkChange change) { deliver(LinkChanged{path, change}); }),
      responders_(topology_.server(), loop_),
      prober_(topology_.client(), loop_,
              [this](PathId path) { return ProbeSource{client_device(path), topology_.client_address_of(path), topology_.plan().server_address()}; },
              [this](PathId path, std::uint64_t probe_id, bool ok) { deliver(ProbeResult{path, probe_id, ok}); }),
      readdresses_(scenario.paths.size()) {
  if (scenario.command_group() == nullptr) server_.emplace(topology_.server(), loop_, kMptcpPort);
  for (const NetworkNamespace* ns : {&topology_.client(), &topology_.server()}) {
    set_sysctl(*ns, "net.mptcp.enabled", "1");
    // No per-destination metrics cache, as in the simulator: a re-created subflow starts afresh
    // instead of with the ssthresh its dead predecessor left behind. (Cubic: congestion_control.h.)
    set_sysctl(*ns, "net.ipv4.tcp_no_metrics_save", "1");
  }
  server_pm_.set_limits(kMaxSubflowLimit, 0);
  loop_.watch(kernel_events_.fd(), EPOLLIN, [this](std::uint32_t) { on_kernel_events(); });
  loop_.watch(link_monitor_.fd(), EPOLLIN, [this](std::uint32_t) { link_monitor_.drain(); });
  if (const DelayLine* line = topology_.delay_line()) {
    loop_.watch(line->failure_fd(), EPOLLIN, [this](std::uint32_t) { on_delay_line_failure(); });
  }
  for (const auto& name : topology_.leftovers_removed()) note("leftover_removed", std::nullopt, name);
  note("topology_ready", std::nullopt, topology_.stem() + "-*");
}

NetnsNetwork::~NetnsNetwork() {
  loop_.unwatch(kernel_events_.fd());
  loop_.unwatch(link_monitor_.fd());
  if (const DelayLine* line = topology_.delay_line()) loop_.unwatch(line->failure_fd());
}

Instant NetnsNetwork::run(Instant until) {
  static const std::atomic<bool> kNoStop{false};  // the driver stops the run with halt()
  return loop_.run_until(until, kNoStop);
}

void NetnsNetwork::observe(NetworkObserver& observer) {
  observer_ = &observer;
  for (const auto& [what, detail] : early_notes_) observer_->on_network_note(what, std::nullopt, detail);
  early_notes_.clear();
}

void NetnsNetwork::note(std::string_view what, std::optional<PathId> path, std::string_view detail) {
  if (observer_ == nullptr) {
    early_notes_.emplace_back(what, detail);
    return;
  }
  observer_->on_network_note(what, path, detail);
}

void NetnsNetwork::deliver(const Event& event) {
  if (observer_ != nullptr) observer_->on_network_event(event);
}

void NetnsNetwork::on_kernel_events() {
  for (const KernelMptcpEvent& e : kernel_events_.drain()) {
    if (e.type == mptcp_pm::EventType::created) {
      for (const OwnConnection& own : own_connections_) {
        if (own.client->local_port() == e.sport) own_by_token_[e.token] = &own;
      }
      // Not ours: with kind command, every MPTCP connection of the client is its program's.
      if (commands_ && own_by_token_.count(e.token) == 0 && command_tokens_.insert(e.token).second)
        ++command_connections_;
    } else if (e.type == mptcp_pm::EventType::closed) {
      own_by_token_.erase(e.token);
      command_tokens_.erase(e.token);
    }
    if (const auto event = to_engine_event(e, path_of_client())) deliver(*event);
  }
}

void NetnsNetwork::on_delay_line_failure() {
  const DelayLine& line = *topology_.delay_line();
  loop_.unwatch(line.failure_fd());
  const std::string reason = "the NFQUEUE delay line failed (" + line.failure().value_or("no reason given") +
                             "): every path's packets are stuck in their routers";
  if (observer_ != nullptr) observer_->on_network_failure(reason);
}

void NetnsNetwork::abort_subflows(PathId path) {
  const std::size_t destroyed =
      destroy_tcp_sockets(topology_.client(), topology_.client_address_of(path), kTcpConnectionStates);
  note("subflows_destroyed", path, std::to_string(destroyed) + " TCP sockets");
}

void NetnsNetwork::readdress(PathId path) {
  const std::string address = faults_.readdress(path);
  ++readdresses_[path];
  note("readdressed", path, address);
}

void NetnsNetwork::shape(PathId path, const PathShape& shape) {
  if (shape.rate) faults_.set_rate(path, *shape.rate, scenario_.paths[path].queue);
  if (shape.loss) faults_.set_loss(path, *shape.loss);
  if (shape.delay) set_delay(path, *shape.delay);
}

void NetnsNetwork::set_delay(PathId path, Duration delay) {
  if (topology_.delay_unavailable()) {
    delay_not_emulated_ = delay_not_emulated_ || delay > Duration{0};
    return;
  }
  faults_.set_delay(path, delay);
  note("delay_set", path,
       std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(delay + scenario_.server.delay).count()) +
           " us each way (path + server delay)");
}

BackendCapabilities NetnsNetwork::capabilities() const {
  // The kernel offers both path managers; the policy picks.
  BackendCapabilities caps;
  caps.userspace_pm = true;
  caps.daemons = {"mptcpd"};
  return caps;
}

void NetnsNetwork::use_path_manager(PathManagerMode mode) {
  set_sysctl(topology_.client(), "net.mptcp.pm_type", mode == PathManagerMode::userspace ? "1" : "0");
}

// mptcpd with its address advertiser, as Debian's mptcpd 0.12 ships it, for every address of the
// client (the kernel's own notifications tell it about addresses that come and go).
void NetnsNetwork::start_daemon(const std::string& name) {
  if (name != "mptcpd") throw std::invalid_argument("the netns backend cannot run " + name);
  const std::string program = "/usr/libexec/mptcpd";
  if (access(program.c_str(), X_OK) != 0)
    throw NetnsError("starting", program, "it is not installed (Debian package mptcpd; cmake/install-deps.sh installs it)");
  daemon_ = std::make_unique<DaemonProcess>(
      topology_.client(),
      std::vector<std::string>{program, "--log=stderr", "--path-manager=addr_adv", "--load-plugins=addr_adv",
                               "--addr-flags=subflow", "--notify-flags=existing,skip_link_local,skip_loopback"},
      loop_, [this](const DaemonProcess::Ending& ending) {
        if (observer_ != nullptr) observer_->on_network_failure("mptcpd " + ending.how + ": " + daemon_->output());
      });
  // Ready when it has announced every path's address as an endpoint.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (client_pm_.endpoints().size() < scenario_.paths.size()) {
    if (!daemon_->poll() || std::chrono::steady_clock::now() >= deadline)
      throw NetnsError("starting", program + " in " + topology_.client().name(),
                       "it did not add an endpoint for every path's address within 10 s; its output: " +
                           daemon_->output());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  note("daemon_ready", std::nullopt, name);
}

void NetnsNetwork::mark_endpoint_backup(PathId path) {
  const std::string address = topology_.client_address_of(path);
  for (const MptcpEndpoint& endpoint : client_pm_.endpoints())
    if (endpoint.address == address) {
      client_pm_.set_endpoint_flags(endpoint.id, endpoint.flags | mptcp_pm::EndpointFlag::backup);
      note("daemon_endpoint_marked_backup", path, "id " + std::to_string(endpoint.id));
      return;
    }
  throw NetnsError("marking", "the endpoint on " + address + " backup", "the client has no endpoint on that address");
}

void NetnsNetwork::set_subflow_limit(std::uint32_t subflows) { client_pm_.set_limits(subflows, 0); }

void NetnsNetwork::add_endpoint(PathId path, bool backup) {
  try {
    client_pm_.add_endpoint({topology_.client_address_of(path), endpoint_id(path),
                             mptcp_pm::EndpointFlag::subflow | (backup ? mptcp_pm::EndpointFlag::backup : 0U),
                             topology_.client_route().ifindex(client_device(path))});
  } catch (const NetnsError& error) {
    if (error.error() != EEXIST) throw;
  }
}

void NetnsNetwork::delete_endpoint(PathId path) {
  try {
    client_pm_.delete_endpoint(endpoint_id(path));
  } catch (const NetnsError& error) {
    if (error.error() != ENOENT && error.error() != EINVAL) throw;
  }
}

int NetnsNetwork::create_subflow(ConnectionToken token, PathId path, bool backup) {
  try {
    client_pm_.create_subflow(token,
                              {topology_.client_address_of(path), 0, subflow_local_id(path),
                               backup ? mptcp_pm::EndpointFlag::backup : 0U},
                              {topology_.plan().server_address(), kMptcpPort, 0});
  } catch (const NetnsError& e) {
    return e.error() != 0 ? e.error() : EIO;
  }
  return 0;
}

// The userspace PM refuses (EINVAL) a local id it knows with another address.
std::uint8_t NetnsNetwork::subflow_local_id(PathId path) const {
  const std::size_t id = endpoint_id(path) + readdresses_[path] * scenario_.paths.size();
  if (id > 255)
    throw std::runtime_error("path " + scenario_.paths[path].name + " readdressed " + std::to_string(readdresses_[path]) +
                             " times: the userspace PM's local address ids (1 to 255) are used up");
  return static_cast<std::uint8_t>(id);
}

void NetnsNetwork::destroy_subflow(ConnectionToken token, PathId path) {
  // The kernel destroys a subflow by its addresses and ports; a connecting one's port is only
  // known from the connection's own subflow list.
  for (const SubflowInfo& subflow : subflows_of(token)) {
    if (topology_.plan().path_of_client_address(subflow.local_address) != path) continue;
    try {
      client_pm_.destroy_subflow(token, {subflow.local_address, subflow.local_port, 0},
                                 {subflow.remote_address, subflow.remote_port, 0});
    } catch (const NetnsError& e) {
      note("destroy_subflow_refused", path, e.what());
    }
  }
}

void NetnsNetwork::retire_subflow(ConnectionToken token, PathId path, std::uint16_t port) {
  for (const SubflowInfo& subflow : subflows_of(token)) {
    if (subflow.local_port != port || topology_.plan().path_of_client_address(subflow.local_address) != path) continue;
    try {
      client_pm_.destroy_subflow(token, {subflow.local_address, subflow.local_port, 0},
                                 {subflow.remote_address, subflow.remote_port, 0});
    } catch (const NetnsError& e) {
      note("retire_subflow_refused", path, e.what());
    }
  }
}

void NetnsNetwork::send_probe(const SendProbe& probe) {
  prober_.send(probe.path, probe.probe_id, probe.mode, probe.timeout);
}

void NetnsNetwork::open_connection(const ConnectionRequest& request) {
  own_connections_.push_back({std::make_unique<BulkClient>(topology_.client(), loop_, topology_.plan().server_address(), kMptcpPort,
                                                           BulkRequest{request.direction, request.bytes, request.rate},
                                                           request.exchange),
                              request.group});
}

void NetnsNetwork::run_commands(const TrafficCommands& commands) {
  try {
    client_diag_.emplace(topology_.client());
    commands_ = std::make_unique<CommandTraffic>(
        topology_.server(), topology_.client(), loop_, commands, topology_.plan().server_address(), kMptcpPort,
        [this](const std::string& how) {
          if (observer_ != nullptr) observer_->on_traffic_over("the client command " + how);
        });
  } catch (const NetnsError& error) {
    if (observer_ != nullptr) observer_->on_network_failure(error.what());
    return;
  }
  note("commands_started", std::nullopt, commands_->client_command());
}

std::vector<SubflowSample> NetnsNetwork::sample() {
  std::vector<SubflowSample> samples;
  sampled_subflows_.clear();
  for (const auto& [token, own] : own_by_token_) {
    if (own->client->fd() >= 0) count(token, own->group, mptcp_subflows(own->client->fd()), samples);
  }
  if (!command_tokens_.empty()) {
    // One dump for all of them: the programs' sockets are not ours to ask.
    auto by_token = mptcp_subflows_by_token(*client_diag_);
    // Kind command runs alone: its group is the first.
    for (const ConnectionToken token : command_tokens_) count(token, 0, std::move(by_token[token]), samples);
  }
  return samples;
}

PathOfAddress NetnsNetwork::path_of_client() const {
  return [plan = topology_.plan()](std::string_view address) { return plan.path_of_client_address(address); };
}

void NetnsNetwork::count(ConnectionToken token, std::size_t group, std::vector<SubflowInfo> subflows,
                         std::vector<SubflowSample>& samples) {
  SubflowByteCounter& counter = bytes_by_token_[token];
  counter.update(subflows, path_of_client());
  for (PathId p = 0; p < scenario_.paths.size(); ++p)
    samples.push_back({token, p, counter.bytes(p), counter.subflow_up(p), group});
  sampled_subflows_[token] = std::move(subflows);
}

std::vector<SubflowInfo> NetnsNetwork::subflows_of(ConnectionToken token) {
  if (const OwnConnection* own = own_connection(token)) {
    if (own->client->fd() < 0) return {};
    return mptcp_subflows(own->client->fd());
  }
  if (command_tokens_.count(token) == 0) return {};
  auto by_token = mptcp_subflows_by_token(*client_diag_);
  return std::move(by_token[token]);
}

std::vector<SubflowDetail> NetnsNetwork::subflow_details() {
  std::vector<SubflowDetail> details;
  for (const auto& [token, subflows] : sampled_subflows_) {
    for (const SubflowInfo& s : subflows) {
      const std::optional<PathId> path = topology_.plan().path_of_client_address(s.local_address);
      if (!s.established || !path) continue;
      details.push_back({token, *path, s.local_address, s.local_port, s.remote_address, s.remote_port, s.bytes_acked + s.bytes_received,
                         s.rtt_us > 0 ? std::optional<double>(s.rtt_us / 1e6) : std::nullopt, s.cwnd,
                         s.retransmissions});
    }
  }
  return details;
}

const NetnsNetwork::OwnConnection* NetnsNetwork::own_connection(ConnectionToken token) const {
  const auto it = own_by_token_.find(token);
  return it == own_by_token_.end() ? nullptr : it->second;
}

TrafficReport NetnsNetwork::traffic_report() const {
  TrafficReport report;
  for (const auto& [client, group] : own_connections_) {
    report.bytes_sent += client->bytes_sent();
    if (client->error()) {
      report.failures.push_back("the connection from port " + std::to_string(client->local_port()) +
                                " failed: " + *client->error());
    }
    if (const RequestClient* requests = client->requests()) {
      for (RequestTiming request : requests->requests()) {
        request.group = group;
        report.requests.push_back(request);
      }
    }
    if (!server_sends(client->direction()) || !client->connected()) continue;
    const BulkStream& stream = client->received();
    report.received.push_back({"the download to port " + std::to_string(client->local_port()), stream.bytes,
                               stream.complete, stream.first_mismatch, group, TrafficDirection::download});
  }
  if (server_) {
    report.bytes_sent += server_->bytes_sent();
    for (const std::string& failure : server_->failures()) report.failures.push_back(failure);
    std::map<std::uint16_t, std::size_t> group_by_port;
    for (const auto& [client, group] : own_connections_) group_by_port[client->local_port()] = group;
    for (const auto& [port, stream] : server_->streams()) {
      const auto group = group_by_port.find(port);
      report.received.push_back({"the connection from port " + std::to_string(port), stream.bytes, stream.complete,
                                 stream.first_mismatch, group == group_by_port.end() ? 0 : group->second,
                                 TrafficDirection::upload});
    }
  }
  if (commands_) {
    // What the programs' connections had acknowledged at the last sample, every path together.
    for (const auto& [token, counter] : bytes_by_token_)
      if (own_by_token_.count(token) == 0)
        for (PathId p = 0; p < scenario_.paths.size(); ++p) report.bytes_sent += counter.bytes(p);
    for (std::string& failure : commands_->failures()) report.failures.push_back(std::move(failure));
    if (command_connections_ == 0)
      report.failures.push_back(
          "none of the programs' connections was MPTCP, so nothing was measured or rebuilt: a program that is "
          "statically linked, setuid or clears LD_PRELOAD escapes mptcpize, and a server that does so makes "
          "every connection fall back to TCP");
  }
  return report;
}

bool NetnsNetwork::delay_emulated() const {
  bool delay_in_scenario = delay_not_emulated_;
  for (const PathSpec& path : scenario_.paths)
    delay_in_scenario = delay_in_scenario || path.delay + scenario_.server.delay > Duration{0};
  return !(delay_in_scenario && topology_.delay_unavailable());
}

// Kernels before 6.6 have no choice of scheduler, and that one is the default one.
std::string NetnsNetwork::scheduler() const {
  try {
    return get_sysctl(topology_.client(), "net.mptcp.scheduler");
  } catch (const NetnsError&) {
    return "default";
  }
}

std::string NetnsNetwork::delay_method() const { return std::string(name_of(topology_.delay_support().method)); }

std::vector<std::pair<std::string, std::string>> NetnsNetwork::run_files() const {
  std::vector<std::pair<std::string, std::string>> files;
  if (daemon_) files.emplace_back("mptcpd.log", daemon_->output());
  if (commands_)
    for (auto& file : commands_->run_files()) files.push_back(std::move(file));
  return files;
}

std::vector<std::string> NetnsNetwork::notes() const {
  std::vector<std::string> notes{"netns: kernel MPTCP of Linux " + kernel_release() + " between network namespaces"};
  bool loss_in_scenario = false;
  for (const PathSpec& path : scenario_.paths) loss_in_scenario = loss_in_scenario || path.loss > 0.0;
  for (const PathEvent& event : scenario_.events)
    loss_in_scenario = loss_in_scenario || event.shape.loss.value_or(0.0) > 0.0;
  const DelaySupport& delay = topology_.delay_support();
  if (delay.method == DelayMethod::nfqueue) {
    const DelayLine& line = *topology_.delay_line();
    const DelayLine::Counters counters = line.counters();
    char cpu[32];
    std::snprintf(cpu, sizeof cpu, "%.2f", to_seconds(line.cpu_time()));
    notes.push_back("netns: path delay by the NFQUEUE delay line in each path's router (" + delay.reason +
                    "): path delay + server delay each way, FIFO; " + std::to_string(counters.packets) +
                    " packets, " + cpu + " s of CPU");
  } else if (delay.method == DelayMethod::netem) {
    notes.push_back("netns: path delay by netem on the client's and the router's LAN devices: path delay + server "
                    "delay each way");
  } else if (!delay_emulated()) {
    notes.push_back("netns: path delay not emulated (" + delay.reason +
                    "): round trips are the veth pairs' own, well under a millisecond");
  }
  if (loss_in_scenario) {
    notes.push_back("netns: loss emulated by an nftables random drop in the path's router, both ways");
  }
  if (commands_)
    for (std::string& note : commands_->notes()) notes.push_back(std::move(note));
  return notes;
}

}  // namespace mprecover::netns
