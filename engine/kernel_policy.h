// Policy `kernel`: leaves everything to the in-kernel path manager, bug included (the baseline).
#pragma once

#include "path_manager_policy.h"

namespace mprecover {

class KernelPolicy final : public PathManagerPolicy {};

}  // namespace mprecover
