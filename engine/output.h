// The queues through which the engine's parts hand actions and notices to the backend.
#pragma once

#include <deque>
#include <optional>

#include "actions.h"
#include "notices.h"

namespace mprecover {

class Output {
 public:
  void act(const Action& action) { actions_.push_back(action); }
  void note(const Notice& notice) { notices_.push_back(notice); }

  std::optional<Action> pop_action() { return pop(actions_); }
  std::optional<Notice> pop_notice() { return pop(notices_); }

 private:
  template <typename T>
  static std::optional<T> pop(std::deque<T>& queue) {
    if (queue.empty()) return std::nullopt;
    T front = queue.front();
    queue.pop_front();
    return front;
  }

  std::deque<Action> actions_;
  std::deque<Notice> notices_;
};

}  // namespace mprecover
