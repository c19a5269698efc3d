#include "backends/netns/delay_support.h"

#include <mutex>

#include "backends/netns/netns_registry.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/route_socket.h"

namespace mprecover::netns {

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
    } catch (const NetnsError& e) {
      reason = std::string("netem could not be checked: ") + e.what();
    }
  });
  return reason;
}

}  // namespace mprecover::netns
