// The ns-3 backend as the application sees it: a network port over an ns-3 simulation of the
// scenario. Free of ns-3 headers: the application is C++20, ns-3 3.37 compiles only as C++17.
#pragma once

#include <memory>

#include "core/network/network_port.h"
#include "core/scenario/scenario.h"

namespace mprecover {

// Builds the scenario's network in ns-3. Runs in one process take turns (ns-3 keeps its simulator
// in globals): this waits for the previous run's network to be destroyed.
std::unique_ptr<NetworkPort> make_sim_network(const Scenario& scenario);

}  // namespace mprecover
