// What traffic a scenario asks the network to carry: the kind of application behind each
// connection. The scenario's `traffic` (core/scenario/scenario.h) and the network port speak of it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/network/path_shape.h"
#include "engine/clock.h"
#include "engine/enum_names.h"

namespace mprecover {

enum class TrafficKind {
  bulk,  // as fast as the network takes it
  rate,  // app-limited at a constant rate, like a video stream
  // Requests and their responses in turn over one long-lived connection, as HTTP/1.1 keep-alive
  // (core/network/request_response.h).
  request_response,
  // Programs of the user's (iperf3, ...) run on the client and the server under mptcpize: the
  // connections are theirs, and the backend finds and measures them by their MPTCP token.
  command,
};

template <>
struct EnumNames<TrafficKind> {
  static constexpr std::array<std::pair<TrafficKind, std::string_view>, 4> table{
      {{TrafficKind::bulk, "bulk"},
       {TrafficKind::rate, "rate"},
       {TrafficKind::request_response, "request-response"},
       {TrafficKind::command, "command"}}};
};

// Which way a connection's application data flows; the client opens the connection either way.
enum class TrafficDirection {
  upload,    // client to server
  download,  // server to client: the server's MPTCP scheduler decides which subflow carries it
  both,      // a stream each way at once, each end's application sending as the group says
};

template <>
struct EnumNames<TrafficDirection> {
  static constexpr std::array<std::pair<TrafficDirection, std::string_view>, 3> table{
      {{TrafficDirection::upload, "upload"}, {TrafficDirection::download, "download"}, {TrafficDirection::both, "both"}}};
};

// Whether the client's application sends (upload, both) and whether the server's does (download, both).
constexpr bool client_sends(TrafficDirection direction) { return direction != TrafficDirection::download; }
constexpr bool server_sends(TrafficDirection direction) { return direction != TrafficDirection::upload; }

// The application behind a `rate` flow: it makes `bits_per_second` from the connection's opening on
// and hands them to the socket at whole ticks, as an application woken by a timer would. Both
// backends' senders follow it, so a rate flow offers the same bytes at the same instants on each.
struct AppRate {
  static constexpr Duration kTick = std::chrono::milliseconds{10};

  BitRate bits_per_second = 0;

  // What the application has made `elapsed` after the opening.
  std::uint64_t bytes_made(Duration elapsed) const {
    const double seconds = static_cast<double>(elapsed / kTick) * to_seconds(kTick);
    return static_cast<std::uint64_t>(static_cast<double>(bits_per_second) / 8 * seconds);
  }
  // When it makes more, counted from the opening: the first tick after `elapsed`.
  static Duration next_tick(Duration elapsed) { return kTick * (elapsed / kTick + 1); }
};

// The programs of `kind: command` traffic, as the scenario writes them: command lines with the
// placeholders {server}, {port} and {duration}, which the backend that runs them fills in.
struct TrafficCommands {
  std::string server;  // started first; it must listen on {port}
  std::string client;  // started once the server listens
  Duration client_time{};  // what {duration} gives the client: until a second before the run's end
};

}  // namespace mprecover
