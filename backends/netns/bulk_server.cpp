#include "backends/netns/bulk_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <span>

#include "backends/netns/byte_pattern.h"
#include "backends/netns/namespace_scope.h"
#include "backends/netns/congestion_control.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/socket_address.h"

namespace mprecover::netns {

namespace {

constexpr int kBacklog = 4096;

}  // namespace

BulkServer::BulkServer(const NetworkNamespace& server, EventLoop& loop, std::uint16_t port) : loop_(loop) {
  {
    NamespaceScope scope(server);
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_MPTCP);
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
  const sockaddr_in any = inet_address("0.0.0.0", port);
  if (bind(listener_, reinterpret_cast<const sockaddr*>(&any), sizeof any) != 0 || listen(listener_, kBacklog) != 0) {
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

void BulkServer::accept_all() {
  for (;;) {
    sockaddr_in peer{};
    socklen_t length = sizeof peer;
    const int fd = accept4(listener_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a connection that died while queued
    const std::uint16_t peer_port = ntohs(peer.sin_port);
    const char greeting = 'g';
    send(fd, &greeting, 1, MSG_NOSIGNAL);  // a new socket has room; a dead one fails the client
    connections_[fd] = peer_port;
    streams_[peer_port] = BulkStream{};
    loop_.watch(fd, EPOLLIN, [this, fd, peer_port](std::uint32_t) { receive(fd, peer_port); });
  }
}

void BulkServer::receive(int fd, std::uint16_t peer_port) {
  // One read per turn of the loop, as the senders write (bulk_sender.cpp).
  std::array<std::byte, 64 * 1024> buffer;
  BulkStream& stream = streams_[peer_port];
  const ssize_t n = read(fd, buffer.data(), buffer.size());
  if (n > 0) {
    const auto got = std::span<const std::byte>(buffer.data(), static_cast<std::size_t>(n));
    if (!stream.first_mismatch) stream.first_mismatch = find_pattern_mismatch(stream.bytes, got);
    stream.bytes += static_cast<std::uint64_t>(n);
  } else if (n == 0) {
    stream.complete = true;
    close_connection(fd);
  } else if (errno != EAGAIN) {
    close_connection(fd);
  }
}

void BulkServer::close_connection(int fd) {
  loop_.unwatch(fd);
  close(fd);
  connections_.erase(fd);
}

}  // namespace mprecover::netns
