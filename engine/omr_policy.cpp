// Policy `omr`: OpenMPTCProuter's tracker. On down, the path's endpoint goes off; on up, it waits
// omr_wait and then flaps the endpoint ("sleep 15; multipath off; sleep 1; multipath on").
#include <algorithm>
#include <map>

#include "policy_table.h"

namespace mprecover {

namespace {

class OmrPolicy final : public PathManagerPolicy {
 public:
  OmrPolicy(const PolicySettings& settings, PolicyContext context)
      : wait_(settings.duration("omr_wait")), flap_gap_(settings.duration("omr_flap_gap")), context_(context) {}

  void on_path_down(PathId path, Instant now, Output& out) override;
  void on_path_up(PathId path, Instant now, Output& out) override;
  void on_timeout(Instant now, Output& out) override;
  std::optional<Instant> next_deadline() const override;

 private:
  enum class Step { endpoint_off, endpoint_on };
  struct Pending {
    Step step;
    Instant due;
  };

  Duration wait_;      // from "path up" to the endpoint flap
  Duration flap_gap_;  // between endpoint off and on
  PolicyContext context_;
  std::map<PathId, Pending> pending_;  // at most one scheduled step per path
};

void OmrPolicy::on_path_down(PathId path, Instant /*now*/, Output& out) {
  pending_.erase(path);
  out.act(DeleteEndpoint{path});
}

void OmrPolicy::on_path_up(PathId path, Instant now, Output& out) {
  pending_[path] = {Step::endpoint_off, now + wait_};
  out.note({.at = now, .kind = NoticeKind::omr_wait_started, .path = path, .token = {}, .delay = wait_});
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
      pending = {Step::endpoint_on, now + flap_gap_};
      ++it;
      continue;
    }
    const auto missing = context_.connections.missing_on(path);
    for (const ConnectionToken token : missing) context_.connections.set_pending(token, path, true);
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

}  // namespace

PolicyEntry omr_policy() {
  PolicyEntry e;
  e.name = "omr";
  e.summary = "OpenMPTCProuter's tracker: endpoint off when a path goes down; when it is back, wait, then flap the endpoint";
  // OMR's tracker probes every 2 s with a 2 s timeout, and needs 3 failures to go down and 5
  // successes to come back.
  e.detector.interval = 2s;
  e.detector.timeout = 2s;
  e.detector.down_after = 3;
  e.detector.up_after = 5;
  e.keys = {
      {"omr_wait", Duration{15s}, "omr: time from \"path up\" to the endpoint flap", {}, false},
      {"omr_flap_gap", Duration{1s}, "omr: time between endpoint off and endpoint on", {}, false},
  };
  e.make = [](const PolicySettings& settings, const BackendCapabilities&,
              PolicyContext context) -> std::unique_ptr<PathManagerPolicy> {
    return std::make_unique<OmrPolicy>(settings, context);
  };
  return e;
}

}  // namespace mprecover
