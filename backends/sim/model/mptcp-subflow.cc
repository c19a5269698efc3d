#include "mptcp-subflow.h"

#include "ip-address.h"
#include "linux-tcp-socket.h"
#include "tcp-abort.h"

#include "ns3/assert.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cerrno>

namespace mprecover
{
namespace sim
{

using namespace ns3;

MptcpSubflow::MptcpSubflow(MptcpSubflowOwner& owner, PathId path, bool backup, Ptr<Socket> socket)
    : m_owner(&owner),
      m_path(path),
      m_backup(backup),
      m_socket(socket)
{
    Watch();
}

MptcpSubflow::MptcpSubflow(MptcpSubflowOwner& owner, Ptr<Socket> socket)
    : m_owner(&owner),
      m_socket(socket),
      m_state(State::ESTABLISHED),
      m_tcpState(TcpSocket::ESTABLISHED)
{
    Watch();
    const auto tcp = DynamicCast<LinuxTcpSocket>(m_socket);
    m_rtt = tcp ? tcp->GetLastRtt() : Time();
}

void
MptcpSubflow::Watch()
{
    UintegerValue value;
    m_socket->GetAttribute("SegmentSize", value);
    m_segmentSize = static_cast<uint32_t>(value.Get());
    m_socket->GetAttribute("SndBufSize", value);
    m_sndBufSize = static_cast<uint32_t>(value.Get());
    Address local;
    if (m_socket->GetSockName(local) == 0 && IsIpSocketAddress(local))
    {
        m_localPort = PortOfSocketAddress(local);
        m_localAddress = IpOfSocketAddress(local);
    }

    m_socket->SetConnectCallback(MakeCallback(&MptcpSubflow::HandleConnected, this),
                                 MakeCallback(&MptcpSubflow::HandleConnectFailed, this));
    m_socket->SetCloseCallbacks(MakeCallback(&MptcpSubflow::HandleNormalClose, this),
                                MakeCallback(&MptcpSubflow::HandleErrorClose, this));
    m_socket->SetSendCallback(MakeCallback(&MptcpSubflow::HandleSend, this));
    m_socket->SetRecvCallback(MakeCallback(&MptcpSubflow::HandleRecv, this));
    m_socket->TraceConnectWithoutContext("State", MakeCallback(&MptcpSubflow::HandleState, this));
    m_socket->TraceConnectWithoutContext("CongState",
                                         MakeCallback(&MptcpSubflow::HandleCongState, this));
    m_socket->TraceConnectWithoutContext("CongestionWindow",
                                         MakeCallback(&MptcpSubflow::HandleCwnd, this));
    m_socket->TraceConnectWithoutContext("RTT", MakeCallback(&MptcpSubflow::HandleRtt, this));
}

MptcpSubflow::~MptcpSubflow()
{
    m_connectEvent.Cancel();
    // The socket may outlive this subflow (TCP keeps it until its close handshake ends).
    m_socket->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                                 MakeNullCallback<void, Ptr<Socket>>());
    m_socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                MakeNullCallback<void, Ptr<Socket>>());
    m_socket->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
    m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    m_socket->TraceDisconnectWithoutContext("State",
                                            MakeCallback(&MptcpSubflow::HandleState, this));
    m_socket->TraceDisconnectWithoutContext("CongState",
                                            MakeCallback(&MptcpSubflow::HandleCongState, this));
    m_socket->TraceDisconnectWithoutContext("CongestionWindow",
                                            MakeCallback(&MptcpSubflow::HandleCwnd, this));
    m_socket->TraceDisconnectWithoutContext("RTT", MakeCallback(&MptcpSubflow::HandleRtt, this));
}

void
MptcpSubflow::Connect(const Address& server, const std::vector<uint8_t>& firstRecord, Time after)
{
    m_server = server;
    m_firstRecord = firstRecord;
    if (after.IsStrictlyPositive())
    {
        m_connectEvent = Simulator::Schedule(after, &MptcpSubflow::StartConnect, this);
        return;
    }
    StartConnect();
}

void
MptcpSubflow::StartConnect()
{
    m_connectStart = Simulator::Now();
    if (m_socket->Connect(m_server) != 0)
    {
        // No route from this path's address (it is gone): the kernel's connect fails at once.
        Simulator::ScheduleNow(&MptcpSubflow::Die, this, ENETUNREACH);
        return;
    }
    SendBytes(m_firstRecord.data(), m_firstRecord.size());
    m_firstRecord.clear();
}

void
MptcpSubflow::Close()
{
    if (m_state == State::CLOSED)
    {
        return;
    }
    m_connectEvent.Cancel();
    Detach();
    m_socket->Close();
}

