// An ns-3 TCP socket with the rules of Linux 6.18's TCP that ns-3 3.37 lacks and that outage
// recovery depends on. What ns-3 has an attribute for is set in linux-tcp-defaults.cc.
#pragma once

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

/**
 * ns-3's TcpSocketBase, with Linux's rules where they differ (net/ipv4/tcp_timer.c,
 * tcp_ipv4.c, tcp_output.c):
 *  - SYN timeouts: 1 s for the first five (tcp_syn_linear_timeouts), then doubling; the
 *    connect fails with ETIMEDOUT at the timeout after the eleventh SYN, 131 s after the first.
 *    A SYN-ACK is retransmitted 5 times, doubling from 1 s (tcp_synack_retries).
 *  - Sending an ACK or a FIN leaves the RTO alone (ns-3 recomputes it in SendEmptyPacket, which
 *    undoes a backoff whenever the socket acknowledges data it receives).
 *  - The backoff doubles up to 120 s (TCP_RTO_MAX; ns-3 stops at 60 s), and an established
 *    connection gives up by time, not by a count (linux_tcp::kDataGiveUpMs).
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
    ~LinuxTcpSocket() override;

  protected:
    ns3::Ptr<ns3::TcpSocketBase> Fork() override;
    void CompleteFork(ns3::Ptr<ns3::Packet> p,
                      const ns3::TcpHeader& tcpHeader,
                      const ns3::Address& fromAddress,
                      const ns3::Address& toAddress) override;
    void SendEmptyPacket(uint8_t flags) override;
    void NewAck(const ns3::SequenceNumber32& seq, bool resetRto) override;
    void ReTxTimeout() override;

  private:
    bool m_inEpisode = false; ///< RTOs since the last new ACK
    ns3::Time m_episodeStart; ///< when the timer of the episode's first RTO was armed (retrans_stamp)
};

/**
 * A TCP socket on `node` with Linux's rules and the node's TCP settings (RTT estimator,
 * congestion control and recovery of its TcpL4Protocol), as TcpL4Protocol::CreateSocket would
 * make a plain one. Every TCP socket of the simulations is made here.
 */
ns3::Ptr<ns3::Socket> CreateLinuxTcpSocket(ns3::Ptr<ns3::Node> node);

} // namespace sim
} // namespace mprecover
