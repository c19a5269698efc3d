#include "path_manager_policy.h"

#include <stdexcept>

#include "engine_policy.h"
#include "kernel_policy.h"
#include "omr_policy.h"

namespace mprecover {

std::unique_ptr<PathManagerPolicy> make_policy(const PolicyConfig& config, const BackendCapabilities& caps,
                                               PolicyContext context) {
  switch (config.kind) {
    case PolicyKind::kernel:
      return std::make_unique<KernelPolicy>();
    case PolicyKind::omr:
      return std::make_unique<OmrPolicy>(config, context);
    case PolicyKind::engine:
      break;
  }
  if (config.rebuild_via == RebuildVia::subflow && !caps.userspace_pm)
    throw std::invalid_argument("engine.rebuild_via 'subflow' needs the userspace path manager, which this backend lacks");
  const bool userspace = config.rebuild_via == RebuildVia::subflow ||
                         (config.rebuild_via == RebuildVia::automatic && caps.userspace_pm);
  return std::make_unique<EnginePolicy>(config, userspace ? PathManagerMode::userspace : PathManagerMode::in_kernel,
                                        context);
}

}  // namespace mprecover
