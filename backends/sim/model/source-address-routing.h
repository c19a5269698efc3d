// Source-address routing for a multi-homed host: a packet leaves through the interface that owns
// its source address, whatever the destination, like `ip rule add from <addr> table <path>` on
// Linux. One class per ns-3 IP stack (their routing interfaces have no common base), one rule.
#pragma once

#include <cstdint>
#include <map>

#include "ns3/ipv4-address.h"
#include "ns3/ipv4-routing-protocol.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6-address.h"
#include "ns3/ipv6-routing-protocol.h"
#include "ns3/ipv6.h"

namespace mprecover {
namespace sim {

/**
 * Routes a host's outgoing packets by their source address (or, for a packet without one, by
 * the device its socket is bound to) through that interface's gateway.
 *
 * Put it in an Ipv4ListRouting above Ipv4StaticRouting. It answers every lookup that names a
 * source address or a device, and answers "no route" when that interface is down or when the
 * source address belongs to no interface (any more): since Ipv4ListRouting asks the next protocol
 * after a "no route", the static routing below must not hold a default route, or a packet could
 * leave by another path with this path's source address.
 *
 * It never forwards: RouteInput declines, so local delivery stays with Ipv4ListRouting.
 */
class SourceAddressRouting : public ns3::Ipv4RoutingProtocol
{
  public:
    static ns3::TypeId GetTypeId();

    /// Sends off-link packets leaving `interface` to `gateway`. Call once per interface.
    void AddGateway(uint32_t interface, ns3::Ipv4Address gateway);

    ns3::Ptr<ns3::Ipv4Route> RouteOutput(ns3::Ptr<ns3::Packet> p,
                                         const ns3::Ipv4Header& header,
                                         ns3::Ptr<ns3::NetDevice> oif,
                                         ns3::Socket::SocketErrno& sockerr) override;
    bool RouteInput(ns3::Ptr<const ns3::Packet> p,
                    const ns3::Ipv4Header& header,
                    ns3::Ptr<const ns3::NetDevice> idev,
                    UnicastForwardCallback ucb,
                    MulticastForwardCallback mcb,
                    LocalDeliverCallback lcb,
                    ErrorCallback ecb) override;
    void NotifyInterfaceUp(uint32_t interface) override;
    void NotifyInterfaceDown(uint32_t interface) override;
    void NotifyAddAddress(uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
    void NotifyRemoveAddress(uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
    void SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4) override;
    void PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                           ns3::Time::Unit unit) const override;

  protected:
    void DoDispose() override;

  private:
    ns3::Ptr<ns3::Ipv4> m_ipv4;
    std::map<uint32_t, ns3::Ipv4Address> m_gateways; ///< interface -> next hop
};

/**
 * SourceAddressRouting for IPv6: the same rule, in an Ipv6ListRouting above Ipv6StaticRouting
 * (which then holds the connected and link-local routes only, no default route).
 */
class SourceAddressRouting6 : public ns3::Ipv6RoutingProtocol
{
  public:
    static ns3::TypeId GetTypeId();

    /// Sends off-link packets leaving `interface` to `gateway`. Call once per interface.
    void AddGateway(uint32_t interface, ns3::Ipv6Address gateway);

    ns3::Ptr<ns3::Ipv6Route> RouteOutput(ns3::Ptr<ns3::Packet> p,
                                         const ns3::Ipv6Header& header,
                                         ns3::Ptr<ns3::NetDevice> oif,
                                         ns3::Socket::SocketErrno& sockerr) override;
    bool RouteInput(ns3::Ptr<const ns3::Packet> p,
                    const ns3::Ipv6Header& header,
                    ns3::Ptr<const ns3::NetDevice> idev,
                    UnicastForwardCallback ucb,
                    MulticastForwardCallback mcb,
                    LocalDeliverCallback lcb,
                    ErrorCallback ecb) override;
    void NotifyInterfaceUp(uint32_t interface) override;
    void NotifyInterfaceDown(uint32_t interface) override;
    void NotifyAddAddress(uint32_t interface, ns3::Ipv6InterfaceAddress address) override;
    void NotifyRemoveAddress(uint32_t interface, ns3::Ipv6InterfaceAddress address) override;
    void NotifyAddRoute(ns3::Ipv6Address dst,
                        ns3::Ipv6Prefix mask,
                        ns3::Ipv6Address nextHop,
                        uint32_t interface,
                        ns3::Ipv6Address prefixToUse) override;
    void NotifyRemoveRoute(ns3::Ipv6Address dst,
                           ns3::Ipv6Prefix mask,
                           ns3::Ipv6Address nextHop,
                           uint32_t interface,
                           ns3::Ipv6Address prefixToUse) override;
    void SetIpv6(ns3::Ptr<ns3::Ipv6> ipv6) override;
    void PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                           ns3::Time::Unit unit) const override;

  protected:
    void DoDispose() override;

  private:
    ns3::Ptr<ns3::Ipv6> m_ipv6;
    std::map<uint32_t, ns3::Ipv6Address> m_gateways; ///< interface -> next hop
};

} // namespace sim
} // namespace mprecover
