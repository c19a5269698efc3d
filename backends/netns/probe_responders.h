// The server's side of the path health probes: a DNS responder and an HTTP server, tiny, in the
// server namespace. ICMP echo needs nothing here: the server's kernel answers it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mprecover::netns {

class EventLoop;
class NetworkNamespace;

inline constexpr std::uint16_t kProbeDnsPort = 53;
inline constexpr std::uint16_t kProbeHttpPort = 80;  // the http probe's and the tcp probe's
inline constexpr std::string_view kProbeHttpResponse =
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

// UDP port 53: every query for one name gets one A record, the server's address (TTL 0);
// malformed packets get nothing. TCP port 80: every request, once its header is in, gets
// kProbeHttpResponse and the connection is closed. Both are served by `loop`.
class ProbeResponders {
 public:
  // Opens both sockets inside `server_ns` and starts serving them. Throws NetnsError naming the
  // socket and the namespace when one cannot be opened (a port already taken, say).
  ProbeResponders(const NetworkNamespace& server_ns, EventLoop& loop);
  // Stops serving; closes the sockets and every connection still open.
  ~ProbeResponders();
  ProbeResponders(const ProbeResponders&) = delete;
  ProbeResponders& operator=(const ProbeResponders&) = delete;

 private:
  void answer_dns();
  void accept_http();
  void serve_http(int connection);
  void close_http(int connection);
  void close_all();

  EventLoop& loop_;
  int dns_fd_ = -1;
  int http_listener_fd_ = -1;
  // Every open HTTP connection, with what it has sent so far.
  std::unordered_map<int, std::string> http_requests_;
};

}  // namespace mprecover::netns
