#include "backends/netns/subflow_byte_counter.h"

namespace mprecover::netns {

void SubflowByteCounter::update(const std::vector<SubflowInfo>& subflows, const PathOfAddress& path_of) {
  std::map<SubflowKey, std::uint64_t> seen;
  up_.clear();
  for (const SubflowInfo& subflow : subflows) {
    const auto path = path_of(subflow.local_address);
    if (!path) continue;
    const SubflowKey key{subflow.local_address, subflow.local_port};
    const std::uint64_t carried = subflow.bytes_acked + subflow.bytes_received;
    const auto last = last_carried_.find(key);
    // A smaller count than last time: a new subflow that got the old one's port.
    const std::uint64_t before = last != last_carried_.end() && last->second <= carried ? last->second : 0;
    bytes_[*path] += carried - before;
    seen[key] = carried;
    if (subflow.established) up_.insert(*path);
  }
  last_carried_ = std::move(seen);
}

std::uint64_t SubflowByteCounter::bytes(PathId path) const {
  const auto it = bytes_.find(path);
  return it == bytes_.end() ? 0 : it->second;
}

}  // namespace mprecover::netns
