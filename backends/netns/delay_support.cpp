#include "backends/netns/delay_support.h"

#include <optional>

#include "backends/netns/delay_line.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/nfqueue_rules.h"
#include "backends/netns/nfqueue_socket.h"
#include "backends/netns/route_socket.h"

namespace mprecover::netns {

namespace {

std::optional<std::string> netem_unavailable_reason() {
  try {
    const NetworkNamespace scratch = NetworkNamespace::create(namespace_name(make_run_stem(), "netemcheck"));
    RouteSocket route(scratch);
    if (auto error = route.try_netem("lo", 1000)) return "the kernel has no netem qdisc (sch_netem: " + *error + ")";
  } catch (const NetnsError& e) {
    return std::string("netem could not be checked: ") + e.what();
  }
  return std::nullopt;
}

std::optional<std::string> find_nfqueue_unavailable_reason() {
  if (!find_iptables_nft()) return std::string("iptables-nft is not installed (Debian package iptables)");
  try {
    const NetworkNamespace scratch = NetworkNamespace::create(namespace_name(make_run_stem(), "nfqcheck"));
    NfqueueSocket socket(scratch);
    socket.bind(DelayLine::queue_of(Direction::to_server), 1);
    queue_forwarded_packets(scratch, "lo", DelayLine::queue_of(Direction::to_server));
  } catch (const NetnsError& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

DelaySupport find_delay_support() {
  const auto no_netem = netem_unavailable_reason();
  if (!no_netem) return {DelayMethod::netem, ""};
  const auto no_nfqueue = nfqueue_unavailable_reason();
  if (!no_nfqueue) return {DelayMethod::nfqueue, *no_netem};
  return {DelayMethod::none, *no_netem + "; and no NFQUEUE delay line: " + *no_nfqueue};
}

}  // namespace

std::string_view name_of(DelayMethod method) {
  switch (method) {
    case DelayMethod::netem: return "netem";
    case DelayMethod::nfqueue: return "nfqueue";
    case DelayMethod::none: return "none";
  }
  return "none";
}

std::optional<std::string> nfqueue_unavailable_reason() {
  static const std::optional<std::string> reason = find_nfqueue_unavailable_reason();
  return reason;
}

const DelaySupport& delay_support() {
  static const DelaySupport support = find_delay_support();
  return support;
}

}  // namespace mprecover::netns
