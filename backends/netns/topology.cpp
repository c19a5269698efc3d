#include "backends/netns/topology.h"

#include <chrono>
#include <thread>

#include "backends/netns/device_names.h"
#include "backends/netns/delay_support.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/nfqueue_rules.h"
#include "backends/netns/path_faults.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/sysctl.h"

namespace mprecover::netns {

namespace {

constexpr auto kOperationalTimeout = std::chrono::seconds(5);

}  // namespace

std::uint64_t queue_bytes(const QueueSize& queue) {
  return queue.unit == QueueSize::Unit::bytes ? queue.value : queue.value * 1514;
}

Topology::Topology(const Scenario& scenario, const DelaySupport& delay)
    : stem_(make_run_stem()),
      plan_(address_plan(connection_family(scenario.family))),
      delay_(delay),
      server_delay_(scenario.server.delay) {
  if (scenario.paths.empty() || scenario.paths.size() > max_paths) {
    throw NetnsError("building the topology of", "scenario " + scenario.name,
                     std::to_string(scenario.paths.size()) + " paths; 1 to " + std::to_string(max_paths) +
                         " are supported");
  }
  for (const IpFamily family : network_families(scenario.family)) plans_.push_back(address_plan(family));
  leftovers_removed_ = remove_leftover_namespaces();
  if (delay_.method == DelayMethod::none && scenario.netns.require_delay) {
    throw NetnsError("building the topology of", "scenario " + scenario.name,
                     "path delay cannot be emulated (" + delay_.reason + "), and the scenario sets netns.require_delay");
  }
  build(scenario);
}

Topology::~Topology() = default;

std::optional<std::string> Topology::delay_unavailable() const {
  if (delay_.method != DelayMethod::none) return std::nullopt;
  return delay_.reason;
}

// Namespaces `<stem>-client`, `-r<i>` (one per path), `-agg`, `-server`; path i has n = i + 1
// (drawn with IPv4's addresses; topology.family ipv6 has the plan's 2001:db8:<net>:<n>::/64 instead,
// core/network/address_plan.h, and dual has both, each with its own routes, rules and delay rules):
//
//            10.1.n.0/24                      10.2.n.0/24                       10.3.0.0/24
//  ┌────────┐            ┌───────────┐                     ┌─────────────┐                ┌────────┐
//  │ client │path<i>  lan│ router[i] │wan           path<i>│ aggregation │srv          agg│ server │
//  │10.1.n.1├────────────┤.254    .1 ├─────────────────────┤ .2       .1 ├────────────────┤  .2    │
//  └────────┘            └───────────┘  WAN hop of path i  └─────────────┘  server link   └────────┘
//   rule from 10.1.n.1     nft table     tbf: path rate,    routes 10.1.n.0/24  tbf: server
//   → table 100+i          inet mprecover  both directions   via 10.2.n.1        rate, both ways
//   (default via .254)     (blackhole,     (router wan and
//   main: default via      loss), route    aggregation path<i>)
//   path 0's router        10.3/24 via .2
//                          delay: see below
//
// A readdress fault moves the client's address on path i to 10.1.n.2, then .3, ...: the rule
// follows it, and the routes the kernel flushes with the old address are put back.
//
// Only the routers and the aggregation forward; routers have no default route, so while the
// client's side is down a packet for it dies at the router. rp_filter is off everywhere (the
// client's answers come back on the path they left by, which the main table would not pick).
// On IPv6, duplicate address detection is off in every namespace (accept_dad 0, set before any
// device is made): the plan's addresses are unique by construction, and the kernel's link-local
// ones would otherwise stay tentative for a second or two while the first probes go out. And a
// device set down keeps its IPv6 addresses (keep_addr_on_down 1), as it keeps its IPv4 ones: the
// `down` fault sets the router's LAN side down, and its address must be there when it comes back.
//
// Delay: path i's one-way delay is its scenario delay plus the server link's, each way, all of it
// in router[i] (PathFaults::set_delay), so that its round trip is 2 x (path + server delay), as in
// the sim (which puts the path's delay on the WAN hop and the server's on the server link). With
// the NFQUEUE delay line, the router's `ip mangle` FORWARD chain (iptables-nft) queues what comes
// in on `lan` (client to server; delayed before the WAN tbf) and on `wan` (server to client;
// delayed after the aggregation's tbf); with netem, it sits on the client's and the router's LAN
// devices. The server link itself has no delay of its own.
void Topology::build(const Scenario& scenario) {
  const std::size_t paths = scenario.paths.size();
  const bool v6 = has_family(scenario.family, IpFamily::ipv6);
  auto make_ns = [this, v6](const std::string& role) {
    auto ns = std::make_unique<NetworkNamespace>(NetworkNamespace::create(namespace_name(stem_, role)));
    set_sysctl(*ns, "net.ipv4.conf.all.rp_filter", "0");
    set_sysctl(*ns, "net.ipv4.conf.default.rp_filter", "0");
    if (v6) {
      set_sysctl(*ns, "net.ipv6.conf.all.accept_dad", "0");
      set_sysctl(*ns, "net.ipv6.conf.default.accept_dad", "0");
      set_sysctl(*ns, "net.ipv6.conf.all.keep_addr_on_down", "1");
      set_sysctl(*ns, "net.ipv6.conf.default.keep_addr_on_down", "1");
    }
    return ns;
  };
  client_ = make_ns("client");
  for (PathId p = 0; p < paths; ++p) routers_.push_back(make_ns(router_role(p)));
  aggregation_ = make_ns("agg");
  server_ = make_ns("server");
  for (const AddressPlan& plan : plans_) {
    const char* forwarding = plan.family() == IpFamily::ipv6 ? "net.ipv6.conf.all.forwarding" : "net.ipv4.ip_forward";
    for (const auto& router : routers_) set_sysctl(*router, forwarding, "1");
    set_sysctl(*aggregation_, forwarding, "1");
  }

  client_route_ = std::make_unique<RouteSocket>(*client_);
  for (const auto& router : routers_) router_routes_.push_back(std::make_unique<RouteSocket>(*router));
  aggregation_route_ = std::make_unique<RouteSocket>(*aggregation_);
  server_route_ = std::make_unique<RouteSocket>(*server_);

  // Links.
  for (PathId p = 0; p < paths; ++p) {
    client_route_->add_veth(client_device(p), kRouterLanDevice, routers_[p]->fd());
    router_routes_[p]->add_veth(kRouterWanDevice, client_device(p), aggregation_->fd());
  }
  aggregation_route_->add_veth(kAggregationServerDevice, kServerDevice, server_->fd());

  // Addresses, all links up.
  for (const AddressPlan& plan : plans_) {
    const std::string prefix = numbered("/", static_cast<std::uint32_t>(plan.prefix_length()));
    for (PathId p = 0; p < paths; ++p) {
      client_route_->add_address(client_device(p), plan.client_address(p) + prefix);
      router_routes_[p]->add_address(kRouterLanDevice, plan.router_lan_address(p) + prefix);
      router_routes_[p]->add_address(kRouterWanDevice, plan.router_wan_address(p) + prefix);
      aggregation_route_->add_address(client_device(p), plan.aggregation_wan_address(p) + prefix);
    }
    aggregation_route_->add_address(kAggregationServerDevice, plan.aggregation_server_address() + prefix);
    server_route_->add_address(kServerDevice, plan.server_address() + prefix);
  }
  for (RouteSocket* route : {client_route_.get(), aggregation_route_.get(), server_route_.get()}) {
    route->set_link_up("lo", true);
  }
  for (PathId p = 0; p < paths; ++p) {
    client_route_->set_link_up(client_device(p), true);
    router_routes_[p]->set_link_up("lo", true);
    router_routes_[p]->set_link_up(kRouterLanDevice, true);
    router_routes_[p]->set_link_up(kRouterWanDevice, true);
    aggregation_route_->set_link_up(client_device(p), true);
  }
  aggregation_route_->set_link_up(kAggregationServerDevice, true);
  server_route_->set_link_up(kServerDevice, true);

  // Routes and the client's source routing.
  for (const AddressPlan& plan : plans_) {
    for (PathId p = 0; p < paths; ++p) {
      put_client_routes(p, plan);
      client_route_->add_source_rule(plan.client_address(p), client_table(p), client_rule_priority(p));
      router_routes_[p]->add_route(plan.server_subnet(), plan.aggregation_wan_address(p));
      aggregation_route_->add_route(plan.lan_subnet(p), plan.router_wan_address(p));
    }
    server_route_->add_route("default", plan.aggregation_server_address());
  }
  for (PathId p = 0; p < paths; ++p) {
    client_addresses_.push_back(plan().client_address(p));
    client_readdresses_.push_back(0);
  }

  // Rates: each path's WAN hop both ways, and the server link both ways.
  for (PathId p = 0; p < paths; ++p) {
    const PathSpec& spec = scenario.paths[p];
    router_routes_[p]->set_tbf(kRouterWanDevice, spec.rate, queue_bytes(spec.queue));
    aggregation_route_->set_tbf(client_device(p), spec.rate, queue_bytes(spec.queue));
  }
  aggregation_route_->set_tbf(kAggregationServerDevice, scenario.server.rate, queue_bytes(QueueSize{}));
  server_route_->set_tbf(kServerDevice, scenario.server.rate, queue_bytes(QueueSize{}));

  // The fault chains of every router; loss as the scenario starts.
  for (PathId p = 0; p < paths; ++p) {
    router_nfts_.push_back(std::make_unique<NftContext>(*routers_[p]));
    const std::string t = kNftTable;
    router_nfts_[p]->run("add table " + t + "\n" +
                         "add chain " + t + " blackhole\n" +
                         "add chain " + t + " loss\n" +
                         "add chain " + t + " forward { type filter hook forward priority 0; policy accept; }\n" +
                         "add rule " + t + " forward jump blackhole\n" +
                         "add rule " + t + " forward jump loss\n");
  }
  if (delay_.method == DelayMethod::nfqueue) {
    // The queues are bound before the rules feed them: a packet in an unbound queue is dropped.
    std::vector<const NetworkNamespace*> routers;
    for (const auto& router : routers_) routers.push_back(router.get());
    delay_line_ = std::make_unique<DelayLine>(routers, scenario.seed);
    for (PathId p = 0; p < paths; ++p) {
      for (const AddressPlan& plan : plans_) {
        queue_forwarded_packets(*routers_[p], kRouterLanDevice, DelayLine::queue_of(Direction::to_server), plan.family());
        queue_forwarded_packets(*routers_[p], kRouterWanDevice, DelayLine::queue_of(Direction::to_client), plan.family());
      }
    }
  }
  wait_until_operational(paths);

  // Loss and delay as the scenario starts.
  PathFaults faults(*this);
  for (PathId p = 0; p < paths; ++p) {
    if (scenario.paths[p].loss > 0.0) faults.set_loss(p, scenario.paths[p].loss);
    if (delay_.method != DelayMethod::none && scenario.paths[p].delay + server_delay_ > Duration{0}) {
      faults.set_delay(p, scenario.paths[p].delay);
    }
  }
}

void Topology::wait_until_operational(std::size_t paths) {
  // The link watcher puts a device that came up into service up to a second later; a packet sent
  // before that (the first ARP request of a probe, say) is dropped and costs a second's retry.
  std::vector<std::pair<RouteSocket*, std::string>> devices;
  for (PathId p = 0; p < paths; ++p) {
    devices.emplace_back(client_route_.get(), client_device(p));
    devices.emplace_back(router_routes_[p].get(), kRouterLanDevice);
    devices.emplace_back(router_routes_[p].get(), kRouterWanDevice);
    devices.emplace_back(aggregation_route_.get(), client_device(p));
  }
  devices.emplace_back(aggregation_route_.get(), kAggregationServerDevice);
  devices.emplace_back(server_route_.get(), kServerDevice);
  const auto deadline = std::chrono::steady_clock::now() + kOperationalTimeout;
  for (auto& [route, dev] : devices) {
    while (!route->is_operational(dev)) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw NetnsError("waiting for", dev + " in " + route->namespace_name(),
                           "it did not come into service (operstate UP) within 5 s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

void Topology::put_client_routes(PathId p, const AddressPlan& plan) {
  client_route_->replace_onlink_route("default", plan.router_lan_address(p), client_device(p), client_table(p));
  if (p == 0) client_route_->replace_onlink_route("default", plan.router_lan_address(0), client_device(0));
}

}  // namespace mprecover::netns
