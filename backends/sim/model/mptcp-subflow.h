// One MPTCP subflow, at either end: an ns-3 TCP socket, the records read from it, what the
// connection has mapped onto it, and the signals the scheduler needs from ns-3's TCP (RTT
// estimate, cwnd, RTO, death).
#pragma once

#include "mptcp-data-stream.h"
#include "mptcp-records.h"

#include "core/network/traffic.h"
#include "engine/ids.h"
#include "ns3/address.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-socket-state.h"
#include "ns3/tcp-socket.h"

#include <cstdint>
#include <deque>
#include <vector>

namespace mprecover
{
namespace sim
{

class MptcpSubflow;

/// What a subflow tells its connection (or, until its first record, the server that accepted
/// it). Handlers may open or close subflows.
class MptcpSubflowOwner
{
  public:
    virtual ~MptcpSubflowOwner() = default;
    /// The records a subflow reads, in order. Each returns false if the record is not
    /// acceptable here (a protocol violation: the subflow is reset); by default none is.
    virtual bool OnSubflowMpCapable(MptcpSubflow& subflow, uint64_t key);
    virtual bool OnSubflowMpJoin(MptcpSubflow& subflow, ConnectionToken token);
    virtual bool OnSubflowRequest(MptcpSubflow& subflow, const MptcpRequest& request);
    /// A piece of a DSS payload: `dsn` is the piece's own.
    virtual bool OnSubflowData(MptcpSubflow& subflow, uint64_t dsn, const uint8_t* data, uint32_t length);
    virtual bool OnSubflowDataFin(MptcpSubflow& subflow, uint64_t dsn);
    /// A batch of records has been read from the subflow.
    virtual void OnSubflowRead(MptcpSubflow& subflow);
    /// The TCP handshake completed.
    virtual void OnSubflowEstablished(MptcpSubflow& subflow) = 0;
    /// New TCP acks arrived: room opened, and a stall, if any, is over.
    virtual void OnSubflowProgress(MptcpSubflow& subflow) = 0;
    /// An RTO fired with data outstanding and no ack since.
    virtual void OnSubflowStalled(MptcpSubflow& subflow) = 0;
    virtual void OnSubflowDataAck(uint64_t dataAck) = 0;
    /// The subflow is gone (never after Close or a refused record); `error` is an errno or 0.
    virtual void OnSubflowClosed(MptcpSubflow& subflow, int error) = 0;
};

/// A range of the connection's stream: [dsn, dsn + length).
struct DsnRange
{
    uint64_t dsn;
    uint64_t length;
};

class MptcpSubflow : private MptcpRecordSink
{
  public:
    enum class State
    {
        CONNECTING,
        ESTABLISHED,
        CLOSED,
    };

    /// The client's: `socket` is a fresh TCP socket bound to the path's address and device; a
    /// `backup` subflow carries data only when no other subflow can. Connect() starts it.
    MptcpSubflow(MptcpSubflowOwner& owner, PathId path, bool backup, ns3::Ptr<ns3::Socket> socket);
    /// The server's: `socket` is an accepted, established one. Its path is the address id its
    /// first record (MP_CAPABLE or MP_JOIN) names.
    MptcpSubflow(MptcpSubflowOwner& owner, ns3::Ptr<ns3::Socket> socket);
    ~MptcpSubflow() override;
    MptcpSubflow(const MptcpSubflow&) = delete;
    MptcpSubflow& operator=(const MptcpSubflow&) = delete;

    /**
     * Starts the handshake `after` from now (the subflow is CONNECTING meanwhile);
     * `firstRecord` (MP_CAPABLE or MP_JOIN) is queued right behind it.
     */
    void Connect(const ns3::Address& server,
                 const std::vector<uint8_t>& firstRecord,
                 ns3::Time after = ns3::Time());
    /// The records it reads go to `owner` from now on (the server hands an accepted subflow to
    /// its connection).
    void SetOwner(MptcpSubflowOwner& owner)
    {
        m_owner = &owner;
    }
    /// Clean close (FIN after what is queued); the owner hears nothing more from this subflow.
    void Close();
    /// RST (nothing if the handshake has not started yet); the owner's OnSubflowClosed runs
    /// with ECONNRESET before this returns.
    void Abort();

