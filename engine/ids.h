// Identifiers shared by the engine and its backends.
#pragma once

#include <cstdint>

namespace mprecover {

// Index of a WAN path in the scenario's `paths` list (0 carries each connection's initial subflow).
using PathId = std::uint32_t;

// The MPTCP connection token, as the kernel's mptcp_pm events carry it.
using ConnectionToken = std::uint32_t;

}  // namespace mprecover
