// What the kernel says about one MPTCP socket: its token and its subflows (MPTCP_INFO,
// MPTCP_TCPINFO and MPTCP_SUBFLOW_ADDRS on SOL_MPTCP).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mprecover::netns {

struct SubflowInfo {
  std::string local_address;  // dotted IPv4
  std::uint16_t local_port = 0;
  std::string remote_address;
  std::uint16_t remote_port = 0;
  bool established = false;        // TCP_ESTABLISHED
  std::uint64_t bytes_acked = 0;   // tcpi_bytes_acked: data the peer acknowledged on this subflow
  std::uint64_t bytes_received = 0;  // tcpi_bytes_received: data the peer sent on it (a download)
  std::uint32_t rtt_us = 0;        // tcpi_rtt: smoothed round trip; 0 before the first sample
  std::uint32_t cwnd = 0;          // tcpi_snd_cwnd, segments
  std::uint32_t retransmissions = 0;  // tcpi_total_retrans
};

// Fills `into`'s state and counters from a struct tcp_info of `length` bytes (an older kernel's
// is shorter: what it lacks stays 0), as the kernel gives it to getsockopt and to sock_diag.
void read_tcp_info(const void* data, std::size_t length, SubflowInfo& into);

// The connection's token, once the kernel has one (after the MPTCP handshake); nothing before, or
// for a socket that fell back to TCP.
std::optional<std::uint32_t> mptcp_token(int mptcp_fd);

// The connection's subflows, in the kernel's order. Empty for a closed socket. Reads the two
// options one after the other; a subflow that comes or goes between them is left out.
std::vector<SubflowInfo> mptcp_subflows(int mptcp_fd);

}  // namespace mprecover::netns
