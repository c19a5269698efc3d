// The engine's view of every open MPTCP connection and its subflows on each path.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "ids.h"

namespace mprecover {

enum class SubflowState : std::uint8_t {
  none,         // no subflow on this path
  pending,      // asked for (CreateSubflow or an endpoint add), not established yet
  established,  // at least one established subflow on this path (one more may be pending)
};

class ConnectionTable {
 public:
  explicit ConnectionTable(std::size_t path_count) : path_count_(path_count) {}

  // MPTCP_EVENT_CREATED: the initial subflow on `path` is being set up.
  void add(ConnectionToken token, PathId path);
  // MPTCP_EVENT_ESTABLISHED: the connection and its initial subflow (local `port`) are up.
  void establish(ConnectionToken token, PathId path, std::uint16_t port);
  // MPTCP_EVENT_CLOSED.
  void remove(ConnectionToken token);

  bool contains(ConnectionToken token) const { return connections_.find(token) != connections_.end(); }
  bool established(ConnectionToken token) const;
  SubflowState subflow(ConnectionToken token, PathId path) const;
  // The local ports of the connection's established subflows on `path`, oldest first.
  std::vector<std::uint16_t> ports(ConnectionToken token, PathId path) const;

  // MPTCP_EVENT_SUB_ESTABLISHED and _SUB_CLOSED. Ignored for unknown tokens: events of
  // connections opened before the engine started. With a backend that gives no ports (0), a
  // close takes the oldest subflow off the path; a close of a port that is not established is
  // the failure of the pending creation.
  void subflow_established(ConnectionToken token, PathId path, std::uint16_t port);
  void subflow_closed(ConnectionToken token, PathId path, std::uint16_t port);
  // A policy asked for a subflow (CreateSubflow, an endpoint flap) or gave up on it.
  void set_pending(ConnectionToken token, PathId path, bool pending);

  // A path went down: creations still pending on it will not complete. Returns their tokens.
  std::vector<ConnectionToken> forget_pending(PathId path);

  // Established connections without a pending or established subflow on `path`, in token order
  // so that a rebuild pass issues its commands in a reproducible order.
  std::vector<ConnectionToken> missing_on(PathId path) const;
  // Established connections with an established subflow on `path`, in token order.
  std::vector<ConnectionToken> present_on(PathId path) const;

  std::size_t size() const { return connections_.size(); }
  std::size_t path_count() const { return path_count_; }

 private:
  struct Slot {
    std::vector<std::uint16_t> ports;  // established subflows, oldest first
    bool pending = false;
  };
  struct Connection {
    bool established = false;
    std::vector<Slot> slots;
  };

  Slot* slot(ConnectionToken token, PathId path);

  std::size_t path_count_;
  std::unordered_map<ConnectionToken, Connection> connections_;
};

}  // namespace mprecover
