// How this kernel can give a path its delay, found out once per process: netem where the kernel
// has it, else the NFQUEUE delay line (delay_line.h), else not at all.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mprecover::netns {

enum class DelayMethod { netem, nfqueue, none };

// "netem", "nfqueue", "none": the summary's delay_method.
std::string_view name_of(DelayMethod method);

struct DelaySupport {
  DelayMethod method = DelayMethod::none;
  // Why the better methods cannot be used, in words for the user: empty for netem; for nfqueue,
  // why not netem; for none, why neither.
  std::string reason;
};

// Tries each method in a scratch namespace of its own (removed again), so the root namespace is
// never touched: a netem qdisc on its loopback; then the NFQUEUE delay line's parts.
const DelaySupport& delay_support();

// Nothing when the NFQUEUE delay line can work here; else the first thing it lacks, in the order
// it needs them: iptables-nft, a queue bound through libnetfilter_queue, the NFQUEUE rule.
std::optional<std::string> nfqueue_unavailable_reason();

}  // namespace mprecover::netns
