// The packet scheduler of the sending end: which subflow the next bytes go to.
#pragma once

#include "mptcp-subflow.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace mprecover
{
namespace sim
{

/**
 * The kernel's default scheduler, in spirit: among the established subflows that are not stale
 * (stalled) and have room for a worthwhile chunk, the one with the lowest smoothed RTT; backup
 * subflows only when no other subflow is established and not stalled, room or not. `pending` is
 * how many bytes are ready to go, and `maxChunk` the largest record the caller will send.
 * Returns nullptr if none qualifies.
 */
MptcpSubflow* MptcpPickSubflow(const std::vector<std::unique_ptr<MptcpSubflow>>& subflows,
                               uint64_t pending,
                               uint32_t maxChunk);

} // namespace sim
} // namespace mprecover
