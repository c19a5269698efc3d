// Policy `engine` (the default): rebuilds missing subflows per connection.
//  - path confirmed up: create the missing subflow on every connection in one pass;
//  - subflow closed with an error while its path is up: re-create it with bounded exponential backoff;
//  - path down: drop pending re-creations and subflows still connecting, touch nothing else;
//  - never touches a healthy subflow.
// Through the userspace PM (SUBFLOW_CREATE per token) where the backend has it, through an
// endpoint flap of the in-kernel PM otherwise. The flap is the in-kernel PM's only lever, and it
// also closes and re-opens the healthy subflows on that path: the userspace PM avoids that.
#pragma once

#include <map>
#include <set>
#include <utility>

#include "path_manager_policy.h"

namespace mprecover {

class EnginePolicy final : public PathManagerPolicy {
 public:
  EnginePolicy(const PolicyConfig& config, PathManagerMode mode, PolicyContext context)
      : config_(config), mode_(mode), context_(context) {}

  void on_path_down(PathId path, Instant now, Output& out) override;
  void on_path_up(PathId path, Instant now, Output& out) override;
  void on_established(ConnectionToken token, PathId path, Instant now, Output& out) override;
  void on_subflow_established(ConnectionToken token, PathId path, Instant now) override;
  void on_subflow_closed(ConnectionToken token, PathId path, int error, Instant now, Output& out) override;
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
  void cancel(const Key& key);

  PolicyConfig config_;
  PathManagerMode mode_;
  PolicyContext context_;
  std::map<Key, Backoff> backoff_;       // subflows that died with an error and are not back yet
  std::set<std::pair<Instant, Key>> due_;  // scheduled re-creations, earliest first
};

}  // namespace mprecover
