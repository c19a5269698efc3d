#include "mptcp-scheduler.h"

#include <algorithm>

namespace mprecover
{
namespace sim
{

MptcpSubflow*
MptcpPickSubflow(const std::vector<std::unique_ptr<MptcpSubflow>>& subflows,
                 uint64_t pending,
                 uint32_t maxChunk)
{
    MptcpSubflow* best = nullptr;
    for (const auto& subflow : subflows)
    {
        if (!subflow->IsFullyEstablished() || subflow->IsStalled())
        {
            continue;
        }
        // Topping up by tiny amounts on every ack would cost a record each: wait for a chunk of
        // a quarter window (at least a segment, at most a record), or for what is left to send.
        const uint32_t chunk =
            std::min(maxChunk,
                     std::max(subflow->GetSegmentSize(), subflow->GetCongestionWindow() / 4));
        if (subflow->GetRoom() < std::min<uint64_t>(chunk, pending))
        {
            continue;
        }
        if (best == nullptr || (best->IsBackup() && !subflow->IsBackup()) ||
            (best->IsBackup() == subflow->IsBackup() && subflow->GetRtt() < best->GetRtt()))
        {
            best = subflow.get();
        }
    }
    return best;
}

} // namespace sim
} // namespace mprecover
