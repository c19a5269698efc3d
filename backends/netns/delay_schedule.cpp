#include "backends/netns/delay_schedule.h"

#include <algorithm>

namespace mprecover::netns {

namespace {

// The time between two targets, per unit of jitter: 4 keeps the offset's slope at or below 1/2.
constexpr int kSpanPerJitter = 4;

}  // namespace

DelaySchedule::TimePoint DelaySchedule::release(TimePoint arrival, const LineDelay& delay) {
  Duration wait = delay.delay;
  if (delay.jitter > Duration{0}) wait = std::max(Duration{0}, wait + offset(arrival, delay.jitter));
  last_release_ = std::max(last_release_, arrival + wait);
  return last_release_;
}

Duration DelaySchedule::offset(TimePoint arrival, Duration jitter) {
  const Duration span = kSpanPerJitter * jitter;
  if (jitter != jitter_ || arrival >= to_time_ + span) {
    // A new jitter, or idle for longer than a span: start afresh here.
    jitter_ = jitter;
    from_time_ = arrival;
    to_time_ = arrival + span;
    from_offset_ = pick(jitter);
    to_offset_ = pick(jitter);
  }
  while (arrival >= to_time_) {
    from_time_ = to_time_;
    from_offset_ = to_offset_;
    to_time_ += span;
    to_offset_ = pick(jitter);
  }
  const double along = std::chrono::duration<double>(arrival - from_time_) / std::chrono::duration<double>(span);
  return from_offset_ + std::chrono::duration_cast<Duration>((to_offset_ - from_offset_) * along);
}

Duration DelaySchedule::pick(Duration jitter) {
  std::uniform_int_distribution<Duration::rep> uniform(-jitter.count(), jitter.count());
  return Duration{uniform(random_)};
}

}  // namespace mprecover::netns
