// One MPTCP connection from the client namespace: connects, waits for the server's greeting (a
// byte, bulk_server.h), then writes the byte pattern as fast as the network takes it, or at the
// application's rate, driven by the run's event loop.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backends/netns/event_loop.h"
#include "core/network/traffic.h"

namespace mprecover::netns {

class NetworkNamespace;

class BulkSender {
 public:
  // Opens an IPPROTO_MPTCP socket in `client` and starts a non-blocking connect to server:port.
  // `bytes`: how much to send before closing the sending side; nothing: until destroyed.
  // `rate`: the application makes data at that rate from now on (AppRate, as in the sim's model);
  // nothing: it has all its data at once.
  // Throws NetnsError when the socket cannot be made (no MPTCP in the kernel, fd limit).
  BulkSender(const NetworkNamespace& client, EventLoop& loop, const std::string& server, std::uint16_t port,
             std::optional<std::uint64_t> bytes, std::optional<AppRate> rate = std::nullopt);
  ~BulkSender();
  BulkSender(const BulkSender&) = delete;
  BulkSender& operator=(const BulkSender&) = delete;

  // The socket, for MPTCP_INFO reads; -1 once closed.
  int fd() const { return fd_; }
  bool connected() const { return connected_; }
  // The client port of the initial subflow (the server sees it as the peer's port).
  std::uint16_t local_port() const { return local_port_; }
  std::uint64_t bytes_sent() const { return sent_; }
  // Why the connection failed (connect refused, reset, timed out), or nothing.
  const std::optional<std::string>& error() const { return error_; }

 private:
  void on_ready(std::uint32_t events);
  void write_some();
  // What the application has made so far; everything for a bulk sender.
  std::uint64_t bytes_made() const;
  // Nothing made to send: stop waiting for room in the socket until the next tick.
  void await_app_data();
  // Reads the server's greeting; false while it has not come.
  bool read_greeting();
  void fail(int error);
  void close_socket();

  EventLoop& loop_;
  int fd_ = -1;
  bool connected_ = false;
  bool finished_sending_ = false;
  std::uint16_t local_port_ = 0;
  std::optional<std::uint64_t> limit_;
  std::optional<AppRate> rate_;
  Instant started_;
  std::optional<EventLoop::TimerId> app_timer_;
  bool greeted_ = false;
  std::uint64_t sent_ = 0;
  std::optional<std::string> error_;
  std::vector<std::byte> buffer_;  // the pattern from the offset of its first byte on
  std::span<std::byte> pending_;   // the part of buffer_ not sent yet
};

}  // namespace mprecover::netns
