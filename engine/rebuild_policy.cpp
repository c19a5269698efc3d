// Policy `rebuild` (the default; `engine` in older scenario files): rebuilds missing subflows per connection.
//  - path confirmed up: create the missing subflow on every connection in one pass, and replace
//    make-before-break every subflow that survived the outage but has carried nothing since
//    (stuck in TCP's retransmission backoff, it would come back only at its next RTO, up to
//    tcp_retries2's 120 s later): a fresh subflow on the path, then the stalled one retired;
//  - subflow closed with an error while its path is up: re-create it with bounded exponential backoff;
//  - path down: drop pending re-creations and subflows still connecting, touch nothing else;
//  - never touches a subflow that makes progress.
// Through the userspace PM (SUBFLOW_CREATE per token) where the backend has it, through an
// endpoint flap of the in-kernel PM otherwise. The flap is the in-kernel PM's only lever, and it
// also closes and re-opens the healthy subflows on that path: the userspace PM avoids that.
#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "policy_table.h"

namespace mprecover {

namespace {

// How the policy re-creates a subflow: per connection through the userspace PM (SUBFLOW_CREATE),
// or by deleting and re-adding the path's endpoint of the in-kernel PM; auto takes the first where
// the backend has the userspace PM.
constexpr const char* kRebuildViaKey = "rebuild_via";
constexpr const char* kReplaceStalledKey = "replace_stalled";
constexpr const char* kStallAfterKey = "stall_after";

class RebuildPolicy final : public PathManagerPolicy {
 public:
  RebuildPolicy(const PolicySettings& settings, PathManagerMode mode, PolicyContext context)
      : retry_initial_(settings.duration("retry.initial")),
        retry_max_(settings.duration("retry.max")),
        replace_stalled_(settings.flag(kReplaceStalledKey)),
        stall_after_(settings.duration(kStallAfterKey)),
        mode_(mode),
        context_(context) {}

  void on_path_down(PathId path, Instant now, Output& out) override;
  void on_path_up(PathId path, Instant now, Output& out) override;
  void on_established(ConnectionToken token, PathId path, Instant now, Output& out) override;
  void on_subflow_established(ConnectionToken token, PathId path, std::uint16_t port, Instant now,
                              Output& out) override;
  void on_subflow_closed(ConnectionToken token, PathId path, std::uint16_t port, int error, Instant now,
                         Output& out) override;
  void on_closed(ConnectionToken token) override;
  void on_timeout(Instant now, Output& out) override;
  std::optional<Instant> next_deadline() const override;
  PathManagerMode mode() const override { return mode_; }

 private:
  using Key = std::pair<ConnectionToken, PathId>;
  struct Backoff {
    Duration next_delay;
    std::optional<Instant> due;  // set while a re-creation is scheduled
  };

  // Creates the subflow of each listed connection on `path` (or flaps the endpoint once).
  void rebuild(PathId path, const std::vector<ConnectionToken>& tokens, Output& out);
  // Starts replacing the subflows on `path` that have carried nothing since it went down.
  void replace_stalled(PathId path, Instant now, Output& out);
  void cancel(const Key& key);

