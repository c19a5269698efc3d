// What traffic a scenario asks the network to carry: the kind of application behind each
// connection. The scenario's `traffic` (core/scenario/scenario.h) and the network port speak of it.
#pragma once

#include <array>
#include <string_view>
#include <utility>

#include "engine/enum_names.h"

namespace mprecover {

enum class TrafficKind {
  bulk,  // as fast as the network takes it
  rate,  // app-limited at a constant rate, like a video stream
};

template <>
struct EnumNames<TrafficKind> {
  static constexpr std::array<std::pair<TrafficKind, std::string_view>, 2> table{
      {{TrafficKind::bulk, "bulk"}, {TrafficKind::rate, "rate"}}};
};

}  // namespace mprecover
