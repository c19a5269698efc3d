// The client's side of the path health probes: ICMP echo, DNS query, HTTP request or TCP connect
// to the server, each pinned to one path, each with its own socket and timeout.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <unordered_map>

#include "engine/clock.h"
#include "engine/config.h"
#include "engine/ids.h"
#include "backends/netns/event_loop.h"
#include "core/network/address_plan.h"

namespace mprecover::netns {

class NetworkNamespace;

// Where a path's probes leave from: the path's client device ("path1") and its address at the
// moment ("10.1.2.1"). Both are needed: the device pins the packets to the path, and the address
// picks the path's routing table (the main table only routes via path 0). And where they go: the
// server's address of the same family (IPv4 or IPv6: ICMP or ICMPv6 echo, DNS, HTTP, TCP alike).
struct ProbeSource {
  std::string device;
  std::string address;
  std::string target;
};

// Probes the server (ProbeSource.target, answered by ProbeResponders) from the client namespace.
// Every result is reported exactly once, from the event loop: ok on an answer; not ok on a socket
// error (ICMP unreachable, refused, no route, the source address gone) or on no answer in time.
class PathProber {
 public:
  using SourceOf = std::function<ProbeSource(PathId path)>;
  using OnResult = std::function<void(PathId path, std::uint64_t probe_id, bool ok)>;

  // Allows ping sockets in `client_ns` (net.ipv4.ping_group_range, set there and nowhere else).
  // `source_of` is asked at every send(), as readdressing may move a path's address during a run.
  PathProber(const NetworkNamespace& client_ns, EventLoop& loop, SourceOf source_of, OnResult on_result);
  // Drops the probes in flight: their sockets closed, their timers cancelled, nothing reported.
  ~PathProber();
  PathProber(const PathProber&) = delete;
  PathProber& operator=(const PathProber&) = delete;

  // Call when the engine asks for a probe. Sends it on `path` now; its result follows from the
  // loop, never from within this call, by `timeout` at the latest. A probe that cannot even go out
  // (say, its source address is gone) is a failed probe, reported on the loop's next turn; it does
  // not throw. `probe_id` is handed back with the result as is.
  void send(PathId path, std::uint64_t probe_id, ProbeMode mode, Duration timeout);

 private:
  enum class Stage { connecting, awaiting_answer };
  enum class Outcome { waiting, answered, failed };
  struct Probe {
    PathId path = 0;
    std::uint64_t probe_id = 0;
    ProbeMode mode = ProbeMode::ping;
    int fd = -1;
    EventLoop::TimerId timer = 0;
    Stage stage = Stage::connecting;
    std::uint16_t dns_id = 0;
    bool v6 = false;
    std::string http_reply;  // what has come back so far
  };

  bool launch(std::uint64_t key, Probe& probe, const ProbeSource& source);
  void on_ready(std::uint64_t key, std::uint32_t events);
  Outcome read_datagram_answer(const Probe& probe);
  Outcome advance_stream(Probe& probe);
  void finish(std::uint64_t key, bool ok);
  void close_socket(Probe& probe);

  const NetworkNamespace& client_ns_;
  EventLoop& loop_;
  SourceOf source_of_;
  OnResult on_result_;
  std::uint64_t next_key_ = 1;
  std::unordered_map<std::uint64_t, Probe> probes_;  // by our own key: the caller's ids may repeat
  std::mt19937 random_{std::random_device{}()};
  std::uniform_int_distribution<std::uint16_t> dns_ids_;
};

}  // namespace mprecover::netns
