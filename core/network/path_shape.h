// What a WAN path is like: rate, delay and loss, as a scenario sets them and a backend applies them.
#pragma once

#include <cstdint>
#include <optional>

#include "engine/clock.h"

namespace mprecover {

using BitRate = std::uint64_t;  // bits per second

// The share of packets lost, 0.0 to 1.0 ("2%" in the file).
using Ratio = double;

// A change of a path's shape: the values that are set change, the others stay as they are.
struct PathShape {
  std::optional<BitRate> rate;
  std::optional<Duration> delay;  // one way, client to server through the path
  std::optional<Ratio> loss;      // in each direction

  bool empty() const { return !rate && !delay && !loss; }
};

}  // namespace mprecover
