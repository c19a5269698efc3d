#include "backends/netns/link_monitor.h"

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <sys/socket.h>

#include <cerrno>
#include <optional>
#include <utility>

#include "backends/netns/ip_address.h"
#include "backends/netns/namespace_scope.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/netns_error.h"

namespace mprecover::netns {

namespace {

constexpr std::size_t kReceiveBufferBytes = 64 * 1024;

bool has_carrier(unsigned flags) { return (flags & IFF_UP) != 0 && (flags & IFF_LOWER_UP) != 0; }

// The address a path's device has, in text form, if it is one the monitor follows: of its family,
// any IPv4 address, and IPv6 addresses of global scope. The kernel adds and removes a device's
// IPv6 link-local address by itself (and marks it tentative, then not): no news about the path.
std::optional<std::string> followed_address(int followed, int family, int scope, const void* bytes, int length) {
  if (family != followed) return std::nullopt;
  if (family == AF_INET && length == 4) return IpAddress::from_bytes(AF_INET, bytes).text();
  if (family == AF_INET6 && length == 16 && scope == RT_SCOPE_UNIVERSE) {
    return IpAddress::from_bytes(AF_INET6, bytes).text();
  }
  return std::nullopt;
}

struct CacheFree {
  void operator()(nl_cache* cache) const { nl_cache_free(cache); }
};
using Cache = std::unique_ptr<nl_cache, CacheFree>;

}  // namespace

void LinkMonitor::NlSockFree::operator()(nl_sock* sock) const { nl_socket_free(sock); }

LinkMonitor::LinkMonitor(const NetworkNamespace& client_ns, IpFamily family, PathOfDevice path_of_device,
                         OnChange on_change)
    : ns_name_(client_ns.name()),
      family_(family == IpFamily::ipv6 ? AF_INET6 : AF_INET),
      path_of_device_(std::move(path_of_device)),
      on_change_(std::move(on_change)),
      buffer_(kReceiveBufferBytes) {
  NamespaceScope scope(client_ns);
  for (NlSock* sock : {&events_, &queries_}) {
    sock->reset(nl_socket_alloc());
    if (!*sock) throw NetnsError("allocating", "an rtnetlink socket in " + ns_name_, "out of memory");
    if (const int err = nl_connect(sock->get(), NETLINK_ROUTE); err < 0) {
      throw_nl("opening an rtnetlink socket in", ns_name_, err);
    }
  }
  if (const int err = nl_socket_add_memberships(events_.get(), RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0);
      err < 0) {
    throw_nl("joining the link and address groups in", ns_name_, err);
  }
  if (const int err = nl_socket_set_nonblocking(events_.get()); err < 0) {
    throw_nl("making the link event socket non-blocking in", ns_name_, err);
  }
  devices_ = read_state();
}

LinkMonitor::~LinkMonitor() = default;

int LinkMonitor::fd() const { return nl_socket_get_fd(events_.get()); }

LinkMonitor::Devices LinkMonitor::read_state() {
  Devices devices;
  nl_cache* raw_links = nullptr;
  if (const int err = rtnl_link_alloc_cache(queries_.get(), AF_UNSPEC, &raw_links); err < 0) {
    throw_nl("reading the links of", ns_name_, err);
  }
  Cache links(raw_links);
  for (nl_object* object = nl_cache_get_first(links.get()); object != nullptr; object = nl_cache_get_next(object)) {
    auto* link = reinterpret_cast<rtnl_link*>(object);
    const char* name = rtnl_link_get_name(link);
    if (name == nullptr) continue;
    if (const auto path = path_of_device_(name)) {
      devices[rtnl_link_get_ifindex(link)] = Device{name, *path, has_carrier(rtnl_link_get_flags(link)), {}};
    }
  }
  nl_cache* raw_addresses = nullptr;
  if (const int err = rtnl_addr_alloc_cache(queries_.get(), &raw_addresses); err < 0) {
    throw_nl("reading the addresses of", ns_name_, err);
  }
  Cache addresses(raw_addresses);
  for (nl_object* object = nl_cache_get_first(addresses.get()); object != nullptr;
       object = nl_cache_get_next(object)) {
    auto* address = reinterpret_cast<rtnl_addr*>(object);
    const auto device = devices.find(rtnl_addr_get_ifindex(address));
    nl_addr* local = rtnl_addr_get_local(address);
    if (device == devices.end() || local == nullptr) continue;
    const auto text = followed_address(family_, rtnl_addr_get_family(address), rtnl_addr_get_scope(address),
                                       nl_addr_get_binary_addr(local), static_cast<int>(nl_addr_get_len(local)));
    if (text) device->second.addresses.insert(*text);
  }
  return devices;
}

void LinkMonitor::drain() {
  for (;;) {
    const ssize_t length = recv(fd(), buffer_.data(), buffer_.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (length < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == ENOBUFS) {
        resync();
        continue;
      }
      throw_errno("reading link events in", ns_name_, errno);
    }
    if (static_cast<std::size_t>(length) > buffer_.size()) {  // a message lost to truncation
      resync();
      continue;
    }
    auto* message = reinterpret_cast<nlmsghdr*>(buffer_.data());
    for (int left = static_cast<int>(length); nlmsg_ok(message, left); message = nlmsg_next(message, &left)) {
      switch (message->nlmsg_type) {
        case RTM_NEWLINK:
        case RTM_DELLINK:
          on_link(message);
          break;
        case RTM_NEWADDR:
        case RTM_DELADDR:
          on_address(message);
          break;
        default:
          break;
      }
    }
  }
}

void LinkMonitor::on_link(nlmsghdr* message) {
  if (nlmsg_datalen(message) < static_cast<int>(sizeof(ifinfomsg))) return;
  const auto* info = static_cast<const ifinfomsg*>(nlmsg_data(message));
  auto device = devices_.find(info->ifi_index);
  if (message->nlmsg_type == RTM_DELLINK) {
    if (device == devices_.end()) return;
    // As a resync would report it: its addresses gone, then its carrier.
    const Device gone = std::move(device->second);
    devices_.erase(device);
    for (std::size_t i = 0; i < gone.addresses.size(); ++i) on_change_(gone.path, LinkChange::address_gone);
    if (gone.carrier) on_change_(gone.path, LinkChange::carrier_down);
    return;
  }
  nlattr* name_attr = nlmsg_find_attr(message, sizeof(ifinfomsg), IFLA_IFNAME);
  const std::string name = name_attr != nullptr ? nla_get_string(name_attr) : std::string{};
  const auto path = path_of_device_(name);
  if (!path) {
    if (device != devices_.end()) devices_.erase(device);  // renamed: no longer a path device
    return;
  }
  if (device == devices_.end()) device = devices_.emplace(info->ifi_index, Device{name, *path, false, {}}).first;
  device->second.name = name;
  device->second.path = *path;
  const bool carrier = has_carrier(info->ifi_flags);
  if (carrier == device->second.carrier) return;
  device->second.carrier = carrier;
  on_change_(*path, carrier ? LinkChange::carrier_up : LinkChange::carrier_down);
}

void LinkMonitor::on_address(nlmsghdr* message) {
  if (nlmsg_datalen(message) < static_cast<int>(sizeof(ifaddrmsg))) return;
  const auto* info = static_cast<const ifaddrmsg*>(nlmsg_data(message));
  const auto device = devices_.find(static_cast<int>(info->ifa_index));
  if (device == devices_.end()) return;
  // IFA_LOCAL is the interface's own address; IFA_ADDRESS differs from it only on point-to-point
  // links (the peer's), where it is the fallback.
  nlattr* attr = nlmsg_find_attr(message, sizeof(ifaddrmsg), IFA_LOCAL);
  if (attr == nullptr) attr = nlmsg_find_attr(message, sizeof(ifaddrmsg), IFA_ADDRESS);
  if (attr == nullptr) return;
  const auto followed = followed_address(family_, info->ifa_family, info->ifa_scope, nla_data(attr), nla_len(attr));
  if (!followed) return;
  const std::string& address = *followed;
  if (message->nlmsg_type == RTM_NEWADDR) {
    // RTM_NEWADDR also announces changes to a known address (flags, lifetimes): not news.
    if (device->second.addresses.insert(address).second) on_change_(device->second.path, LinkChange::address_back);
  } else if (device->second.addresses.erase(address) > 0) {
    on_change_(device->second.path, LinkChange::address_gone);
  }
}

void LinkMonitor::resync() {
  ++overruns_;
  // Whatever is still queued is older than the state about to be read: drop it. Messages that
  // arrive after this point are applied on top of that state, and repeat nothing it holds.
  for (;;) {
    const ssize_t length = recv(fd(), buffer_.data(), buffer_.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (length < 0 && (errno == EINTR || errno == ENOBUFS)) continue;
    if (length < 0) break;
  }
  Devices now = read_state();
  std::set<int> indexes;
  for (const auto& [index, device] : devices_) indexes.insert(index);
  for (const auto& [index, device] : now) indexes.insert(index);
  static const Device absent{};
  for (const int index : indexes) {
    const auto before_it = devices_.find(index);
    const auto after_it = now.find(index);
    const Device& before = before_it != devices_.end() ? before_it->second : absent;
    const Device& after = after_it != now.end() ? after_it->second : absent;
    const PathId path = after_it != now.end() ? after.path : before.path;
    for (const auto& address : before.addresses) {
      if (after.addresses.count(address) == 0) on_change_(path, LinkChange::address_gone);
    }
    for (const auto& address : after.addresses) {
      if (before.addresses.count(address) == 0) on_change_(path, LinkChange::address_back);
    }
    if (before.carrier != after.carrier) {
      on_change_(path, after.carrier ? LinkChange::carrier_up : LinkChange::carrier_down);
    }
  }
  devices_ = std::move(now);
}

}  // namespace mprecover::netns
