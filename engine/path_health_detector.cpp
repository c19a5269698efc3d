#include "path_health_detector.h"

#include <algorithm>

namespace mprecover {

namespace {
// Probe ids carry the path in their high bits, so that they are unique across paths.
constexpr unsigned kProbeIdPathShift = 40;

Transition latest(Transition a, Transition b) { return b == Transition::none ? a : b; }
}  // namespace

PathHealthDetector::PathHealthDetector(PathId path, const DetectorConfig& config, Instant start)
    : path_(path),
      config_(config),
      next_probe_(start),
      next_probe_id_(std::uint64_t{path} << kProbeIdPathShift) {}

Transition PathHealthDetector::on_probe_result(std::uint64_t probe_id, bool ok, Instant now, Output& out) {
  const auto it = outstanding_.find(probe_id);
  if (it == outstanding_.end()) return Transition::none;
  const bool confirm = it->second.confirm;
  outstanding_.erase(it);
  if (confirm && state_ != PathState::confirming) return Transition::none;  // overtaken by events
  return ok ? on_success(confirm, now, out) : on_failure(now, out);
}

Transition PathHealthDetector::on_link_change(LinkChange change, Instant now, Output& out) {
  switch (change) {
    case LinkChange::carrier_down:
      link_lost_ = true;
      return declare_down(DownReason::carrier, now, out);
    case LinkChange::address_gone:
      link_lost_ = true;
      return declare_down(DownReason::address, now, out);
    case LinkChange::carrier_up:
    case LinkChange::address_back:
      link_lost_ = false;
      successes_ = 0;
      send_probe(config_.mode, false, now, out);
      return Transition::none;
  }
  return Transition::none;
}

Transition PathHealthDetector::on_timeout(Instant now, Output& out) {
  Transition result = Transition::none;
  // Outstanding deadlines grow with the probe id (every probe has the same timeout).
  while (!outstanding_.empty() && outstanding_.begin()->second.deadline <= now) {
    const Outstanding probe = outstanding_.begin()->second;
    outstanding_.erase(outstanding_.begin());
    // Probes sent every down_interval while the path was down are still out when it comes back:
    // their timeouts must not take it down again.
    if (probe.sent_while_down && state_ != PathState::down) continue;
    if (!probe.confirm || state_ == PathState::confirming) result = latest(result, on_failure(now, out));
  }
  if (hold_until_ && *hold_until_ <= now) result = latest(result, after_hold(now, out));
  if (next_probe_ <= now) {
    send_probe(config_.mode, false, now, out);
    next_probe_ += interval();
    if (next_probe_ <= now) next_probe_ = now + interval();  // the backend fell behind
  }
  return result;
}

Duration PathHealthDetector::interval() const {
  return state_ == PathState::down ? config_.down_interval.value_or(config_.interval) : config_.interval;
}

Instant PathHealthDetector::next_deadline() const {
  Instant next = next_probe_;
  if (!outstanding_.empty()) next = std::min(next, outstanding_.begin()->second.deadline);
  if (hold_until_) next = std::min(next, *hold_until_);
  return next;
}

void PathHealthDetector::send_probe(ProbeMode mode, bool confirm, Instant now, Output& out) {
  const std::uint64_t id = next_probe_id_++;
  outstanding_.emplace(id, Outstanding{now + config_.timeout, confirm, state_ == PathState::down});
  out.act(SendProbe{path_, id, mode, config_.timeout});
}

Transition PathHealthDetector::on_success(bool confirm, Instant now, Output& out) {
  if (link_lost_) return Transition::none;  // a stale answer from before the link went away
  switch (state_) {
    case PathState::up:
      failures_ = 0;
      return Transition::none;
    case PathState::down:
      if (++successes_ < config_.up_after) return Transition::none;
      successes_ = 0;
      if (config_.hold > Duration::zero()) {
        state_ = PathState::held;
        hold_until_ = now + config_.hold;
        out.note({.at = now, .kind = NoticeKind::path_candidate, .path = path_, .token = {}, .delay = config_.hold});
        return Transition::none;
      }
      return after_hold(now, out);
    case PathState::held:
      return Transition::none;
    case PathState::confirming:
      return confirm ? declare_up(now, out) : Transition::none;
  }
  return Transition::none;
}

Transition PathHealthDetector::on_failure(Instant now, Output& out) {
  switch (state_) {
    case PathState::up:
      if (++failures_ < config_.down_after) return Transition::none;
      return declare_down(DownReason::probes, now, out);
    case PathState::down:
      successes_ = 0;
      return Transition::none;
    case PathState::held:
    case PathState::confirming:
      return declare_down(DownReason::probes, now, out);
  }
  return Transition::none;
}

Transition PathHealthDetector::declare_down(DownReason reason, Instant now, Output& out) {
  const PathState before = state_;
  state_ = PathState::down;
  failures_ = 0;
  successes_ = 0;
  hold_until_.reset();
  if (before == PathState::down) return Transition::none;
  // A path that is down is probed at its own interval from now on, so that its restore is seen soon.
  next_probe_ = std::min(next_probe_, now + interval());
  if (before != PathState::up) {
    // It was never handed back to the policy, so the policy sees no transition.
    out.note({.at = now, .kind = NoticeKind::path_hold_broken, .path = path_, .token = {}, .reason = reason});
    return Transition::none;
  }
  out.note({.at = now, .kind = NoticeKind::path_down, .path = path_, .token = {}, .reason = reason});
  return Transition::went_down;
}

Transition PathHealthDetector::declare_up(Instant now, Output& out) {
  state_ = PathState::up;
  failures_ = 0;
  successes_ = 0;
  out.note({.at = now, .kind = NoticeKind::path_up, .path = path_, .token = {}});
  return Transition::went_up;
}

Transition PathHealthDetector::after_hold(Instant now, Output& out) {
  hold_until_.reset();
  if (!config_.confirm) return declare_up(now, out);
  state_ = PathState::confirming;
  send_probe(*config_.confirm, true, now, out);
  return Transition::none;
}

}  // namespace mprecover
