// The client's link events for the engine: a path device's carrier going down or up, an address
// of the connections' family leaving or joining it, from rtnetlink's multicast groups in the client
// namespace.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/network/address_plan.h"
#include "engine/events.h"
#include "engine/ids.h"

struct nl_sock;
struct nlmsghdr;

namespace mprecover::netns {

class NetworkNamespace;

// Watches RTNLGRP_LINK and RTNLGRP_IPV4_IFADDR in one namespace. Non-blocking: put fd() in the
// event loop and call drain() when it is readable. Only changes are reported: the carrier state
// and the addresses of each path device are read at construction and remembered, so a repeated
// notification (the kernel sends RTM_NEWLINK for many reasons) reports nothing.
class LinkMonitor {
 public:
  // The path a device belongs to, or nothing for devices the monitor ignores (lo, ...).
  using PathOfDevice = std::function<std::optional<PathId>(const std::string& device)>;
  using OnChange = std::function<void(PathId, LinkChange)>;

  // Subscribes first, then reads the initial state, so that no change falls in between. Follows
  // the addresses of `family` only (of a dual-stack network, those of the connections' family: a
  // readdress changes both, and the path lost and got back one address). Throws NetnsError.
  LinkMonitor(const NetworkNamespace& client_ns, IpFamily family, PathOfDevice path_of_device, OnChange on_change);
  ~LinkMonitor();
  LinkMonitor(const LinkMonitor&) = delete;
  LinkMonitor& operator=(const LinkMonitor&) = delete;

  int fd() const;
  // Call when fd() is readable: reads every queued message and calls on_change for each change,
  // in the kernel's order. After an overrun (the kernel dropped messages: ENOBUFS) it reads the
  // state afresh and reports how it differs from the remembered one: addresses gone, addresses
  // back, then the carrier. Throws NetnsError on any other failure.
  void drain();

  // How many overruns drain() has recovered from.
  std::size_t overruns() const { return overruns_; }

 private:
  struct Device {
    std::string name;
    PathId path = 0;
    bool carrier = false;
    std::set<std::string> addresses;  // the followed ones, as text
  };
  using Devices = std::map<int, Device>;  // by ifindex, path devices only
  struct NlSockFree {
    void operator()(nl_sock* sock) const;
  };
  using NlSock = std::unique_ptr<nl_sock, NlSockFree>;

  Devices read_state();
  void on_link(nlmsghdr* message);
  void on_address(nlmsghdr* message);
  void resync();

  std::string ns_name_;
  int family_;  // AF_INET or AF_INET6
  PathOfDevice path_of_device_;
  OnChange on_change_;
  NlSock events_;   // the multicast groups only
  NlSock queries_;  // dumps of the current state
  Devices devices_;
  std::size_t overruns_ = 0;
  std::vector<char> buffer_;
};

}  // namespace mprecover::netns