void
MptcpSubflow::Abort()
{
    if (m_state == State::CLOSED)
    {
        return;
    }
    if (m_connectEvent.IsRunning())
    {
        m_connectEvent.Cancel(); // nothing has gone out: nothing to reset
        Die(ECONNRESET);
        return;
    }
    m_aborting = true;
    AbortTcpSocket(DynamicCast<TcpSocketBase>(m_socket));
}

uint32_t
MptcpSubflow::Queued() const
{
    return m_sndBufSize - m_socket->GetTxAvailable();
}

uint64_t
MptcpSubflow::GetBytesAcked() const
{
    const auto tcp = DynamicCast<LinuxTcpSocket>(m_socket);
    return tcp ? tcp->GetBytesAcked() : 0;
}

uint32_t
MptcpSubflow::GetRetransmissions() const
{
    const auto tcp = DynamicCast<LinuxTcpSocket>(m_socket);
    return tcp ? tcp->GetRetransmissions() : 0;
}

uint32_t
MptcpSubflow::GetRoom() const
{
    const uint32_t limit = m_cwnd + std::max(m_cwnd / 2, 4 * m_segmentSize);
    const uint32_t queued = Queued();
    return queued >= limit ? 0 : std::min(limit - queued, m_socket->GetTxAvailable());
}

void
MptcpSubflow::SendBytes(const uint8_t* data, std::size_t size)
{
    const int sent = m_socket->Send(Create<Packet>(data, static_cast<uint32_t>(size)));
    NS_ASSERT_MSG(sent == static_cast<int>(size), "subflow send buffer overflow");
}

void
MptcpSubflow::SendData(uint64_t dsn, uint32_t length, const MptcpDataStream& stream)
{
    NS_ASSERT(length <= MPTCP_MAX_DSS_PAYLOAD);
    m_scratch.resize(MPTCP_DSS_HEADER_SIZE + length);
    WriteDssHeader(m_scratch.data(), dsn, length);
    stream.Fill(dsn, m_scratch.data() + MPTCP_DSS_HEADER_SIZE, length);
    SendBytes(m_scratch.data(), m_scratch.size());
    if (!m_unacked.empty() && m_unacked.back().dsn + m_unacked.back().length == dsn)
    {
        m_unacked.back().length += length;
    }
    else
    {
        m_unacked.push_back({dsn, length});
    }
    m_bytesSent += length;
}

void
MptcpSubflow::SendDataAck(uint64_t dataAck)
{
    m_scratch.clear();
    AppendDataAck(m_scratch, dataAck);
    SendBytes(m_scratch.data(), m_scratch.size());
}

void
MptcpSubflow::SendDataFin(uint64_t length)
{
    m_scratch.clear();
    AppendDataFin(m_scratch, length);
    SendBytes(m_scratch.data(), m_scratch.size());
    m_dataFinSent = true;
}

void
MptcpSubflow::DropAcked(uint64_t dataAck)
{
    // Reinjected ranges may sit behind newer ones; they go once the ranges before them do.
    while (!m_unacked.empty() && m_unacked.front().dsn + m_unacked.front().length <= dataAck)
    {
        m_unacked.pop_front();
    }
}

std::deque<DsnRange>
MptcpSubflow::TakeUnacked()
{
    std::deque<DsnRange> taken;
    taken.swap(m_unacked);
    return taken;
}

void
MptcpSubflow::HandleConnected(Ptr<Socket>)
{
    if (m_state != State::CONNECTING)
    {
        return;
    }
    m_state = State::ESTABLISHED;
    m_rtt = Simulator::Now() - m_connectStart;
    m_owner->OnSubflowEstablished(*this);
}

void
MptcpSubflow::HandleConnectFailed(Ptr<Socket> socket)
{
    // A local ICMP host unreachable ended the handshake (the gateway's ARP entry failed while
    // the link had no carrier), or the SYN retransmissions gave up.
    Die(socket->GetErrno() == Socket::ERROR_NOROUTETOHOST ? EHOSTUNREACH : ETIMEDOUT);
}

void
MptcpSubflow::HandleNormalClose(Ptr<Socket>)
{
    // ns-3 reports a received RST as a normal close; a FIN has moved the socket to CLOSE_WAIT.
    if (m_tcpState == TcpSocket::CLOSE_WAIT)
    {
        Simulator::ScheduleNow(&Socket::Close, m_socket);
        Die(0);
    }
    else
    {
        Die(ECONNRESET);
    }
}

void
MptcpSubflow::HandleErrorClose(Ptr<Socket>)
{
    // Our own RST, or the data retransmissions (DataRetries) gave up.
    Die(m_aborting ? ECONNRESET : ETIMEDOUT);
}

