// The engine's view of every open MPTCP connection and its subflow on each path.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "ids.h"

namespace mprecover {

enum class SubflowState : std::uint8_t {
  none,         // no subflow on this path
  pending,      // asked for (CreateSubflow or an endpoint add), not established yet
  established,
};

class ConnectionTable {
 public:
  explicit ConnectionTable(std::size_t path_count) : path_count_(path_count) {}

  // MPTCP_EVENT_CREATED: the initial subflow on `path` is being set up.
  void add(ConnectionToken token, PathId path);
  // MPTCP_EVENT_ESTABLISHED: the connection and its initial subflow are up.
  void establish(ConnectionToken token, PathId path);
  // MPTCP_EVENT_CLOSED.
  void remove(ConnectionToken token);

  bool contains(ConnectionToken token) const { return connections_.find(token) != connections_.end(); }
  bool established(ConnectionToken token) const;
  SubflowState subflow(ConnectionToken token, PathId path) const;
  // Ignored for unknown tokens: events of connections opened before the engine started.
  void set_subflow(ConnectionToken token, PathId path, SubflowState state);

  // A path went down: creations still pending on it will not complete. Returns their tokens.
  std::vector<ConnectionToken> forget_pending(PathId path);

  // Established connections without a pending or established subflow on `path`, in token order
  // so that a rebuild pass issues its commands in a reproducible order.
  std::vector<ConnectionToken> missing_on(PathId path) const;

  std::size_t size() const { return connections_.size(); }
  std::size_t path_count() const { return path_count_; }

 private:
  struct Connection {
    bool established = false;
    std::vector<SubflowState> subflows;
  };

  std::size_t path_count_;
  std::unordered_map<ConnectionToken, Connection> connections_;
};

}  // namespace mprecover
