// rtnetlink in one namespace through libnl-route-3: links, addresses, routes, rules, qdiscs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

struct nl_sock;

namespace mprecover::netns {

class NetworkNamespace;

struct LinkCounters {
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t rx_packets = 0;
  std::uint64_t tx_packets = 0;
};

// A NETLINK_ROUTE socket bound to `ns` for its whole life (opened from inside the namespace).
// Every call throws NetnsError naming the action, the object and the namespace.
class RouteSocket {
 public:
  explicit RouteSocket(const NetworkNamespace& ns);
  ~RouteSocket();
  RouteSocket(const RouteSocket&) = delete;
  RouteSocket& operator=(const RouteSocket&) = delete;

  // A veth pair: `name` here, `peer_name` in the namespace `peer_ns_fd` refers to. Both down.
  void add_veth(const std::string& name, const std::string& peer_name, int peer_ns_fd);
  // `ip link set DEV up|down`.
  void set_link_up(const std::string& dev, bool up);
  int ifindex(const std::string& dev);
  // Whether the device is admin-up and has carrier (IFF_LOWER_UP).
  bool has_carrier(const std::string& dev);
  // Whether the kernel's link watcher has brought the device into service (operstate UP). Until
  // then its qdisc is the no-op one, which drops every packet sent.
  bool is_operational(const std::string& dev);
  LinkCounters counters(const std::string& dev);

  // `ip addr add CIDR dev DEV` (e.g. "10.1.1.1/24"). Addresses, routes and rules take IPv4 or IPv6
  // alike; an IPv6 address is added `nodad`, usable at once.
  void add_address(const std::string& dev, const std::string& cidr);
  // `ip addr del CIDR dev DEV`. Removing a device's last IPv4 address makes the kernel flush
  // every route through the device (put them back with replace_route()).
  void delete_address(const std::string& dev, const std::string& cidr);
  // `ip route add DST via GATEWAY [table TABLE]`; DST "default" or a CIDR, of the gateway's family.
  // Table 0: main.
  void add_route(const std::string& dst, const std::string& gateway, std::uint32_t table = 0);
  // `ip route replace ...`: as add_route(), but an existing route to DST is replaced, not an error.
  void replace_route(const std::string& dst, const std::string& gateway, std::uint32_t table = 0);
  // `ip route replace DST via GATEWAY dev DEV onlink [table TABLE]`: needs no address on DEV, so the
  // route can be in place before the address that uses it.
  void replace_onlink_route(const std::string& dst, const std::string& gateway, const std::string& dev,
                            std::uint32_t table = 0);
  // `ip rule add from SRC table TABLE priority PRIO`.
  void add_source_rule(const std::string& src, std::uint32_t table, std::uint32_t priority);
  // `ip rule del from SRC table TABLE priority PRIO`.
  void delete_source_rule(const std::string& src, std::uint32_t table, std::uint32_t priority);

  // Root tbf qdisc on DEV (added or replaced): `rate` bits/s, `limit` bytes queued.
  void set_tbf(const std::string& dev, std::uint64_t rate, std::uint64_t limit);
  // Tries a root netem qdisc with `delay_us` on DEV. Returns nothing on success, else the
  // kernel's reason (no netem: "Object not found").
  std::optional<std::string> try_netem(const std::string& dev, std::uint32_t delay_us);

  const std::string& namespace_name() const { return ns_name_; }

 private:
  std::string where(const std::string& object) const;
  void put_route(const std::string& dst, const std::string& gateway, std::uint32_t table, int flags,
                 const std::string& onlink_dev = {});

  struct nl_sock* sock_ = nullptr;
  std::string ns_name_;
};

}  // namespace mprecover::netns
