#include "backends/netns/namespace_scope.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "backends/netns/network_namespace.h"
#include "backends/netns/netns_error.h"

namespace mprecover::netns {

NamespaceScope::NamespaceScope(const NetworkNamespace& ns)
    : previous_fd_(open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {
  if (previous_fd_ < 0) throw_errno("opening", "this thread's network namespace", errno);
  if (setns(ns.fd(), CLONE_NEWNET) != 0) {
    const int error = errno;
    close(previous_fd_);
    throw_errno("entering network namespace", ns.name(), error);
  }
}

NamespaceScope::~NamespaceScope() {
  if (setns(previous_fd_, CLONE_NEWNET) != 0) {
    // A thread left in the wrong namespace would act on the wrong network: stop here.
    std::perror("mprecover: returning to the previous network namespace");
    std::abort();
  }
  close(previous_fd_);
}

}  // namespace mprecover::netns
