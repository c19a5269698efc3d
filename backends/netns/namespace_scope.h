// Puts the calling thread into a network namespace for the lifetime of the scope.
#pragma once

namespace mprecover::netns {

class NetworkNamespace;

// Construct it on the thread that is to work in `ns`; the destructor returns that thread to the
// namespace it was in. Sockets (and libnl/libnftables contexts) opened inside the scope stay bound
// to `ns` after it ends, so the usual pattern is: enter, open the socket, leave.
// Scopes nest; they must end on the thread, and in the reverse order, they were made.
class NamespaceScope {
 public:
  explicit NamespaceScope(const NetworkNamespace& ns);
  ~NamespaceScope();
  NamespaceScope(const NamespaceScope&) = delete;
  NamespaceScope& operator=(const NamespaceScope&) = delete;

 private:
  int previous_fd_;
};

}  // namespace mprecover::netns
