// Policy `mptcpd`: the Multipath TCP daemon of the mptcpd project with its addr_adv plugin
// (`mptcpd --path-manager=addr_adv --load-plugins=addr_adv --addr-flags=subflow
// --notify-flags=existing,skip_link_local,skip_loopback`), a baseline no one here wrote. A backend
// that can run the real daemon runs it and the engine only observes (its detector still gives the
// detection instants); elsewhere this file's model of addr_adv acts instead: a `subflow` endpoint
// for every address of the client, added when an address appears and deleted when it goes.
// Measured on Linux 6.18 with mptcpd 0.12: after a reset (ss -K) of a subflow it never rebuilt
// it; after the address was deleted and re-added it rebuilt within about 10 ms; after a link down
// and up, nothing.
#include "policy_table.h"

namespace mprecover {

namespace {

constexpr const char* kDaemon = "mptcpd";

// The real daemon manages the endpoints.
class MptcpdObserver final : public PathManagerPolicy {
 public:
  PathManagerMode mode() const override { return PathManagerMode::daemon; }
};

// addr_adv, as the in-kernel PM's endpoints see it. (The backend's set-up already gives every
// extra path its `subflow` endpoint, as the daemon does for every address it finds at start.)
class MptcpdModel final : public PathManagerPolicy {
 public:
  void on_link_change(PathId path, LinkChange change, Instant /*now*/, Output& out) override {
    if (change == LinkChange::address_gone) out.act(DeleteEndpoint{path});
    if (change == LinkChange::address_back) out.act(AddEndpoint{path});
  }
};

}  // namespace

PolicyEntry mptcpd_policy() {
  PolicyEntry e;
  e.name = "mptcpd";
  e.daemon = kDaemon;
  e.summary = "the real mptcpd daemon (addr_adv plugin) where the backend can run it, a model of it elsewhere: "
              "an endpoint per address, added and deleted with the address";
  e.make = [](const PolicySettings&, const BackendCapabilities& caps,
              PolicyContext) -> std::unique_ptr<PathManagerPolicy> {
    for (const std::string& daemon : caps.daemons)
      if (daemon == kDaemon) return std::make_unique<MptcpdObserver>();
    return std::make_unique<MptcpdModel>();
  };
  return e;
}

}  // namespace mprecover
