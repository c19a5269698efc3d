// A program run inside one of the run's namespaces for the length of the run (mptcpd), with its
// stdout and stderr kept. It dies with the run on every way out: the destructor stops it
// (SIGTERM, then SIGKILL), and the kernel kills it if the process that started it dies first
// (PR_SET_PDEATHSIG), so that a crash or a SIGKILL leaves no daemon behind in a namespace the
// next run removes.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "backends/netns/event_loop.h"

namespace mprecover::netns {

class NetworkNamespace;

class DaemonProcess {
 public:
  // How a program ended, in words ("exited with code 1", "was killed by signal 11") and whether
  // that was a success (code 0).
  struct Ending {
    std::string how;
    bool succeeded = false;
  };
  // Called, from the loop, when the program exits by itself.
  using ExitCallback = std::function<void(const Ending& ending)>;

  // Starts `argv` (argv[0] an absolute path) in `ns`. Throws NetnsError when it cannot start.
  DaemonProcess(const NetworkNamespace& ns, std::vector<std::string> argv, EventLoop& loop, ExitCallback on_exit);
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // What it printed so far (the last 1 MiB).
  const std::string& output() const { return output_; }
  bool running() const { return pid_ > 0; }
  // Reads what it printed and reaps it if it has ended (the exit callback runs), as the loop does
  // by itself: for a caller that waits for it outside the loop. Returns running().
  bool poll();

 private:
  void read_output();
  void reap();

  EventLoop& loop_;
  ExitCallback on_exit_;
  std::string name_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int output_fd_ = -1;
  std::string output_;
};

}  // namespace mprecover::netns
