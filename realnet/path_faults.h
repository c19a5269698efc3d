// What a scenario's events do to a path of a netns topology.
#pragma once

#include <cstdint>

#include "engine/ids.h"
#include "harness/scenario/scenario.h"

namespace mprecover::realnet {

class Topology;

// Each call acts on one path, in that path's router namespace (nft, its LAN link) or on its tbf
// qdiscs; none touches the client's addresses or routes.
class PathFaults {
 public:
  explicit PathFaults(Topology& topology) : topology_(topology) {}

  // Drops every packet the path's router would forward (both ways); the links stay up.
  void set_blackhole(PathId path, bool on);
  // The router's LAN link down or up: the client's device on the path loses (regains) carrier,
  // keeping its address and routes, as when a modem goes away.
  void set_link(PathId path, bool up);
  // Drops `loss` (0 to 1) of the forwarded packets at random, both ways (nft numgen; 0.01 % steps).
  void set_loss(PathId path, Ratio loss);
  // The path's rate, both ways (tbf replaced); `queue` as in the scenario.
  void set_rate(PathId path, BitRate rate, const QueueSize& queue);

 private:
  Topology& topology_;
};

}  // namespace mprecover::realnet
