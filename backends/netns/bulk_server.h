// The server side of the bulk connections: an MPTCP listener in the server namespace and one
// receiver per accepted connection, which greets the client with one byte (the client sends
// nothing before it: bulk_sender.cpp says why) and checks every byte against the pattern
// (byte_pattern.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "backends/netns/event_loop.h"

namespace mprecover::netns {

class NetworkNamespace;

struct BulkStream {
  std::uint64_t bytes = 0;
  bool complete = false;                       // the client closed its side (end of stream)
  std::optional<std::uint64_t> first_mismatch; // offset of the first byte that was not the pattern's
};

class BulkServer {
 public:
  // Listens on 0.0.0.0:port. The listener stays open for the whole run: MP_JOINs of later
  // subflows reach the server through it.
  BulkServer(const NetworkNamespace& server, EventLoop& loop, std::uint16_t port);
  ~BulkServer();
  BulkServer(const BulkServer&) = delete;
  BulkServer& operator=(const BulkServer&) = delete;

  // What arrived, by the client's port of the connection's initial subflow.
  const std::map<std::uint16_t, BulkStream>& streams() const { return streams_; }

 private:
  void accept_all();
  void receive(int fd, std::uint16_t peer_port);
  void close_connection(int fd);

  EventLoop& loop_;
  int listener_ = -1;
  std::map<int, std::uint16_t> connections_;  // accepted fd -> client port
  std::map<std::uint16_t, BulkStream> streams_;
};

}  // namespace mprecover::netns
