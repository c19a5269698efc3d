// Addresses of either IP family, as the sim holds them: an ns3::Address holding an Ipv4Address
// or an Ipv6Address, so that the topology, the probes and the MPTCP model have one code path for
// both families and only these functions tell them apart.
#pragma once

#include "ns3/address.h"
#include "ns3/node.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <string>

namespace mprecover
{
namespace sim
{

/**
 * An address of the plan ("10.1.2.1", "2001:db8:1:2::1") as an ns3::Address. ns-3 3.37 refuses
 * to forward the plan's IPv6 prefix, 2001:db8::/32 (RFC 3849's documentation prefix:
 * Ipv6L3Protocol::IpForward drops it), so inside the simulation the plan's IPv6 addresses are
 * in fd00:db8::/32 instead (kSimIpv6Prefix), the rest unchanged; IpAddressToText gives them
 * back as the plan writes them.
 */
ns3::Address IpAddressFromText(const std::string& text);
/// The address as the plan writes it: dotted IPv4, or IPv6 in inet_ntop's canonical form (ns-3
/// prints IPv6 addresses uncompressed), back in 2001:db8::/32.
std::string IpAddressToText(const ns3::Address& address);
bool IsIpv6Address(const ns3::Address& address);

/// `address`:`port` as sockets take it: an InetSocketAddress or an Inet6SocketAddress.
ns3::Address IpSocketAddress(const ns3::Address& address, uint16_t port);
/// Whether `socketAddress` is an InetSocketAddress or an Inet6SocketAddress.
bool IsIpSocketAddress(const ns3::Address& socketAddress);
/// The address of an InetSocketAddress or an Inet6SocketAddress.
ns3::Address IpOfSocketAddress(const ns3::Address& socketAddress);
/// The port of an InetSocketAddress or an Inet6SocketAddress.
uint16_t PortOfSocketAddress(const ns3::Address& socketAddress);

/// The wildcard address with `port` in the connection family of the node's stacks: IPv6 if the
/// node runs it (a dual-stack network's connections are IPv6, as connection_family has it), else
/// IPv4. ns-3's sockets are of one family: an IPv6 wildcard takes no IPv4 connection.
ns3::Address AnySocketAddress(ns3::Ptr<ns3::Node> node, uint16_t port);

} // namespace sim
} // namespace mprecover