    PathId GetPath() const
    {
        return m_path;
    }
    /// The local port its socket was bound to: what tells two subflows on one path apart.
    uint16_t GetLocalPort() const
    {
        return m_localPort;
    }
    /// The address the subflow's socket is bound to (an Ipv4Address or an Ipv6Address).
    ns3::Address GetLocalAddress() const
    {
        return m_localAddress;
    }
    /// Bytes of the subflow's stream the peer acknowledged, and segments sent again
    /// (tcpi_bytes_acked, tcpi_total_retrans). The stream carries the model's DSS records, so
    /// it counts their framing too.
    uint64_t GetBytesAcked() const;
    /// Bytes read from the subflow's stream (tcpi_bytes_received), framing included.
    uint64_t GetBytesReceived() const
    {
        return m_bytesReceived;
    }
    uint32_t GetRetransmissions() const;
    State GetState() const
    {
        return m_state;
    }
    bool IsBackup() const
    {
        return m_backup;
    }
    bool IsStalled() const
    {
        return m_stalled;
    }
    /**
     * The subflow carries data only once the server has answered its first record (the first
     * DATA_ACK that comes back on it). For an MP_JOIN that is the "fourth ACK" (RFC 8684 section
     * 3.2; the kernel's __mptcp_subflow_active); for the initial subflow, the server
     * application's greeting, which the netns backend's client waits for too
     * (backends/netns/bulk_client.cpp says why). Call before the handshake ends.
     */
    void AwaitServerAnswer()
    {
        m_awaitingAnswer = true;
    }
    /// Established and answered: the scheduler may use it.
    bool IsFullyEstablished() const
    {
        return m_state == State::ESTABLISHED && !m_awaitingAnswer;
    }
    /// The smoothed RTT (the handshake's until TCP has a sample).
    ns3::Time GetRtt() const
    {
        return m_rtt;
    }
    /// Bytes that may still be queued: the socket holds at most about 1.5 congestion windows,
    /// so that little is stranded in a subflow that dies.
    uint32_t GetRoom() const;
    uint32_t GetSegmentSize() const
    {
        return m_segmentSize;
    }
    uint32_t GetCongestionWindow() const
    {
        return m_cwnd;
    }

    /// Sends bytes [dsn, dsn + length) of `stream` as one DSS record and remembers the mapping.
    void SendData(uint64_t dsn, uint32_t length, const MptcpDataStream& stream);
    /// Sends the receiver's cumulative DATA_ACK.
    void SendDataAck(uint64_t dataAck);
    /// Sends a DATA_FIN for a stream of `length` bytes.
    void SendDataFin(uint64_t length);
    bool HasSentDataFin() const
    {
        return m_dataFinSent;
    }
    /// Forgets the mappings the peer has DATA_ACKed (everything below `dataAck`).
    void DropAcked(uint64_t dataAck);
    /// Hands over the mappings not yet DATA_ACKed, for reinjection; the subflow forgets them.
    std::deque<DsnRange> TakeUnacked();

    uint64_t GetBytesSent() const
    {
        return m_bytesSent;
    }

  private:
    void StartConnect();
    void HandleConnected(ns3::Ptr<ns3::Socket> socket);
    void HandleConnectFailed(ns3::Ptr<ns3::Socket> socket);
    void HandleNormalClose(ns3::Ptr<ns3::Socket> socket);
    void HandleErrorClose(ns3::Ptr<ns3::Socket> socket);
    void HandleSend(ns3::Ptr<ns3::Socket> socket, uint32_t available);
    void HandleRecv(ns3::Ptr<ns3::Socket> socket);
    void HandleState(ns3::TcpSocket::TcpStates_t from, ns3::TcpSocket::TcpStates_t to);
    void HandleCongState(ns3::TcpSocketState::TcpCongState_t from,
                         ns3::TcpSocketState::TcpCongState_t to);
    void HandleCwnd(uint32_t from, uint32_t to);
    void HandleRtt(ns3::Time from, ns3::Time to);
    void Die(int error);
    void Detach();
    uint32_t Queued() const;
    void SendBytes(const uint8_t* data, std::size_t size);

    void Watch();
    bool OnMpCapable(uint64_t key, PathId addressId) override;
    bool OnMpJoin(ConnectionToken token, PathId addressId) override;
    bool OnRequest(const MptcpRequest& request) override;
    bool OnDssData(uint64_t dsn, const uint8_t* data, uint32_t length) override;
    bool OnDataAck(uint64_t dataAck) override;
    bool OnDataFin(uint64_t dsn) override;

    MptcpSubflowOwner* m_owner;
    PathId m_path = 0;
    bool m_backup = false;
    ns3::Ptr<ns3::Socket> m_socket;
    uint16_t m_localPort = 0;
    ns3::Address m_localAddress;
    ns3::Address m_server;
    std::vector<uint8_t> m_firstRecord;
    ns3::EventId m_connectEvent; ///< a handshake that has not started yet
    State m_state = State::CONNECTING;
    ns3::TcpSocket::TcpStates_t m_tcpState = ns3::TcpSocket::CLOSED;
    bool m_stalled = false;
    ns3::TcpSocketState::TcpCongState_t m_congState = ns3::TcpSocketState::CA_OPEN;
    bool m_awaitingAnswer = false;
    bool m_aborting = false;
    bool m_dataFinSent = false;
    ns3::Time m_connectStart;
    ns3::Time m_rtt;
    uint32_t m_cwnd = 0;
    uint32_t m_segmentSize = 0;
    uint32_t m_sndBufSize = 0;
    std::deque<DsnRange> m_unacked; ///< in sending order; adjacent ranges merged
    uint64_t m_bytesSent = 0;
    uint64_t m_bytesReceived = 0;
    MptcpRecordParser m_parser;
    std::vector<uint8_t> m_scratch; ///< what SendData and SendDataFin write
    /// What HandleRecv parses: apart from m_scratch, as a DATA_ACK parsed from it may make the
    /// connection send on this very subflow before the rest of it is parsed.
    std::vector<uint8_t> m_received;
};

} // namespace sim
} // namespace mprecover
