// When a delayed packet may leave: its arrival plus the delay, plus a jitter offset, and never
// before the packet that arrived before it (a FIFO line: nothing is reordered). Plain arithmetic,
// no I/O: the delay line (delay_line.h) keeps one per direction of each path.
//
// Jitter is an offset that wanders through [-jitter, +jitter]: a new random target every
// 4 x jitter, approached in a straight line. It changes at most half as fast as time passes, so a
// later packet never gets an earlier leaving time and FIFO holds nobody back: the mean delay stays
// the delay. (Picking each packet's offset on its own would not do on a FIFO line: at any packet
// rate above a few per jitter span, every packet would wait for the latest pick before it, and
// the delay would become delay + jitter.)
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include "engine/clock.h"

namespace mprecover::netns {

// A direction's delay: `delay` each packet, give or take up to `jitter` (see above), at least 0.
struct LineDelay {
  Duration delay{};
  Duration jitter{};
  bool operator==(const LineDelay&) const = default;
};

class DelaySchedule {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit DelaySchedule(std::uint64_t seed) : random_(seed) {}

  // The time the packet arriving at `arrival` leaves; arrivals come in order.
  TimePoint release(TimePoint arrival, const LineDelay& delay);

 private:
  // The jitter offset at `arrival`, on the wandering line between two random targets.
  Duration offset(TimePoint arrival, Duration jitter);
  Duration pick(Duration jitter);

  TimePoint last_release_{};
  std::mt19937_64 random_;
  Duration jitter_{};  // the jitter the targets below were picked for
  TimePoint from_time_{};
  TimePoint to_time_{};
  Duration from_offset_{};
  Duration to_offset_{};
};

}  // namespace mprecover::netns
