#include "engine_policy.h"

#include <algorithm>

namespace mprecover {

void EnginePolicy::on_path_down(PathId path, Instant now, Output& out) {
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

void EnginePolicy::on_path_up(PathId path, Instant now, Output& out) {
  const auto missing = context_.connections.missing_on(path);
  out.note({.at = now, .kind = NoticeKind::rebuild_pass, .path = path, .token = {}, .count = missing.size()});
  // The pass replaces any backoff: the path has just proven itself, so start afresh.
  for (const ConnectionToken token : missing) {
    cancel({token, path});
    backoff_.erase({token, path});
  }
  rebuild(path, missing, out);
}

void EnginePolicy::on_established(ConnectionToken token, PathId path, Instant /*now*/, Output& out) {
  // The in-kernel PM opens the extra subflows of a new connection itself; the userspace PM waits
  // for us to do it.
  if (mode_ != PathManagerMode::userspace) return;
  for (PathId p = 0; p < context_.detectors.size(); ++p)
    if (p != path && context_.path_up(p)) rebuild(p, {token}, out);
}

void EnginePolicy::on_subflow_established(ConnectionToken token, PathId path, Instant /*now*/) {
  cancel({token, path});
  backoff_.erase({token, path});
}

void EnginePolicy::on_subflow_closed(ConnectionToken token, PathId path, int error, Instant now, Output& out) {
  if (error == 0 || !context_.path_up(path) || !context_.connections.established(token)) return;
  const Key key{token, path};
  cancel(key);
  auto [it, inserted] = backoff_.try_emplace(key, Backoff{config_.retry_initial, std::nullopt});
  Backoff& backoff = it->second;
  const Duration delay = backoff.next_delay;
  backoff.due = now + delay;
  backoff.next_delay = std::min(delay * 2, config_.retry_max);
  due_.emplace(*backoff.due, key);
  out.note({.at = now, .kind = NoticeKind::retry_scheduled, .path = path, .token = token, .delay = delay});
}

void EnginePolicy::on_closed(ConnectionToken token) {
  for (PathId p = 0; p < context_.detectors.size(); ++p) {
    cancel({token, p});
    backoff_.erase({token, p});
  }
}

void EnginePolicy::on_timeout(Instant now, Output& out) {
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

std::optional<Instant> EnginePolicy::next_deadline() const {
  if (due_.empty()) return std::nullopt;
  return due_.begin()->first;
}

void EnginePolicy::rebuild(PathId path, const std::vector<ConnectionToken>& tokens, Output& out) {
  if (tokens.empty()) return;
  auto& table = context_.connections;
  if (mode_ == PathManagerMode::userspace) {
    for (const ConnectionToken token : tokens) {
      table.set_subflow(token, path, SubflowState::pending);
      out.act(CreateSubflow{token, path});
    }
    return;
  }
  // One flap re-creates the subflow on every connection that lacks it, so mark them all.
  for (const ConnectionToken token : table.missing_on(path)) table.set_subflow(token, path, SubflowState::pending);
  out.act(DeleteEndpoint{path});
  out.act(AddEndpoint{path});
}

void EnginePolicy::cancel(const Key& key) {
  const auto it = backoff_.find(key);
  if (it == backoff_.end() || !it->second.due) return;
  due_.erase({*it->second.due, key});
  it->second.due.reset();
}

}  // namespace mprecover
