#include "backend.h"

namespace mprecover {

// Each backend adds its entry here when it is built (sim: ns-3, netns: libnl and the kernel).
const std::vector<BackendEntry>& compiled_backends() {
  static const std::vector<BackendEntry> entries;
  return entries;
}

}  // namespace mprecover
