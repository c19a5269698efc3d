#include "connection_table.h"

#include <algorithm>

namespace mprecover {

void ConnectionTable::add(ConnectionToken token, PathId path) {
  Connection& c = connections_[token];
  c.subflows.assign(path_count_, SubflowState::none);
  if (path < path_count_) c.subflows[path] = SubflowState::pending;
}

void ConnectionTable::establish(ConnectionToken token, PathId path) {
  Connection& c = connections_[token];
  if (c.subflows.empty()) c.subflows.assign(path_count_, SubflowState::none);
  c.established = true;
  if (path < path_count_) c.subflows[path] = SubflowState::established;
}

void ConnectionTable::remove(ConnectionToken token) { connections_.erase(token); }

bool ConnectionTable::established(ConnectionToken token) const {
  const auto it = connections_.find(token);
  return it != connections_.end() && it->second.established;
}

SubflowState ConnectionTable::subflow(ConnectionToken token, PathId path) const {
  const auto it = connections_.find(token);
  if (it == connections_.end() || path >= path_count_) return SubflowState::none;
  return it->second.subflows[path];
}

void ConnectionTable::set_subflow(ConnectionToken token, PathId path, SubflowState state) {
  const auto it = connections_.find(token);
  if (it == connections_.end() || path >= path_count_) return;
  it->second.subflows[path] = state;
}

std::vector<ConnectionToken> ConnectionTable::forget_pending(PathId path) {
  std::vector<ConnectionToken> forgotten;
  if (path >= path_count_) return forgotten;
  for (auto& [token, c] : connections_) {
    if (c.subflows[path] == SubflowState::pending) {
      c.subflows[path] = SubflowState::none;
      forgotten.push_back(token);
    }
  }
  std::sort(forgotten.begin(), forgotten.end());
  return forgotten;
}

std::vector<ConnectionToken> ConnectionTable::missing_on(PathId path) const {
  std::vector<ConnectionToken> out;
  if (path >= path_count_) return out;
  for (const auto& [token, c] : connections_)
    if (c.established && c.subflows[path] == SubflowState::none) out.push_back(token);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mprecover
