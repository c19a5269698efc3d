// A NETLINK_SOCK_DIAG socket opened inside one namespace: it sees that namespace's TCP sockets
// only (an MPTCP connection's subflows and listeners included, never its MPTCP-level socket).
// The socket destroyer (`ss -K`) and the reading of other programs' MPTCP subflows share it.
#pragma once

#include <linux/inet_diag.h>
#include <linux/netlink.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>

namespace mprecover::netns {

class NetworkNamespace;

class SockDiagSocket {
 public:
  // Throws NetnsError.
  explicit SockDiagSocket(const NetworkNamespace& ns);
  ~SockDiagSocket();
  SockDiagSocket(const SockDiagSocket&) = delete;
  SockDiagSocket& operator=(const SockDiagSocket&) = delete;

  // One socket of a dump: its header, and the whole message for its attributes (INET_DIAG_INFO, ...).
  using DumpVisitor = std::function<void(const inet_diag_msg& socket, const nlmsghdr& message)>;
  // Every TCP socket of `family` (AF_INET, AF_INET6) in `state_mask` (bit 1 << TCP_ESTABLISHED, ...),
  // with the attributes `extensions` asks for (bit 1 << (INET_DIAG_INFO - 1), ...). Throws NetnsError.
  void dump_tcp(std::uint8_t family, std::uint32_t state_mask, std::uint8_t extensions, const DumpVisitor& visit);

  // Destroys the socket `id` names (SOCK_DESTROY). Returns false when it is gone already.
  bool destroy_tcp(std::uint8_t family, const inet_diag_sockid& id, const std::string& object);

  std::string where(const std::string& object) const { return object + " in " + ns_name_; }

 private:
  std::uint32_t send(std::uint16_t type, std::uint16_t flags, std::uint8_t family, std::uint32_t state_mask,
                     std::uint8_t extensions, const inet_diag_sockid& id, const std::string& action,
                     const std::string& object);
  int receive(const std::string& action, const std::string& object);

  std::string ns_name_;
  int fd_ = -1;
  std::uint32_t seq_ = 0;
  // The kernel sizes dump batches to the reader's buffer, up to 32 KiB.
  alignas(nlmsghdr) std::array<char, 64 * 1024> buffer_{};
};

}  // namespace mprecover::netns
