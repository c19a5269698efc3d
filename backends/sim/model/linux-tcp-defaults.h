// The TCP of the simulator, as Linux 6.18's where recovery depends on it: every value in one
// place. ConfigureLinuxTcpDefaults() sets what ns-3 3.37 has an attribute for; LinuxTcpSocket
// (linux-tcp-socket.h) applies the rules ns-3 lacks, with the constants below. The scenario
// topology and the model's own tests use both. backends/sim/README.md tables every value with
// where it comes from.
#pragma once

#include <cstdint>

#include "core/network/address_plan.h"

namespace mprecover
{
namespace sim
{

/// Linux's values that LinuxTcpSocket applies itself: ns-3 3.37 has no attribute for them.
namespace linux_tcp
{
/// net.ipv4.tcp_syn_linear_timeouts: SYN timeouts that keep the initial 1 s before it doubles.
inline constexpr uint32_t kSynLinearTimeouts = 4;
/// net.ipv4.tcp_syn_retries: SYN retransmissions after the linear ones.
inline constexpr uint32_t kSynRetries = 6;
/// net.ipv4.tcp_synack_retries.
inline constexpr uint32_t kSynAckRetries = 5;
/// TCP_RTO_MAX (net.ipv4.tcp_rto_max_ms): the backoff's ceiling; ns-3 hard-codes 60 s.
inline constexpr int64_t kMaxRtoMs = 120'000;
/// net.ipv4.tcp_retries2 = 15 as tcp_model_timeout() turns it into time, with TCP_RTO_MIN
/// 200 ms and TCP_RTO_MAX 120 s: (2^10 - 1) x 0.2 s + (15 - 9) x 120 s. An established
/// connection gives up once its oldest unacknowledged segment's first retransmission of the
/// episode is older than this, at its next timeout.
inline constexpr int64_t kDataGiveUpMs = 924'600;
/// The MSS on a 1500-byte MTU with timestamps: 1500 - IP header - 20 (TCP) - 12 (timestamps),
/// the IP header being 20 bytes on IPv4 and 40 on IPv6.
inline constexpr uint32_t kIpv4SegmentSize = 1448;
inline constexpr uint32_t kIpv6SegmentSize = 1428;
} // namespace linux_tcp

/**
 * Sets the TCP attributes of the experiments as ns-3 defaults (Linux 6.18's value, ns-3 3.37's
 * own in brackets): RTO = srtt + max(200 ms, 4 rttvar) with a 200 ms floor (MinRto 1 s,
 * ClockGranularity 1 ms), 1 s before the first RTT sample (1 s + 1 ms), SYN timeout 1 s (3 s)
 * and 1 + 6 + 4 SYNs (6), delayed ACK 40 ms (200 ms) every 2 segments, SACK, timestamps, window
 * scaling, initial window 10, the family's MSS (536): 1448 bytes on IPv4, 1428 on IPv6, 4 MiB
 * buffers (128 KiB), Cubic with PRR; data retransmissions stop by time (LinuxTcpSocket), not by
 * ns-3's count (6). Sockets take the defaults when they are created: call it before building a
 * topology.
 */
void ConfigureLinuxTcpDefaults(IpFamily family);

} // namespace sim
} // namespace mprecover
