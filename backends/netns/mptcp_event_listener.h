// The mptcp_pm_events multicast group of one namespace: kernel MPTCP events, decoded, and turned
// into the engine's events.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/events.h"
#include "backends/netns/mptcp_pm_spec.h"

struct nl_sock;
struct nl_msg;

namespace mprecover::netns {

class NetworkNamespace;

// One kernel event, with the attributes the backend uses (unset ones are 0 / empty).
struct KernelMptcpEvent {
  mptcp_pm::EventType type{};
  std::uint32_t token = 0;
  std::string saddr;  // text form, IPv4 or IPv6 (inet_ntop); empty when absent
  std::string daddr;
  std::uint16_t sport = 0;  // host order
  std::uint16_t dport = 0;
  std::uint8_t loc_id = 0;
  std::uint8_t rem_id = 0;
  int error = 0;  // sub_closed: the errno the subflow died with
  int if_idx = 0;
  bool server_side = false;
};

// Maps a subflow's local address to the path it belongs to, or nothing for an unknown address.
using PathOfAddress = std::function<std::optional<PathId>(std::string_view local_address)>;

// The engine event for a kernel event, or nothing (events the engine does not take, or an
// address no path owns). sub_closed carries the subflow's error (0: a clean close).
std::optional<Event> to_engine_event(const KernelMptcpEvent& event, const PathOfAddress& path_of);

// A socket subscribed to mptcp_pm_events in `ns`. Non-blocking: put fd() in epoll, call drain()
// when it is readable.
class MptcpEventListener {
 public:
  explicit MptcpEventListener(const NetworkNamespace& ns);
  ~MptcpEventListener();
  MptcpEventListener(const MptcpEventListener&) = delete;
  MptcpEventListener& operator=(const MptcpEventListener&) = delete;

  int fd() const;
  // Reads every queued event, in the kernel's order; returns them.
  std::vector<KernelMptcpEvent> drain();

 private:
  static int on_message(nl_msg* msg, void* self);

  struct nl_sock* sock_ = nullptr;
  std::string ns_name_;
  std::vector<KernelMptcpEvent> pending_;
};

}  // namespace mprecover::netns
