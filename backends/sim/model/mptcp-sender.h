// The sending half of an MPTCP connection, whichever end sends: the client for an upload, the
// server for a download.
#pragma once

#include "mptcp-data-stream.h"
#include "mptcp-subflow.h"

#include "core/network/traffic.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace mprecover
{
namespace sim
{

/**
 * Sends the connection's byte stream (MptcpDataStream seeded with the key), limited or not, over
 * the connection's subflows: min-RTT scheduling, a connection-level window, mappings remembered
 * per subflow until DATA_ACKed and reinjected when their subflow stalls or dies, DATA_FIN at the
 * end. The subflows stay the connection's; the sender reads its list of them.
 */
class MptcpSender
{
  public:
    struct Config
    {
        std::optional<uint64_t> bytesToSend; ///< unset: send until Stop()
        /// Unset: the application has all its data at once (bulk). Set: it makes data at that
        /// rate from the sender's creation on, handed over at whole ticks.
        std::optional<AppRate> appRate;
        /// Set: the application hands data over as it goes, with OfferUpTo() (request/response);
        /// nothing is made before.
        bool offered = false;
        uint32_t maxRecordPayload = 16384; ///< the largest DSS mapping
        /// Bytes sent beyond the peer's DATA_ACK at most: the MPTCP-level receive window.
        uint64_t windowBytes = 8 << 20;
    };

    /// The application starts making data now; nothing is sent before Begin().
    MptcpSender(uint64_t key,
                const Config& config,
                const std::vector<std::unique_ptr<MptcpSubflow>>& subflows);
    MptcpSender(const MptcpSender&) = delete;
    MptcpSender& operator=(const MptcpSender&) = delete;
    ~MptcpSender();

    /// The connection is established: data may go out.
    void Begin();
    /// No more sending, for good (the connection is over).
    void End();
    /// Hands out data to subflows with room, reinjections first; DATA_FIN when all is out.
    void Push();
    /// The peer's cumulative DATA_ACK. True once it covers the DATA_FIN: the stream is done.
    bool OnDataAck(uint64_t dataAck);
    /// Queues what `subflow` carried and the peer has not DATA_ACKed, for other subflows.
    void Reinject(MptcpSubflow& subflow);
    /// Ends an unlimited transfer: the stream ends after what has been sent (DATA_FIN).
    void Stop();
    /// An offering application has made `total` bytes, all it handed over so far together.
    void OfferUpTo(uint64_t total);

    /// Stream bytes sent at least once (the highest DSN sent).
    uint64_t GetBytesSent() const
    {
        return m_nextDsn;
    }
    uint64_t GetBytesReinjected() const
    {
        return m_bytesReinjected;
    }
    /// The peer's cumulative DATA_ACK.
    uint64_t GetDataAcked() const
    {
        return m_dataAcked;
    }
    /// The peer has acknowledged the DATA_FIN: the whole stream is in.
    bool IsDone() const
    {
        return m_config.bytesToSend && m_dataAcked > *m_config.bytesToSend;
    }

  private:
    uint64_t NewDataAllowed() const;
    Duration SinceStart() const;
    /// What the application has made so far: everything for bulk, rate x time for a rate, what it
    /// offered for an offering one.
    uint64_t AppBytesMade() const;
    /// An app-limited connection with nothing left to send: Push again at the next tick.
    void AwaitAppData();

    MptcpDataStream m_stream;
    Config m_config;
    const std::vector<std::unique_ptr<MptcpSubflow>>& m_subflows;
    std::deque<DsnRange> m_reinject;
    uint64_t m_nextDsn = 0;
    uint64_t m_dataAcked = 0;
    uint64_t m_bytesReinjected = 0;
    uint64_t m_offered = 0;
    bool m_sending = false;
    bool m_ended = false;
    bool m_pushing = false;
    ns3::Time m_startTime;
    ns3::EventId m_appEvent;
};

} // namespace sim
} // namespace mprecover
