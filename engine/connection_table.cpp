#include "connection_table.h"

#include <algorithm>

namespace mprecover {

void ConnectionTable::add(ConnectionToken token, PathId path) {
  Connection& c = connections_[token];
  c.slots.assign(path_count_, Slot{});
  if (path < path_count_) c.slots[path].pending = true;
}

void ConnectionTable::establish(ConnectionToken token, PathId path, std::uint16_t port) {
  Connection& c = connections_[token];
  if (c.slots.empty()) c.slots.assign(path_count_, Slot{});
  c.established = true;
  if (path < path_count_) c.slots[path] = Slot{{port}, false};
}

void ConnectionTable::remove(ConnectionToken token) { connections_.erase(token); }

bool ConnectionTable::established(ConnectionToken token) const {
  const auto it = connections_.find(token);
  return it != connections_.end() && it->second.established;
}

ConnectionTable::Slot* ConnectionTable::slot(ConnectionToken token, PathId path) {
  const auto it = connections_.find(token);
  if (it == connections_.end() || path >= path_count_) return nullptr;
  return &it->second.slots[path];
}

SubflowState ConnectionTable::subflow(ConnectionToken token, PathId path) const {
  const auto it = connections_.find(token);
  if (it == connections_.end() || path >= path_count_) return SubflowState::none;
  const Slot& s = it->second.slots[path];
  if (!s.ports.empty()) return SubflowState::established;
  return s.pending ? SubflowState::pending : SubflowState::none;
}

std::vector<std::uint16_t> ConnectionTable::ports(ConnectionToken token, PathId path) const {
  const auto it = connections_.find(token);
  if (it == connections_.end() || path >= path_count_) return {};
  return it->second.slots[path].ports;
}

void ConnectionTable::subflow_established(ConnectionToken token, PathId path, std::uint16_t port) {
  if (Slot* s = slot(token, path)) {
    s->ports.push_back(port);
    s->pending = false;
  }
}

void ConnectionTable::subflow_closed(ConnectionToken token, PathId path, std::uint16_t port) {
  Slot* s = slot(token, path);
  if (s == nullptr) return;
  auto it = std::find(s->ports.begin(), s->ports.end(), port);
  // A backend that names no ports (0) closes the oldest.
  if (it == s->ports.end() && port == 0 && !s->ports.empty() && s->ports.front() == 0) it = s->ports.begin();
  if (it != s->ports.end()) {
    s->ports.erase(it);
    return;
  }
  // Not an established one: the creation that was pending failed.
  s->pending = false;
}

void ConnectionTable::set_pending(ConnectionToken token, PathId path, bool pending) {
  if (Slot* s = slot(token, path)) s->pending = pending;
}

std::vector<ConnectionToken> ConnectionTable::forget_pending(PathId path) {
  std::vector<ConnectionToken> forgotten;
  if (path >= path_count_) return forgotten;
  for (auto& [token, c] : connections_) {
    Slot& s = c.slots[path];
    if (s.pending && s.ports.empty()) {
      s.pending = false;
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
    if (c.established && c.slots[path].ports.empty() && !c.slots[path].pending) out.push_back(token);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<ConnectionToken> ConnectionTable::present_on(PathId path) const {
  std::vector<ConnectionToken> out;
  if (path >= path_count_) return out;
  for (const auto& [token, c] : connections_)
    if (c.established && !c.slots[path].ports.empty()) out.push_back(token);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mprecover
