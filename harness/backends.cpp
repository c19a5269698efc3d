#include "backend.h"

#ifdef MPRECOVER_HAVE_SIM
#include "sim/sim-backend.h"
#endif
#ifdef MPRECOVER_HAVE_NETNS
#include "realnet/netns_backend.h"
#endif

namespace mprecover {

const std::vector<BackendEntry>& compiled_backends() {
  static const std::vector<BackendEntry> entries = [] {
    std::vector<BackendEntry> e;
#ifdef MPRECOVER_HAVE_SIM
    e.push_back({"sim", "ns-3 3.37 simulation with an MPTCP model over ns-3 TCP subflows",
                 [] { return std::optional<std::string>{}; }, make_sim_backend});
#endif
#ifdef MPRECOVER_HAVE_NETNS
    e.push_back({"netns", "network namespaces on this machine's kernel: kernel MPTCP over netlink, real sockets",
                 netns_backend_unavailable, make_netns_backend});
#endif
    return e;
  }();
  return entries;
}

}  // namespace mprecover
