// The netns backend as the application sees it: a network port over namespaces on this machine's
// kernel, and whether this machine can run it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/network/network_port.h"
#include "core/scenario/scenario.h"

namespace mprecover {

// Builds the scenario's network in namespaces. Runs in one process (threads of the Python module)
// take turns: each one's namespaces are its own, but the kernel's MPTCP events, CPU and rates
// are shared, and timing is what we measure. Throws NetnsError naming the step that failed.
std::unique_ptr<NetworkPort> make_netns_network(const Scenario& scenario);

// Why this machine cannot run the netns backend (not root, no MPTCP, no network namespaces),
// or nothing when it can.
std::optional<std::string> netns_backend_unavailable();

// Why this kernel cannot build a network of `family` (no IPv6, IPv6 disabled, MPTCP without
// IPv6), or nothing when it can.
std::optional<std::string> netns_family_unavailable(NetworkFamily family);

}  // namespace mprecover
