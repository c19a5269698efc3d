// When each connection last moved data on each path, from the byte counters the backend samples:
// what tells a subflow that survived an outage but makes no progress (stuck in TCP's
// retransmission backoff) from one that carries data.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "clock.h"
#include "ids.h"

namespace mprecover {

class ProgressTable {
 public:
  // The connection's cumulative bytes through `path` at `now`.
  void update(ConnectionToken token, PathId path, std::uint64_t bytes, Instant now) {
    Entry& e = entries_[{std::uint64_t{token}, path}];
    if (!e.moved || bytes > e.bytes) e.moved = now;
    e.bytes = bytes;
  }
  // When the counter last grew (or was first seen); nothing when it never was.
  std::optional<Instant> last_moved(ConnectionToken token, PathId path) const {
    const auto it = entries_.find({std::uint64_t{token}, path});
    if (it == entries_.end()) return std::nullopt;
    return it->second.moved;
  }
  void forget(ConnectionToken token) {
    entries_.erase(entries_.lower_bound({std::uint64_t{token}, 0}), entries_.lower_bound({token + 1ULL, 0}));
  }

 private:
  struct Entry {
    std::uint64_t bytes = 0;
    std::optional<Instant> moved;
  };
  std::map<std::pair<std::uint64_t, PathId>, Entry> entries_;  // the token widened, so token + 1 cannot wrap
};

}  // namespace mprecover
