#include "backends/netns/sock_diag_socket.h"

#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netlink/msg.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "backends/netns/namespace_scope.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/network_namespace.h"

namespace mprecover::netns {

namespace {

struct DiagRequest {
  nlmsghdr header;
  inet_diag_req_v2 body;
};

}  // namespace

SockDiagSocket::SockDiagSocket(const NetworkNamespace& ns) : ns_name_(ns.name()) {
  NamespaceScope scope(ns);
  fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd_ < 0) throw_errno("opening a sock_diag socket in", ns_name_, errno);
}

SockDiagSocket::~SockDiagSocket() { close(fd_); }

void SockDiagSocket::dump_tcp(std::uint8_t family, std::uint32_t state_mask, std::uint8_t extensions,
                              const DumpVisitor& visit) {
  const std::uint32_t seq =
      send(SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, family, state_mask, extensions, inet_diag_sockid{}, "dumping", "TCP sockets");
  for (;;) {
    const int length = receive("dumping", "TCP sockets");
    auto* message = reinterpret_cast<nlmsghdr*>(buffer_.data());
    for (int left = length; nlmsg_ok(message, left); message = nlmsg_next(message, &left)) {
      if (message->nlmsg_seq != seq) continue;
      if (message->nlmsg_type == NLMSG_DONE) return;
      if (message->nlmsg_type == NLMSG_ERROR) {
        throw_errno("dumping", where("TCP sockets"), -static_cast<nlmsgerr*>(nlmsg_data(message))->error);
      }
      if (message->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
      if (nlmsg_datalen(message) < static_cast<int>(sizeof(inet_diag_msg))) continue;
      visit(*static_cast<const inet_diag_msg*>(nlmsg_data(message)), *message);
    }
  }
}

bool SockDiagSocket::destroy_tcp(std::uint8_t family, const inet_diag_sockid& id, const std::string& object) {
  // The id carries the socket's cookie, so a new socket that reused the ports is not hit.
  const std::uint32_t seq = send(SOCK_DESTROY, NLM_F_ACK, family, 0, 0, id, "destroying", object);
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

std::uint32_t SockDiagSocket::send(std::uint16_t type, std::uint16_t flags, std::uint8_t family,
                                   std::uint32_t state_mask, std::uint8_t extensions, const inet_diag_sockid& id,
                                   const std::string& action, const std::string& object) {
  DiagRequest request{};
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = type;
  request.header.nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | flags);
  request.header.nlmsg_seq = ++seq_;
  request.body.sdiag_family = family;
  request.body.sdiag_protocol = IPPROTO_TCP;
  request.body.idiag_ext = extensions;
  request.body.idiag_states = state_mask;
  request.body.id = id;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd_, &request, sizeof request, 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel) < 0) {
    throw_errno(action, where(object), errno);
  }
  return seq_;
}

int SockDiagSocket::receive(const std::string& action, const std::string& object) {
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

}  // namespace mprecover::netns
