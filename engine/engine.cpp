#include "engine.h"

#include "overloaded.h"
#include "policy_table.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mprecover {


Engine::Engine(const EngineConfig& config, std::size_t path_count, const BackendCapabilities& caps, Instant start)
    : now_(start), connections_(path_count) {
  if (path_count == 0) throw std::invalid_argument("the engine needs at least one path");
  detectors_.reserve(path_count);
  for (PathId p = 0; p < path_count; ++p) detectors_.emplace_back(p, config.detector, start);
  const PolicyEntry& entry = policy_named(config.policy.name);
  policy_ = entry.make(config.policy.settings, caps, PolicyContext{connections_, detectors_, progress_});
  if (policy_->mode() == PathManagerMode::daemon) daemon_ = entry.daemon;
}

void Engine::on_event(const Event& event, Instant now) {
  advance(now);
  std::visit(Overloaded{
                 [&](const ProbeResult& e) {
                   check_path(e.path);
                   tell_policy(e.path, detectors_[e.path].on_probe_result(e.probe_id, e.ok, now, out_), now);
                 },
                 [&](const LinkChanged& e) {
                   check_path(e.path);
                   tell_policy(e.path, detectors_[e.path].on_link_change(e.change, now, out_), now);
                   policy_->on_link_change(e.path, e.change, now, out_);
                 },
                 [&](const MptcpCreated& e) { connections_.add(e.token, e.path); },
                 [&](const MptcpEstablished& e) {
                   connections_.establish(e.token, e.path, e.port);
                   policy_->on_established(e.token, e.path, now, out_);
                 },
                 [&](const MptcpClosed& e) {
                   connections_.remove(e.token);
                   progress_.forget(e.token);
                   policy_->on_closed(e.token);
                 },
                 [&](const MptcpSubEstablished& e) {
                   check_path(e.path);
                   connections_.subflow_established(e.token, e.path, e.port);
                   policy_->on_subflow_established(e.token, e.path, e.port, now, out_);
                 },
                 [&](const MptcpSubClosed& e) {
                   check_path(e.path);
                   connections_.subflow_closed(e.token, e.path, e.port);
                   policy_->on_subflow_closed(e.token, e.path, e.port, e.error, now, out_);
                 },
             },
             event);
}

void Engine::on_progress(ConnectionToken token, PathId path, std::uint64_t bytes, Instant now) {
  advance(now);
  check_path(path);
  if (connections_.contains(token)) progress_.update(token, path, bytes, now);
}

void Engine::on_timeout(Instant now) {
  advance(now);
  for (PathId p = 0; p < detectors_.size(); ++p) {
    if (detectors_[p].next_deadline() <= now) tell_policy(p, detectors_[p].on_timeout(now, out_), now);
  }
  policy_->on_timeout(now, out_);
}

Instant Engine::next_deadline() const {
  Instant next = Instant::max();
  for (const auto& d : detectors_) next = std::min(next, d.next_deadline());
  if (const auto p = policy_->next_deadline()) next = std::min(next, *p);
  return next;
}

void Engine::advance(Instant now) {
  if (now < now_)
    throw std::logic_error("engine: time went backwards, from " + std::to_string(to_seconds(now_)) + " s to " +
                           std::to_string(to_seconds(now)) + " s");
  now_ = now;
}

void Engine::check_path(PathId path) const {
  if (path >= detectors_.size())
    throw std::out_of_range("engine: event for path " + std::to_string(path) + ", but there are only " +
                            std::to_string(detectors_.size()) + " paths");
}

void Engine::tell_policy(PathId path, Transition transition, Instant now) {
  if (transition == Transition::went_down) policy_->on_path_down(path, now, out_);
  if (transition == Transition::went_up) policy_->on_path_up(path, now, out_);
}

}  // namespace mprecover
