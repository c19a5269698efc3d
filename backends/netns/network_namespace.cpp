#include "backends/netns/network_namespace.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>
#include <utility>

#include "backends/netns/crash_cleanup.h"
#include "backends/netns/netns_error.h"

namespace mprecover::netns {

namespace {

// As iproute2's netns_add: /run/netns exists and is a shared mount, so that namespaces mounted
// on it show up in every mount namespace.
void prepare_run_dir() {
  if (mkdir(kNetnsRunDir, 0755) != 0 && errno != EEXIST) {
    throw_errno("creating", kNetnsRunDir, errno);
  }
  for (bool bound = false;;) {
    if (mount("", kNetnsRunDir, "none", MS_SHARED | MS_REC, nullptr) == 0) return;
    if (errno != EINVAL || bound) throw_errno("making a shared mount of", kNetnsRunDir, errno);
    if (mount(kNetnsRunDir, kNetnsRunDir, "none", MS_BIND | MS_REC, nullptr) != 0) {
      throw_errno("bind-mounting", kNetnsRunDir, errno);
    }
    bound = true;
  }
}

}  // namespace

NetworkNamespace NetworkNamespace::create(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name.size() > 200) {
    throw NetnsError("creating network namespace", "'" + name + "'", "invalid name");
  }
  prepare_run_dir();
  const std::string path = std::string(kNetnsRunDir) + "/" + name;
  const int placeholder = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (placeholder < 0) {
    if (errno == EACCES || errno == EPERM) {
      throw NetnsError("creating network namespace", path, "permission denied (the netns backend must run as root)");
    }
    throw_errno("creating network namespace", path, errno);
  }
  close(placeholder);

  // unshare() moves only the calling thread, so a short-lived thread makes the namespace and
  // pins it with the bind mount; the caller's thread never leaves its own namespace.
  int error = 0;
  std::thread maker([&] {
    if (unshare(CLONE_NEWNET) != 0) {
      error = errno;
      return;
    }
    if (mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) {
      error = errno;
    }
  });
  maker.join();
  if (error != 0) {
    unlink(path.c_str());
    if (error == EPERM) {
      throw NetnsError("creating network namespace", name, "permission denied (the netns backend must run as root)");
    }
    throw_errno("creating network namespace", name, error);
  }
  remove_on_crash(path);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int open_error = errno;
    remove_named_namespace(name);
    throw_errno("opening network namespace", path, open_error);
  }
  return NetworkNamespace(name, fd);
}

NetworkNamespace::NetworkNamespace(NetworkNamespace&& other) noexcept
    : name_(std::move(other.name_)), fd_(std::exchange(other.fd_, -1)) {
  other.name_.clear();
}

NetworkNamespace& NetworkNamespace::operator=(NetworkNamespace&& other) noexcept {
  if (this != &other) {
    remove();
    name_ = std::move(other.name_);
    fd_ = std::exchange(other.fd_, -1);
    other.name_.clear();
  }
  return *this;
}

NetworkNamespace::~NetworkNamespace() { remove(); }

void NetworkNamespace::remove() noexcept {
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
  if (!name_.empty()) {
    remove_named_namespace(name_);
    forget_on_crash(path());
    name_.clear();
  }
}

bool remove_named_namespace(const std::string& name) noexcept {
  const std::string path = std::string(kNetnsRunDir) + "/" + name;
  umount2(path.c_str(), MNT_DETACH);
  return unlink(path.c_str()) == 0;
}

}  // namespace mprecover::netns
