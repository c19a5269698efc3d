#include "backends/sim/model/source-address-routing.h"

#include "ns3/ipv4-route.h"
#include "ns3/ipv6-route.h"
#include "ns3/log.h"
#include "ns3/output-stream-wrapper.h"

namespace mprecover {
namespace sim {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("SourceAddressRouting");
NS_OBJECT_ENSURE_REGISTERED(SourceAddressRouting);
NS_OBJECT_ENSURE_REGISTERED(SourceAddressRouting6);

namespace {

// The rule, for either stack (Ipv4 or Ipv6 with its route, header and address types, whose
// methods have the same names).
template <class Route, class Ip, class Header, class IpAddress>
Ptr<Route>
RouteBySource(Ptr<Ip> ip,
              const std::map<uint32_t, IpAddress>& gateways,
              const Header& header,
              Ptr<NetDevice> oif,
              Socket::SocketErrno& sockerr)
{
    sockerr = Socket::ERROR_NOROUTETOHOST;
    const IpAddress source = header.GetSource();
    // A lookup without a source (TCP's Connect) carries the address's default, IPv4's
    // "uninitialised" 102.102.102.102 or IPv6's ::, or the wildcard.
    const bool hasSource = source != IpAddress() && source != IpAddress::GetAny();
    if (!hasSource && !oif)
    {
        return nullptr; // unbound: static routing's connected routes only
    }
    // A stale source (the address was removed by a readdress) matches no interface: no route.
    const int32_t bySource = hasSource ? ip->GetInterfaceForAddress(source) : -1;
    const int32_t byDevice = oif ? ip->GetInterfaceForDevice(oif) : -1;
    if ((hasSource && bySource < 0) || (hasSource && oif && bySource != byDevice))
    {
        NS_LOG_LOGIC("no route from " << source << " via device " << byDevice);
        return nullptr;
    }
    const auto interface = static_cast<uint32_t>(hasSource ? bySource : byDevice);
    const auto gateway = gateways.find(interface);
    if (gateway == gateways.end() || !ip->IsUp(interface))
    {
        return nullptr;
    }
    auto route = Create<Route>();
    route->SetDestination(header.GetDestination());
    route->SetGateway(gateway->second);
    route->SetOutputDevice(ip->GetNetDevice(interface));
    route->SetSource(hasSource ? source
                               : ip->SourceAddressSelection(interface, header.GetDestination()));
    sockerr = Socket::ERROR_NOTERROR;
    return route;
}

template <class IpAddress>
void
PrintGateways(Ptr<OutputStreamWrapper> stream, const std::map<uint32_t, IpAddress>& gateways)
{
    std::ostream& os = *stream->GetStream();
    os << "Source-address routing (from <address of interface> via <gateway>):\n";
    for (const auto& [interface, gateway] : gateways)
    {
        os << "  interface " << interface << " via " << gateway << "\n";
    }
}

} // namespace

TypeId
SourceAddressRouting::GetTypeId()
{
    static TypeId tid = TypeId("mprecover::sim::SourceAddressRouting")
                            .SetParent<Ipv4RoutingProtocol>()
                            .SetGroupName("Mprecover")
                            .AddConstructor<SourceAddressRouting>();
    return tid;
}

void
SourceAddressRouting::AddGateway(uint32_t interface, Ipv4Address gateway)
{
    m_gateways[interface] = gateway;
}

Ptr<Ipv4Route>
SourceAddressRouting::RouteOutput(Ptr<Packet> /* p */,
                                  const Ipv4Header& header,
                                  Ptr<NetDevice> oif,
                                  Socket::SocketErrno& sockerr)
{
    return RouteBySource<Ipv4Route>(m_ipv4, m_gateways, header, oif, sockerr);
}

bool
SourceAddressRouting::RouteInput(Ptr<const Packet> /* p */,
                                 const Ipv4Header& /* header */,
                                 Ptr<const NetDevice> /* idev */,
                                 UnicastForwardCallback /* ucb */,
                                 MulticastForwardCallback /* mcb */,
                                 LocalDeliverCallback /* lcb */,
                                 ErrorCallback /* ecb */)
{
    return false;
}

// The routes are computed per lookup from the interfaces' current state, so there is nothing
// to update when an interface or an address changes.
void
SourceAddressRouting::NotifyInterfaceUp(uint32_t /* interface */)
{
}

void
SourceAddressRouting::NotifyInterfaceDown(uint32_t /* interface */)
{
}

void
SourceAddressRouting::NotifyAddAddress(uint32_t /* interface */,
                                       Ipv4InterfaceAddress /* address */)
{
}

void
SourceAddressRouting::NotifyRemoveAddress(uint32_t /* interface */,
                                          Ipv4InterfaceAddress /* address */)
{
}

void
SourceAddressRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    m_ipv4 = ipv4;
}

void
SourceAddressRouting::PrintRoutingTable(Ptr<OutputStreamWrapper> stream, Time::Unit /* unit */) const
{
    PrintGateways(stream, m_gateways);
}

void
SourceAddressRouting::DoDispose()
{
    m_ipv4 = nullptr;
    m_gateways.clear();
    Ipv4RoutingProtocol::DoDispose();
}

TypeId
SourceAddressRouting6::GetTypeId()
{
    static TypeId tid = TypeId("mprecover::sim::SourceAddressRouting6")
                            .SetParent<Ipv6RoutingProtocol>()
                            .SetGroupName("Mprecover")
                            .AddConstructor<SourceAddressRouting6>();
    return tid;
}

void
SourceAddressRouting6::AddGateway(uint32_t interface, Ipv6Address gateway)
{
    m_gateways[interface] = gateway;
}

Ptr<Ipv6Route>
SourceAddressRouting6::RouteOutput(Ptr<Packet> /* p */,
                                   const Ipv6Header& header,
                                   Ptr<NetDevice> oif,
                                   Socket::SocketErrno& sockerr)
{
    return RouteBySource<Ipv6Route>(m_ipv6, m_gateways, header, oif, sockerr);
}

bool
SourceAddressRouting6::RouteInput(Ptr<const Packet> /* p */,
                                  const Ipv6Header& /* header */,
                                  Ptr<const NetDevice> /* idev */,
                                  UnicastForwardCallback /* ucb */,
                                  MulticastForwardCallback /* mcb */,
                                  LocalDeliverCallback /* lcb */,
                                  ErrorCallback /* ecb */)
{
    return false;
}

// As for IPv4: nothing is cached, and static routing below keeps the connected routes.
void
SourceAddressRouting6::NotifyInterfaceUp(uint32_t /* interface */)
{
}

void
SourceAddressRouting6::NotifyInterfaceDown(uint32_t /* interface */)
{
}

void
SourceAddressRouting6::NotifyAddAddress(uint32_t /* interface */,
                                        Ipv6InterfaceAddress /* address */)
{
}

void
SourceAddressRouting6::NotifyRemoveAddress(uint32_t /* interface */,
                                           Ipv6InterfaceAddress /* address */)
{
}

void
SourceAddressRouting6::NotifyAddRoute(Ipv6Address /* dst */,
                                      Ipv6Prefix /* mask */,
                                      Ipv6Address /* nextHop */,
                                      uint32_t /* interface */,
                                      Ipv6Address /* prefixToUse */)
{
}

void
SourceAddressRouting6::NotifyRemoveRoute(Ipv6Address /* dst */,
                                         Ipv6Prefix /* mask */,
                                         Ipv6Address /* nextHop */,
                                         uint32_t /* interface */,
                                         Ipv6Address /* prefixToUse */)
{
}

void
SourceAddressRouting6::SetIpv6(Ptr<Ipv6> ipv6)
{
    m_ipv6 = ipv6;
}

void
SourceAddressRouting6::PrintRoutingTable(Ptr<OutputStreamWrapper> stream,
                                         Time::Unit /* unit */) const
{
    PrintGateways(stream, m_gateways);
}

void
SourceAddressRouting6::DoDispose()
{
    m_ipv6 = nullptr;
    m_gateways.clear();
    Ipv6RoutingProtocol::DoDispose();
}

} // namespace sim
} // namespace mprecover
