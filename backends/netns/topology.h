// The scenario's network, built in namespaces of its own: client, one router per WAN path, an
// aggregation router and the server (see the diagram in topology.cpp). RAII: the destructor
// removes every namespace, and with them every veth, qdisc and nft table the run made.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/ids.h"
#include "core/scenario/scenario.h"
#include "backends/netns/delay_line.h"
#include "backends/netns/delay_support.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/nft_context.h"
#include "backends/netns/route_socket.h"

namespace mprecover::netns {

// The nft table every router namespace gets: chain `forward` (hooked) jumps to `blackhole` and
// `loss`, which the faults fill and flush.
inline constexpr const char* kNftTable = "inet mprecover";

class Topology {
 public:
  // Removes leftovers of dead runs (netns_registry.h), then builds everything, all links up, each
  // path with its delay by the kernel's best delay method (`delay`: what delay_support() found;
  // tests pass another). Throws NetnsError with the step that failed (among them: no delay method
  // and the scenario sets netns.require_delay); whatever was built by then is removed.
  explicit Topology(const Scenario& scenario, const DelaySupport& delay = netns::delay_support());
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;
  ~Topology();

  std::size_t path_count() const { return routers_.size(); }
  // The addresses of the connections' family (topology.family; of a dual-stack network, IPv6's).
  const AddressPlan& plan() const { return plan_; }
  // Every family's addresses the network has (network_families: plan()'s, or both on a dual-stack network).
  const std::vector<AddressPlan>& plans() const { return plans_; }
  // `mprecover-<pid>-<suffix>`: every namespace of this topology is `<stem>-<role>`.
  const std::string& stem() const { return stem_; }

  const NetworkNamespace& client() const { return *client_; }
  const NetworkNamespace& router(PathId p) const { return *routers_.at(p); }
  const NetworkNamespace& aggregation() const { return *aggregation_; }
  const NetworkNamespace& server() const { return *server_; }

  RouteSocket& client_route() { return *client_route_; }
  RouteSocket& router_route(PathId p) { return *router_routes_.at(p); }
  RouteSocket& aggregation_route() { return *aggregation_route_; }
  NftContext& router_nft(PathId p) { return *router_nfts_.at(p); }

  // The client's current address on path p: plan().client_address(p) until PathFaults::readdress()
  // gives it another one.
  const std::string& client_address_of(PathId p) const { return client_addresses_.at(p); }

  // How the paths get their delay (PathFaults::set_delay), and why not by a better method.
  const DelaySupport& delay_support() const { return delay_; }
  // Why the paths' delay is not emulated (no method), or nothing when it is.
  std::optional<std::string> delay_unavailable() const;
  // The NFQUEUE delay line, when that is the method; else null.
  DelayLine* delay_line() { return delay_line_.get(); }
  const DelayLine* delay_line() const { return delay_line_.get(); }
  // The scenario's server link delay: every path's one-way delay includes it (PathFaults::set_delay).
  Duration server_delay() const { return server_delay_; }
  // Namespaces of dead runs removed before building.
  const std::vector<std::string>& leftovers_removed() const { return leftovers_removed_; }

 private:
  friend class PathFaults;  // readdress() changes client_addresses_ and puts the routes back

  void build(const Scenario& scenario);
  void wait_until_operational(std::size_t paths);
  // The client's routes through path p in `plan`'s family: its table's default, and main's default
  // for path 0. Added, or replaced when they are there already.
  void put_client_routes(PathId p, const AddressPlan& plan);

  std::string stem_;
  AddressPlan plan_;
  std::vector<AddressPlan> plans_;
  std::vector<std::string> leftovers_removed_;
  DelaySupport delay_;
  Duration server_delay_{};
  std::vector<std::string> client_addresses_;
  std::vector<unsigned> client_readdresses_;  // per path: how often its client address changed
  // Namespaces first: they go last, after the sockets and contexts bound to them.
  std::unique_ptr<NetworkNamespace> client_;
  std::vector<std::unique_ptr<NetworkNamespace>> routers_;
  std::unique_ptr<NetworkNamespace> aggregation_;
  std::unique_ptr<NetworkNamespace> server_;
  std::unique_ptr<RouteSocket> client_route_;
  std::vector<std::unique_ptr<RouteSocket>> router_routes_;
  std::unique_ptr<RouteSocket> aggregation_route_;
  std::unique_ptr<RouteSocket> server_route_;
  std::vector<std::unique_ptr<NftContext>> router_nfts_;
  // Last in, first out: its thread stops before anything it serves goes.
  std::unique_ptr<DelayLine> delay_line_;
};

// Bytes of queue a scenario's queue size stands for (packets count as 1514-byte frames).
std::uint64_t queue_bytes(const QueueSize& queue);

}  // namespace mprecover::netns
