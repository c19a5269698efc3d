#include "backends/sim/model/source-address-routing.h"

#include "ns3/ipv4-route.h"
#include "ns3/log.h"
#include "ns3/output-stream-wrapper.h"

namespace mprecover {
namespace sim {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("SourceAddressRouting");
NS_OBJECT_ENSURE_REGISTERED(SourceAddressRouting);

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
    sockerr = Socket::ERROR_NOROUTETOHOST;
    const Ipv4Address source = header.GetSource();
    // A lookup without a source (TCP's Connect) carries Ipv4Address(), ns-3's "uninitialised"
    // 102.102.102.102, or 0.0.0.0.
    const bool hasSource = source != Ipv4Address() && source != Ipv4Address::GetAny();
    if (!hasSource && !oif)
    {
        return nullptr; // unbound: static routing's connected routes only
    }
    // A stale source (the address was removed by a readdress) matches no interface: no route.
    const int32_t bySource = hasSource ? m_ipv4->GetInterfaceForAddress(source) : -1;
    const int32_t byDevice = oif ? m_ipv4->GetInterfaceForDevice(oif) : -1;
    if ((hasSource && bySource < 0) || (hasSource && oif && bySource != byDevice))
    {
        NS_LOG_LOGIC("no route from " << source << " via device " << byDevice);
        return nullptr;
    }
    const auto interface = static_cast<uint32_t>(hasSource ? bySource : byDevice);
    const auto gateway = m_gateways.find(interface);
    if (gateway == m_gateways.end() || !m_ipv4->IsUp(interface))
    {
        return nullptr;
    }
    auto route = Create<Ipv4Route>();
    route->SetDestination(header.GetDestination());
    route->SetGateway(gateway->second);
    route->SetOutputDevice(m_ipv4->GetNetDevice(interface));
    route->SetSource(hasSource ? source
                               : m_ipv4->SourceAddressSelection(interface, header.GetDestination()));
    sockerr = Socket::ERROR_NOTERROR;
    return route;
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
    std::ostream& os = *stream->GetStream();
    os << "Source-address routing (from <address of interface> via <gateway>):\n";
    for (const auto& [interface, gateway] : m_gateways)
    {
        os << "  interface " << interface << " via " << gateway << "\n";
    }
}

void
SourceAddressRouting::DoDispose()
{
    m_ipv4 = nullptr;
    m_gateways.clear();
    Ipv4RoutingProtocol::DoDispose();
}

} // namespace sim
} // namespace mprecover
