#include "realnet/netns_run.h"

#include <sys/epoll.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "realnet/address_plan.h"
#include "realnet/mptcp_socket_info.h"
#include "realnet/realnet_error.h"
#include "realnet/socket_destroyer.h"
#include "realnet/sysctl.h"

namespace mprecover::realnet {

namespace {

constexpr std::uint16_t kMptcpPort = 5201;
// How often the subflow counters go to timeseries.csv and the metrics (as on the sim backend).
constexpr Duration kSampleInterval = std::chrono::milliseconds{100};
// The kernel's cap on subflow limits (MPTCP_PM_ADDR_MAX).
constexpr std::uint32_t kMaxSubflowLimit = 8;

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::optional<PathId> path_of(std::string_view address) { return path_of_client_address(address); }

std::uint8_t endpoint_id(PathId path) { return static_cast<std::uint8_t>(path + 1); }

std::string kernel_release() {
  utsname u{};
  uname(&u);
  return u.release;
}

}  // namespace

NetnsRun::NetnsRun(const Scenario& scenario, const EngineConfig& config, RunRecorder& recorder,
                   const std::atomic<bool>& stop)
    : scenario_(scenario),
      recorder_(recorder),
      stop_(stop),
      topology_(scenario),
      // The kernel offers both path managers; the policy picks.
      engine_(config, scenario.paths.size(), BackendCapabilities{true}, Instant{}),
      faults_(topology_),
      client_pm_(topology_.client()),
      server_pm_(topology_.server()),
      kernel_events_(topology_.client()),
      link_monitor_(topology_.client(), path_of_client_device,
                    [this](PathId path, LinkChange change) { feed(LinkChanged{path, change}); }),
      responders_(topology_.server(), loop_),
      prober_(topology_.client(), loop_,
              [this](PathId path) { return ProbeSource{client_device(path), topology_.client_address_of(path)}; },
              [this](PathId path, std::uint64_t probe_id, bool ok) { feed(ProbeResult{path, probe_id, ok}); }),
      server_(topology_.server(), loop_, kMptcpPort),
      outage_(scenario.paths.size()),
      readdresses_(scenario.paths.size()),
      show_progress_(isatty(STDERR_FILENO) != 0) {
  set_up_path_manager();
  loop_.watch(kernel_events_.fd(), EPOLLIN, [this](std::uint32_t) { on_kernel_events(); });
  loop_.watch(link_monitor_.fd(), EPOLLIN, [this](std::uint32_t) { link_monitor_.drain(); });
  for (const auto& name : topology_.leftovers_removed()) {
    recorder_.backend_note(loop_.now(), "leftover_removed", std::nullopt, name);
  }
  recorder_.backend_note(loop_.now(), "topology_ready", std::nullopt, topology_.stem() + "-*");
}

NetnsRun::~NetnsRun() {
  loop_.unwatch(kernel_events_.fd());
  loop_.unwatch(link_monitor_.fd());
}

void NetnsRun::set_up_path_manager() {
  for (const NetworkNamespace* ns : {&topology_.client(), &topology_.server()}) {
    set_sysctl(*ns, "net.mptcp.enabled", "1");
  }
  const auto extra = static_cast<std::uint32_t>(scenario_.paths.size() - 1);
  // The server accepts a join on every path, and a rebuilt one while the dead one is going.
  server_pm_.set_limits(kMaxSubflowLimit, 0);
  if (engine_.path_manager() == PathManagerMode::userspace) {
    set_sysctl(topology_.client(), "net.mptcp.pm_type", "1");
    return;
  }
  // As a router is set up: a `subflow` endpoint on every extra path, limits to match.
  if (extra > kMaxSubflowLimit) {
    throw RealnetError("setting up the in-kernel path manager for", std::to_string(scenario_.paths.size()) + " paths",
                       "the kernel allows at most " + std::to_string(kMaxSubflowLimit) + " extra subflows");
  }
  client_pm_.set_limits(extra, 0);
  for (PathId p = 1; p < scenario_.paths.size(); ++p) {
    client_pm_.add_endpoint({topology_.client_address_of(p), endpoint_id(p), mptcp_pm::EndpointFlag::subflow,
                             topology_.client_route().ifindex(client_device(p))});
  }
}

RunOutcome NetnsRun::run() {
  engine_timer_ = loop_.at(Instant{}, [this] { on_engine_timer(); });
  for (const PathEvent& event : scenario_.events) {
    loop_.at(Instant{event.at}, [this, event] { apply_path_event(event); });
  }
  for (unsigned i = 0; i < scenario_.traffic.connections; ++i) {
    loop_.at(Instant{scenario_.traffic.start + scenario_.traffic.spacing * i}, [this] { open_connection(); });
  }
  loop_.at(Instant{kSampleInterval}, [this] { sample(); });
  last_progress_ = std::chrono::steady_clock::now();
  const Instant end = std::min(loop_.run_until(Instant{scenario_.duration}, stop_), Instant{scenario_.duration});
  if (show_progress_) std::fputs("\r\033[K", stderr);
  return RunOutcome{totals(), end};
}

void NetnsRun::feed(const Event& event) {
  const Instant now = loop_.now();
  recorder_.event(event, now);
  engine_.on_event(event, now);
  pump();
}

void NetnsRun::on_kernel_events() {
  for (const KernelMptcpEvent& e : kernel_events_.drain()) {
    if (e.type == mptcp_pm::EventType::created) {
      for (const auto& sender : senders_) {
        if (sender->local_port() == e.sport) sender_by_token_[e.token] = sender.get();
      }
    } else if (e.type == mptcp_pm::EventType::closed) {
      sender_by_token_.erase(e.token);
    }
    if (const auto event = to_engine_event(e, path_of)) feed(*event);
  }
}

void NetnsRun::on_engine_timer() {
  engine_timer_.reset();
  engine_.on_timeout(loop_.now());
  pump();
}

void NetnsRun::pump() {
  const Instant now = loop_.now();
  // Decisions first, then what they led to: the log reads path_up, rebuild_pass, create_subflow.
  while (auto notice = engine_.poll_notice()) recorder_.notice(*notice);
  while (auto action = engine_.poll_action()) {
    recorder_.action(*action, now);
    carry(*action);
  }
  if (engine_timer_) loop_.cancel(*engine_timer_);
  engine_timer_.reset();
  if (const Instant deadline = engine_.next_deadline(); deadline != Instant::max()) {
    engine_timer_ = loop_.at(deadline, [this] { on_engine_timer(); });
  }
}

void NetnsRun::carry(const Action& action) {
  std::visit(Overloaded{
                 [this](const SendProbe& p) { prober_.send(p.path, p.probe_id, p.mode, p.timeout); },
                 [this](const CreateSubflow& c) { create_subflow(c.token, c.path); },
                 [this](const DestroySubflow& d) { destroy_subflow(d.token, d.path); },
                 [this](const AddEndpoint& e) {
                   try {
                     client_pm_.add_endpoint({topology_.client_address_of(e.path), endpoint_id(e.path),
                                              mptcp_pm::EndpointFlag::subflow,
                                              topology_.client_route().ifindex(client_device(e.path))});
                   } catch (const RealnetError& error) {
                     if (error.error() != EEXIST) throw;
                   }
                 },
                 [this](const DeleteEndpoint& e) {
                   try {
                     client_pm_.delete_endpoint(endpoint_id(e.path));
                   } catch (const RealnetError& error) {
                     if (error.error() != ENOENT && error.error() != EINVAL) throw;
                   }
                 },
             },
             action);
}

void NetnsRun::create_subflow(ConnectionToken token, PathId path) {
  try {
    client_pm_.create_subflow(token, {topology_.client_address_of(path), 0, subflow_local_id(path)},
                              {kServerAddress, kMptcpPort, 0});
  } catch (const RealnetError& e) {
    // EEXIST: a subflow is there already, nothing to rebuild. Any other refusal reaches the
    // engine as the kernel reports a failed subflow: closed, with the error.
    if (e.error() == EEXIST) return;
    recorder_.backend_note(loop_.now(), "create_subflow_refused", path, e.what());
    const int error = e.error();
    loop_.after(Duration{0}, [this, token, path, error] { feed(MptcpSubClosed{token, path, error}); });
  }
}

// The userspace PM remembers each connection's local addresses by id, and refuses (EINVAL) an id
// it knows with another address: after a readdress the path's subflows need an id of their own.
std::uint8_t NetnsRun::subflow_local_id(PathId path) const {
  const std::size_t id = endpoint_id(path) + readdresses_[path] * scenario_.paths.size();
  if (id > 255)
    throw std::runtime_error("path " + scenario_.paths[path].name + " readdressed " + std::to_string(readdresses_[path]) +
                             " times: the userspace PM's local address ids (1 to 255) are used up");
  return static_cast<std::uint8_t>(id);
}

void NetnsRun::destroy_subflow(ConnectionToken token, PathId path) {
  BulkSender* sender = sender_of(token);
  if (sender == nullptr || sender->fd() < 0) return;
  // The kernel destroys a subflow by its addresses and ports; a connecting one's port is only
  // known from the connection's own subflow list.
  for (const SubflowInfo& subflow : mptcp_subflows(sender->fd())) {
    if (path_of(subflow.local_address) != path) continue;
    try {
      client_pm_.destroy_subflow(token, {subflow.local_address, subflow.local_port, 0},
                                 {subflow.remote_address, subflow.remote_port, 0});
    } catch (const RealnetError& e) {
      recorder_.backend_note(loop_.now(), "destroy_subflow_refused", path, e.what());
    }
  }
}

void NetnsRun::apply_path_event(const PathEvent& event) {
  recorder_.path_event(event, loop_.now());
  end_outage(event.path);
  if (!starts_outage(event.kind)) return;
  outage_[event.path] = event.kind;
  switch (event.kind) {
    case PathEventKind::blackhole:
      faults_.set_blackhole(event.path, true);
      break;
    case PathEventKind::down:
      faults_.set_link(event.path, false);
      break;
    case PathEventKind::reset:
      // A NAT or modem reboot: the path's subflows get a RST, then nothing passes.
      abort_subflows(event.path);
      faults_.set_blackhole(event.path, true);
      break;
    case PathEventKind::readdress: {
      // A PPPoE reconnect: the old address is gone with the subflows that used it; the new one
      // works once the path is restored.
      abort_subflows(event.path);
      faults_.set_blackhole(event.path, true);
      const std::string address = faults_.readdress(event.path);
      ++readdresses_[event.path];
      recorder_.backend_note(loop_.now(), "readdressed", event.path, address);
      break;
    }
    case PathEventKind::degrade:
      if (event.rate) faults_.set_rate(event.path, *event.rate, scenario_.paths[event.path].queue);
      if (event.loss) faults_.set_loss(event.path, *event.loss);
      if (event.delay) set_delay(event.path, *event.delay);
      break;
    case PathEventKind::restore:
    case PathEventKind::up:
      break;
  }
}

void NetnsRun::end_outage(PathId path) {
  const auto kind = std::exchange(outage_[path], std::nullopt);
  if (!kind) return;
  const PathSpec& spec = scenario_.paths[path];
  switch (*kind) {
    case PathEventKind::blackhole:
    case PathEventKind::reset:
    case PathEventKind::readdress:
      faults_.set_blackhole(path, false);
      break;
    case PathEventKind::down:
      faults_.set_link(path, true);
      break;
    case PathEventKind::degrade:
      faults_.set_rate(path, spec.rate, spec.queue);
      faults_.set_loss(path, spec.loss);
      set_delay(path, spec.delay);
      break;
    case PathEventKind::restore:
    case PathEventKind::up:
      break;
  }
}

void NetnsRun::set_delay(PathId path, Duration delay) {
  if (topology_.delay_unavailable()) {
    delay_not_emulated_ = delay_not_emulated_ || delay > Duration{0};
    return;
  }
  faults_.set_delay(path, delay);
}

void NetnsRun::abort_subflows(PathId path) {
  const std::size_t destroyed =
      destroy_tcp_sockets(topology_.client(), topology_.client_address_of(path), kTcpConnectionStates);
  recorder_.backend_note(loop_.now(), "subflows_destroyed", path, std::to_string(destroyed) + " TCP sockets");
}

void NetnsRun::open_connection() {
  senders_.push_back(std::make_unique<BulkSender>(topology_.client(), loop_, kServerAddress, kMptcpPort,
                                                  scenario_.traffic.bytes));
}

void NetnsRun::sample() {
  const Instant now = loop_.now();
  for (const auto& [token, sender] : sender_by_token_) {
    if (sender->fd() < 0) continue;
    SubflowByteCounter& counter = bytes_by_token_[token];
    counter.update(mptcp_subflows(sender->fd()), path_of);
    for (PathId p = 0; p < scenario_.paths.size(); ++p) {
      recorder_.sample(token, p, counter.bytes(p), counter.subflow_up(p), now);
    }
  }
  show_progress();
  loop_.after(kSampleInterval, [this] { sample(); });
}

void NetnsRun::show_progress() {
  if (!show_progress_) return;
  const auto wall = std::chrono::steady_clock::now();
  if (wall - last_progress_ < std::chrono::milliseconds(500)) return;
  last_progress_ = wall;
  std::fprintf(stderr, "\r\033[K%s: %.1f of %.0f s on the live kernel (netns, real time)", scenario_.name.c_str(),
               to_seconds(loop_.now()), to_seconds(scenario_.duration));
}

BulkSender* NetnsRun::sender_of(ConnectionToken token) {
  const auto it = sender_by_token_.find(token);
  return it == sender_by_token_.end() ? nullptr : it->second;
}

RunTotals NetnsRun::totals() const {
  RunTotals totals;
  totals.integrity_ok = true;
  for (const auto& sender : senders_) {
    totals.bytes_sent += sender->bytes_sent();
    if (sender->error()) {
      totals.notes.push_back("the connection from port " + std::to_string(sender->local_port()) +
                             " failed: " + *sender->error());
    }
  }
  for (const auto& [port, stream] : server_.streams()) {
    totals.bytes_delivered += stream.bytes;
    if (stream.first_mismatch) {
      totals.integrity_ok = false;
      totals.notes.push_back("the connection from port " + std::to_string(port) +
                             " delivered a wrong byte at offset " + std::to_string(*stream.first_mismatch));
    }
    if (scenario_.traffic.bytes && (!stream.complete || stream.bytes != *scenario_.traffic.bytes)) {
      totals.integrity_ok = false;
      totals.notes.push_back("the connection from port " + std::to_string(port) + " delivered " +
                             std::to_string(stream.bytes) + " of " + std::to_string(*scenario_.traffic.bytes) +
                             " bytes");
    }
  }
  if (server_.streams().size() != scenario_.traffic.connections) {
    totals.integrity_ok = false;
    totals.notes.push_back(std::to_string(server_.streams().size()) + " of " +
                           std::to_string(scenario_.traffic.connections) + " connections reached the server");
  }
  totals.notes.push_back("netns: kernel MPTCP of Linux " + kernel_release() + " between network namespaces");
  bool delay_in_scenario = delay_not_emulated_;
  bool loss_in_scenario = false;
  for (const PathSpec& path : scenario_.paths) {
    delay_in_scenario = delay_in_scenario || path.delay > Duration{0};
    loss_in_scenario = loss_in_scenario || path.loss > 0.0;
  }
  for (const PathEvent& event : scenario_.events) loss_in_scenario = loss_in_scenario || event.loss.value_or(0.0) > 0.0;
  if (delay_in_scenario && topology_.delay_unavailable()) {
    totals.delay_emulated = false;
    totals.notes.push_back("netns: path delay not emulated (" + *topology_.delay_unavailable() +
                           "): round trips are the veth pairs' own, well under a millisecond");
  }
  if (loss_in_scenario) {
    totals.notes.push_back("netns: loss emulated by an nftables random drop in the path's router, both ways");
  }
  return totals;
}

}  // namespace mprecover::realnet
