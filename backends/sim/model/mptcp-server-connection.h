// The server side of one MPTCP connection: reordering, end-to-end checking, DATA_ACKs.
#pragma once

#include "mptcp-data-stream.h"
#include "mptcp-reorder-buffer.h"

#include "engine/ids.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/simple-ref-count.h"
#include "ns3/socket.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace mprecover
{
namespace sim
{

/**
 * Puts the pieces that arrive on any subflow back in order, checks every delivered byte against
 * the stream the client generates from the same key, and acknowledges (DATA_ACK, cumulative) on
 * the subflow data last came in: at once after `ackBytes` new in-order bytes, else after
 * `ackDelay`. When everything up to the DATA_FIN is delivered, it acknowledges the DATA_FIN on
 * every subflow and closes them.
 */
class MptcpServerConnection : public ns3::SimpleRefCount<MptcpServerConnection>
{
  public:
    MptcpServerConnection(uint64_t key, uint32_t ackBytes, ns3::Time ackDelay);
    MptcpServerConnection(const MptcpServerConnection&) = delete;
    MptcpServerConnection& operator=(const MptcpServerConnection&) = delete;
    ~MptcpServerConnection();

    /// Call when a subflow of this connection is accepted (MP_CAPABLE or MP_JOIN read).
    void AttachSubflow(ns3::Ptr<ns3::Socket> socket, PathId path);
    /// Call when the subflow is gone.
    void DetachSubflow(ns3::Ptr<ns3::Socket> socket);
    /// Call with each piece of DSS payload read from a subflow.
    void Receive(PathId path, uint64_t dsn, const uint8_t* data, uint32_t length);
    void ReceiveDataFin(uint64_t dsn);
    /// Call after each batch read from `socket`: sends a DATA_ACK if one is due.
    void AfterRead(ns3::Ptr<ns3::Socket> socket);

    ConnectionToken GetToken() const
    {
        return m_token;
    }
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
    uint32_t CountSubflows() const
    {
        return static_cast<uint32_t>(m_subflows.size());
    }

  private:
    void Deliver(uint64_t dsn, const uint8_t* data, uint32_t length);
    void SendDataAck(ns3::Ptr<ns3::Socket> socket, uint64_t dataAck);
    void DelayedAck();
    void Finish();

    ConnectionToken m_token;
    MptcpDataStream m_stream;
    MptcpReorderBuffer m_reorder;
    uint32_t m_ackBytes;
    ns3::Time m_ackDelay;
    ns3::EventId m_ackEvent;
    uint64_t m_lastAckSent = 0;
    std::vector<std::pair<ns3::Ptr<ns3::Socket>, PathId>> m_subflows;
    ns3::Ptr<ns3::Socket> m_lastDataSocket;
    std::vector<uint64_t> m_receivedOnPath; ///< indexed by PathId
    std::optional<uint64_t> m_dataFin;
    std::optional<uint64_t> m_firstMismatch;
    bool m_finished = false;
    std::vector<uint8_t> m_scratch;
};

} // namespace sim
} // namespace mprecover
