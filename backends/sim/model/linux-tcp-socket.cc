#include "linux-tcp-socket.h"

#include "linux-tcp-defaults.h"
#include "neighbour-queue-disc.h"

#include "ns3/abort.h"
#include "ns3/icmpv4.h"
#include "ns3/icmpv6-header.h"
#include "ns3/ipv4-end-point.h"
#include "ns3/ipv6-end-point.h"
#include "ns3/object-factory.h"
#include "ns3/rtt-estimator.h"
#include "ns3/simulator.h"
#include "ns3/tcp-congestion-ops.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-recovery-ops.h"
#include "ns3/tcp-tx-buffer.h"
#include "ns3/type-id.h"

#include <algorithm>

namespace mprecover
{
namespace sim
{

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(LinuxTcpSocket);

namespace
{

Time
MaxRto()
{
    return MilliSeconds(linux_tcp::kMaxRtoMs);
}

// `base` doubled `times` times, at most TCP_RTO_MAX.
Time
Doubled(Time base, uint32_t times)
{
    const Time ceiling = MaxRto();
    Time rto = base;
    for (uint32_t i = 0; i < times && rto < ceiling; ++i)
    {
        rto = rto + rto;
    }
    return Min(rto, ceiling);
}

} // namespace

TypeId
LinuxTcpSocket::GetTypeId()
{
    static TypeId tid = TypeId("mprecover::sim::LinuxTcpSocket")
                            .SetParent<TcpSocketBase>()
                            .SetGroupName("Mprecover")
                            .AddConstructor<LinuxTcpSocket>();
    return tid;
}

LinuxTcpSocket::LinuxTcpSocket() = default;

// A listener's copy for a new connection: TcpSocketBase copies the listener's ICMP callback,
// which must call the copy, not the listener.
LinuxTcpSocket::LinuxTcpSocket(const LinuxTcpSocket& socket)
    : TcpSocketBase(socket)
{
    WatchIcmp();
}

LinuxTcpSocket::~LinuxTcpSocket() = default;

// Here, not in the constructor: constructing an Object sets every attribute to its default
// after the constructor ran, and TcpSocketBase's IcmpCallback defaults to none.
void
LinuxTcpSocket::NotifyConstructionCompleted()
{
    TcpSocketBase::NotifyConstructionCompleted();
    WatchIcmp();
}

void
LinuxTcpSocket::WatchIcmp()
{
    m_icmpCallback = MakeCallback(&LinuxTcpSocket::HandleIcmp, this);
    m_icmpCallback6 = MakeCallback(&LinuxTcpSocket::HandleIcmp6, this);
}

void
LinuxTcpSocket::DoDispose()
{
    m_neighbour = nullptr;
    TcpSocketBase::DoDispose();
}

Ptr<TcpSocketBase>
LinuxTcpSocket::Fork()
{
    return CopyObject<LinuxTcpSocket>(this);
}

void
LinuxTcpSocket::CompleteFork(Ptr<Packet> p,
                             const TcpHeader& tcpHeader,
                             const Address& fromAddress,
                             const Address& toAddress)
{
    // The SYN-ACK goes out here, with ns-3's doubling from ConnTimeout: tcp_synack_retries
    // retransmissions of it at most.
    m_synRetries = 1 + linux_tcp::kSynAckRetries;
    TcpSocketBase::CompleteFork(p, tcpHeader, fromAddress, toAddress);
}

void
LinuxTcpSocket::SendEmptyPacket(uint8_t flags)
{
    const Time rto = m_rto;
    TcpSocketBase::SendEmptyPacket(flags);
    if ((flags & TcpHeader::SYN) == 0)
    {
        m_rto = rto; // Linux sets icsk_rto on ACKs received and on timeouts, never on a send
        return;
    }
    if ((flags & TcpHeader::ACK) != 0 || !m_retxEvent.IsRunning())
    {
        return; // a SYN-ACK, or the connect gave up
    }
    // tcp_retransmit_timer: while no more than tcp_syn_linear_timeouts timeouts have passed,
    // the SYN's RTO stays at its initial value; after that it doubles.
    const uint32_t synsSent = m_synRetries - m_synCount;
    const uint32_t linear = 1 + linux_tcp::kSynLinearTimeouts;
    m_rto = Doubled(m_cnTimeout, synsSent > linear ? synsSent - linear : 0);
    m_retxEvent.Cancel();
    m_retxEvent = Simulator::Schedule(m_rto, &LinuxTcpSocket::SendEmptyPacket, this, flags);
}

uint32_t
LinuxTcpSocket::SendDataPacket(SequenceNumber32 seq, uint32_t maxSize, bool withAck)
{
    if (seq == m_txBuffer->HeadSequence())
    {
        Time queuedAt;
        m_headLastSent = HeldSince(seq, queuedAt) ? queuedAt : Simulator::Now();
    }
    if (seq < m_tcb->m_highTxMark)
    {
        ++m_retransmissions;
    }
    return TcpSocketBase::SendDataPacket(seq, maxSize, withAck);
}

// Counted by how far the send buffer's head moves: ns-3 3.37 discards the acknowledged bytes
// before it calls NewAck, so NewAck cannot see how many there were.
void
LinuxTcpSocket::ReceivedAck(Ptr<Packet> packet, const TcpHeader& tcpHeader)
{
    const SequenceNumber32 head = m_txBuffer->HeadSequence();
    TcpSocketBase::ReceivedAck(packet, tcpHeader);
    if (m_txBuffer->HeadSequence() > head)
    {
        m_bytesAcked += static_cast<uint32_t>(m_txBuffer->HeadSequence() - head);
    }
}

void
LinuxTcpSocket::NewAck(const SequenceNumber32& seq, bool resetRto)
{
    m_backoff = 0; // tcp_ack_update_rtt: an RTT sample of new data ends the backoff
    m_inEpisode = false; // new data acknowledged: the episode is over (retrans_stamp = 0)
    TcpSocketBase::NewAck(seq, resetRto);
}

void
LinuxTcpSocket::ReTxTimeout()
{
    const bool dataTimeout = m_state != CLOSED && m_state != TIME_WAIT && m_state != SYN_SENT &&
                             m_txBuffer->Size() > 0;
    if (!dataTimeout)
    {
        TcpSocketBase::ReTxTimeout();
        return;
    }
    const Time now = Simulator::Now();
    if (!m_inEpisode)
    {
        m_inEpisode = true;
        m_episodeStart = now - m_rto.Get();
    }
    // tcp_write_timeout: give up by time. ns-3 gives up when its count reaches 0: keep it above.
    const bool giveUp = now - m_episodeStart >= MilliSeconds(linux_tcp::kDataGiveUpMs);
    m_dataRetrCount = giveUp ? 0 : std::max<uint32_t>(m_dataRetries, 1);
    const Time rto = m_rto;
    ++m_backoff;
    TcpSocketBase::ReTxTimeout(); // doubles m_rto up to 60 s and retransmits
    if (giveUp || m_state == CLOSED)
    {
        return;
    }
    const Time doubled = Doubled(rto, 1);
    if (m_rto.Get() != doubled) // ns-3's 60 s ceiling: Linux's is 120 s
    {
        m_rto = doubled;
        if (m_retxEvent.IsRunning())
        {
            m_retxEvent.Cancel();
            m_retxEvent = Simulator::Schedule(m_rto, &LinuxTcpSocket::ReTxTimeout, this);
        }
    }
}

void
LinuxTcpSocket::HandleIcmp(Ipv4Address, uint8_t, uint8_t type, uint8_t code, uint32_t info)
{
    if (type != Icmpv4Header::ICMPV4_DEST_UNREACH ||
        (code != Icmpv4DestinationUnreachable::ICMPV4_NET_UNREACHABLE &&
         code != Icmpv4DestinationUnreachable::ICMPV4_HOST_UNREACHABLE))
    {
        return;
    }
    HandleUnreachable(info, true);
}

void
LinuxTcpSocket::HandleIcmp6(Ipv6Address, uint8_t, uint8_t type, uint8_t code, uint32_t info)
{
    if (type != Icmpv6Header::ICMPV6_ERROR_DESTINATION_UNREACHABLE ||
        (code != Icmpv6Header::ICMPV6_NO_ROUTE && code != Icmpv6Header::ICMPV6_ADDR_UNREACHABLE))
    {
        return;
    }
    HandleUnreachable(info, code == Icmpv6Header::ICMPV6_NO_ROUTE);
}

void
LinuxTcpSocket::HandleUnreachable(uint32_t info, bool revert)
{
    if (m_state == SYN_SENT)
    {
        // tcp_done_with_error: the connect fails (ns-3 has one errno for both codes).
        m_errno = ERROR_NOROUTETOHOST;
        CancelAllTimers();
        Simulator::ScheduleNow(&LinuxTcpSocket::FailConnect, this); // not under the endpoint's call
        return;
    }
    // A soft error for a connection: only the backoff may change.
    if (revert && m_txBuffer->Size() > 0 && SequenceNumber32(info) == m_txBuffer->HeadSequence())
    {
        RevertOneBackoff();
    }
}

void
LinuxTcpSocket::RevertOneBackoff()
{
    if (m_backoff == 0)
    {
        return;
    }
    --m_backoff;
    m_rto = Doubled(BaseRto(), m_backoff);
    const Time elapsed = Simulator::Now() - m_headLastSent;
    m_retxEvent.Cancel();
    if (m_rto.Get() > elapsed)
    {
        m_retxEvent =
            Simulator::Schedule(m_rto.Get() - elapsed, &LinuxTcpSocket::ReTxTimeout, this);
    }
    else
    {
        ReTxTimeout(); // "RTO revert clocked out retransmission. Will retransmit now."
    }
}

void
LinuxTcpSocket::FailConnect()
{
    if (m_state != SYN_SENT)
    {
        return;
    }
    m_state = CLOSED;
    DeallocateEndPoint();
    NotifyConnectionFailed();
}

Time
LinuxTcpSocket::BaseRto() const
{
    return Max(m_rtt->GetEstimate() + Max(m_clockGranularity, m_rtt->GetVariation() * 4),
               m_minRto);
}

bool
LinuxTcpSocket::HeldSince(SequenceNumber32 seq, Time& queuedAt)
{
    if (!m_neighbourLookedUp && m_boundnetdevice)
    {
        m_neighbourLookedUp = true;
        m_neighbour = NeighbourQueueDisc::On(m_boundnetdevice);
    }
    if (!m_neighbour)
    {
        return false;
    }
    if (m_endPoint != nullptr)
    {
        return m_neighbour->HeldSince(m_endPoint->GetLocalAddress(),
                                      m_endPoint->GetLocalPort(),
                                      seq.GetValue(),
                                      queuedAt);
    }
    return m_endPoint6 != nullptr && m_neighbour->HeldSince(m_endPoint6->GetLocalAddress(),
                                                            m_endPoint6->GetLocalPort(),
                                                            seq.GetValue(),
                                                            queuedAt);
}

Ptr<Socket>
CreateLinuxTcpSocket(Ptr<Node> node)
{
    Ptr<TcpL4Protocol> tcp = node->GetObject<TcpL4Protocol>();
    NS_ABORT_MSG_IF(!tcp, "CreateLinuxTcpSocket: node " << node->GetId() << " has no TCP");
    TypeIdValue rtt;
    TypeIdValue congestion;
    TypeIdValue recovery;
    tcp->GetAttribute("RttEstimatorType", rtt);
    tcp->GetAttribute("SocketType", congestion);
    tcp->GetAttribute("RecoveryType", recovery);
    ObjectFactory factory;
    Ptr<LinuxTcpSocket> socket = CreateObject<LinuxTcpSocket>();
    socket->SetNode(node);
    socket->SetTcp(tcp);
    factory.SetTypeId(rtt.Get());
    socket->SetRtt(factory.Create<RttEstimator>());
    factory.SetTypeId(congestion.Get());
    socket->SetCongestionControlAlgorithm(factory.Create<TcpCongestionOps>());
    factory.SetTypeId(recovery.Get());
    socket->SetRecoveryAlgorithm(factory.Create<TcpRecoveryOps>());
    tcp->AddSocket(socket);
    return socket;
}

} // namespace sim
} // namespace mprecover
