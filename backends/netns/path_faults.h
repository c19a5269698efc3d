// What a scenario's events do to a path of a netns topology.
#pragma once

#include <cstdint>
#include <string>

#include "engine/ids.h"
#include "core/scenario/scenario.h"

namespace mprecover::netns {

class Topology;

// Each call acts on one path, in that path's router namespace (nft, its LAN link) or on its tbf
// qdiscs; only readdress() touches the client's addresses, routes and rules.
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
  // A new client address on the path, as a PPPoE reconnect gives: the next one in the path's LAN
  // (10.1.n.1, then .2, .3, ...; of every family a dual-stack network has; Topology::client_address_of()
  // has the current one of the connections' family, which it returns). The old
  // address goes first, then the new one comes (the kernel announces RTM_DELADDR, RTM_NEWADDR:
  // address_gone, address_back), the routes the kernel flushed with the old address are put
  // back and the source rule moves to the new address. Returns the new address. The kernel leaves
  // sockets on the old address open, cut off: destroy_tcp_sockets() (socket_destroyer.h) aborts
  // them. MPTCP endpoints on the old address are the caller's to replace.
  std::string readdress(PathId path);
  // The path's delay, as a scenario gives it (one way, client to server through the path): the
  // path then delays each way by `delay` plus the server link's delay, so that its round trip is
  // 2 x (delay + server delay), as in the sim. By the topology's delay method: the NFQUEUE delay
  // line in the path's router (both of its directions), or netem on the client's device and the
  // router's LAN device (neither carries the tbf). Throws NetnsError when the topology has no
  // delay method (Topology::delay_unavailable() says so beforehand).
  void set_delay(PathId path, Duration delay);

 private:
  Topology& topology_;
};

}  // namespace mprecover::netns
