// The rules that send a router's forwarded packets to an NFQUEUE queue. This kernel has the
// xtables NFQUEUE target (through nft_compat) but not nftables' own `queue` statement, so the
// rules are made by iptables-nft (ip6tables-nft for IPv6), run inside the router's namespace: they
// live in that namespace's `ip mangle` (`ip6 mangle`) table and go with it. Nothing is ever added in
// the root namespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/network/address_plan.h"

namespace mprecover::netns {

class NetworkNamespace;

// The iptables-nft program of `family` (iptables-nft, ip6tables-nft): its path, or nothing when it
// is not installed (Debian: iptables).
std::optional<std::string> find_iptables_nft(IpFamily family = IpFamily::ipv4);

// `iptables-nft -t mangle -A FORWARD -i IN_DEVICE -j NFQUEUE --queue-num QUEUE` in `ns`, or
// ip6tables-nft's for `family` ipv6: every packet of the family `ns` forwards from IN_DEVICE waits in QUEUE for a verdict (and is dropped while no
// socket has bound the queue). Runs the program and waits for it; throws NetnsError with what it
// said when it fails (iptables-nft missing, the NFQUEUE target not usable in this kernel).
void queue_forwarded_packets(const NetworkNamespace& ns, const std::string& in_device, std::uint16_t queue,
                             IpFamily family = IpFamily::ipv4);

}  // namespace mprecover::netns
