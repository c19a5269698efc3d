#include "backends/netns/subflow_byte_counter.h"

namespace mprecover::netns {

void SubflowByteCounter::update(const std::vector<SubflowInfo>& subflows, const PathOfAddress& path_of) {
  std::map<SubflowKey, std::uint64_t> seen;
  up_.clear();
  for (const SubflowInfo& subflow : subflows) {
    const auto path = path_of(subflow.local_address);
    if (!path) continue;
    const SubflowKey key{subflow.local_address, subflow.local_port};
    const auto last = last_acked_.find(key);
    // A smaller count than last time: a new subflow that got the old one's port.
    const std::uint64_t before =
        last != last_acked_.end() && last->second <= subflow.bytes_acked ? last->second : 0;
    bytes_[*path] += subflow.bytes_acked - before;
    seen[key] = subflow.bytes_acked;
    if (subflow.established) up_.insert(*path);
  }
  last_acked_ = std::move(seen);
}

std::uint64_t SubflowByteCounter::bytes(PathId path) const {
  const auto it = bytes_.find(path);
  return it == bytes_.end() ? 0 : it->second;
}

}  // namespace mprecover::netns