  Duration retry_initial_;  // first re-creation delay after a subflow error
  Duration retry_max_;      // the backoff doubles up to this bound
  bool replace_stalled_;
  Duration stall_after_;    // no progress for this long (and none since the path went down): stalled
  PathManagerMode mode_;
  PolicyContext context_;
  std::map<Key, Backoff> backoff_;       // subflows that died with an error and are not back yet
  std::set<std::pair<Instant, Key>> due_;  // scheduled re-creations, earliest first
  std::map<Key, std::uint16_t> replacing_;  // the stalled subflow's port, while its replacement is pending
  std::set<std::tuple<ConnectionToken, PathId, std::uint16_t>> retiring_;  // stalled subflows asked to go
};


void RebuildPolicy::on_path_down(PathId path, Instant now, Output& out) {
  // A replacement still connecting on the dead path would complete only at a SYN retransmission:
  // give it up, the stalled subflow stays (it will be looked at again when the path is back).
  for (auto it = replacing_.begin(); it != replacing_.end();) {
    if (it->first.second != path) {
      ++it;
      continue;
    }
    context_.connections.set_pending(it->first.first, path, false);
    it = replacing_.erase(it);
  }
  std::uint64_t cancelled = 0;
  for (auto it = due_.begin(); it != due_.end();) {
    if (it->second.second != path) {
      ++it;
      continue;
    }
    backoff_[it->second].due.reset();
    it = due_.erase(it);
    ++cancelled;
  }
  if (cancelled > 0)
    out.note({.at = now, .kind = NoticeKind::retries_cancelled, .path = path, .token = {}, .count = cancelled});
  // Creations still pending on the dead path would only complete when a SYN retransmission
  // (1, 2, 4, 8 s ... apart) happens to get through after the restore: drop them, so that the
  // path-up pass creates them afresh at once. (A late MPTCP_EVENT_SUB_ESTABLISHED still counts.)
  const auto pending = context_.connections.forget_pending(path);
  if (mode_ == PathManagerMode::userspace)
    for (const ConnectionToken token : pending) out.act(DestroySubflow{token, path});
}

void RebuildPolicy::on_path_up(PathId path, Instant now, Output& out) {
  const auto missing = context_.connections.missing_on(path);
  out.note({.at = now, .kind = NoticeKind::rebuild_pass, .path = path, .token = {}, .count = missing.size()});
  // The pass replaces any backoff: the path has just proven itself, so start afresh.
  for (const ConnectionToken token : missing) {
    cancel({token, path});
    backoff_.erase({token, path});
  }
  rebuild(path, missing, out);
  if (replace_stalled_) replace_stalled(path, now, out);
}

void RebuildPolicy::replace_stalled(PathId path, Instant now, Output& out) {
  auto& table = context_.connections;
  std::vector<ConnectionToken> stalled;
  for (const ConnectionToken token : table.present_on(path)) {
    if (replacing_.count({token, path}) > 0) continue;
    // Without a sample there is nothing to judge by: leave it. (Data in flight when the path went
    // down may still have been counted just after, so the test is the time without progress.)
    const auto moved = context_.progress.last_moved(token, path);
    if (!moved || now - *moved < stall_after_) continue;
    stalled.push_back(token);
  }
  if (stalled.empty()) return;
  out.note({.at = now, .kind = NoticeKind::replace_pass, .path = path, .token = {}, .count = stalled.size()});
  if (mode_ == PathManagerMode::userspace) {
    for (const ConnectionToken token : stalled) {
      replacing_[{token, path}] = table.ports(token, path).front();
      table.set_pending(token, path, true);
      out.act(CreateSubflow{token, path});
    }
    return;
  }
  // The in-kernel PM's only lever: a flap closes every subflow on the path and opens fresh ones.
  for (const ConnectionToken token : table.present_on(path)) table.set_pending(token, path, true);
  out.act(DeleteEndpoint{path});
  out.act(AddEndpoint{path});
}

void RebuildPolicy::on_established(ConnectionToken token, PathId path, Instant /*now*/, Output& out) {
  // The in-kernel PM opens the extra subflows of a new connection itself; the userspace PM waits
  // for us to do it.
  if (mode_ != PathManagerMode::userspace) return;
  for (PathId p = 0; p < context_.detectors.size(); ++p)
    if (p != path && context_.path_up(p)) rebuild(p, {token}, out);
}

void RebuildPolicy::on_subflow_established(ConnectionToken token, PathId path, std::uint16_t port, Instant /*now*/,
                                           Output& out) {
  cancel({token, path});
  backoff_.erase({token, path});
  // The replacement is up: the stalled subflow can go (make-before-break).
  const auto replacing = replacing_.find({token, path});
  if (replacing == replacing_.end() || replacing->second == port) return;
  retiring_.insert({token, path, replacing->second});
  out.act(RetireSubflow{token, path, replacing->second});
  replacing_.erase(replacing);
}

void RebuildPolicy::on_subflow_closed(ConnectionToken token, PathId path, std::uint16_t port, int error, Instant now,
                                      Output& out) {
  if (retiring_.erase({token, path, port}) > 0) return;  // the stalled subflow we retired
  const auto replacing = replacing_.find({token, path});
  if (replacing != replacing_.end() && replacing->second == port) replacing_.erase(replacing);
  if (error == 0 || !context_.path_up(path) || !context_.connections.established(token)) return;
  // Another subflow still works on the path: nothing to re-create.
  if (context_.connections.subflow(token, path) == SubflowState::established) return;
  const Key key{token, path};
  cancel(key);
  auto [it, inserted] = backoff_.try_emplace(key, Backoff{retry_initial_, std::nullopt});
  Backoff& backoff = it->second;
  const Duration delay = backoff.next_delay;
  backoff.due = now + delay;
  backoff.next_delay = std::min(delay * 2, retry_max_);
  due_.emplace(*backoff.due, key);
  out.note({.at = now, .kind = NoticeKind::retry_scheduled, .path = path, .token = token, .delay = delay});
}

void RebuildPolicy::on_closed(ConnectionToken token) {
  for (PathId p = 0; p < context_.detectors.size(); ++p) {
    cancel({token, p});
    backoff_.erase({token, p});
  }
}

void RebuildPolicy::on_timeout(Instant now, Output& out) {
  std::map<PathId, std::vector<ConnectionToken>> ready;
  while (!due_.empty() && due_.begin()->first <= now) {
    const Key key = due_.begin()->second;
    due_.erase(due_.begin());
    backoff_[key].due.reset();
    const auto& [token, path] = key;
    if (context_.path_up(path) && context_.connections.subflow(token, path) == SubflowState::none)
      ready[path].push_back(token);
  }
  for (const auto& [path, tokens] : ready) rebuild(path, tokens, out);
}

std::optional<Instant> RebuildPolicy::next_deadline() const {
  if (due_.empty()) return std::nullopt;
  return due_.begin()->first;
}

void RebuildPolicy::rebuild(PathId path, const std::vector<ConnectionToken>& tokens, Output& out) {
  if (tokens.empty()) return;
  auto& table = context_.connections;
  if (mode_ == PathManagerMode::userspace) {
    for (const ConnectionToken token : tokens) {
      table.set_pending(token, path, true);
      out.act(CreateSubflow{token, path});
    }
    return;
  }
  // One flap re-creates the subflow on every connection that lacks it, so mark them all.
  for (const ConnectionToken token : table.missing_on(path)) table.set_pending(token, path, true);
  out.act(DeleteEndpoint{path});
  out.act(AddEndpoint{path});
}

void RebuildPolicy::cancel(const Key& key) {
  const auto it = backoff_.find(key);
  if (it == backoff_.end() || !it->second.due) return;
  due_.erase({*it->second.due, key});
  it->second.due.reset();
}

}  // namespace

PolicyEntry rebuild_policy() {
  PolicyEntry e;
  e.name = "rebuild";
  e.aliases = {"engine"};
  e.summary = "mprecover's per-connection rebuild: when a path is back, the missing subflow of every connection at once";
  e.keys = {
      {kRebuildViaKey, std::string("auto"),
       "rebuild: re-create subflows per connection (subflow, userspace PM) or by an endpoint flap (endpoint); auto "
       "takes subflow where the backend has it",
       {"auto", "subflow", "endpoint"}, false},
      {"retry.initial", Duration{500ms},
       "rebuild: delay before re-creating a subflow that died with an error; doubles on each failure", {}, true},
      {"retry.max", Duration{8s}, "rebuild: bound of that delay; at least retry.initial", {}, true},
      {kReplaceStalledKey, true,
       "rebuild: when a path is back, replace make-before-break each subflow that survived the outage but has carried "
       "nothing since (stuck in TCP's retransmission backoff)",
       {}, false},
      {kStallAfterKey, Duration{1s},
       "rebuild: when its path is back, a surviving subflow counts as stalled when it has carried nothing for this "
       "long",
       {}, true},
  };
  // While a path is down it is probed at this interval, so that its restore is noticed within one
  // (OpenMPTCProuter does the opposite: its tracker slows down to failure_interval, 20 s).
  e.detector.down_interval = 200ms;
  e.make = [](const PolicySettings& settings, const BackendCapabilities& caps,
              PolicyContext context) -> std::unique_ptr<PathManagerPolicy> {
    const std::string& via = settings.word(kRebuildViaKey);
    if (via == "subflow" && !caps.userspace_pm)
      throw std::invalid_argument("engine.rebuild_via 'subflow' needs the userspace path manager, which this backend lacks");
    const bool userspace = via == "subflow" || (via == "auto" && caps.userspace_pm);
    return std::make_unique<RebuildPolicy>(settings, userspace ? PathManagerMode::userspace : PathManagerMode::in_kernel,
                                           context);
  };
  e.check = [](const PolicySettings& settings) -> std::optional<std::pair<std::string, std::string>> {
    if (settings.duration("retry.initial") <= settings.duration("retry.max")) return std::nullopt;
    return std::pair<std::string, std::string>{"retry.initial", "{retry.initial} is more than engine.retry.max ({retry.max})"};
  };
  return e;
}

}  // namespace mprecover
