#include "ip-address.h"

#include "ns3/abort.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6-address.h"
#include "ns3/ipv6.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <sstream>

namespace mprecover
{
namespace sim
{

using namespace ns3;

namespace
{

using Ipv6Bytes = std::array<uint8_t, 16>;
// The first 32 bits of the plan's IPv6 addresses and of the simulation's.
constexpr std::array<uint8_t, 4> kPlanIpv6Prefix{0x20, 0x01, 0x0d, 0xb8};
constexpr std::array<uint8_t, 4> kSimIpv6Prefix{0xfd, 0x00, 0x0d, 0xb8};

// Replaces the first 32 bits `from` by `to`; other addresses stay as they are.
void
SwapPrefix(Ipv6Bytes& bytes, const std::array<uint8_t, 4>& from, const std::array<uint8_t, 4>& to)
{
    if (std::equal(from.begin(), from.end(), bytes.begin()))
    {
        std::copy(to.begin(), to.end(), bytes.begin());
    }
}

} // namespace

Address
IpAddressFromText(const std::string& text)
{
    if (text.find(':') == std::string::npos)
    {
        return Ipv4Address(text.c_str());
    }
    Ipv6Bytes bytes{};
    NS_ABORT_MSG_UNLESS(inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1,
                        "IpAddressFromText: not an address: " << text);
    SwapPrefix(bytes, kPlanIpv6Prefix, kSimIpv6Prefix);
    return Ipv6Address(bytes.data());
}

std::string
IpAddressToText(const Address& address)
{
    if (Ipv4Address::IsMatchingType(address))
    {
        std::ostringstream text;
        text << Ipv4Address::ConvertFrom(address);
        return text.str();
    }
    NS_ABORT_MSG_UNLESS(Ipv6Address::IsMatchingType(address),
                        "IpAddressToText: not an IP address: " << address);
    Ipv6Bytes bytes{};
    Ipv6Address::ConvertFrom(address).Serialize(bytes.data());
    SwapPrefix(bytes, kSimIpv6Prefix, kPlanIpv6Prefix);
    std::array<char, INET6_ADDRSTRLEN> text{};
    inet_ntop(AF_INET6, bytes.data(), text.data(), text.size());
    return text.data();
}

bool
IsIpv6Address(const Address& address)
{
    return Ipv6Address::IsMatchingType(address);
}

Address
IpSocketAddress(const Address& address, uint16_t port)
{
    if (IsIpv6Address(address))
    {
        return Inet6SocketAddress(Ipv6Address::ConvertFrom(address), port);
    }
    return InetSocketAddress(Ipv4Address::ConvertFrom(address), port);
}

bool
IsIpSocketAddress(const Address& socketAddress)
{
    return InetSocketAddress::IsMatchingType(socketAddress) ||
           Inet6SocketAddress::IsMatchingType(socketAddress);
}

Address
IpOfSocketAddress(const Address& socketAddress)
{
    if (Inet6SocketAddress::IsMatchingType(socketAddress))
    {
        return Inet6SocketAddress::ConvertFrom(socketAddress).GetIpv6();
    }
    return InetSocketAddress::ConvertFrom(socketAddress).GetIpv4();
}

uint16_t
PortOfSocketAddress(const Address& socketAddress)
{
    if (Inet6SocketAddress::IsMatchingType(socketAddress))
    {
        return Inet6SocketAddress::ConvertFrom(socketAddress).GetPort();
    }
    return InetSocketAddress::ConvertFrom(socketAddress).GetPort();
}

Address
AnySocketAddress(Ptr<Node> node, uint16_t port)
{
    if (node->GetObject<Ipv6>())
    {
        return Inet6SocketAddress(Ipv6Address::GetAny(), port);
    }
    return InetSocketAddress(Ipv4Address::GetAny(), port);
}

} // namespace sim
} // namespace mprecover
