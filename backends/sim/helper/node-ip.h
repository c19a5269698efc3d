// A node's IP layer, IPv4 or IPv6, behind one interface: what the topology does to a node
// (stacks, interfaces, addresses, static routes, up/down) written once for both families, and
// done for each family the network has.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/network/address_plan.h"
#include "ns3/address.h"
#include "ns3/net-device.h"
#include "ns3/node.h"
#include "ns3/ptr.h"

namespace mprecover {
namespace sim {

/**
 * The IP stack of one family on one node of the topology. A node runs each of the network's
 * families (one, or both on a dual network), and each stack numbers its own interfaces: an
 * interface index belongs to a family. Addresses are ns3::Address holding an Ipv4Address or an
 * Ipv6Address (ip-address.h); every subnet is the plan's prefix length (/24 or /64).
 */
class NodeIp
{
  public:
    /**
     * Installs the internet stack of each of `families` with static routing; the node forwards
     * or not (ns-3's IPv4 forwards by default, its IPv6 does not). With IPv6, duplicate address
     * detection is off (Icmpv6L4Protocol DAD), so that an address is usable at once.
     */
    static void Install(ns3::Ptr<ns3::Node> node, const std::vector<IpFamily>& families, bool forwarding);
    /**
     * Installs the stacks of a multi-homed host that routes by source address: in each family,
     * source-address routing above static routing, which holds the connected routes only; the
     * host does not forward.
     */
    static void InstallSourceRouted(ns3::Ptr<ns3::Node> node, const std::vector<IpFamily>& families);

    /// The node's stack of `family`, which Install put there.
    NodeIp(ns3::Ptr<ns3::Node> node, IpFamily family);

    /// Adds the device with one address and brings it up. By hand, not with the address helpers,
    /// because they also install an FqCoDel queue disc on the device, which would take the
    /// bottleneck queue's place.
    uint32_t AddInterface(ns3::Ptr<ns3::NetDevice> device, const ns3::Address& address);
    void AddAddress(uint32_t interface, const ns3::Address& address);
    void RemoveAddress(uint32_t interface, const ns3::Address& address);
    void SetDown(uint32_t interface);
    /// Brings the interface up with `addresses`: ns-3's IPv6 forgets an interface's addresses
    /// when it goes down (Linux keeps them); IPv4 keeps them. An IPv6 interface has no
    /// link-local address here (no router solicitations; nothing needs one).
    void SetUp(uint32_t interface, const std::vector<ns3::Address>& addresses);
    /// A static route to the plan's `subnet` ("10.1.2.0/24", "2001:db8:1:2::/64").
    void AddNetworkRoute(const std::string& subnet, const ns3::Address& gateway, uint32_t interface);
    void SetDefaultRoute(const ns3::Address& gateway, uint32_t interface);
    /// For a node of InstallSourceRouted: sends off-link packets leaving `interface` to `gateway`.
    void AddSourceGateway(uint32_t interface, const ns3::Address& gateway);

  private:
    void SetForwarding(bool forwarding);
    /// Puts SourceAddressRouting (SourceAddressRouting6) at the top of the list routing.
    void AddSourceRouting();

    ns3::Ptr<ns3::Node> m_node;
    IpFamily m_family;
};

} // namespace sim
} // namespace mprecover
