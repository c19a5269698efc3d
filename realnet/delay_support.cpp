#include "realnet/delay_support.h"

#include <mutex>

#include "realnet/netns_registry.h"
#include "realnet/network_namespace.h"
#include "realnet/realnet_error.h"
#include "realnet/route_socket.h"

namespace mprecover::realnet {

std::optional<std::string> netem_unavailable_reason() {
  static std::once_flag once;
  static std::optional<std::string> reason;
  std::call_once(once, [] {
    try {
      NetworkNamespace scratch = NetworkNamespace::create(namespace_name(make_run_stem(), "netemcheck"));
      RouteSocket route(scratch);
      if (auto error = route.try_netem("lo", 1000)) {
        reason = "the kernel has no netem qdisc (sch_netem: " + *error +
                 "), so path delay cannot be emulated; loss is emulated with nftables instead";
      }
    } catch (const RealnetError& e) {
      reason = std::string("netem could not be checked: ") + e.what();
    }
  });
  return reason;
}

}  // namespace mprecover::realnet
