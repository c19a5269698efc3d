// The ns-3 backend as the harness sees it. Free of ns-3 headers: the harness is C++20, ns-3 3.37
// compiles only as C++17.
#pragma once

#include <memory>

#include "harness/backend.h"

namespace mprecover {

std::unique_ptr<Backend> make_sim_backend();

}  // namespace mprecover
