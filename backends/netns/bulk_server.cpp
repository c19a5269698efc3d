#include "backends/netns/bulk_server.h"

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
#include "core/network/request_response.h"

namespace mprecover::netns {

namespace {

constexpr int kBacklog = 4096;

}  // namespace

BulkServer::BulkServer(const NetworkNamespace& server, EventLoop& loop, std::uint16_t port) : loop_(loop) {
  {
    NamespaceScope scope(server);
    listener_ = dual_stack_socket(SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_MPTCP);
  }
  const std::string object = "the MPTCP listener on port " + std::to_string(port) + " in the server namespace";
  if (listener_ < 0) throw_errno("opening", object, errno);
  try {
    use_congestion_control(listener_, object);
  } catch (...) {
    close(listener_);
    throw;
  }
  const int one = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const SocketAddress any = wildcard_address(listener_, port);
  if (bind(listener_, any.get(), any.size) != 0 || listen(listener_, kBacklog) != 0) {
    const int error = errno;
    close(listener_);
    throw_errno("binding", object, error);
  }
  loop_.watch(listener_, EPOLLIN, [this](std::uint32_t) { accept_all(); });
}

BulkServer::~BulkServer() {
  while (!connections_.empty()) close_connection(connections_.begin()->first);
  loop_.unwatch(listener_);
  close(listener_);
}

std::uint64_t BulkServer::bytes_sent() const {
  std::uint64_t sent = sent_by_closed_;
  for (const auto& [fd, connection] : connections_)
    if (connection.streams) sent += connection.streams->sent();
  return sent;
}

void BulkServer::accept_all() {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int fd = accept4(listener_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a connection that died while queued
    const char greeting = 'g';
    send(fd, &greeting, 1, MSG_NOSIGNAL);  // a new socket has room; a dead one fails the client
    connections_[fd].peer_port = port_of(peer);
    loop_.watch(fd, EPOLLIN, [this, fd](std::uint32_t events) { on_ready(fd, events); });
  }
}

void BulkServer::on_ready(int fd, std::uint32_t events) {
  Connection& connection = connections_.at(fd);
  if (!connection.asked) {
    if (read_request(fd, connection)) start_streams(fd, connection);
    return;
  }
  const BulkRequest& asked = *connection.asked;
  const std::optional<int> over = connection.streams->on_ready(events);
  if (client_sends(asked.direction)) {
    const BulkStream& received = connection.streams->received();
    streams_[connection.peer_port] = received;
    if (asked.request_bytes != 0)
      connection.streams->offer_up_to(response_bytes_owed(asked.request_bytes, asked.response_bytes, received.bytes));
  }
  if (over) close_connection(fd);
}

void BulkServer::start_streams(int fd, Connection& connection) {
  const BulkRequest& asked = *connection.asked;
  std::optional<PatternDuplex::Sending> sending;
  if (server_sends(asked.direction)) sending = {asked.bytes, asked.rate, asked.request_bytes != 0};
  if (client_sends(asked.direction)) streams_[connection.peer_port] = BulkStream{};
  connection.streams.emplace(loop_, fd, sending, client_sends(asked.direction));
}

bool BulkServer::read_request(int fd, Connection& connection) {
  const ssize_t n = read(fd, connection.request.data() + connection.request_read,
                         connection.request.size() - connection.request_read);
  if (n <= 0) {
    if (n == 0 || errno != EAGAIN) close_connection(fd);
    return false;
  }
  connection.request_read += static_cast<std::size_t>(n);
  if (connection.request_read < connection.request.size()) return false;
  connection.asked = decode_bulk_request(connection.request);
  if (!connection.asked) {
    failures_.push_back("the connection from port " + std::to_string(connection.peer_port) +
                        " sent something else than a request");
    close_connection(fd);
    return false;
  }
  return true;
}

void BulkServer::close_connection(int fd) {
  const auto connection = connections_.find(fd);
  if (connection->second.streams) sent_by_closed_ += connection->second.streams->sent();
  connections_.erase(connection);  // the writer, and its application's timer, with it
  loop_.unwatch(fd);
  close(fd);
}

}  // namespace mprecover::netns
