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
    const auto active = [](const std::unique_ptr<MptcpSubflow>& subflow) {
        return subflow->IsFullyEstablished() && !subflow->IsStalled();
    };
    // As the kernel's mptcp_subflow_get_send: backup subflows only when no other subflow is
    // active, even when the active ones have no room (then nothing is sent until they do).
    const bool backupsIdle =
        std::any_of(subflows.begin(), subflows.end(), [&](const auto& s) { return active(s) && !s->IsBackup(); });
    MptcpSubflow* best = nullptr;
    for (const auto& subflow : subflows)
    {
        if (!active(subflow) || (backupsIdle && subflow->IsBackup()))
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
        if (best == nullptr || subflow->GetRtt() < best->GetRtt())
        {
            best = subflow.get();
        }
    }
    return best;
}

} // namespace sim
} // namespace mprecover
