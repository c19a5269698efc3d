#include "linux-tcp-defaults.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/nstime.h"
#include "ns3/tcp-cubic.h"
#include "ns3/tcp-prr-recovery.h"
#include "ns3/type-id.h"
#include "ns3/uinteger.h"

namespace mprecover
{
namespace sim
{

void
ConfigureLinuxTcpDefaults(IpFamily family)
{
    using namespace ns3;
    // RTO. Linux: srtt + rttvar, rttvar never below tcp_rto_min_us (200 ms) (__tcp_set_rto).
    // ns-3: max(srtt + max(ClockGranularity, 4 rttvar), MinRto): a 200 ms granularity makes it
    // Linux's formula (rttvar's max-hold over the last round trip aside).
    Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(MilliSeconds(200)));
    Config::SetDefault("ns3::TcpSocketBase::ClockGranularity", TimeValue(MilliSeconds(200)));
    // Before the first RTT sample Linux waits TCP_TIMEOUT_INIT, 1 s: 0.8 s + the 200 ms above.
    Config::SetDefault("ns3::RttEstimator::InitialEstimation", TimeValue(MilliSeconds(800)));
    // SYN: 1 s (TCP_TIMEOUT_INIT); one SYN, 4 linear and 6 doubling retransmissions, then
    // ETIMEDOUT at 131 s. The schedule itself is LinuxTcpSocket's.
    Config::SetDefault("ns3::TcpSocket::ConnTimeout", TimeValue(Seconds(1)));
    Config::SetDefault("ns3::TcpSocket::ConnCount",
                       UintegerValue(1 + linux_tcp::kSynRetries + linux_tcp::kSynLinearTimeouts));
    // An open connection's data retransmissions stop by time (linux_tcp::kDataGiveUpMs,
    // applied by LinuxTcpSocket, which keeps ns-3's count from ending it first). The count is
    // left to the FINs of a socket in LAST_ACK: tcp_orphan_retries' 8.
    Config::SetDefault("ns3::TcpSocket::DataRetries", UintegerValue(8));
    // Linux's delayed-ACK timer starts at 40 ms (TCP_ATO_MIN); ns-3's 200 ms equals the minimum
    // RTO, so a lone segment after a loss would time out before its delayed ACK comes back.
    Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MilliSeconds(40)));
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2));
    // ns-3 does not derive the MSS from the MTU and the IP header: Linux's, set by family.
    Config::SetDefault("ns3::TcpSocket::SegmentSize",
                       UintegerValue(family == IpFamily::ipv6 ? linux_tcp::kIpv6SegmentSize
                                                              : linux_tcp::kIpv4SegmentSize));
    Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10)); // TCP_INIT_CWND
    // tcp_wmem[2]; Linux autotunes both buffers and they never limit a window here, nor do these
    // (100 Mbit/s over a 300 ms round trip).
    constexpr uint32_t bufferBytes = 4 << 20;
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(bufferBytes));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(bufferBytes));
    Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::WindowScaling", BooleanValue(true));
    // Nagle stays off: the model carries DATA_ACKs as small in-band records, which Nagle would
    // hold back; Linux carries them as options, which it does not.
    Config::SetDefault("ns3::TcpSocket::TcpNoDelay", BooleanValue(true));
    // Mainline's default congestion control (this kernel's build defaults to BBR; the netns
    // backend sets Cubic) and Linux's recovery (PRR).
    Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TcpCubic::GetTypeId()));
    Config::SetDefault("ns3::TcpL4Protocol::RecoveryType",
                       TypeIdValue(TcpPrrRecovery::GetTypeId()));
}

} // namespace sim
} // namespace mprecover
