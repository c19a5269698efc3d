// The netns backend as the harness sees it (harness/backend.h).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "harness/backend.h"

namespace mprecover {

std::unique_ptr<Backend> make_netns_backend();

// Why this machine cannot run the netns backend (not root, no MPTCP, no network namespaces),
// or nothing when it can.
std::optional<std::string> netns_backend_unavailable();

}  // namespace mprecover
