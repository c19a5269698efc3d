// An ns-3 TCP socket with the rules of Linux 6.18's TCP that ns-3 3.37 lacks and that outage
// recovery depends on. What ns-3 has an attribute for is set in linux-tcp-defaults.cc.
#pragma once

#include "ns3/ipv4-address.h"
#include "ns3/ipv6-address.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/sequence-number.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-base.h"

#include <cstdint>

namespace mprecover
{
namespace sim
{

class NeighbourQueueDisc;

/**
 * ns-3's TcpSocketBase, with Linux's rules where they differ (net/ipv4/tcp_timer.c,
 * tcp_ipv4.c, tcp_output.c, net/ipv6/tcp_ipv6.c):
 *  - SYN timeouts: 1 s for the first five (tcp_syn_linear_timeouts), then doubling; the
 *    connect fails with ETIMEDOUT at the timeout after the eleventh SYN, 131 s after the first.
 *    A SYN-ACK is retransmitted 5 times, doubling from 1 s (tcp_synack_retries).
 *  - Sending an ACK or a FIN leaves the RTO alone (ns-3 recomputes it in SendEmptyPacket, which
 *    undoes a backoff whenever the socket acknowledges data it receives).
 *  - The backoff doubles up to 120 s (TCP_RTO_MAX; ns-3 stops at 60 s), and an established
 *    connection gives up by time, not by a count (linux_tcp::kDataGiveUpMs).
 *  - A local ICMP host or network unreachable, as the NeighbourQueueDisc reports when the
 *    gateway's ARP entry fails, ends a connect (tcp_v4_err; ns-3 has one errno for both,
 *    ERROR_NOROUTETOHOST, reported as EHOSTUNREACH), and when it quotes the oldest
 *    unacknowledged segment of a connection in backoff it undoes one backoff step and
 *    retransmits at once if that shorter timeout has passed since the segment was last sent
 *    (RFC 6069, tcp_ld_RTO_revert). On IPv6 (tcp_v6_err) an ICMPv6 no route or address
 *    unreachable ends a connect the same way, but only "no route" undoes a backoff step: a
 *    failed NDP entry reports "address unreachable", which leaves a connection's backoff alone.
 *  - A retransmission whose previous copy still waits in the device's neighbour queue does not
 *    renew the segment's send time (skb_still_in_host_queue; the queue disc drops the copy).
 * Not modelled: the tail loss probe and RACK (ns-3 3.37 has neither), the jiffy rounding and
 * timer-wheel slack of Linux's timers, and rttvar's max-hold over the last round trip.
 *
 * Create sockets with CreateLinuxTcpSocket; a listener's connections are LinuxTcpSockets too.
 */
class LinuxTcpSocket : public ns3::TcpSocketBase
{
  public:
    static ns3::TypeId GetTypeId();

    LinuxTcpSocket();
    LinuxTcpSocket(const LinuxTcpSocket& socket);
    ~LinuxTcpSocket() override;

    /// Data bytes the peer acknowledged (tcpi_bytes_acked).
    uint64_t GetBytesAcked() const
    {
        return m_bytesAcked;
    }
    /// Segments sent again, by a timeout or a fast retransmission (tcpi_total_retrans).
    uint32_t GetRetransmissions() const
    {
        return m_retransmissions;
    }
    /// The last RTT sample (what the "RTT" trace gives); zero before the first.
    ns3::Time GetLastRtt() const
    {
        return m_tcb->m_lastRtt.Get();
    }

  protected:
    void NotifyConstructionCompleted() override;
    ns3::Ptr<ns3::TcpSocketBase> Fork() override;
    void CompleteFork(ns3::Ptr<ns3::Packet> p,
                      const ns3::TcpHeader& tcpHeader,
                      const ns3::Address& fromAddress,
                      const ns3::Address& toAddress) override;
    void SendEmptyPacket(uint8_t flags) override;
    uint32_t SendDataPacket(ns3::SequenceNumber32 seq, uint32_t maxSize, bool withAck) override;
    void ReceivedAck(ns3::Ptr<ns3::Packet> packet, const ns3::TcpHeader& tcpHeader) override;
    void NewAck(const ns3::SequenceNumber32& seq, bool resetRto) override;
    void ReTxTimeout() override;
    void DoDispose() override;

  private:
    /// tcp_v4_err for a destination unreachable; `info` carries the quoted TCP sequence number.
    void HandleIcmp(ns3::Ipv4Address source, uint8_t ttl, uint8_t type, uint8_t code, uint32_t info);
    /// tcp_v6_err for a destination unreachable; `info` as for HandleIcmp.
    void HandleIcmp6(ns3::Ipv6Address source, uint8_t ttl, uint8_t type, uint8_t code, uint32_t info);
    /// What both do with a host unreachable: a connect fails; a connection whose oldest
    /// unacknowledged segment `info` quotes undoes one backoff step if `revert` (RFC 6069).
    void HandleUnreachable(uint32_t info, bool revert);
    void WatchIcmp();
    /// tcp_ld_RTO_revert.
    void RevertOneBackoff();
    void FailConnect();
    /// RTO without backoff: __tcp_set_rto, as ns-3 computes it.
    ns3::Time BaseRto() const;
    /// When the copy of the segment at `seq` still queued on the socket's device was sent, if any.
    bool HeldSince(ns3::SequenceNumber32 seq, ns3::Time& sentAt);

    uint32_t m_backoff = 0;   ///< icsk_backoff
    uint64_t m_bytesAcked = 0;
    uint32_t m_retransmissions = 0;
    ns3::Time m_headLastSent; ///< when the oldest unacknowledged segment last left
    bool m_inEpisode = false; ///< RTOs since the last new ACK
    ns3::Time m_episodeStart; ///< when the timer of the episode's first RTO was armed (retrans_stamp)
    ns3::Ptr<NeighbourQueueDisc> m_neighbour; ///< on the bound device, once looked up
    bool m_neighbourLookedUp = false;
};

/**
 * A TCP socket on `node` with Linux's rules and the node's TCP settings (RTT estimator,
 * congestion control and recovery of its TcpL4Protocol), as TcpL4Protocol::CreateSocket would
 * make a plain one. Every TCP socket of the simulations is made here.
 */
ns3::Ptr<ns3::Socket> CreateLinuxTcpSocket(ns3::Ptr<ns3::Node> node);

} // namespace sim
} // namespace mprecover
