#include "backends/sim/helper/node-ip.h"

#include <algorithm>

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-list-routing-helper.h"
#include "ns3/ipv4-list-routing.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4-static-routing.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6-list-routing-helper.h"
#include "ns3/ipv6-list-routing.h"
#include "ns3/ipv6-static-routing-helper.h"
#include "ns3/ipv6-static-routing.h"
#include "ns3/ipv6.h"
#include "backends/sim/model/ip-address.h"
#include "backends/sim/model/source-address-routing.h"
#include "engine/enum_names.h"

namespace mprecover {
namespace sim {

using namespace ns3;

namespace {

Ipv4Mask
Mask4()
{
    return Ipv4Mask(("/" + std::to_string(ipv4_plan.prefix_length())).c_str());
}

Ipv6Prefix
Prefix6()
{
    return Ipv6Prefix(static_cast<uint8_t>(ipv6_plan.prefix_length()));
}

// "10.1.2.0/24" -> 10.1.2.0, "2001:db8:1:2::/64" -> 2001:db8:1:2::
std::string
SubnetNetwork(const std::string& subnet)
{
    return subnet.substr(0, subnet.find('/'));
}

Ptr<Ipv4StaticRouting>
StaticRouting4(Ptr<Node> node)
{
    return Ipv4StaticRoutingHelper().GetStaticRouting(node->GetObject<Ipv4>());
}

Ptr<Ipv6StaticRouting>
StaticRouting6(Ptr<Node> node)
{
    return Ipv6StaticRoutingHelper().GetStaticRouting(node->GetObject<Ipv6>());
}

bool
Runs(const std::vector<IpFamily>& families, IpFamily family)
{
    return std::find(families.begin(), families.end(), family) != families.end();
}

// A helper installing the stacks of `families` in one go, with one set of transport protocols.
InternetStackHelper
StackOf(const std::vector<IpFamily>& families)
{
    InternetStackHelper stack;
    stack.SetIpv4StackInstall(Runs(families, IpFamily::ipv4));
    stack.SetIpv6StackInstall(Runs(families, IpFamily::ipv6));
    if (Runs(families, IpFamily::ipv6))
    {
        // No duplicate address detection: the plan's addresses are unique, and DAD would keep
        // each new address (a readdress's too) unusable for a second.
        Config::SetDefault("ns3::Icmpv6L4Protocol::DAD", BooleanValue(false));
    }
    return stack;
}

} // namespace

void
NodeIp::Install(Ptr<Node> node, const std::vector<IpFamily>& families, bool forwarding)
{
    InternetStackHelper stack = StackOf(families);
    stack.SetRoutingHelper(Ipv4StaticRoutingHelper());
    stack.SetRoutingHelper(Ipv6StaticRoutingHelper());
    stack.Install(node);
    for (IpFamily family : families)
    {
        NodeIp(node, family).SetForwarding(forwarding);
    }
}

void
NodeIp::InstallSourceRouted(Ptr<Node> node, const std::vector<IpFamily>& families)
{
    InternetStackHelper stack = StackOf(families);
    Ipv4ListRoutingHelper routing4;
    routing4.Add(Ipv4StaticRoutingHelper(), 0);
    stack.SetRoutingHelper(routing4);
    Ipv6ListRoutingHelper routing6;
    routing6.Add(Ipv6StaticRoutingHelper(), 0);
    stack.SetRoutingHelper(routing6);
    stack.Install(node);
    for (IpFamily family : families)
    {
        NodeIp host(node, family);
        // A host: a packet for an address it no longer has must not bounce back.
        host.SetForwarding(false);
        host.AddSourceRouting();
    }
}

NodeIp::NodeIp(Ptr<Node> node, IpFamily family)
    : m_node(node),
      m_family(family)
{
    NS_ABORT_MSG_IF(family == IpFamily::ipv4 ? !node->GetObject<Ipv4>() : !node->GetObject<Ipv6>(),
                    "NodeIp: node " << node->GetId() << " has no " << name_of(family) << " stack");
}

void
NodeIp::SetForwarding(bool forwarding)
{
    if (m_family == IpFamily::ipv4)
    {
        m_node->GetObject<Ipv4>()->SetAttribute("IpForward", BooleanValue(forwarding));
        return;
    }
    m_node->GetObject<Ipv6>()->SetAttribute("IpForward", BooleanValue(forwarding));
}

void
NodeIp::AddSourceRouting()
{
    if (m_family == IpFamily::ipv4)
    {
        DynamicCast<Ipv4ListRouting>(m_node->GetObject<Ipv4>()->GetRoutingProtocol())
            ->AddRoutingProtocol(CreateObject<SourceAddressRouting>(), 10);
        return;
    }
    DynamicCast<Ipv6ListRouting>(m_node->GetObject<Ipv6>()->GetRoutingProtocol())
        ->AddRoutingProtocol(CreateObject<SourceAddressRouting6>(), 10);
}

uint32_t
NodeIp::AddInterface(Ptr<NetDevice> device, const Address& address)
{
    uint32_t interface = 0;
    if (m_family == IpFamily::ipv4)
    {
        interface = m_node->GetObject<Ipv4>()->AddInterface(device);
    }
    else
    {
        interface = m_node->GetObject<Ipv6>()->AddInterface(device);
    }
    AddAddress(interface, address);
    SetUp(interface, {});
    return interface;
}

void
NodeIp::AddAddress(uint32_t interface, const Address& address)
{
    if (m_family == IpFamily::ipv4)
    {
        m_node->GetObject<Ipv4>()->AddAddress(
            interface,
            Ipv4InterfaceAddress(Ipv4Address::ConvertFrom(address), Mask4()));
        return;
    }
    m_node->GetObject<Ipv6>()->AddAddress(
        interface,
        Ipv6InterfaceAddress(Ipv6Address::ConvertFrom(address), Prefix6()));
}

void
NodeIp::RemoveAddress(uint32_t interface, const Address& address)
{
    if (m_family == IpFamily::ipv4)
    {
        m_node->GetObject<Ipv4>()->RemoveAddress(interface, Ipv4Address::ConvertFrom(address));
        return;
    }
    m_node->GetObject<Ipv6>()->RemoveAddress(interface, Ipv6Address::ConvertFrom(address));
}

void
NodeIp::SetDown(uint32_t interface)
{
    if (m_family == IpFamily::ipv4)
    {
        m_node->GetObject<Ipv4>()->SetDown(interface);
        return;
    }
    m_node->GetObject<Ipv6>()->SetDown(interface);
}

void
NodeIp::SetUp(uint32_t interface, const std::vector<Address>& addresses)
{
    if (m_family == IpFamily::ipv4)
    {
        m_node->GetObject<Ipv4>()->SetUp(interface);
        return;
    }
    auto ipv6 = m_node->GetObject<Ipv6>();
    ipv6->SetUp(interface);
    // Without its link-local address a host sends no router solicitation (ns-3 3.37 sends a
    // burst of them, all at once, from every host interface that comes up); nothing else uses
    // it: point-to-point links need no neighbour discovery, and every route is static.
    for (uint32_t i = ipv6->GetNAddresses(interface); i-- > 0;)
    {
        if (ipv6->GetAddress(interface, i).GetAddress().IsLinkLocal())
        {
            ipv6->RemoveAddress(interface, i);
        }
    }
    for (const Address& address : addresses)
    {
        if (ipv6->GetInterfaceForAddress(Ipv6Address::ConvertFrom(address)) < 0)
        {
            AddAddress(interface, address);
        }
    }
}

void
NodeIp::AddNetworkRoute(const std::string& subnet, const Address& gateway, uint32_t interface)
{
    const Address network = IpAddressFromText(SubnetNetwork(subnet));
    if (m_family == IpFamily::ipv4)
    {
        StaticRouting4(m_node)->AddNetworkRouteTo(Ipv4Address::ConvertFrom(network),
                                                  Mask4(),
                                                  Ipv4Address::ConvertFrom(gateway),
                                                  interface);
        return;
    }
    StaticRouting6(m_node)->AddNetworkRouteTo(Ipv6Address::ConvertFrom(network),
                                              Prefix6(),
                                              Ipv6Address::ConvertFrom(gateway),
                                              interface);
}

void
NodeIp::SetDefaultRoute(const Address& gateway, uint32_t interface)
{
    if (m_family == IpFamily::ipv4)
    {
        StaticRouting4(m_node)->SetDefaultRoute(Ipv4Address::ConvertFrom(gateway), interface);
        return;
    }
    StaticRouting6(m_node)->SetDefaultRoute(Ipv6Address::ConvertFrom(gateway), interface);
}

void
NodeIp::AddSourceGateway(uint32_t interface, const Address& gateway)
{
    if (m_family == IpFamily::ipv4)
    {
        auto list = DynamicCast<Ipv4ListRouting>(m_node->GetObject<Ipv4>()->GetRoutingProtocol());
        int16_t priority = 0;
        DynamicCast<SourceAddressRouting>(list->GetRoutingProtocol(0, priority))
            ->AddGateway(interface, Ipv4Address::ConvertFrom(gateway));
        return;
    }
    auto list = DynamicCast<Ipv6ListRouting>(m_node->GetObject<Ipv6>()->GetRoutingProtocol());
    int16_t priority = 0;
    DynamicCast<SourceAddressRouting6>(list->GetRoutingProtocol(0, priority))
        ->AddGateway(interface, Ipv6Address::ConvertFrom(gateway));
}

} // namespace sim
} // namespace mprecover
