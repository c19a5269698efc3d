// The receiving half of an MPTCP connection, whichever end receives: the server for an upload,
// the client for a download.
#pragma once

#include "mptcp-data-stream.h"
#include "mptcp-reorder-buffer.h"
#include "mptcp-subflow.h"

#include "engine/ids.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace mprecover
{
namespace sim
{

/**
 * Puts the pieces that arrive on any subflow back in order, checks every delivered byte against
 * the stream the sender generates from the same key, and acknowledges (DATA_ACK, cumulative) on
 * the subflow data last came in: at once after `ackBytes` new in-order bytes, else after
 * `ackDelay`. When everything up to the DATA_FIN is delivered, it acknowledges the DATA_FIN on
 * every subflow and closes them. The subflows stay the connection's; the receiver reads its list
 * of them.
 */
class MptcpReceiver
{
  public:
    MptcpReceiver(uint64_t key,
                  const std::vector<std::unique_ptr<MptcpSubflow>>& subflows,
                  uint32_t ackBytes = 65536,
                  ns3::Time ackDelay = ns3::MilliSeconds(5));
    MptcpReceiver(const MptcpReceiver&) = delete;
    MptcpReceiver& operator=(const MptcpReceiver&) = delete;
    ~MptcpReceiver();

    /**
     * Answers a subflow's first record at once with a DATA_ACK: for an MP_JOIN it is the fourth
     * ACK the client waits for before sending on it, for the initial subflow the application's
     * greeting (MptcpSubflow::AwaitServerAnswer); a late join also learns that the stream is over.
     */
    void Greet(MptcpSubflow& subflow);
    /// Call with each piece of DSS payload read from a subflow on `path`.
    void Receive(PathId path, uint64_t dsn, const uint8_t* data, uint32_t length);
    void ReceiveDataFin(uint64_t dsn);
    /**
     * Call after each batch read from `subflow`: sends a DATA_ACK if one is due. True when this
     * call found the stream complete: it then acknowledged the DATA_FIN on every subflow, and
     * closed them if `thenClose` (nothing else goes over them).
     */
    bool AfterRead(MptcpSubflow& subflow, bool thenClose);

    /// In-order bytes delivered to the application.
    uint64_t GetBytesDelivered() const
    {
        return m_reorder.GetNextDsn();
    }
    /// False once a delivered byte differed from the generated stream.
    bool IsIntegrityOk() const
    {
        return !m_firstMismatch;
    }
    /// Where the first delivered piece that differed from the generated stream starts.
    std::optional<uint64_t> GetFirstMismatch() const
    {
        return m_firstMismatch;
    }
    /// Every byte up to the DATA_FIN has been delivered.
    bool IsFinished() const
    {
        return m_finished;
    }
    /// Payload bytes that arrived on the path's subflows, duplicates included.
    uint64_t GetBytesReceivedOnPath(PathId path) const;
    std::size_t GetBufferedBytes() const
    {
        return m_reorder.GetBufferedBytes();
    }

  private:
    void Deliver(uint64_t dsn, const uint8_t* data, uint32_t length);
    void SendDataAck(MptcpSubflow& subflow, uint64_t dataAck);
    void DelayedAck();
    void Finish(bool thenClose);

    MptcpDataStream m_stream;
    MptcpReorderBuffer m_reorder;
    uint32_t m_ackBytes;
    ns3::Time m_ackDelay;
    const std::vector<std::unique_ptr<MptcpSubflow>>& m_subflows;
    ns3::EventId m_ackEvent;
    uint64_t m_lastAckSent = 0;
    MptcpSubflow* m_lastDataSubflow = nullptr;
    std::vector<uint64_t> m_receivedOnPath; ///< indexed by PathId
    std::optional<uint64_t> m_dataFin;
    std::optional<uint64_t> m_firstMismatch;
    bool m_finished = false;
};

} // namespace sim
} // namespace mprecover
