#include "backends/netns/socket_destroyer.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netlink/msg.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <vector>

#include "backends/netns/namespace_scope.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/netns_error.h"

namespace mprecover::netns {

namespace {

struct DiagRequest {
  nlmsghdr header;
  inet_diag_req_v2 body;
};

std::string dotted(std::uint32_t network_order) {
  in_addr addr{};
  addr.s_addr = network_order;
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &addr, text, sizeof text);
  return text;
}

std::string describe(const inet_diag_sockid& id) {
  return "TCP socket " + dotted(id.idiag_src[0]) + ":" + std::to_string(ntohs(id.idiag_sport)) + " -> " +
         dotted(id.idiag_dst[0]) + ":" + std::to_string(ntohs(id.idiag_dport));
}

// A NETLINK_SOCK_DIAG socket opened inside one namespace: it sees (and destroys) that
// namespace's sockets only.
class SockDiagSocket {
 public:
  explicit SockDiagSocket(const NetworkNamespace& ns) : ns_name_(ns.name()) {
    NamespaceScope scope(ns);
    fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd_ < 0) throw_errno("opening a sock_diag socket in", ns_name_, errno);
  }
  ~SockDiagSocket() { close(fd_); }
  SockDiagSocket(const SockDiagSocket&) = delete;
  SockDiagSocket& operator=(const SockDiagSocket&) = delete;

  std::string where(const std::string& object) const { return object + " in " + ns_name_; }

  // The IPv4 TCP sockets in `state_mask`, as the kernel's dump gives them.
  std::vector<inet_diag_msg> dump_tcp(std::uint32_t state_mask) {
    const std::uint32_t seq = send(SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, state_mask, inet_diag_sockid{},
                                   "dumping", "TCP sockets");
    std::vector<inet_diag_msg> sockets;
    for (;;) {
      const int length = receive("dumping", "TCP sockets");
      auto* message = reinterpret_cast<nlmsghdr*>(buffer_.data());
      for (int left = length; nlmsg_ok(message, left); message = nlmsg_next(message, &left)) {
        if (message->nlmsg_seq != seq) continue;
        if (message->nlmsg_type == NLMSG_DONE) return sockets;
        if (message->nlmsg_type == NLMSG_ERROR) {
          throw_errno("dumping", where("TCP sockets"), -static_cast<nlmsgerr*>(nlmsg_data(message))->error);
        }
        if (message->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
        if (nlmsg_datalen(message) < static_cast<int>(sizeof(inet_diag_msg))) continue;
        sockets.push_back(*static_cast<inet_diag_msg*>(nlmsg_data(message)));
      }
    }
  }

  // Destroys the socket `id` names. Returns false when it is gone already.
  bool destroy_tcp(const inet_diag_sockid& id) {
    const std::string object = describe(id);
    // The id carries the socket's cookie, so a new socket that reused the ports is not hit.
    const std::uint32_t seq = send(SOCK_DESTROY, NLM_F_ACK, 0, id, "destroying", object);
    for (;;) {
      const int length = receive("destroying", object);
      auto* message = reinterpret_cast<nlmsghdr*>(buffer_.data());
      for (int left = length; nlmsg_ok(message, left); message = nlmsg_next(message, &left)) {
        if (message->nlmsg_seq != seq || message->nlmsg_type != NLMSG_ERROR) continue;
        const int error = -static_cast<nlmsgerr*>(nlmsg_data(message))->error;
        switch (error) {
          case 0:
            return true;
          case ENOENT:  // closed since the dump
          case ESTALE:  // closed, and its ports taken by another socket (the cookie differs)
            return false;
          case EOPNOTSUPP:
            throw NetnsError("destroying", where(object),
                               "the kernel lacks CONFIG_INET_DIAG_DESTROY (SOCK_DESTROY is not supported)", error);
          case EPERM:
            throw NetnsError("destroying", where(object), "not permitted (SOCK_DESTROY needs CAP_NET_ADMIN)", error);
          default:
            throw_errno("destroying", where(object), error);
        }
      }
    }
  }

 private:
  std::uint32_t send(std::uint16_t type, std::uint16_t flags, std::uint32_t state_mask, const inet_diag_sockid& id,
                     const std::string& action, const std::string& object) {
    DiagRequest request{};
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = type;
    request.header.nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | flags);
    request.header.nlmsg_seq = ++seq_;
    request.body.sdiag_family = AF_INET;
    request.body.sdiag_protocol = IPPROTO_TCP;
    request.body.idiag_states = state_mask;
    request.body.id = id;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (sendto(fd_, &request, sizeof request, 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel) < 0) {
      throw_errno(action, where(object), errno);
    }
    return seq_;
  }

  int receive(const std::string& action, const std::string& object) {
    for (;;) {
      const ssize_t length = recv(fd_, buffer_.data(), buffer_.size(), MSG_TRUNC);
      if (length < 0 && errno == EINTR) continue;
      if (length < 0) throw_errno(action, where(object), errno);
      if (static_cast<std::size_t>(length) > buffer_.size()) {
        throw NetnsError(action, where(object), "a sock_diag reply was larger than the receive buffer");
      }
      return static_cast<int>(length);
    }
  }

  std::string ns_name_;
  int fd_ = -1;
  std::uint32_t seq_ = 0;
  // The kernel sizes dump batches to the reader's buffer, up to 32 KiB.
  alignas(nlmsghdr) std::array<char, 64 * 1024> buffer_{};
};

std::uint32_t parse_ipv4(const std::string& address, const std::string& action) {
  in_addr addr{};
  if (inet_pton(AF_INET, address.c_str(), &addr) != 1) {
    throw NetnsError(action, "TCP sockets of '" + address + "'", "not an IPv4 address");
  }
  return addr.s_addr;
}

std::vector<inet_diag_msg> matching(SockDiagSocket& diag, std::uint32_t local, std::uint32_t state_mask) {
  std::vector<inet_diag_msg> found;
  for (const inet_diag_msg& socket : diag.dump_tcp(state_mask)) {
    // The kernel's TCP tables hold TCP sockets only (an MPTCP connection's subflows, never its
    // MPTCP-level socket); the state is checked again because the kernel widens some masks.
    if (socket.idiag_family != AF_INET || socket.id.idiag_src[0] != local) continue;
    if (socket.idiag_state >= 32 || (state_mask & (std::uint32_t{1} << socket.idiag_state)) == 0) continue;
    found.push_back(socket);
  }
  return found;
}

}  // namespace

std::vector<TcpSocketInfo> list_tcp_sockets(const NetworkNamespace& ns, const std::string& local_address,
                                            std::uint32_t state_mask) {
  const std::uint32_t local = parse_ipv4(local_address, "listing");
  SockDiagSocket diag(ns);
  std::vector<TcpSocketInfo> sockets;
  for (const inet_diag_msg& socket : matching(diag, local, state_mask)) {
    sockets.push_back({dotted(socket.id.idiag_src[0]), ntohs(socket.id.idiag_sport), dotted(socket.id.idiag_dst[0]),
                       ntohs(socket.id.idiag_dport), socket.idiag_state});
  }
  return sockets;
}

std::size_t destroy_tcp_sockets(const NetworkNamespace& ns, const std::string& local_address,
                                std::uint32_t state_mask) {
  const std::uint32_t local = parse_ipv4(local_address, "destroying");
  SockDiagSocket diag(ns);
  std::size_t destroyed = 0;
  for (const inet_diag_msg& socket : matching(diag, local, state_mask)) {
    if (diag.destroy_tcp(socket.id)) ++destroyed;
  }
  return destroyed;
}

}  // namespace mprecover::netns
