#include "backend.h"

#ifdef MPRECOVER_HAVE_SIM
#include "sim/sim-backend.h"
#endif

namespace mprecover {

const std::vector<BackendEntry>& compiled_backends() {
  static const std::vector<BackendEntry> entries = [] {
    std::vector<BackendEntry> e;
#ifdef MPRECOVER_HAVE_SIM
    e.push_back({"sim", "ns-3 3.37 simulation with an MPTCP model over ns-3 TCP subflows",
                 [] { return std::optional<std::string>{}; }, make_sim_backend});
#endif
    return e;
  }();
  return entries;
}

}  // namespace mprecover
