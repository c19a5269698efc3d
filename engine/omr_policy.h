// Policy `omr`: OpenMPTCProuter's tracker. On down, the path's endpoint goes off; on up, it waits
// omr_wait and then flaps the endpoint ("sleep 15; multipath off; sleep 1; multipath on").
#pragma once

#include <map>

#include "path_manager_policy.h"

namespace mprecover {

class OmrPolicy final : public PathManagerPolicy {
 public:
  OmrPolicy(const PolicyConfig& config, PolicyContext context) : config_(config), context_(context) {}

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

  PolicyConfig config_;
  PolicyContext context_;
  std::map<PathId, Pending> pending_;  // at most one scheduled step per path
};

}  // namespace mprecover
