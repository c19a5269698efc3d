// A test clock that only moves when told to, and refuses to go backwards.
#pragma once

#include <stdexcept>
#include <string>

#include "engine/clock.h"

namespace mprecover::testing {

class ManualClock {
 public:
  Instant now() const { return now_; }

  void set(Instant t) {
    if (t < now_)
      throw std::logic_error("ManualClock: cannot go back from " + std::to_string(to_seconds(now_)) + " s to " +
                             std::to_string(to_seconds(t)) + " s");
    now_ = t;
  }
  void advance(Duration d) { set(now_ + d); }

 private:
  Instant now_{};
};

}  // namespace mprecover::testing
