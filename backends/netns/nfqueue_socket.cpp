#include "backends/netns/nfqueue_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "backends/netns/namespace_scope.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/network_namespace.h"

namespace mprecover::netns {

namespace {

// One receive() reads up to this many datagrams (one queued packet's metadata each, ~150 bytes).
constexpr std::size_t kReceiveSlots = 128;
constexpr std::size_t kSlotBytes = 4096;
// Room for the notices of a burst of packets while the thread is busy elsewhere: a 64 KiB GSO
// packet every 10 us for 10 ms is a thousand notices; this holds several times that.
constexpr int kReceiveBufferBytes = 8 * 1024 * 1024;
// A configuration message or an answer to one (libmnl's MNL_SOCKET_BUFFER_SIZE is at most this).
constexpr std::size_t kMessageBytes = 8192;
// What one batch verdict takes: header, nfgenmsg, the verdict attribute.
constexpr std::size_t kVerdictBytes = 64;

// Netlink's 4-byte alignment (MNL_ALIGN, without its sign conversions).
constexpr std::size_t aligned(std::size_t bytes) { return (bytes + 3) & ~std::size_t{3}; }

std::uint16_t queue_of(const nlmsghdr* message) {
  const auto* header = static_cast<const nfgenmsg*>(mnl_nlmsg_get_payload(message));
  return ntohs(header->res_id);
}

std::string queue_name(std::uint16_t queue) { return "NFQUEUE queue " + std::to_string(queue); }

}  // namespace

void NfqueueSocket::MnlSocketClose::operator()(mnl_socket* socket) const { mnl_socket_close(socket); }

NfqueueSocket::NfqueueSocket(const NetworkNamespace& ns)
    : ns_name_(ns.name()), receive_buffer_(kReceiveSlots * kSlotBytes), send_buffer_(kMessageBytes) {
  NamespaceScope scope(ns);
  socket_.reset(mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC));
  if (!socket_) throw_errno("opening a netfilter netlink socket in", ns_name_, errno);
  if (mnl_socket_bind(socket_.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    throw_errno("binding the netfilter netlink socket in", ns_name_, errno);
  }
  port_id_ = mnl_socket_get_portid(socket_.get());
  // As root the buffer may exceed net.core.rmem_max; a smaller one only means earlier overruns.
  const int bytes = kReceiveBufferBytes;
  if (setsockopt(fd(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
    setsockopt(fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
}

NfqueueSocket::~NfqueueSocket() = default;

int NfqueueSocket::fd() const { return mnl_socket_get_fd(socket_.get()); }

void NfqueueSocket::bind(std::uint16_t queue, std::uint32_t max_packets) {
  std::vector<char> message(kMessageBytes);
  nlmsghdr* bind = nfq_nlmsg_put(message.data(), NFQNL_MSG_CONFIG, queue);
  nfq_nlmsg_cfg_put_cmd(bind, AF_INET, NFQNL_CFG_CMD_BIND);
  configure(queue, "binding", bind);

  nlmsghdr* params = nfq_nlmsg_put(message.data(), NFQNL_MSG_CONFIG, queue);
  nfq_nlmsg_cfg_put_params(params, NFQNL_COPY_META, 0);
  nfq_nlmsg_cfg_put_qmaxlen(params, max_packets);
  mnl_attr_put_u32(params, NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_GSO));
  mnl_attr_put_u32(params, NFQA_CFG_MASK, htonl(NFQA_CFG_F_GSO));
  configure(queue, "configuring (metadata only, GSO whole, queue length)", params);
}

void NfqueueSocket::configure(std::uint16_t queue, const std::string& what, nlmsghdr* header) {
  header->nlmsg_flags |= NLM_F_ACK;
  header->nlmsg_seq = ++sequence_;
  const std::string object = queue_name(queue) + " in " + ns_name_;
  if (mnl_socket_sendto(socket_.get(), header, header->nlmsg_len) < 0) throw_errno(what, object, errno);
  std::array<char, kMessageBytes> answer{};
  const ssize_t n = mnl_socket_recvfrom(socket_.get(), answer.data(), answer.size());
  if (n < 0) throw_errno(what + " (reading the kernel's answer)", object, errno);
  if (mnl_cb_run(answer.data(), static_cast<std::size_t>(n), sequence_, port_id_, nullptr, nullptr) < 0) {
    const int error = errno;
    std::string reason = std::strerror(error);
    if (error == EBUSY) reason += " (another socket has bound this queue)";
    if (error == EPERM) reason += " (needs CAP_NET_ADMIN in the namespace)";
    throw NetnsError(what, object, reason, error);
  }
}

void NfqueueSocket::set_nonblocking() {
  const int flags = fcntl(fd(), F_GETFL);
  if (flags < 0 || fcntl(fd(), F_SETFL, flags | O_NONBLOCK) != 0) {
    throw_errno("making the NFQUEUE socket non-blocking in", ns_name_, errno);
  }
}

ReceiveReport NfqueueSocket::receive(std::vector<QueuedPacket>& packets) {
  ReceiveReport report;
  std::array<iovec, kReceiveSlots> slots{};
  std::array<mmsghdr, kReceiveSlots> headers{};
  for (std::size_t i = 0; i < kReceiveSlots; ++i) {
    slots[i] = {receive_buffer_.data() + i * kSlotBytes, kSlotBytes};
    headers[i].msg_hdr.msg_iov = &slots[i];
    headers[i].msg_hdr.msg_iovlen = 1;
  }
  const int received = recvmmsg(fd(), headers.data(), kReceiveSlots, MSG_DONTWAIT, nullptr);
  if (received < 0) {
    if (errno == EAGAIN || errno == EINTR) return report;
    if (errno == ENOBUFS) {
      ++report.overruns;
      return report;
    }
    throw_errno("reading the NFQUEUE socket in", ns_name_, errno);
  }
  report.more = static_cast<std::size_t>(received) == kReceiveSlots;
  for (std::size_t i = 0; i < static_cast<std::size_t>(received); ++i) {
    if ((headers[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
      throw NetnsError("reading the NFQUEUE socket in", ns_name_,
                       "a notice longer than " + std::to_string(kSlotBytes) + " bytes (metadata only was asked for)");
    }
    int left = static_cast<int>(headers[i].msg_len);
    for (auto* message = reinterpret_cast<const nlmsghdr*>(slots[i].iov_base); mnl_nlmsg_ok(message, left);
         message = mnl_nlmsg_next(message, &left)) {
      if (message->nlmsg_type == NLMSG_ERROR) {
        const auto* answer = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(message));
        if (answer->error == 0) continue;
        if (answer->error == -ENOENT) {
          ++report.gone;
          continue;
        }
        throw NetnsError("letting packets go from " + queue_name(queue_of(&answer->msg)) + " in", ns_name_,
                         std::strerror(-answer->error), -answer->error);
      }
      if (NFNL_SUBSYS_ID(message->nlmsg_type) != NFNL_SUBSYS_QUEUE ||
          NFNL_MSG_TYPE(message->nlmsg_type) != NFQNL_MSG_PACKET) {
        continue;
      }
      std::array<nlattr*, NFQA_MAX + 1> attributes{};
      if (nfq_nlmsg_parse(message, attributes.data()) < 0 || attributes[NFQA_PACKET_HDR] == nullptr) {
        throw NetnsError("reading a packet notice of " + queue_name(queue_of(message)) + " in", ns_name_,
                         "it has no packet header");
      }
      const auto* packet = static_cast<const nfqnl_msg_packet_hdr*>(mnl_attr_get_payload(attributes[NFQA_PACKET_HDR]));
      packets.push_back({queue_of(message), ntohl(packet->packet_id)});
    }
  }
  return report;
}

void NfqueueSocket::accept(std::span<const BatchVerdict> verdicts) {
  std::size_t used = 0;
  for (const BatchVerdict& verdict : verdicts) {
    if (used + kVerdictBytes > send_buffer_.size()) {
      throw NetnsError("letting packets go in", ns_name_, "too many verdicts for one datagram");
    }
    nlmsghdr* message = nfq_nlmsg_put(send_buffer_.data() + used, NFQNL_MSG_VERDICT_BATCH, verdict.queue);
    message->nlmsg_seq = ++sequence_;
    nfq_nlmsg_verdict_put(message, static_cast<int>(verdict.last_id), NF_ACCEPT);
    used += aligned(message->nlmsg_len);
  }
  if (used == 0) return;
  while (mnl_socket_sendto(socket_.get(), send_buffer_.data(), used) < 0) {
    if (errno != EINTR) throw_errno("letting packets go (batch verdict) in", ns_name_, errno);
  }
}

}  // namespace mprecover::netns
