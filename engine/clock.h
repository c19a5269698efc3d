// Time as the engine sees it: instants handed in by the backend, never read from a clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace mprecover {

// The engine's clock has no now(): time only moves when a backend passes an Instant in.
// Instant{} is the start of the run; the sim backend maps it to simulated time zero, the
// netns backend to the monotonic clock at the start of the run.
struct EngineClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::duration<rep, period>;
  using time_point = std::chrono::time_point<EngineClock>;
  static constexpr bool is_steady = true;
};

using Duration = EngineClock::duration;
using Instant = EngineClock::time_point;

constexpr double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
constexpr double to_seconds(Instant t) { return to_seconds(t.time_since_epoch()); }
constexpr Instant at_seconds(double s) {
  return Instant{std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s))};
}

}  // namespace mprecover
