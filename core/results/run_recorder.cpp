#include "run_recorder.h"

#include <cstdio>
#include <cstring>
#include <limits>

#include "engine/overloaded.h"

namespace mprecover {

namespace {

std::string errno_name(int error) {
  if (error == 0) return "none";
  const char* name = strerrorname_np(error);
  return name ? name : std::to_string(error);
}

std::string seconds_text(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", to_seconds(d));
  return buf;
}

// "port=40312", or nothing when the backend does not name the subflow's port.
std::string port_detail(std::uint16_t port) {
  if (port == 0) return "";
  std::string text = "port=";  // appended, not "lit" + string: GCC 12's -Wrestrict misfires on that
  text += std::to_string(port);
  return text;
}

std::string shape_detail(const PathShape& shape) {
  std::string out;
  const auto add = [&out](const std::string& part) { out += (out.empty() ? "" : " ") + part; };
  if (shape.rate) add("rate_bps=" + std::to_string(*shape.rate));
  if (shape.delay) add("delay=" + seconds_text(*shape.delay));
  if (shape.loss) add("loss=" + std::to_string(*shape.loss));
  return out;
}

std::vector<std::string> path_names(const Scenario& scenario) {
  std::vector<std::string> names;
  for (const PathSpec& p : scenario.paths) names.push_back(p.name);
  return names;
}

MetricsConfig metrics_config(const Scenario& scenario) {
  MetricsConfig config;
  for (PathId p = 0; p < scenario.paths.size(); ++p)
    if (scenario.paths[p].backup) config.backup_paths.push_back(p);
  return config;
}

}  // namespace

RunRecorder::RunRecorder(const Scenario& scenario, RunIdentity identity)
    : scenario_(scenario),
      identity_(std::move(identity)),
      metrics_(path_names(scenario), metrics_config(scenario)),
      probe_rtts_(scenario.paths.size()),
      probe_counts_(scenario.paths.size()) {}

void RunRecorder::probe_rtt(PathId path, Duration rtt) { probe_rtts_.at(path).push_back(to_seconds(rtt)); }

void RunRecorder::path_event(const PathEvent& e, Instant at) {
  if (e.action->starts_outage)
    metrics_.outage_started(e.path, e.action->name, at);
  else
    metrics_.outage_ended(e.path, at);
  log(at, "scenario", e.action->name, e.path, std::nullopt, shape_detail(e.shape));
}

void RunRecorder::notice(const Notice& n) {
  metrics_.notice(n);
  if (n.path < probe_counts_.size()) {
    ProbeCount& c = probe_counts_[n.path];
    if (n.kind == NoticeKind::path_down) c.down_since = n.at;
    if (n.kind == NoticeKind::path_up && c.down_since) {
      c.down_for += n.at - *c.down_since;
      c.down_since.reset();
    }
  }
  std::string detail;
  switch (n.kind) {
    case NoticeKind::path_down:
    case NoticeKind::path_hold_broken:
      detail = "reason=" + std::string(name_of(n.reason));
      break;
    case NoticeKind::rebuild_pass:
    case NoticeKind::replace_pass:
    case NoticeKind::retries_cancelled:
      detail = "count=" + std::to_string(n.count);
      break;
    case NoticeKind::path_candidate:
    case NoticeKind::retry_scheduled:
    case NoticeKind::omr_wait_started:
      detail = "delay=" + seconds_text(n.delay);
      break;
    case NoticeKind::path_up:
      break;
  }
  log(n.at, "engine", name_of(n.kind), n.path, n.token, std::move(detail));
}

void RunRecorder::action(const Action& a, Instant at) {
  std::visit(Overloaded{
                 [&](const SendProbe& p) {
                   ProbeCount& c = probe_counts_.at(p.path);
                   ++c.sent;
                   if (c.down_since) ++c.sent_while_down;
                   log(at, "engine", "send_probe", p.path, std::nullopt,
                       "mode=" + std::string(name_of(p.mode)) + " id=" + std::to_string(p.probe_id));
                 },
                 [&](const CreateSubflow& c) { log(at, "engine", "create_subflow", c.path, c.token, ""); },
                 [&](const DestroySubflow& c) { log(at, "engine", "destroy_subflow", c.path, c.token, ""); },
                 [&](const RetireSubflow& c) {
                   metrics_.subflow_replaced(c.token, c.path, at);
                   log(at, "engine", "retire_subflow", c.path, c.token, port_detail(c.port));
                 },
                 [&](const AddEndpoint& e) { log(at, "engine", "add_endpoint", e.path, std::nullopt, ""); },
                 [&](const DeleteEndpoint& e) { log(at, "engine", "delete_endpoint", e.path, std::nullopt, ""); },
             },
             a);
}

void RunRecorder::event(const Event& ev, Instant at) {
  std::visit(Overloaded{
                 [&](const ProbeResult& p) {
                   log(at, "backend", p.ok ? "probe_ok" : "probe_failed", p.path, std::nullopt,
                       "id=" + std::to_string(p.probe_id));
                 },
                 [&](const LinkChanged& l) { log(at, "backend", name_of(l.change), l.path, std::nullopt, ""); },
                 [&](const MptcpCreated& c) { log(at, "mptcp", "created", c.path, c.token, ""); },
                 [&](const MptcpEstablished& c) {
                   metrics_.connection_opened(c.token, c.path, c.port, at);
                   log(at, "mptcp", "established", c.path, c.token, port_detail(c.port));
                 },
                 [&](const MptcpClosed& c) {
                   metrics_.connection_closed(c.token, at);
                   log(at, "mptcp", "closed", std::nullopt, c.token, "");
                 },
                 [&](const MptcpSubEstablished& s) {
                   metrics_.subflow_established(s.token, s.path, s.port, at);
                   log(at, "mptcp", "sub_established", s.path, s.token, port_detail(s.port));
                 },
                 [&](const MptcpSubClosed& s) {
                   metrics_.subflow_closed(s.token, s.path, s.port, at);
                   std::string detail = "error=" + errno_name(s.error);
                   if (s.port != 0) {
                     detail += ' ';
                     detail += port_detail(s.port);
                   }
                   log(at, "mptcp", "sub_closed", s.path, s.token, detail);
                 },
             },
             ev);
}

void RunRecorder::backend_note(Instant at, std::string_view event, std::optional<PathId> path,
                               std::string_view detail) {
  log(at, "backend", event, path, std::nullopt, std::string(detail));
}

void RunRecorder::sample(const SubflowSample& s, Instant at) {
  const TrafficSpec& group = scenario_.traffic.at(s.group);
  // Both ways, the connection's bytes are its two streams', each made at the rate.
  if (group.rate) metrics_.app_rate(s.token, *group.rate * (group.flow() == TrafficDirection::both ? 2 : 1));
  metrics_.bytes_sample(s.token, s.path, s.bytes, at);
  samples_[at][{s.token, s.path}] = {s.bytes, s.up};
}

void RunRecorder::request(const RequestTiming& request, Duration timeout) {
  metrics_.request(request.issued, request.answered, timeout);
  requests_.emplace_back(request, timeout);
}

void RunRecorder::subflow_sample(const SubflowDetail& detail, Instant at) {
  const auto key = std::make_tuple(detail.token, detail.path, detail.local_port, detail.remote_address, detail.remote_port);
  auto [it, added] = subflow_index_.try_emplace(key, static_cast<std::uint32_t>(subflow_names_.size()));
  if (added) subflow_names_.push_back(detail);
  subflow_rows_.push_back({at, it->second, detail.retransmissions, detail.bytes,
                           detail.rtt_s ? static_cast<float>(*detail.rtt_s) : std::numeric_limits<float>::quiet_NaN(),
                           detail.cwnd.value_or(kNoCwnd)});
}

void RunRecorder::log(Instant at, std::string_view source, std::string_view event, std::optional<PathId> path,
                      std::optional<ConnectionToken> connection, std::string detail) {
  rows_.push_back({at, std::string(source), std::string(event), path, connection, std::move(detail)});
}

std::string RunRecorder::path_name(std::optional<PathId> path) const {
  if (!path) return "";
  return *path < scenario_.paths.size() ? scenario_.paths[*path].name : std::to_string(*path);
}

std::filesystem::path default_run_dir(const std::filesystem::path& root, const Scenario& scenario,
                                      const RunIdentity& identity) {
  return root / scenario.name / (identity.backend + "-" + identity.policy + "-" + std::to_string(identity.seed));
}

}  // namespace mprecover
