// The kernel's NFQUEUE, seen from userspace through libnetfilter_queue (its libmnl API): a
// NETLINK_NETFILTER socket in one namespace that binds queues, reads which packets wait in them
// and lets them go. Only the packets' ids come up (metadata only); the packets stay in the kernel.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

struct mnl_socket;
struct nlmsghdr;

namespace mprecover::netns {

class NetworkNamespace;

// A packet that waits in a queue for its verdict.
struct QueuedPacket {
  std::uint16_t queue = 0;
  std::uint32_t id = 0;  // the queue's own sequence: later packets have higher ids
};

// Let every packet of `queue` with an id up to `last_id` go (NFQNL_MSG_VERDICT_BATCH, NF_ACCEPT).
struct BatchVerdict {
  std::uint16_t queue = 0;
  std::uint32_t last_id = 0;
};

// What one receive() found besides packets.
struct ReceiveReport {
  std::size_t overruns = 0;  // ENOBUFS: the socket's buffer overflowed and notices were lost
  std::size_t gone = 0;      // verdicts for packets the kernel had dropped meanwhile (their device went down)
  bool more = false;         // the read took all it could at once: more may be waiting
};

class NfqueueSocket {
 public:
  // Opens the socket in `ns` (it stays bound to that namespace). Throws NetnsError.
  explicit NfqueueSocket(const NetworkNamespace& ns);
  ~NfqueueSocket();
  NfqueueSocket(const NfqueueSocket&) = delete;
  NfqueueSocket& operator=(const NfqueueSocket&) = delete;

  // Binds `queue` to this socket: metadata only (NFQNL_COPY_META), GSO packets kept whole
  // (NFQA_CFG_F_GSO), at most `max_packets` waiting (the kernel drops beyond that). Waits for the
  // kernel's answer; throws NetnsError with it (say, the queue is bound by someone else).
  void bind(std::uint16_t queue, std::uint32_t max_packets);
  // After the queues are bound: receive() no longer waits.
  void set_nonblocking();

  int fd() const;
  const std::string& namespace_name() const { return ns_name_; }

  // Appends the packets that have arrived, in arrival order, without waiting (a bounded number
  // per call: call again while the report says `more`). Throws NetnsError on a socket error or
  // an error answer other than `gone`.
  ReceiveReport receive(std::vector<QueuedPacket>& packets);
  // All verdicts in one datagram. Throws NetnsError when the socket refuses it.
  void accept(std::span<const BatchVerdict> verdicts);

 private:
  struct MnlSocketClose {
    void operator()(mnl_socket* socket) const;
  };
  // Sends one configuration message and waits for the kernel's answer; throws NetnsError with it.
  void configure(std::uint16_t queue, const std::string& what, nlmsghdr* message);

  std::unique_ptr<mnl_socket, MnlSocketClose> socket_;
  std::string ns_name_;
  std::uint32_t port_id_ = 0;
  std::uint32_t sequence_ = 0;
  std::vector<char> receive_buffer_;
  std::vector<char> send_buffer_;
};

}  // namespace mprecover::netns
