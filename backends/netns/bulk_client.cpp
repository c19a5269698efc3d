#include "backends/netns/bulk_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "backends/netns/namespace_scope.h"
#include "backends/netns/congestion_control.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/socket_address.h"

namespace mprecover::netns {

BulkClient::BulkClient(const NetworkNamespace& client, EventLoop& loop, const std::string& server,
                       std::uint16_t port, const BulkRequest& request, std::optional<RequestResponse> exchange)
    : loop_(loop), request_(request) {
  if (exchange) {
    request_.request_bytes = exchange->request_bytes;
    request_.response_bytes = exchange->response_bytes;
    requests_.emplace(*exchange);
  }
  const std::optional<IpAddress> server_address = IpAddress::parse(server);
  if (!server_address) throw NetnsError("connecting", "to '" + server + "'", "neither an IPv4 nor an IPv6 address");
  {
    NamespaceScope scope(client);
    fd_ = socket(server_address->family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_MPTCP);
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
  const SocketAddress to = socket_address(*server_address, port);
  // The main table's default route (path 0) picks the first subflow's path, as on a router.
  if (connect(fd_, to.get(), to.size) != 0 && errno != EINPROGRESS) {
    const int error = errno;
    close(fd_);
    fd_ = -1;
    throw_errno("connecting", "an MPTCP socket to " + server + ":" + std::to_string(port), error);
  }
  // connect() has bound the socket: its port names the connection in the kernel's `created` event,
  // which may come before the connect completes.
  sockaddr_storage local{};
  socklen_t local_length = sizeof local;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &local_length);
  local_port_ = port_of(local);
  loop_.watch(fd_, EPOLLOUT, [this](std::uint32_t events) { on_ready(events); });
}

BulkClient::~BulkClient() { close_socket(); }

void BulkClient::on_ready(std::uint32_t events) {
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
    if (!read_greeting()) return;
    std::optional<PatternDuplex::Sending> sending;
    if (client_sends(request_.direction)) sending = {request_.bytes, request_.rate, requests_.has_value()};
    streams_.emplace(loop_, fd_, sending, server_sends(request_.direction));
    if (requests_) issue_request();
    return;
  }
  const std::uint64_t had = streams_->received().bytes;
  if (const std::optional<int> over = streams_->on_ready(events)) return *over == 0 ? close_socket() : fail(*over);
  const std::uint64_t has = streams_->received().bytes;
  if (!requests_ || has == had || !requests_->on_response_bytes(has, loop_.now())) return;
  if (requests_->think() == Duration{}) return issue_request();
  think_timer_ = loop_.at(loop_.now() + requests_->think(), [this] {
    think_timer_.reset();
    issue_request();
  });
}

void BulkClient::issue_request() { streams_->offer_up_to(requests_->issue(loop_.now())); }

// Why wait: only the segment at the client's first sequence number carries its MP_CAPABLE (the
// third ACK, or the first data segment). When both are dropped at a full bottleneck and the server
// retransmits its SYN-ACK, a client with data outstanding answers with a DSS ACK, and the server
// creates the connection from it as plain TCP (subflow_syn_recv_sock). A client that has sent
// nothing answers at its first sequence number, with MP_CAPABLE; the greeting says the server has
// the MPTCP connection.
bool BulkClient::read_greeting() {
  char greeting = 0;
  const ssize_t n = read(fd_, &greeting, 1);
  if (n == 1) {
    // A fresh connection's send buffer has room for the request.
    const auto request = encode_bulk_request(request_);
    if (send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
      fail(errno != 0 ? errno : EIO);
      return false;
    }
    return greeted_ = true;
  }
  if (n == 0) fail(ECONNRESET);
  else if (errno != EAGAIN) fail(errno);
  return false;
}

void BulkClient::fail(int error) {
  error_ = std::strerror(error);
  close_socket();
}

void BulkClient::close_socket() {
  if (fd_ < 0) return;
  if (think_timer_) loop_.cancel(*think_timer_);
  think_timer_.reset();
  if (streams_) {
    sent_ = streams_->sent();
    received_ = streams_->received();
    streams_.reset();  // and its application's timer with it
  }
  loop_.unwatch(fd_);
  close(fd_);
  fd_ = -1;
}

}  // namespace mprecover::netns
