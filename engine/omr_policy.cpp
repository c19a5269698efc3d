#include "omr_policy.h"

#include <algorithm>

namespace mprecover {

void OmrPolicy::on_path_down(PathId path, Instant /*now*/, Output& out) {
  pending_.erase(path);
  out.act(DeleteEndpoint{path});
}

void OmrPolicy::on_path_up(PathId path, Instant now, Output& out) {
  pending_[path] = {Step::endpoint_off, now + config_.omr_wait};
  out.note({.at = now, .kind = NoticeKind::omr_wait_started, .path = path, .token = {}, .delay = config_.omr_wait});
}

void OmrPolicy::on_timeout(Instant now, Output& out) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto& [path, pending] = *it;
    if (pending.due > now) {
      ++it;
      continue;
    }
    if (pending.step == Step::endpoint_off) {
      out.act(DeleteEndpoint{path});
      pending = {Step::endpoint_on, now + config_.omr_flap_gap};
      ++it;
      continue;
    }
    const auto missing = context_.connections.missing_on(path);
    for (const ConnectionToken token : missing) context_.connections.set_subflow(token, path, SubflowState::pending);
    out.note({.at = now, .kind = NoticeKind::rebuild_pass, .path = path, .token = {}, .count = missing.size()});
    out.act(AddEndpoint{path});
    it = pending_.erase(it);
  }
}

std::optional<Instant> OmrPolicy::next_deadline() const {
  std::optional<Instant> next;
  for (const auto& [path, pending] : pending_) next = next ? std::min(*next, pending.due) : pending.due;
  return next;
}

}  // namespace mprecover
