#include "app/backends.h"

#include <algorithm>

#ifdef MPRECOVER_HAVE_SIM
#include "backends/sim/sim-backend.h"
#endif
#ifdef MPRECOVER_HAVE_NETNS
#include "backends/netns/netns_backend.h"
#endif

namespace mprecover {

const std::vector<BackendEntry>& compiled_backends() {
  static const std::vector<BackendEntry> entries = [] {
    std::vector<BackendEntry> e;
#ifdef MPRECOVER_HAVE_SIM
    e.push_back({"sim", "ns-3 3.37 simulation with an MPTCP model over ns-3 TCP subflows", true,
                 [] { return std::optional<std::string>{}; }, {TrafficKind::bulk, TrafficKind::rate, TrafficKind::request_response},
                 // every family: ns-3's IPv4 and IPv6 stacks, or both (backends/sim/README.md)
                 [](NetworkFamily) { return std::optional<std::string>{}; }, make_sim_network});
#endif
#ifdef MPRECOVER_HAVE_NETNS
    e.push_back({"netns", "network namespaces on this machine's kernel: kernel MPTCP over netlink, real sockets",
                 false, netns_backend_unavailable, {TrafficKind::bulk, TrafficKind::rate, TrafficKind::request_response, TrafficKind::command},
                 netns_family_unavailable, make_netns_network});
#endif
    return e;
  }();
  return entries;
}

namespace {

bool carries(const BackendEntry& backend, TrafficKind kind) {
  return std::find(backend.traffic_kinds.begin(), backend.traffic_kinds.end(), kind) != backend.traffic_kinds.end();
}

}  // namespace

std::optional<ScenarioError> backend_misfit(const BackendEntry& backend, const Scenario& scenario) {
  for (std::size_t g = 0; g < scenario.traffic.size(); ++g) {
    const TrafficKind kind = scenario.traffic[g].kind;
    if (carries(backend, kind)) continue;
    std::string carried;
    for (const TrafficKind k : backend.traffic_kinds) carried += (carried.empty() ? "" : ", ") + std::string(name_of(k));
    std::string others;
    for (const BackendEntry& b : compiled_backends())
      if (carries(b, kind)) others += (others.empty() ? "--backend " : " or --backend ") + b.name;
    const std::string key = scenario.traffic_key(g) + ".kind";
    return ScenarioError(scenario.source_file, scenario.positions.of(key), key,
                         "the " + backend.name + " backend cannot carry kind " + std::string(name_of(kind)) +
                             " traffic (it carries " + carried + ")" +
                             (kind == TrafficKind::command ? ": commands run in the netns backend's namespaces" : "") +
                             (others.empty() ? "" : "; run it with " + others));
  }
  if (const auto reason = backend.family_unavailable(scenario.family)) {
    const std::string key = "topology.family";
    return ScenarioError(scenario.source_file, scenario.positions.of(key), key,
                         "the " + backend.name + " backend cannot build a network of family " +
                             std::string(name_of(scenario.family)) + " here: " + *reason);
  }
  return std::nullopt;
}

std::string compiled_backend_names() {
  std::string names;
  for (const BackendEntry& b : compiled_backends()) names += (names.empty() ? "" : ", ") + b.name;
  return names.empty() ? "none" : names;
}

const BackendEntry& find_backend(const std::string& name, bool runnable) {
  const auto& backends = compiled_backends();
  if (name.empty() && backends.empty())
    throw RunError("this build has no backend, so it can validate scenarios but not run them");
  const BackendEntry* entry = name.empty() ? &backends.front() : nullptr;
  for (const BackendEntry& b : backends)
    if (b.name == name) entry = &b;
  if (entry == nullptr)
    throw RunError("backend '" + name + "' is not in this build; this build has: " + compiled_backend_names());
  if (runnable)
    if (const auto reason = entry->unavailable())
      throw BackendUnavailable("backend '" + entry->name + "' cannot run here: " + *reason);
  return *entry;
}

}  // namespace mprecover
