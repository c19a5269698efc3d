// IP addresses in mptcp_pm netlink attributes: the family decides which attribute holds them
// (addr4/saddr4 a u32 in network order, addr6/saddr6 16 bytes), one place for both directions.
#pragma once

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <string>

namespace mprecover::netns {

// The text form of the address in `v4` or `v6` (an attribute set has one of them); empty when
// neither is there.
std::string netlink_address_text(const nlattr* v4, const nlattr* v6);

// Puts `text`, an IPv4 or IPv6 address, as `family_attr` (AF_INET or AF_INET6) and `v4_attr` or
// `v6_attr`; throws NetnsError naming `action` when it is neither.
void put_netlink_address(nl_msg* msg, int family_attr, int v4_attr, int v6_attr, const std::string& text,
                         const std::string& action);

}  // namespace mprecover::netns
