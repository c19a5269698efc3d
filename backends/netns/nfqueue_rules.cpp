#include "backends/netns/nfqueue_rules.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "backends/netns/namespace_scope.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/network_namespace.h"

extern char** environ;

namespace mprecover::netns {

namespace {


struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// Runs `argv` in the calling thread's network namespace (a spawned child starts in it); returns
// the exit status and what the program wrote to stdout and stderr.
std::pair<int, std::string> run(const std::vector<std::string>& argv, const std::string& action,
                                const std::string& object) {
  std::array<int, 2> pipe_fds{};
  if (pipe2(pipe_fds.data(), O_CLOEXEC) != 0) throw_errno(action, object + " (making a pipe)", errno);
  Fd read_end{pipe_fds[0]};
  Fd write_end{pipe_fds[1]};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, write_end.fd, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw_errno(action, object + " (starting " + argv[0] + ")", spawned);
  close(write_end.fd);
  write_end.fd = -1;
  std::string output;
  std::array<char, 1024> buffer{};
  for (;;) {
    const ssize_t n = read(read_end.fd, buffer.data(), buffer.size());
    if (n > 0) {
      output.append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw_errno(action, object + " (waiting for " + argv[0] + ")", errno);
  }
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return {status, output};
}

}  // namespace

std::optional<std::string> find_iptables_nft(IpFamily family) {
  const char* program = family == IpFamily::ipv6 ? "ip6tables-nft" : "iptables-nft";
  std::string directories = "/usr/sbin:/sbin:/usr/bin:/bin";
  if (const char* path = std::getenv("PATH")) directories = std::string(path) + ":" + directories;
  std::istringstream list(directories);
  for (std::string directory; std::getline(list, directory, ':');) {
    if (directory.empty()) continue;
    const std::string candidate = directory + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

void queue_forwarded_packets(const NetworkNamespace& ns, const std::string& in_device, std::uint16_t queue,
                             IpFamily family) {
  const std::string action = "adding the NFQUEUE rule (queue " + std::to_string(queue) + " for packets from " +
                             in_device + ") in";
  const auto program = find_iptables_nft(family);
  if (!program) {
    throw NetnsError(action, ns.name(),
                     std::string(family == IpFamily::ipv6 ? "ip6tables-nft" : "iptables-nft") +
                         " is not installed (Debian package iptables); it makes the NFQUEUE rule, as "
                     "nftables' own `queue` statement is missing from this kernel");
  }
  NamespaceScope scope(ns);
  const auto [status, output] = run({*program, "-t", "mangle", "-A", "FORWARD", "-i", in_device, "-j", "NFQUEUE",
                                     "--queue-num", std::to_string(queue)},
                                    action, ns.name());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  const std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                            : "signal " + std::to_string(WTERMSIG(status));
  throw NetnsError(action, ns.name(),
                   *program + " failed (" + how + "): " + (output.empty() ? std::string("it said nothing") : output) +
                       " (is the kernel's NFQUEUE target there? CONFIG_NETFILTER_XT_TARGET_NFQUEUE, "
                       "CONFIG_NFT_COMPAT, CONFIG_NETFILTER_NETLINK_QUEUE)");
}

}  // namespace mprecover::netns
