#include "realnet/path_faults.h"

#include <cmath>
#include <string>

#include "realnet/address_plan.h"
#include "realnet/realnet_error.h"
#include "realnet/topology.h"

namespace mprecover::realnet {

void PathFaults::set_blackhole(PathId path, bool on) {
  const std::string chain = std::string(kNftTable) + " blackhole";
  topology_.router_nft(path).run("flush chain " + chain + (on ? "\nadd rule " + chain + " drop" : std::string{}));
}

void PathFaults::set_link(PathId path, bool up) { topology_.router_route(path).set_link_up(kRouterLanDevice, up); }

void PathFaults::set_loss(PathId path, Ratio loss) {
  if (!(loss >= 0.0 && loss <= 1.0)) {
    throw RealnetError("setting loss on", "path " + std::to_string(path), std::to_string(loss) + " is not in 0..1");
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

}  // namespace mprecover::realnet
