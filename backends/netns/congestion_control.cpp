#include "backends/netns/congestion_control.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "backends/netns/netns_error.h"

namespace mprecover::netns {

void use_congestion_control(int fd, const std::string& object) {
  if (setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, kCongestionControl, std::strlen(kCongestionControl)) == 0) return;
  const int error = errno;
  throw NetnsError("setting TCP congestion control " + std::string(kCongestionControl) + " on", object,
                   std::strerror(error) + std::string(error == ENOENT ? " (the kernel has no tcp_cubic)" : ""));
}

}  // namespace mprecover::netns
