#include "backends/netns/path_faults.h"

#include <cmath>
#include <string>

#include "backends/netns/device_names.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/topology.h"

namespace mprecover::netns {

void PathFaults::set_blackhole(PathId path, bool on) {
  const std::string chain = std::string(kNftTable) + " blackhole";
  topology_.router_nft(path).run("flush chain " + chain + (on ? "\nadd rule " + chain + " drop" : std::string{}));
}

void PathFaults::set_link(PathId path, bool up) { topology_.router_route(path).set_link_up(kRouterLanDevice, up); }

void PathFaults::set_loss(PathId path, Ratio loss) {
  if (!(loss >= 0.0 && loss <= 1.0)) {
    throw NetnsError("setting loss on", "path " + std::to_string(path), std::to_string(loss) + " is not in 0..1");
  }
  const auto per_10000 = static_cast<long>(std::lround(loss * 10000.0));
  const std::string chain = std::string(kNftTable) + " loss";
  std::string commands = "flush chain " + chain;
  if (per_10000 >= 10000) {
    commands += "\nadd rule " + chain + " drop";
  } else if (per_10000 > 0) {
    commands += "\nadd rule " + chain + " numgen random mod 10000 < " + std::to_string(per_10000) + " drop";
  }
  topology_.router_nft(path).run(commands);
}

void PathFaults::set_rate(PathId path, BitRate rate, const QueueSize& queue) {
  topology_.router_route(path).set_tbf(kRouterWanDevice, rate, queue_bytes(queue));
  topology_.aggregation_route().set_tbf(client_device(path), rate, queue_bytes(queue));
}

std::string PathFaults::readdress(PathId path) {
  unsigned& readdresses = topology_.client_readdresses_.at(path);
  if (readdresses >= max_readdresses) {
    throw NetnsError("readdressing", "path " + std::to_string(path),
                     "no address left in " + topology_.plan().lan_subnet(path) + " (the client has " +
                         topology_.client_address_of(path) + ")");
  }
  RouteSocket& client = topology_.client_route();
  const std::string device = client_device(path);
  // Every family's address changes, as when a reconnect brings a new IPv4 lease and a new prefix.
  // Old address out before the new one is in, as a reconnect does it (and as the sim backend
  // reports it). With the device's last address the kernel flushes its routes. The rule and the
  // routes of the new address go in before the address does: a path manager (mptcpd) opens
  // subflows from it the moment it appears, and a subflow bound to the device that finds no route
  // takes the server for on-link, resolves it by ARP and fails with EHOSTUNREACH 3 s later.
  for (const AddressPlan& plan : topology_.plans()) {
    const std::string old_address = plan.client_address(path, readdresses);
    const std::string new_address = plan.client_address(path, readdresses + 1);
    const std::string prefix = numbered("/", static_cast<std::uint32_t>(plan.prefix_length()));
    client.delete_address(device, old_address + prefix);
    client.add_source_rule(new_address, client_table(path), client_rule_priority(path));
    topology_.put_client_routes(path, plan);
    client.add_address(device, new_address + prefix);
    client.delete_source_rule(old_address, client_table(path), client_rule_priority(path));
  }
  ++readdresses;
  topology_.client_addresses_.at(path) = topology_.plan().client_address(path, readdresses);
  return topology_.client_addresses_.at(path);
}

void PathFaults::set_delay(PathId path, Duration delay) {
  const Duration one_way = delay + topology_.server_delay();
  const std::string object = "path " + std::to_string(path);
  switch (topology_.delay_support().method) {
    case DelayMethod::nfqueue:
      for (const Direction direction : {Direction::to_server, Direction::to_client}) {
        DelayLine& line = *topology_.delay_line();
        line.set_delay(path, direction, {one_way, line.delay(path, direction).jitter});  // jitter as it was
      }
      return;
    case DelayMethod::netem: {
      const auto delay_us =
          static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(one_way).count());
      if (auto why = topology_.client_route().try_netem(client_device(path), delay_us)) {
        throw NetnsError("setting the delay of", object + " on the client's " + client_device(path), *why);
      }
      if (auto why = topology_.router_route(path).try_netem(kRouterLanDevice, delay_us)) {
        throw NetnsError("setting the delay of", object + " on its router's " + kRouterLanDevice, *why);
      }
      return;
    }
    case DelayMethod::none:
      break;
  }
  throw NetnsError("setting the delay of", object, "no delay method: " + topology_.delay_support().reason);
}

}  // namespace mprecover::netns
