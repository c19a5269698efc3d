// One MPTCP connection from the client namespace: connects, waits for the server's greeting (a
// byte, bulk_server.h), says what it wants (bulk_request.h), then writes the byte pattern (an
// upload), reads and checks the server's (a download), or both at once, driven by the run's event
// loop. Request/response, its application hands the writer a request at a time and issues the
// next once the server's stream holds the response and the think time is over.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "backends/netns/bulk_request.h"
#include "backends/netns/event_loop.h"
#include "backends/netns/pattern_stream.h"
#include "core/network/request_response.h"

namespace mprecover::netns {

class NetworkNamespace;

class BulkClient {
 public:
  // Opens an IPPROTO_MPTCP socket in `client` and starts a non-blocking connect to server:port.
  // `request`: which way the data flows, and the sending side's bytes and rate (pattern_stream.h).
  // `exchange`: request/response (direction both); its sizes go to the server in the request.
  // Throws NetnsError when the socket cannot be made (no MPTCP in the kernel, fd limit).
  BulkClient(const NetworkNamespace& client, EventLoop& loop, const std::string& server, std::uint16_t port,
             const BulkRequest& request, std::optional<RequestResponse> exchange = std::nullopt);
  ~BulkClient();
  BulkClient(const BulkClient&) = delete;
  BulkClient& operator=(const BulkClient&) = delete;

  // The socket, for MPTCP_INFO reads; -1 once closed.
  int fd() const { return fd_; }
  bool connected() const { return connected_; }
  // The client port of the initial subflow (the server sees it as the peer's port).
  std::uint16_t local_port() const { return local_port_; }
  TrafficDirection direction() const { return request_.direction; }
  // What it wrote (an upload, or both ways); 0 for a download.
  std::uint64_t bytes_sent() const { return streams_ ? streams_->sent() : sent_; }
  // What arrived of the server's stream (a download, or both ways).
  const BulkStream& received() const { return streams_ ? streams_->received() : received_; }
  // Request/response: the requests its application issued; null for other traffic.
  const RequestClient* requests() const { return requests_ ? &*requests_ : nullptr; }
  // Why the connection failed (connect refused, reset, timed out), or nothing.
  const std::optional<std::string>& error() const { return error_; }

 private:
  void on_ready(std::uint32_t events);
  // Reads the server's greeting and answers with the request; false while it has not come.
  bool read_greeting();
  // Request/response: hands the writer the next request.
  void issue_request();
  void fail(int error);
  void close_socket();

  EventLoop& loop_;
  BulkRequest request_;
  int fd_ = -1;
  bool connected_ = false;
  bool greeted_ = false;
  std::uint16_t local_port_ = 0;
  std::optional<PatternDuplex> streams_;  // from the greeting until the socket closes
  std::uint64_t sent_ = 0;                // what it had sent when the socket closed
  BulkStream received_;                   // what it had received then
  std::optional<RequestClient> requests_;
  std::optional<EventLoop::TimerId> think_timer_;
  std::optional<std::string> error_;
};

}  // namespace mprecover::netns
