#include "backends/netns/mptcp_socket_info.h"

#include <arpa/inet.h>
#include <linux/mptcp.h>
#include <linux/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "backends/netns/ip_address.h"

#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif

namespace mprecover::netns {

namespace {

// Room for this many subflows per read: a connection of ours has one per path, plus the odd one
// being torn down; the kernel's in-kernel PM allows 8 extra. Read every 100 ms for a thousand
// connections, so no bigger than that.
constexpr std::size_t kMaxSubflows = 16;

// One MPTCP_TCPINFO or MPTCP_SUBFLOW_ADDRS read: the header, then `num_subflows` elements.
template <class Element>
std::vector<Element> read_subflow_array(int fd, int option) {
  std::vector<std::byte> buffer(sizeof(mptcp_subflow_data) + kMaxSubflows * sizeof(Element));
  mptcp_subflow_data header{};
  header.size_subflow_data = sizeof header;
  header.size_user = sizeof(Element);
  std::memcpy(buffer.data(), &header, sizeof header);
  auto length = static_cast<socklen_t>(buffer.size());
  if (getsockopt(fd, SOL_MPTCP, option, buffer.data(), &length) != 0) return {};
  std::memcpy(&header, buffer.data(), sizeof header);
  // The kernel writes min(size_user, its own size) per element: a shorter element leaves the rest 0.
  const std::size_t count = std::min<std::size_t>(header.num_subflows, kMaxSubflows);
  std::vector<Element> elements(count);
  const std::size_t stride = header.size_user;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = header.size_subflow_data + i * stride;
    if (at + std::min(stride, sizeof(Element)) > static_cast<std::size_t>(length)) {
      elements.resize(i);
      break;
    }
    std::memcpy(&elements[i], buffer.data() + at, std::min(stride, sizeof(Element)));
  }
  return elements;
}

}  // namespace

void read_tcp_info(const void* data, std::size_t length, SubflowInfo& into) {
  tcp_info tcp{};
  std::memcpy(&tcp, data, std::min(length, sizeof tcp));
  into.established = tcp.tcpi_state == 1;  // TCP_ESTABLISHED
  into.bytes_acked = tcp.tcpi_bytes_acked;
  into.bytes_received = tcp.tcpi_bytes_received;
  into.rtt_us = tcp.tcpi_rtt;
  into.cwnd = tcp.tcpi_snd_cwnd;
  into.retransmissions = tcp.tcpi_total_retrans;
}

std::optional<std::uint32_t> mptcp_token(int mptcp_fd) {
  mptcp_info info{};
  auto length = static_cast<socklen_t>(sizeof info);
  if (getsockopt(mptcp_fd, SOL_MPTCP, MPTCP_INFO, &info, &length) != 0 || info.mptcpi_token == 0) {
    return std::nullopt;
  }
  return info.mptcpi_token;
}

std::vector<SubflowInfo> mptcp_subflows(int mptcp_fd) {
  const auto addresses = read_subflow_array<mptcp_subflow_addrs>(mptcp_fd, MPTCP_SUBFLOW_ADDRS);
  const auto tcp_infos = read_subflow_array<tcp_info>(mptcp_fd, MPTCP_TCPINFO);
  // Both walk the connection's subflow list in order. Different lengths mean the list changed
  // between the reads: skip this read rather than pair one subflow's address with another's counters.
  if (addresses.size() != tcp_infos.size()) return {};
  std::vector<SubflowInfo> subflows;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (addresses[i].sa_family != AF_INET && addresses[i].sa_family != AF_INET6) continue;
    SubflowInfo s;
    s.local_address = IpAddress::of_socket_address(&addresses[i].sa_local).unmapped().text();
    s.local_port = ntohs(addresses[i].sin_local.sin_port);  // sin6_port is at the same place
    s.remote_address = IpAddress::of_socket_address(&addresses[i].sa_remote).unmapped().text();
    s.remote_port = ntohs(addresses[i].sin_remote.sin_port);
    read_tcp_info(&tcp_infos[i], sizeof tcp_infos[i], s);
    subflows.push_back(std::move(s));
  }
  return subflows;
}

}  // namespace mprecover::netns
