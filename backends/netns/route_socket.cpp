#include "backends/netns/route_socket.h"

#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <sys/socket.h>

#include <algorithm>

#include "backends/netns/namespace_scope.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/netns_error.h"

namespace mprecover::netns {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p != nullptr) Free(p);
  }
};
using NlAddr = std::unique_ptr<nl_addr, Deleter<nl_addr, nl_addr_put>>;
using Link = std::unique_ptr<rtnl_link, Deleter<rtnl_link, rtnl_link_put>>;
using Addr = std::unique_ptr<rtnl_addr, Deleter<rtnl_addr, rtnl_addr_put>>;
using Route = std::unique_ptr<rtnl_route, Deleter<rtnl_route, rtnl_route_put>>;
using Rule = std::unique_ptr<rtnl_rule, Deleter<rtnl_rule, rtnl_rule_put>>;
using Qdisc = std::unique_ptr<rtnl_qdisc, Deleter<rtnl_qdisc, rtnl_qdisc_put>>;

rtnl_tc* as_tc(rtnl_qdisc* q) { return reinterpret_cast<rtnl_tc*>(q); }

// An IPv4 or IPv6 address or prefix; "default" is IPv4's unless `family` says otherwise.
NlAddr parse_addr(const std::string& text, const std::string& action, int family = AF_UNSPEC) {
  nl_addr* addr = nullptr;
  const int guess = family == AF_UNSPEC && text == "default" ? AF_INET : family;
  if (const int err = nl_addr_parse(text.c_str(), guess, &addr); err < 0) {
    throw_nl(action, "address '" + text + "'", err);
  }
  return NlAddr(addr);
}

Link get_link(nl_sock* sock, const std::string& dev, const std::string& where) {
  rtnl_link* link = nullptr;
  if (const int err = rtnl_link_get_kernel(sock, 0, dev.c_str(), &link); err < 0) {
    throw_nl("looking up link", where, err);
  }
  return Link(link);
}

}  // namespace

RouteSocket::RouteSocket(const NetworkNamespace& ns) : ns_name_(ns.name()) {
  NamespaceScope scope(ns);
  sock_ = nl_socket_alloc();
  if (sock_ == nullptr) throw NetnsError("allocating", "an rtnetlink socket in " + ns_name_, "out of memory");
  if (const int err = nl_connect(sock_, NETLINK_ROUTE); err < 0) {
    nl_socket_free(sock_);
    sock_ = nullptr;
    throw_nl("opening an rtnetlink socket in", ns_name_, err);
  }
}

RouteSocket::~RouteSocket() {
  if (sock_ != nullptr) nl_socket_free(sock_);
}

std::string RouteSocket::where(const std::string& object) const { return object + " in " + ns_name_; }

