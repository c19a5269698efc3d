// The programs of a `kind: command` scenario (iperf3, ...), run as a user runs them over an MPTCP
// router: under `mptcpize run`, whose LD_PRELOAD makes their TCP sockets MPTCP ones (a server not
// run so would make every connection fall back to TCP). The server's program starts in the server
// namespace; the client's starts in the client namespace once a socket listens on the port. Both
// are stopped with the run (DaemonProcess), and what they printed lands in the run folder.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backends/netns/daemon_process.h"
#include "backends/netns/event_loop.h"
#include "core/network/traffic.h"

namespace mprecover::netns {

class NetworkNamespace;

class CommandTraffic {
 public:
  // Told, from the loop, how the client's program ended ("exited with code 0", ...).
  using ClientEndCallback = std::function<void(const std::string& how)>;

  // Starts both programs. Throws NetnsError when mptcpize is missing, a program cannot start, or
  // the server's does not listen on `port` within 5 s (with what it printed).
  CommandTraffic(const NetworkNamespace& server_ns, const NetworkNamespace& client_ns, EventLoop& loop,
                 const TrafficCommands& commands, const std::string& server_address, std::uint16_t port,
                 ClientEndCallback on_client_end = nullptr);
  CommandTraffic(const CommandTraffic&) = delete;
  CommandTraffic& operator=(const CommandTraffic&) = delete;

  // The client's command line as started.
  std::string client_command() const { return command_text(client_); }
  // A program that failed during the run (exited with a code other than 0, or was killed by a
  // signal), with the end of what it printed. A server that exits with 0 (iperf3 -s -1) is fine.
  std::vector<std::string> failures() const;
  // How each program ended, or that it was still running when the run ended.
  std::vector<std::string> notes() const;
  // command-server.log and command-client.log: the command line, what it printed, how it ended.
  std::vector<std::pair<std::string, std::string>> run_files() const;

 private:
  struct Program {
    std::string role;          // "server", "client"
    std::vector<std::string> argv;  // as started, mptcpize first
    std::unique_ptr<DaemonProcess> process;
    std::optional<DaemonProcess::Ending> ended;  // nothing while it runs
  };

  void start(Program& program, const NetworkNamespace& ns);
  void await_listener(const NetworkNamespace& ns, std::uint16_t port);
  std::string command_text(const Program& program) const;

  EventLoop& loop_;
  ClientEndCallback on_client_end_;
  Program server_;
  Program client_;
};

}  // namespace mprecover::netns
