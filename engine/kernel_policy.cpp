// Policy `kernel`: leaves everything to the in-kernel path manager, bug included (the baseline).
#include "policy_table.h"

namespace mprecover {

namespace {

class KernelPolicy final : public PathManagerPolicy {};

}  // namespace

PolicyEntry kernel_policy() {
  PolicyEntry e;
  e.name = "kernel";
  e.summary = "the in-kernel path manager alone, which never re-creates a subflow that died with an error (the bug)";
  e.make = [](const PolicySettings&, const BackendCapabilities&, PolicyContext) -> std::unique_ptr<PathManagerPolicy> {
    return std::make_unique<KernelPolicy>();
  };
  return e;
}

}  // namespace mprecover
