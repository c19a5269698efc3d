// Every action a scenario's events can take on a path, in one table: its name, what it models,
// what it does through the network port and how it ends. The loader, `mprecover spec`, the
// scenario docs and the driver all read this table; a new outage kind is one entry in
// outage_kinds.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/network/path_shape.h"
#include "engine/ids.h"

namespace mprecover {

class NetworkPort;

struct OutageKind {
  std::string name;
  std::string meaning;         // what it models, for the docs
  bool starts_outage = true;   // false: it ends the path's outage in progress (restore, up)
  bool takes_shape = false;    // the event carries a rate, delay or loss (degrade)
  // Starts the outage; `shape` is the event's own rate, delay and loss (for a kind that takes them).
  void (*start)(NetworkPort& net, PathId path, const PathShape& shape) = nullptr;
  // Ends it; `normal` is the path as the scenario defines it.
  void (*end)(NetworkPort& net, PathId path, const PathShape& normal) = nullptr;
};

// In the order the docs list them.
const std::vector<OutageKind>& outage_kinds();
// By name; nullptr when there is none.
const OutageKind* find_outage_kind(std::string_view name);
// The entry of `name`; throws std::invalid_argument when there is none.
const OutageKind& outage_kind(std::string_view name);
// "blackhole, down, ... or up": for help texts and error messages.
std::string outage_kind_names_text();

}  // namespace mprecover
