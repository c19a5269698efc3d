#include "core/driver/driver.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <stdexcept>
#include <utility>

#include "engine/overloaded.h"

namespace mprecover {

namespace {

std::string errno_name(int error) {
  const char* name = strerrorname_np(error);
  return name ? name : std::to_string(error);
}

}  // namespace

Driver::Driver(const Scenario& scenario, const EngineConfig& config, NetworkPort& network, RunRecorder& recorder,
               const std::atomic<bool>& stop)
    : scenario_(scenario),
      net_(network),
      recorder_(recorder),
      stop_(stop),
      engine_(config, scenario.paths.size(), network.capabilities(), Instant{}),
      outage_(scenario.paths.size(), nullptr),
      show_progress_(isatty(STDERR_FILENO) != 0) {
  net_.observe(*this);
  set_up_path_manager();
}

void Driver::set_up_path_manager() {
  const PathManagerMode mode = engine_.path_manager();
  net_.use_path_manager(mode);
  if (mode == PathManagerMode::daemon) {
    net_.start_daemon(engine_.daemon());
    // So that `backup: true` means the same under every policy.
    for (PathId p = 0; p < scenario_.paths.size(); ++p)
      if (scenario_.paths[p].backup) net_.mark_endpoint_backup(p);
  }
  if (mode != PathManagerMode::in_kernel) return;
  // As OpenMPTCProuter sets a router up: a `subflow` endpoint on every extra path, and the largest
  // subflow limit, which leaves room to re-create the first path's subflow when a policy adds an
  // endpoint there (with one per extra path, the subflows on the others would use it up).
  net_.set_subflow_limit(kMaxSubflowLimit);
  for (PathId p = 1; p < scenario_.paths.size(); ++p) net_.add_endpoint(p, scenario_.paths[p].backup);
}

RunOutcome Driver::run() {
  // The order in which things are scheduled is the order in which those due at the same instant
  // run: the engine's first probes, the scenario's events, the connections, the first sample.
  engine_timer_ = net_.at(Instant{}, [this] { on_engine_timer(); });
  for (const PathEvent& event : scenario_.events) net_.at(Instant{event.at}, [this, &event] { apply(event); });
  for (std::size_t g = 0; g < scenario_.traffic.size(); ++g) {
    const TrafficSpec& group = scenario_.traffic[g];
    if (group.kind == TrafficKind::command) {
      net_.at(Instant{group.start}, [this] { net_.run_commands(scenario_.traffic_commands()); });
      continue;
    }
    for (unsigned i = 0; i < group.connections; ++i)
      net_.at(Instant{group.start + group.spacing * i}, [this, g] { open_connection(g); });
  }
  net_.at(Instant{kSampleInterval}, [this] { sample(); });
  wall_start_ = last_progress_ = std::chrono::steady_clock::now();
  const Instant end = std::min(net_.run(Instant{scenario_.duration}), Instant{scenario_.duration});
  if (show_progress_) std::fputs("\r\033[K", stderr);
  if (failure_) throw std::runtime_error("the run stopped at " + std::to_string(to_seconds(end)) + " s: " + *failure_);
  const TrafficReport report = net_.traffic_report();
  for (const RequestTiming& request : report.requests)
    recorder_.request(request, scenario_.traffic.at(request.group).exchange()->timeout);
  return RunOutcome{totals(report), end};
}

void Driver::on_network_event(const Event& event) { feed(event); }

void Driver::on_network_note(std::string_view what, std::optional<PathId> path, std::string_view detail) {
  recorder_.backend_note(net_.now(), what, path, detail);
}

void Driver::on_network_failure(std::string_view reason) {
  failure_ = std::string(reason);
  net_.halt();
}

void Driver::on_traffic_over(std::string_view how) {
  recorder_.backend_note(net_.now(), "traffic_over", std::nullopt, how);
  net_.halt();
}

void Driver::feed(const Event& event) {
  const Instant now = net_.now();
  if (const auto* probe = std::get_if<ProbeResult>(&event)) measure_round_trip(*probe, now);
  recorder_.event(event, now);
  engine_.on_event(event, now);
  pump();
}

void Driver::on_engine_timer() {
  engine_timer_.reset();
  engine_.on_timeout(net_.now());
  pump();
}

void Driver::pump() {
  const Instant now = net_.now();
  // Decisions first, then what they led to: the log reads path_up, rebuild_pass, create_subflow.
  while (auto notice = engine_.poll_notice()) recorder_.notice(*notice);
  while (auto action = engine_.poll_action()) {
    recorder_.action(*action, now);
    carry(*action);
  }
  if (engine_timer_) net_.cancel(*engine_timer_);
  engine_timer_.reset();
  if (const Instant deadline = engine_.next_deadline(); deadline != Instant::max())
    engine_timer_ = net_.at(std::max(deadline, now), [this] { on_engine_timer(); });
}

void Driver::carry(const Action& action) {
  std::visit(Overloaded{
                 [this](const SendProbe& p) {
                   if (outage_[p.path] == nullptr) probes_sent_[p.probe_id] = {p.path, net_.now()};
                   net_.send_probe(p);
                 },
                 [this](const CreateSubflow& c) { create_subflow(c); },
                 [this](const DestroySubflow& d) { net_.destroy_subflow(d.token, d.path); },
                 [this](const RetireSubflow& r) { net_.retire_subflow(r.token, r.path, r.port); },
                 [this](const AddEndpoint& e) { net_.add_endpoint(e.path, scenario_.paths[e.path].backup); },
                 [this](const DeleteEndpoint& e) { net_.delete_endpoint(e.path); },
             },
             action);
}

void Driver::create_subflow(const CreateSubflow& create) {
  const int error = net_.create_subflow(create.token, create.path, scenario_.paths[create.path].backup);
  // EEXIST: a subflow is there already, nothing to rebuild. Any other refusal reaches the engine
  // as the kernel reports a failed subflow: closed, with the error, from a turn of its own.
  if (error == 0 || error == EEXIST) return;
  recorder_.backend_note(net_.now(), "create_subflow_refused", create.path, errno_name(error));
  const MptcpSubClosed closed{create.token, create.path, error};
  net_.at(net_.now(), [this, closed] { feed(closed); });
}

// The round trip of a probe that went out and came back while its path had no outage: what the
// summary reports as the path's measured round trip (a probe of mode http takes two).
void Driver::measure_round_trip(const ProbeResult& probe, Instant now) {
  const auto sent = probes_sent_.find(probe.probe_id);
  if (sent == probes_sent_.end()) return;
  if (probe.ok && outage_[probe.path] == nullptr) recorder_.probe_rtt(probe.path, now - sent->second.second);
  probes_sent_.erase(sent);
}

void Driver::apply(const PathEvent& event) {
  recorder_.path_event(event, net_.now());
  end_outage(event.path);
  if (!event.action->starts_outage) return;
  outage_[event.path] = event.action;
  std::erase_if(probes_sent_, [&event](const auto& probe) { return probe.second.first == event.path; });
  event.action->start(net_, event.path, event.shape);
}

void Driver::end_outage(PathId path) {
  const OutageKind* kind = std::exchange(outage_[path], nullptr);
  if (kind != nullptr) kind->end(net_, path, scenario_.normal_shape(path));
}

void Driver::open_connection(std::size_t group) {
  const TrafficSpec& traffic = scenario_.traffic[group];
  std::optional<AppRate> rate;
  if (traffic.rate) rate = AppRate{*traffic.rate};
  net_.open_connection(ConnectionRequest{traffic.bytes, rate, traffic.flow(), traffic.exchange(), group});
}

void Driver::sample() {
  const Instant now = net_.now();
  for (const SubflowSample& s : net_.sample()) {
    recorder_.sample(s, now);
    engine_.on_progress(s.token, s.path, s.bytes, now);
  }
  // Counted, not read off the clock: a real clock's samples drift off the 100 ms grid.
  const auto every = static_cast<std::uint64_t>(scenario_.results.subflow_interval / kSampleInterval);
  if (scenario_.results.subflow_rows && samples_taken_++ % every == 0) {
    for (const SubflowDetail& d : net_.subflow_details()) recorder_.subflow_sample(d, now);
  }
  if (stop_.load()) {
    net_.halt();
    return;
  }
  show_progress();
  net_.at(now + kSampleInterval, [this] { sample(); });
}

void Driver::show_progress() {
  if (!show_progress_) return;
  const auto wall = std::chrono::steady_clock::now();
  if (wall - last_progress_ < std::chrono::milliseconds(500)) return;
  last_progress_ = wall;
  const double at = to_seconds(net_.now());
  const double of = to_seconds(scenario_.duration);
  if (net_.simulated()) {
    const double elapsed = std::chrono::duration<double>(wall - wall_start_).count();
    std::fprintf(stderr, "\r\033[K%s: %.1f of %.0f s simulated, %.1fx real time", scenario_.name.c_str(), at, of,
                 elapsed > 0 ? at / elapsed : 0.0);
  } else {
    std::fprintf(stderr, "\r\033[K%s: %.1f of %.0f s in real time", scenario_.name.c_str(), at, of);
  }
}

RunTotals Driver::totals(const TrafficReport& report) const {
  RunTotals totals;
  totals.bytes_sent = report.bytes_sent;
  totals.integrity_ok = true;
  totals.notes = report.failures;
  if (scenario_.command_group() != nullptr) {
    // Nothing of ours to check the bytes of: the programs' own exits say whether they worked, and
    // what the server's TCP acknowledged is the nearest to delivered that their connections show.
    totals.integrity_ok = report.failures.empty();
    totals.bytes_delivered = report.bytes_sent;
  } else {
    check_streams(report, totals);
  }
  totals.delay_emulated = net_.delay_emulated();
  totals.delay_method = net_.delay_method();
  totals.scheduler = net_.scheduler();
  totals.files = net_.run_files();
  for (std::string& note : net_.notes()) totals.notes.push_back(std::move(note));
  return totals;
}

// Every connection reached the server and delivered its bytes unchanged, as many as its group sends,
// each way it carries them.
void Driver::check_streams(const TrafficReport& report, RunTotals& totals) const {
  std::vector<unsigned> reached(scenario_.traffic.size(), 0);
  for (const ReceivedStream& stream : report.received) {
    totals.bytes_delivered += stream.bytes;
    // A connection both ways has two streams: it is counted by its upload's.
    const bool uploads = client_sends(scenario_.traffic.at(stream.group).flow());
    if (uploads == (stream.direction == TrafficDirection::upload)) ++reached.at(stream.group);
    if (stream.first_mismatch) {
      totals.integrity_ok = false;
      totals.notes.push_back(stream.connection + " delivered a wrong byte at offset " +
                             std::to_string(*stream.first_mismatch));
    }
    const auto& expected = scenario_.traffic[stream.group].bytes;
    if (expected && (!stream.complete || stream.bytes != *expected)) {
      totals.integrity_ok = false;
      totals.notes.push_back(stream.connection + " delivered " + std::to_string(stream.bytes) + " of " +
                             std::to_string(*expected) + " bytes");
    }
  }
  for (std::size_t g = 0; g < reached.size(); ++g) {
    const unsigned expected = scenario_.traffic[g].connections;
    if (reached[g] == expected) continue;
    totals.integrity_ok = false;
    totals.notes.push_back(std::to_string(reached[g]) + " of " + std::to_string(expected) + " connections" +
                           (reached.size() > 1 ? " of " + scenario_.traffic_key(g) : std::string()) +
                           " reached the server");
  }
}

}  // namespace mprecover
