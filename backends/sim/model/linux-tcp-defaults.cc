#include "linux-tcp-defaults.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/nstime.h"
#include "ns3/uinteger.h"

namespace mprecover
{
namespace sim
{

void
ConfigureLinuxTcpDefaults()
{
    using namespace ns3;
    constexpr uint32_t bufferBytes = 4 << 20;
    Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(MilliSeconds(200)));
    Config::SetDefault("ns3::TcpSocket::ConnTimeout", TimeValue(Seconds(1)));
    Config::SetDefault("ns3::TcpSocket::DataRetries", UintegerValue(15));
    // Linux's delayed-ACK timer starts at 40 ms; ns-3's 200 ms equals the minimum RTO, so a
    // lone segment after a loss would time out before its delayed ACK comes back, again and again.
    Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MilliSeconds(40)));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(bufferBytes));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(bufferBytes));
    Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
}

} // namespace sim
} // namespace mprecover