void RouteSocket::add_veth(const std::string& name, const std::string& peer_name, int peer_ns_fd) {
  Link link(rtnl_link_veth_alloc());
  if (!link) throw NetnsError("allocating", "veth " + name, "out of memory");
  rtnl_link_set_name(link.get(), name.c_str());
  rtnl_link* peer = rtnl_link_veth_get_peer(link.get());
  rtnl_link_set_name(peer, peer_name.c_str());
  rtnl_link_set_ns_fd(peer, peer_ns_fd);
  rtnl_link_put(peer);
  if (const int err = rtnl_link_add(sock_, link.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0) {
    throw_nl("adding veth pair", where(name + " <-> " + peer_name), err);
  }
}

void RouteSocket::set_link_up(const std::string& dev, bool up) {
  Link link = get_link(sock_, dev, where(dev));
  Link change(rtnl_link_alloc());
  if (up) {
    rtnl_link_set_flags(change.get(), IFF_UP);
  } else {
    rtnl_link_unset_flags(change.get(), IFF_UP);
  }
  if (const int err = rtnl_link_change(sock_, link.get(), change.get(), 0); err < 0) {
    throw_nl(up ? "setting up link" : "setting down link", where(dev), err);
  }
}

int RouteSocket::ifindex(const std::string& dev) {
  return rtnl_link_get_ifindex(get_link(sock_, dev, where(dev)).get());
}

bool RouteSocket::has_carrier(const std::string& dev) {
  const unsigned flags = rtnl_link_get_flags(get_link(sock_, dev, where(dev)).get());
  return (flags & IFF_UP) != 0 && (flags & IFF_LOWER_UP) != 0;
}

bool RouteSocket::is_operational(const std::string& dev) {
  return rtnl_link_get_operstate(get_link(sock_, dev, where(dev)).get()) == IF_OPER_UP;
}

LinkCounters RouteSocket::counters(const std::string& dev) {
  Link link = get_link(sock_, dev, where(dev));
  return {rtnl_link_get_stat(link.get(), RTNL_LINK_RX_BYTES), rtnl_link_get_stat(link.get(), RTNL_LINK_TX_BYTES),
          rtnl_link_get_stat(link.get(), RTNL_LINK_RX_PACKETS), rtnl_link_get_stat(link.get(), RTNL_LINK_TX_PACKETS)};
}

void RouteSocket::add_address(const std::string& dev, const std::string& cidr) {
  const std::string action = "adding address " + cidr + " to";
  NlAddr local = parse_addr(cidr, action);
  Addr addr(rtnl_addr_alloc());
  rtnl_addr_set_ifindex(addr.get(), ifindex(dev));
  rtnl_addr_set_family(addr.get(), nl_addr_get_family(local.get()));
  rtnl_addr_set_prefixlen(addr.get(), static_cast<int>(nl_addr_get_prefixlen(local.get())));
  // An IPv6 address is usable at once: duplicate address detection would hold it "tentative" for
  // a second or more, and the namespaces are ours alone.
  if (nl_addr_get_family(local.get()) == AF_INET6) rtnl_addr_set_flags(addr.get(), IFA_F_NODAD);
  if (const int err = rtnl_addr_set_local(addr.get(), local.get()); err < 0) throw_nl(action, where(dev), err);
  if (const int err = rtnl_addr_add(sock_, addr.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0) {
    throw_nl(action, where(dev), err);
  }
}

void RouteSocket::delete_address(const std::string& dev, const std::string& cidr) {
  const std::string action = "deleting address " + cidr + " from";
  NlAddr local = parse_addr(cidr, action);
  Addr addr(rtnl_addr_alloc());
  rtnl_addr_set_ifindex(addr.get(), ifindex(dev));
  rtnl_addr_set_family(addr.get(), nl_addr_get_family(local.get()));
  rtnl_addr_set_prefixlen(addr.get(), static_cast<int>(nl_addr_get_prefixlen(local.get())));
  if (const int err = rtnl_addr_set_local(addr.get(), local.get()); err < 0) throw_nl(action, where(dev), err);
  if (const int err = rtnl_addr_delete(sock_, addr.get(), 0); err < 0) throw_nl(action, where(dev), err);
}

void RouteSocket::add_route(const std::string& dst, const std::string& gateway, std::uint32_t table) {
  put_route(dst, gateway, table, NLM_F_CREATE | NLM_F_EXCL);
}

void RouteSocket::replace_route(const std::string& dst, const std::string& gateway, std::uint32_t table) {
  put_route(dst, gateway, table, NLM_F_CREATE | NLM_F_REPLACE);
}

void RouteSocket::replace_onlink_route(const std::string& dst, const std::string& gateway, const std::string& dev,
                                       std::uint32_t table) {
  put_route(dst, gateway, table, NLM_F_CREATE | NLM_F_REPLACE, dev);
}

void RouteSocket::put_route(const std::string& dst, const std::string& gateway, std::uint32_t table, int flags,
                            const std::string& onlink_dev) {
  const std::string action = (flags & NLM_F_REPLACE) != 0 ? "replacing" : "adding";
  const std::string object = where("route " + dst + " via " + gateway +
                                   (table != 0 ? " table " + std::to_string(table) : std::string{}));
  NlAddr gw_addr = parse_addr(gateway, action);
  const int family = nl_addr_get_family(gw_addr.get());
  NlAddr dst_addr = parse_addr(dst, action, family);
  if (nl_addr_get_family(dst_addr.get()) != family) throw NetnsError(action, object, "an IPv4 and an IPv6 address");
  Route route(rtnl_route_alloc());
  rtnl_route_set_family(route.get(), static_cast<std::uint8_t>(family));
  if (const int err = rtnl_route_set_dst(route.get(), dst_addr.get()); err < 0) throw_nl(action, object, err);
  rtnl_route_set_table(route.get(), table != 0 ? table : RT_TABLE_MAIN);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  rtnl_route_nh_set_gateway(nh, gw_addr.get());
  if (!onlink_dev.empty()) {
    rtnl_route_nh_set_ifindex(nh, ifindex(onlink_dev));
    rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
  }
  rtnl_route_add_nexthop(route.get(), nh);  // the route owns it now
  if (const int err = rtnl_route_add(sock_, route.get(), flags); err < 0) throw_nl(action, object, err);
}

void RouteSocket::add_source_rule(const std::string& src, std::uint32_t table, std::uint32_t priority) {
  const std::string object = where("rule from " + src + " table " + std::to_string(table));
  NlAddr src_addr = parse_addr(src, "adding");
  Rule rule(rtnl_rule_alloc());
  rtnl_rule_set_family(rule.get(), nl_addr_get_family(src_addr.get()));
  if (const int err = rtnl_rule_set_src(rule.get(), src_addr.get()); err < 0) throw_nl("adding", object, err);
  rtnl_rule_set_table(rule.get(), table);
  rtnl_rule_set_action(rule.get(), FR_ACT_TO_TBL);
  rtnl_rule_set_prio(rule.get(), priority);
  if (const int err = rtnl_rule_add(sock_, rule.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0) {
    throw_nl("adding", object, err);
  }
}

void RouteSocket::delete_source_rule(const std::string& src, std::uint32_t table, std::uint32_t priority) {
  const std::string object = where("rule from " + src + " table " + std::to_string(table));
  NlAddr src_addr = parse_addr(src, "deleting");
  Rule rule(rtnl_rule_alloc());
  rtnl_rule_set_family(rule.get(), nl_addr_get_family(src_addr.get()));
  if (const int err = rtnl_rule_set_src(rule.get(), src_addr.get()); err < 0) throw_nl("deleting", object, err);
  rtnl_rule_set_table(rule.get(), table);
  rtnl_rule_set_action(rule.get(), FR_ACT_TO_TBL);
  rtnl_rule_set_prio(rule.get(), priority);
  if (const int err = rtnl_rule_delete(sock_, rule.get(), 0); err < 0) throw_nl("deleting", object, err);
}

void RouteSocket::set_tbf(const std::string& dev, std::uint64_t rate, std::uint64_t limit) {
  const std::string object = where("tbf on " + dev);
  const std::uint64_t bytes_per_s = rate / 8;
  if (bytes_per_s == 0 || bytes_per_s > 0x7fffffffULL) {
    throw NetnsError("setting", object, "rate " + std::to_string(rate) + " bit/s is out of tbf's range");
  }
  // A bucket of 5 ms at the rate, but at least 64 KiB, the largest GSO packet: tbf splits a packet
  // bigger than its bucket when it is queued, but not the ones already queued when the bucket
  // shrinks, and those would then block the queue for good (seen when degrading 40 -> 8 Mbit/s).
  const std::uint64_t bucket = std::max<std::uint64_t>(bytes_per_s / 200, 64 * 1024);
  Qdisc qdisc(rtnl_qdisc_alloc());
  rtnl_tc_set_ifindex(as_tc(qdisc.get()), ifindex(dev));
  rtnl_tc_set_parent(as_tc(qdisc.get()), TC_H_ROOT);
  rtnl_tc_set_handle(as_tc(qdisc.get()), TC_HANDLE(1U, 0U));
  if (const int err = rtnl_tc_set_kind(as_tc(qdisc.get()), "tbf"); err < 0) throw_nl("setting", object, err);
  rtnl_qdisc_tbf_set_limit(qdisc.get(), static_cast<int>(std::min<std::uint64_t>(limit + bucket, 0x7fffffff)));
  rtnl_qdisc_tbf_set_rate(qdisc.get(), static_cast<int>(bytes_per_s), static_cast<int>(bucket), 0);
  if (const int err = rtnl_qdisc_add(sock_, qdisc.get(), NLM_F_CREATE | NLM_F_REPLACE); err < 0) {
    throw_nl("setting", object, err);
  }
}

std::optional<std::string> RouteSocket::try_netem(const std::string& dev, std::uint32_t delay_us) {
  Qdisc qdisc(rtnl_qdisc_alloc());
  rtnl_tc_set_ifindex(as_tc(qdisc.get()), ifindex(dev));
  rtnl_tc_set_parent(as_tc(qdisc.get()), TC_H_ROOT);
  rtnl_tc_set_handle(as_tc(qdisc.get()), TC_HANDLE(1U, 0U));
  if (const int err = rtnl_tc_set_kind(as_tc(qdisc.get()), "netem"); err < 0) return std::string(nl_geterror(err));
  rtnl_netem_set_delay(qdisc.get(), static_cast<int>(delay_us));
  if (const int err = rtnl_qdisc_add(sock_, qdisc.get(), NLM_F_CREATE | NLM_F_REPLACE); err < 0) {
    return std::string(nl_geterror(err));
  }
  return std::nullopt;
}

}  // namespace mprecover::netns
