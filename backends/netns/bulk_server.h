// The server side of the bulk connections: an MPTCP listener in the server namespace and one
// handler per accepted connection, which greets the client with one byte (the client sends
// nothing before it: bulk_client.cpp says why), reads what the client asks (bulk_request.h), then
// reads and checks the client's byte pattern (an upload), writes its own (a download), or both;
// request/response, it answers each whole request of the client's stream with a response.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backends/netns/bulk_request.h"
#include "backends/netns/event_loop.h"
#include "backends/netns/pattern_stream.h"

namespace mprecover::netns {

class NetworkNamespace;

class BulkServer {
 public:
  // Listens on 0.0.0.0:port. The listener stays open for the whole run: MP_JOINs of later
  // subflows reach the server through it.
  BulkServer(const NetworkNamespace& server, EventLoop& loop, std::uint16_t port);
  ~BulkServer();
  BulkServer(const BulkServer&) = delete;
  BulkServer& operator=(const BulkServer&) = delete;

  // What arrived of the uploads, by the client's port of the connection's initial subflow.
  const std::map<std::uint16_t, BulkStream>& streams() const { return streams_; }
  // What it wrote of the downloads, every connection together.
  std::uint64_t bytes_sent() const;
  // Connections that sent something else than a request, in words.
  const std::vector<std::string>& failures() const { return failures_; }

 private:
  struct Connection {
    std::uint16_t peer_port = 0;
    std::array<std::byte, kBulkRequestSize> request{};
    std::size_t request_read = 0;
    std::optional<BulkRequest> asked;      // once the request is in
    std::optional<PatternDuplex> streams;  // from then on
  };

  void accept_all();
  void on_ready(int fd, std::uint32_t events);
  // Reads what is there of the request; false while it is incomplete (or the connection closed).
  bool read_request(int fd, Connection& connection);
  // The request is in: the connection's streams start, each way it asked for.
  void start_streams(int fd, Connection& connection);
  void close_connection(int fd);

  EventLoop& loop_;
  int listener_ = -1;
  std::map<int, Connection> connections_;  // by accepted fd
  std::map<std::uint16_t, BulkStream> streams_;  // kept as each connection's reads go
  std::uint64_t sent_by_closed_ = 0;  // what the downloads of closed connections wrote
  std::vector<std::string> failures_;
};

}  // namespace mprecover::netns
