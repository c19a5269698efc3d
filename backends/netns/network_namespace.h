// One named network namespace, as `ip netns add` makes it: a bind mount of the namespace on
// /run/netns/NAME, so that `ip -n NAME ...` sees it too. RAII: the destructor removes it.
#pragma once

#include <string>

namespace mprecover::netns {

inline constexpr const char* kNetnsRunDir = "/run/netns";

class NetworkNamespace {
 public:
  // Creates a new, empty namespace (loopback only, down) named `name`.
  // Throws NetnsError if the name is taken or the caller may not create namespaces.
  static NetworkNamespace create(const std::string& name);

  NetworkNamespace(NetworkNamespace&& other) noexcept;
  NetworkNamespace& operator=(NetworkNamespace&& other) noexcept;
  NetworkNamespace(const NetworkNamespace&) = delete;
  NetworkNamespace& operator=(const NetworkNamespace&) = delete;
  // Removes the namespace (see remove()).
  ~NetworkNamespace();

  const std::string& name() const { return name_; }
  // An open fd on the namespace, for setns() and IFLA_NET_NS_FD; owned by this object.
  int fd() const { return fd_; }
  std::string path() const { return std::string(kNetnsRunDir) + "/" + name_; }

  // Unmounts and unlinks /run/netns/NAME and closes the fd; the kernel frees the namespace (and
  // its veths, qdiscs and nft tables) once the last socket in it is closed. Idempotent; never throws.
  void remove() noexcept;

 private:
  NetworkNamespace(std::string name, int fd) : name_(std::move(name)), fd_(fd) {}

  std::string name_;
  int fd_ = -1;
};

// Removes /run/netns/NAME as `ip netns delete` does, whoever made it. Returns false when it was
// not there. Never throws.
bool remove_named_namespace(const std::string& name) noexcept;

}  // namespace mprecover::netns
