#include "backends/netns/daemon_process.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <thread>

#include "backends/netns/netns_error.h"
#include "backends/netns/network_namespace.h"

namespace mprecover::netns {

namespace {

constexpr std::size_t kMaxOutput = 1 << 20;
constexpr auto kStopGrace = std::chrono::seconds(2);

DaemonProcess::Ending how_it_ended(int status) {
  if (WIFEXITED(status))
    return {"exited with code " + std::to_string(WEXITSTATUS(status)), WEXITSTATUS(status) == 0};
  if (WIFSIGNALED(status)) return {"was killed by signal " + std::to_string(WTERMSIG(status)), false};
  return {"stopped", false};
}

}  // namespace

DaemonProcess::DaemonProcess(const NetworkNamespace& ns, std::vector<std::string> argv, EventLoop& loop,
                             ExitCallback on_exit)
    : loop_(loop), on_exit_(std::move(on_exit)), name_(argv.at(0)) {
  if (access(name_.c_str(), X_OK) != 0) throw_errno("starting", name_ + " in " + ns.name(), errno);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw_errno("making a pipe for", name_, errno);
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) {
    const int error = errno;
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    throw_errno("starting", name_, error);
  }
  if (pid_ == 0) {
    // The child: only async-signal-safe calls until exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before the line above
    if (setns(ns.fd(), CLONE_NEWNET) != 0) _exit(126);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  output_fd_ = pipe_fds[0];
  fcntl(output_fd_, F_SETFL, O_NONBLOCK);
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) {
    const int error = errno;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    close(output_fd_);
    throw_errno("watching", name_, error);
  }
  loop_.watch(output_fd_, EPOLLIN, [this](std::uint32_t) { read_output(); });
  loop_.watch(pidfd_, EPOLLIN, [this](std::uint32_t) { reap(); });
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) {
    loop_.unwatch(pidfd_);
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
    while (waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }
  if (pidfd_ >= 0) close(pidfd_);
  if (output_fd_ >= 0) {
    read_output();
    loop_.unwatch(output_fd_);
    close(output_fd_);
  }
}

void DaemonProcess::read_output() {
  std::array<char, 4096> buffer;
  for (;;) {
    const ssize_t n = read(output_fd_, buffer.data(), buffer.size());
    if (n <= 0) break;
    output_.append(buffer.data(), static_cast<std::size_t>(n));
    if (output_.size() > kMaxOutput) output_.erase(0, output_.size() - kMaxOutput);
  }
}

bool DaemonProcess::poll() {
  if (output_fd_ >= 0) read_output();
  if (pid_ > 0) reap();
  return running();
}

void DaemonProcess::reap() {
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) <= 0) return;
  pid_ = -1;
  loop_.unwatch(pidfd_);
  read_output();
  if (on_exit_) on_exit_(how_it_ended(status));
}

}  // namespace mprecover::netns
