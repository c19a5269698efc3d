// The congestion control of the run's MPTCP sockets: Cubic, the one the simulator models. A new
// namespace starts with the host's default (BBR on this kernel), and a non-init namespace may only
// pick what net.ipv4.tcp_allowed_congestion_control (a host-wide setting we leave alone) allows,
// so it is set per socket, which CAP_NET_ADMIN may do for any available algorithm.
#pragma once

#include <string>

namespace mprecover::netns {

inline constexpr const char* kCongestionControl = "cubic";

// TCP_CONGESTION on an MPTCP socket: the kernel applies it to every subflow, present and future,
// and an accepted connection takes its listener's. Throws NetnsError naming `object`.
void use_congestion_control(int fd, const std::string& object);

}  // namespace mprecover::netns
