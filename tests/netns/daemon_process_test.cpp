// A program run in a namespace for the length of a run (mptcpd): its output kept, its exit
// reported from the loop, and it never outlives the run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>

#include "backends/netns/daemon_process.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/network_namespace.h"
#include "test_support.h"

namespace mprecover::netns {
namespace {

using namespace std::chrono_literals;

struct Scratch {
  Scratch() : ns(NetworkNamespace::create(namespace_name(make_run_stem(), "daemon"))) {}
  NetworkNamespace ns;
  EventLoop loop;
  std::atomic<bool> stop{false};
};

TEST(DaemonProcess, RunsInTheNamespaceAndReportsHowItEnded) {
  MPRECOVER_REQUIRE_NETNS();
  Scratch s;
  std::optional<DaemonProcess::Ending> ending;
  DaemonProcess daemon(s.ns, {"/bin/sh", "-c", "readlink /proc/self/ns/net; echo to stderr >&2; exit 3"}, s.loop,
                       [&](const DaemonProcess::Ending& ended) {
                         ending = ended;
                         s.loop.quit();
                       });
  s.loop.run_until(s.loop.now() + 10s, s.stop);
  ASSERT_TRUE(ending);
  EXPECT_EQ(ending->how, "exited with code 3");
  EXPECT_FALSE(ending->succeeded);
  EXPECT_FALSE(daemon.running());
  char own[64] = {};
  ASSERT_GT(readlink("/proc/self/ns/net", own, sizeof own - 1), 0);
  EXPECT_EQ(daemon.output().find(own), std::string::npos) << "it ran in the root namespace: " << daemon.output();
  EXPECT_NE(daemon.output().find("net:["), std::string::npos) << daemon.output();
  EXPECT_NE(daemon.output().find("to stderr"), std::string::npos) << daemon.output();
}

TEST(DaemonProcess, StopsWithTheRun) {
  MPRECOVER_REQUIRE_NETNS();
  Scratch s;
  pid_t pid = 0;
  {
    DaemonProcess daemon(s.ns, {"/bin/sh", "-c", "echo $$; exec sleep 600"}, s.loop, [](const DaemonProcess::Ending&) {
      ADD_FAILURE() << "a daemon stopped by the run is not reported as exiting by itself";
    });
    const auto deadline = s.loop.now() + 5s;
    while (daemon.output().empty() && s.loop.now() < deadline) s.loop.run_until(s.loop.now() + 20ms, s.stop);
    pid = std::stoi(daemon.output());
    EXPECT_EQ(kill(pid, 0), 0);
  }
  EXPECT_NE(kill(pid, 0), 0) << "still running after the run";
}

TEST(DaemonProcess, DiesWithTheProcessThatStartedIt) {
  MPRECOVER_REQUIRE_NETNS();
  // A child process starts the daemon and is then SIGKILLed, as a run can be.
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t runner = fork();
  ASSERT_GE(runner, 0);
  if (runner == 0) {
    Scratch s;
    DaemonProcess daemon(s.ns, {"/bin/sh", "-c", "echo $$; exec sleep 600"}, s.loop, nullptr);
    while (daemon.output().empty()) s.loop.run_until(s.loop.now() + 20ms, s.stop);
    const std::string pid = daemon.output();
    if (write(pipe_fds[1], pid.data(), pid.size()) < 0) _exit(1);
    pause();
    _exit(0);
  }
  close(pipe_fds[1]);
  char buffer[32] = {};
  ASSERT_GT(read(pipe_fds[0], buffer, sizeof buffer - 1), 0);
  close(pipe_fds[0]);
  const pid_t daemon_pid = std::stoi(buffer);
  kill(runner, SIGKILL);
  waitpid(runner, nullptr, 0);
  for (int i = 0; i < 100 && kill(daemon_pid, 0) == 0; ++i) usleep(20'000);
  EXPECT_NE(kill(daemon_pid, 0), 0) << "the daemon outlived the process that started it";
  remove_leftover_namespaces();  // the runner's namespace
}

}  // namespace
}  // namespace mprecover::netns
