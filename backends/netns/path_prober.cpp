#include "backends/netns/path_prober.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <span>
#include <string_view>
#include <utility>

#include "backends/netns/device_names.h"
#include "backends/netns/dns_message.h"
#include "backends/netns/ip_address.h"
#include "backends/netns/namespace_scope.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/probe_responders.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/sysctl.h"
#include "backends/netns/socket_address.h"

namespace mprecover::netns {

namespace {

constexpr std::string_view kDnsProbeName = "probe.mprecover.";
constexpr std::string_view kHttpRequest = "GET / HTTP/1.1\r\nHost: probe\r\n\r\n";
constexpr std::string_view kHttpOkPrefix = "HTTP/1.1 200";
// Enough for an echo reply of ours and for a classic DNS-over-UDP message.
constexpr std::size_t kDatagramMax = 512;

bool is_stream(ProbeMode mode) { return mode == ProbeMode::http || mode == ProbeMode::tcp; }

}  // namespace

PathProber::PathProber(const NetworkNamespace& client_ns, EventLoop& loop, SourceOf source_of, OnResult on_result)
    : client_ns_(client_ns), loop_(loop), source_of_(std::move(source_of)), on_result_(std::move(on_result)) {
  // A new namespace lets no group open ICMP (ping) sockets; root's group is 0.
  set_sysctl(client_ns_, "net.ipv4.ping_group_range", "0 2147483647");
}

PathProber::~PathProber() {
  for (auto& [key, probe] : probes_) {
    loop_.cancel(probe.timer);
    close_socket(probe);
  }
}

void PathProber::send(PathId path, std::uint64_t probe_id, ProbeMode mode, Duration timeout) {
  const std::uint64_t key = next_key_++;
  Probe probe;
  probe.path = path;
  probe.probe_id = probe_id;
  probe.mode = mode;
  if (mode == ProbeMode::dns) probe.dns_id = dns_ids_(random_);
  const bool sent = launch(key, probe, source_of_(path));
  if (!sent) close_socket(probe);
  // A probe that could not go out is reported from the loop all the same: the caller is never re-entered.
  probe.timer = loop_.after(sent ? timeout : Duration{0}, [this, key] { finish(key, false); });
  probes_.emplace(key, std::move(probe));
}

// Opens the probe's socket in the client namespace, pinned to the path, and sends the probe (or
// starts connecting). False when any step fails; the socket, if any, is left in `probe` to close.
bool PathProber::launch(std::uint64_t key, Probe& probe, const ProbeSource& source) {
  const std::optional<IpAddress> from = IpAddress::parse(source.address);
  const std::optional<IpAddress> to = IpAddress::parse(source.target);
  if (!from || !to || from->family() != to->family()) return false;
  probe.v6 = from->family() == AF_INET6;
  const bool stream = is_stream(probe.mode);
  const int type = (stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC;
  const int icmp = probe.v6 ? int{IPPROTO_ICMPV6} : int{IPPROTO_ICMP};
  const int protocol = probe.mode == ProbeMode::ping ? icmp : 0;
  {
    NamespaceScope scope(client_ns_);
    probe.fd = socket(from->family(), type, protocol);
  }
  if (probe.fd < 0) return false;
  const SocketAddress local = socket_address(*from, 0);
  const SocketAddress server = socket_address(*to, probe.mode == ProbeMode::dns ? kProbeDnsPort : kProbeHttpPort);
  if (setsockopt(probe.fd, SOL_SOCKET, SO_BINDTODEVICE, source.device.c_str(),
                 static_cast<socklen_t>(source.device.size())) != 0 ||
      bind(probe.fd, local.get(), local.size) != 0) {
    return false;
  }
  // Datagram sockets are connected too: only then does an ICMP error reach them as a socket error.
  if (connect(probe.fd, server.get(), server.size) != 0 && errno != EINPROGRESS) return false;
  if (probe.mode == ProbeMode::ping) {
    // The kernel fills in the identifier and the checksum of a ping socket's echo requests; an
    // ICMPv6 echo has the same layout as an ICMP one.
    icmphdr echo{};
    echo.type = probe.v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
    echo.un.echo.sequence = htons(static_cast<std::uint16_t>(probe.probe_id));
    if (::send(probe.fd, &echo, sizeof echo, 0) < 0) return false;
  } else if (probe.mode == ProbeMode::dns) {
    const dns::Bytes query = dns::make_query(probe.dns_id, kDnsProbeName);
    if (::send(probe.fd, query.data(), query.size(), 0) < 0) return false;
  }
  try {
    loop_.watch(probe.fd, stream ? EPOLLOUT : EPOLLIN, [this, key](std::uint32_t events) { on_ready(key, events); });
  } catch (const NetnsError&) {
    return false;  // epoll refused the socket (out of memory or of watches): the probe cannot be heard
  }
  return true;
}

void PathProber::on_ready(std::uint64_t key, std::uint32_t events) {
  const auto it = probes_.find(key);
  if (it == probes_.end()) return;
  Probe& probe = it->second;
  // A pending socket error: ICMP unreachable, connection refused or reset.
  if ((events & EPOLLERR) != 0) {
    finish(key, false);
    return;
  }
  const Outcome outcome = is_stream(probe.mode) ? advance_stream(probe) : read_datagram_answer(probe);
  if (outcome != Outcome::waiting) finish(key, outcome == Outcome::answered);
}

PathProber::Outcome PathProber::read_datagram_answer(const Probe& probe) {
  std::array<std::uint8_t, kDatagramMax> buffer{};
  const ssize_t n = recv(probe.fd, buffer.data(), buffer.size(), 0);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? Outcome::waiting : Outcome::failed;
  const std::span packet(buffer.data(), static_cast<std::size_t>(n));
  // A ping socket hands over the ICMP message without the IP header, and only replies to its own id.
  const std::uint8_t echo_reply = probe.v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
  const bool answered = probe.mode == ProbeMode::ping ? packet.size() >= sizeof(icmphdr) && packet[0] == echo_reply
                                                      : dns::is_response_to(packet, probe.dns_id);
  return answered ? Outcome::answered : Outcome::waiting;
}

PathProber::Outcome PathProber::advance_stream(Probe& probe) {
  if (probe.stage == Stage::connecting) {
    int error = 0;
    socklen_t size = sizeof error;
    if (getsockopt(probe.fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) return Outcome::failed;
    if (probe.mode == ProbeMode::tcp) return Outcome::answered;
    // A fresh connection's send buffer takes the whole small request at once.
    const ssize_t sent = ::send(probe.fd, kHttpRequest.data(), kHttpRequest.size(), MSG_NOSIGNAL);
    if (sent != static_cast<ssize_t>(kHttpRequest.size())) return Outcome::failed;
    probe.stage = Stage::awaiting_answer;
    loop_.modify(probe.fd, EPOLLIN);
    return Outcome::waiting;
  }
  std::array<char, 256> buffer{};
  const ssize_t n = recv(probe.fd, buffer.data(), buffer.size(), 0);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? Outcome::waiting : Outcome::failed;
  probe.http_reply.append(buffer.data(), static_cast<std::size_t>(n));
  // Decided once the status line's start is in, or at the end of the stream.
  if (n == 0 || probe.http_reply.size() >= kHttpOkPrefix.size()) {
    return probe.http_reply.starts_with(kHttpOkPrefix) ? Outcome::answered : Outcome::failed;
  }
  return Outcome::waiting;
}

void PathProber::finish(std::uint64_t key, bool ok) {
  const auto it = probes_.find(key);
  if (it == probes_.end()) return;
  Probe probe = std::move(it->second);
  probes_.erase(it);
  loop_.cancel(probe.timer);
  close_socket(probe);
  // Last, with the probe gone: the callback may send the next probe.
  on_result_(probe.path, probe.probe_id, ok);
}

void PathProber::close_socket(Probe& probe) {
  if (probe.fd < 0) return;
  loop_.unwatch(probe.fd);
  close(probe.fd);
  probe.fd = -1;
}

}  // namespace mprecover::netns
