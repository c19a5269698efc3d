#include "backends/netns/bulk_sender.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "backends/netns/byte_pattern.h"
#include "backends/netns/namespace_scope.h"
#include "backends/netns/congestion_control.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/socket_address.h"

namespace mprecover::netns {

namespace {

constexpr std::size_t kChunk = 64 * 1024;

}  // namespace

BulkSender::BulkSender(const NetworkNamespace& client, EventLoop& loop, const std::string& server,
                       std::uint16_t port, std::optional<std::uint64_t> bytes, std::optional<AppRate> rate)
    : loop_(loop), limit_(bytes), rate_(rate), started_(loop.now()) {
  {
    NamespaceScope scope(client);
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_MPTCP);
  }
  if (fd_ < 0) {
    const int error = errno;
    throw NetnsError("opening", "an MPTCP socket in the client namespace",
                       std::strerror(error) + std::string(error == EPROTONOSUPPORT || error == EINVAL
                                                              ? " (the kernel has no MPTCP)"
                                                              : ""));
  }
  try {
    use_congestion_control(fd_, "an MPTCP socket in the client namespace");
  } catch (...) {
    close(fd_);
    fd_ = -1;
    throw;
  }
  const sockaddr_in to = inet_address(server, port);
  // The main table's default route (path 0) picks the first subflow's path, as on a router.
  if (connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS) {
    const int error = errno;
    close(fd_);
    fd_ = -1;
    throw_errno("connecting", "an MPTCP socket to " + server + ":" + std::to_string(port), error);
  }
  // connect() has bound the socket: its port names the connection in the kernel's `created` event,
  // which may come before the connect completes.
  sockaddr_in local{};
  socklen_t local_length = sizeof local;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &local_length);
  local_port_ = ntohs(local.sin_port);
  loop_.watch(fd_, EPOLLOUT, [this](std::uint32_t events) { on_ready(events); });
}

BulkSender::~BulkSender() { close_socket(); }

void BulkSender::on_ready(std::uint32_t events) {
  if (!connected_) {
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) return fail(error);
    connected_ = true;
    loop_.modify(fd_, EPOLLIN);
    return;
  }
  if (!greeted_) {
    if (read_greeting()) loop_.modify(fd_, EPOLLOUT);
    return;
  }
  if (finished_sending_) {
    // Waiting for the server's end of the stream.
    char discard[256];
    const ssize_t n = read(fd_, discard, sizeof discard);
    if (n == 0 || (n < 0 && errno != EAGAIN)) close_socket();
    return;
  }
  if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
    return fail(error != 0 ? error : ECONNRESET);
  }
  write_some();
}

void BulkSender::write_some() {
  // One send per turn of the loop: with a thousand connections ready at once, the probes' and
  // the engine's timers get their turn in between (epoll is level-triggered).
  if (pending_.empty()) {
    std::size_t next = kChunk;
    if (limit_) next = static_cast<std::size_t>(std::min<std::uint64_t>(next, *limit_ - sent_));
    if (next == 0) {
      shutdown(fd_, SHUT_WR);
      finished_sending_ = true;
      loop_.modify(fd_, EPOLLIN);
      return;
    }
    next = static_cast<std::size_t>(std::min<std::uint64_t>(next, bytes_made() - sent_));
    if (next == 0) return await_app_data();
    // Made once and sent from until it is all gone: a full send buffer takes a few KiB per turn.
    buffer_.resize(next);
    fill_pattern(sent_, buffer_);
    pending_ = buffer_;
  }
  const ssize_t n = send(fd_, pending_.data(), pending_.size(), MSG_NOSIGNAL);
  if (n < 0) {
    if (errno != EAGAIN) fail(errno);
    return;
  }
  sent_ += static_cast<std::uint64_t>(n);
  pending_ = pending_.subspan(static_cast<std::size_t>(n));
}

std::uint64_t BulkSender::bytes_made() const {
  return rate_ ? rate_->bytes_made(loop_.now() - started_) : UINT64_MAX;
}

void BulkSender::await_app_data() {
  if (app_timer_) return;
  loop_.modify(fd_, 0);  // errors and hang-ups are still reported
  app_timer_ = loop_.at(started_ + AppRate::next_tick(loop_.now() - started_), [this] {
    app_timer_.reset();
    loop_.modify(fd_, EPOLLOUT);
  });
}

// Why wait: only the segment at the client's first sequence number carries its MP_CAPABLE (the
// third ACK, or the first data segment). When both are dropped at a full bottleneck and the server
// retransmits its SYN-ACK, a client with data outstanding answers with a DSS ACK, and the server
// creates the connection from it as plain TCP (subflow_syn_recv_sock). A client that has sent
// nothing answers at its first sequence number, with MP_CAPABLE; the greeting says the server has
// the MPTCP connection.
bool BulkSender::read_greeting() {
  char greeting = 0;
  const ssize_t n = read(fd_, &greeting, 1);
  if (n == 1) return greeted_ = true;
  if (n == 0) fail(ECONNRESET);
  else if (errno != EAGAIN) fail(errno);
  return false;
}

void BulkSender::fail(int error) {
  error_ = std::strerror(error);
  close_socket();
}

void BulkSender::close_socket() {
  if (app_timer_) loop_.cancel(*app_timer_);
  app_timer_.reset();
  if (fd_ < 0) return;
  loop_.unwatch(fd_);
  close(fd_);
  fd_ = -1;
}

}  // namespace mprecover::netns
