#include "backends/netns/probe_responders.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "backends/netns/device_names.h"
#include "backends/netns/dns_message.h"
#include "backends/netns/event_loop.h"
#include "backends/netns/namespace_scope.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/socket_address.h"

namespace mprecover::netns {

namespace {

// A classic DNS-over-UDP message is at most 512 bytes; a longer one is cut, and still parses.
constexpr std::size_t kDnsMessageMax = 512;
// An HTTP request header longer than this gets no answer: a probe's is about 40 bytes.
constexpr std::size_t kHttpRequestMax = 8192;
constexpr std::string_view kEndOfHeader = "\r\n\r\n";

// A non-blocking socket of `type` in `ns`, bound to port on every address, IPv4 and IPv6 (one
// dual-stack socket; an IPv4 one on a kernel without IPv6), and listening, for TCP.
int open_server_socket(const NetworkNamespace& ns, int type, std::uint16_t port, const std::string& what) {
  const std::string object = what + " in " + ns.name();
  int fd = -1;
  {
    NamespaceScope scope(ns);
    fd = dual_stack_socket(type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  }
  if (fd < 0) throw_errno("opening", object, errno);
  const int one = 1;
  const SocketAddress any = wildcard_address(fd, port);
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 || bind(fd, any.get(), any.size) != 0 ||
      (type == SOCK_STREAM && listen(fd, SOMAXCONN) != 0)) {
    const int error = errno;
    close(fd);
    throw_errno("opening", object, error);
  }
  return fd;
}

std::array<std::uint8_t, 4> server_address_bytes() {
  std::array<std::uint8_t, 4> bytes{};
  // The answer's A record: the probe only needs an answer, of either family.
  inet_pton(AF_INET, ipv4_plan.server_address().c_str(), bytes.data());
  return bytes;
}

}  // namespace

ProbeResponders::ProbeResponders(const NetworkNamespace& server_ns, EventLoop& loop) : loop_(loop) {
  // The destructor does not run for a constructor that throws: undo by hand.
  try {
    dns_fd_ = open_server_socket(server_ns, SOCK_DGRAM, kProbeDnsPort, "the probes' DNS responder (udp port 53)");
    loop_.watch(dns_fd_, EPOLLIN, [this](std::uint32_t) { answer_dns(); });
    http_listener_fd_ =
        open_server_socket(server_ns, SOCK_STREAM, kProbeHttpPort, "the probes' HTTP server (tcp port 80)");
    loop_.watch(http_listener_fd_, EPOLLIN, [this](std::uint32_t) { accept_http(); });
  } catch (...) {
    close_all();
    throw;
  }
}

ProbeResponders::~ProbeResponders() { close_all(); }

void ProbeResponders::close_all() {
  while (!http_requests_.empty()) close_http(http_requests_.begin()->first);
  for (int* fd : {&dns_fd_, &http_listener_fd_}) {
    if (*fd < 0) continue;
    loop_.unwatch(*fd);
    close(*fd);
    *fd = -1;
  }
}

void ProbeResponders::answer_dns() {
  std::array<std::uint8_t, kDnsMessageMax> buffer{};
  sockaddr_storage peer{};
  socklen_t peer_size = sizeof peer;
  const ssize_t n = recvfrom(dns_fd_, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&peer), &peer_size);
  if (n <= 0) return;
  const auto query = dns::parse_query(std::span(buffer.data(), static_cast<std::size_t>(n)));
  if (!query) return;
  static const std::array<std::uint8_t, 4> address = server_address_bytes();
  const dns::Bytes answer = dns::make_answer(*query, address);
  // Best effort, as any DNS server: a reply the socket cannot take now is lost, and the probe times out.
  sendto(dns_fd_, answer.data(), answer.size(), 0, reinterpret_cast<const sockaddr*>(&peer), peer_size);
}

void ProbeResponders::accept_http() {
  const int connection = accept4(http_listener_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (connection < 0) return;
  http_requests_.emplace(connection, std::string{});
  loop_.watch(connection, EPOLLIN, [this, connection](std::uint32_t) { serve_http(connection); });
}

void ProbeResponders::serve_http(int connection) {
  std::array<char, 2048> buffer{};
  const ssize_t n = recv(connection, buffer.data(), buffer.size(), 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n <= 0) {
    close_http(connection);  // the peer went away (a tcp probe does so at once), or an error
    return;
  }
  std::string& request = http_requests_.at(connection);
  request.append(buffer.data(), static_cast<std::size_t>(n));
  if (request.find(kEndOfHeader) != std::string::npos) {
    // A fresh connection's send buffer takes the whole small response at once.
    send(connection, kProbeHttpResponse.data(), kProbeHttpResponse.size(), MSG_NOSIGNAL);
    close_http(connection);
  } else if (request.size() > kHttpRequestMax) {
    close_http(connection);
  }
}

void ProbeResponders::close_http(int connection) {
  loop_.unwatch(connection);
  close(connection);
  http_requests_.erase(connection);
}

}  // namespace mprecover::netns