void
MptcpSubflow::Die(int error)
{
    if (m_state == State::CLOSED)
    {
        return;
    }
    Detach();
    m_owner->OnSubflowClosed(*this, error);
}

void
MptcpSubflow::Detach()
{
    m_state = State::CLOSED;
    m_stalled = false;
}

void
MptcpSubflow::HandleSend(Ptr<Socket>, uint32_t)
{
    if (m_state != State::ESTABLISHED)
    {
        return;
    }
    // Room in the send buffer is not progress (ns-3 reports room at a retransmission timeout
    // too): a stalled subflow takes new data again only once TCP is out of its loss recovery,
    // else what the scheduler gave it would wait there for the path's return, never sent again.
    if (m_stalled && m_congState == TcpSocketState::CA_LOSS)
    {
        return;
    }
    m_stalled = false;
    m_owner->OnSubflowProgress(*this);
}

void
MptcpSubflow::HandleRecv(Ptr<Socket> socket)
{
    while (Ptr<Packet> packet = socket->Recv())
    {
        if (m_state == State::CLOSED)
        {
            continue; // drain and ignore
        }
        m_bytesReceived += packet->GetSize();
        m_received.resize(packet->GetSize());
        packet->CopyData(m_received.data(), packet->GetSize());
        if (!m_parser.Feed(m_received.data(), m_received.size(), *this) && m_state != State::CLOSED)
        {
            Abort(); // the peer sent a record this end cannot take
        }
    }
    if (m_state != State::CLOSED)
    {
        m_owner->OnSubflowRead(*this);
    }
}

void
MptcpSubflow::HandleState(TcpSocket::TcpStates_t, TcpSocket::TcpStates_t to)
{
    m_tcpState = to;
}

void
MptcpSubflow::HandleCongState(TcpSocketState::TcpCongState_t, TcpSocketState::TcpCongState_t to)
{
    m_congState = to;
    // CA_LOSS is entered only by a retransmission timeout.
    if (to == TcpSocketState::CA_LOSS && m_state == State::ESTABLISHED && !m_stalled &&
        Queued() > 0)
    {
        m_stalled = true;
        m_owner->OnSubflowStalled(*this);
    }
}

void
MptcpSubflow::HandleCwnd(uint32_t, uint32_t to)
{
    m_cwnd = to;
}

void
MptcpSubflow::HandleRtt(Time, Time to)
{
    m_rtt = to;
}

bool
MptcpSubflow::OnMpCapable(uint64_t key, PathId addressId)
{
    m_path = addressId;
    return m_owner->OnSubflowMpCapable(*this, key);
}

bool
MptcpSubflow::OnMpJoin(ConnectionToken token, PathId addressId)
{
    m_path = addressId;
    return m_owner->OnSubflowMpJoin(*this, token);
}

bool
MptcpSubflow::OnRequest(const MptcpRequest& request)
{
    return m_owner->OnSubflowRequest(*this, request);
}

bool
MptcpSubflow::OnDssData(uint64_t dsn, const uint8_t* data, uint32_t length)
{
    return m_state == State::CLOSED || m_owner->OnSubflowData(*this, dsn, data, length);
}

bool
MptcpSubflow::OnDataAck(uint64_t dataAck)
{
    if (m_state == State::CLOSED)
    {
        return true;
    }
    const bool answered = m_awaitingAnswer;
    m_awaitingAnswer = false;
    m_owner->OnSubflowDataAck(dataAck);
    if (answered && m_state != State::CLOSED)
    {
        m_owner->OnSubflowProgress(*this); // it may carry data now
    }
    return true;
}

bool
MptcpSubflow::OnDataFin(uint64_t dsn)
{
    return m_state == State::CLOSED || m_owner->OnSubflowDataFin(*this, dsn);
}

bool
MptcpSubflowOwner::OnSubflowMpCapable(MptcpSubflow&, uint64_t)
{
    return false;
}

bool
MptcpSubflowOwner::OnSubflowMpJoin(MptcpSubflow&, ConnectionToken)
{
    return false;
}

bool
MptcpSubflowOwner::OnSubflowRequest(MptcpSubflow&, const MptcpRequest&)
{
    return false;
}

bool
MptcpSubflowOwner::OnSubflowData(MptcpSubflow&, uint64_t, const uint8_t*, uint32_t)
{
    return false;
}

bool
MptcpSubflowOwner::OnSubflowDataFin(MptcpSubflow&, uint64_t)
{
    return false;
}

void
MptcpSubflowOwner::OnSubflowRead(MptcpSubflow&)
{
}

} // namespace sim
} // namespace mprecover
