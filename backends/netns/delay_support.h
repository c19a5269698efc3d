// Whether this kernel can emulate a path's delay (netem), found out once per process.
#pragma once

#include <optional>
#include <string>

namespace mprecover::netns {

// Nothing when netem works; else why not, in words for the user. Tries a netem qdisc on the
// loopback of a scratch namespace (removed again), so the root namespace is never touched.
std::optional<std::string> netem_unavailable_reason();

}  // namespace mprecover::netns
