// The one event loop of a netns run: epoll for sockets, a timerfd (CLOCK_MONOTONIC) for timers,
// and the run's clock (Instant{} is the moment the loop was made). Single-threaded: every callback
// runs on the thread that calls run_until().
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>

#include "engine/clock.h"

namespace mprecover::netns {

class EventLoop {
 public:
  using FdCallback = std::function<void(std::uint32_t epoll_events)>;
  using TimerCallback = std::function<void()>;
  using TimerId = std::uint64_t;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Monotonic time since the loop was made.
  Instant now() const;

  // Calls `callback` whenever `fd` is ready for `events` (EPOLLIN, EPOLLOUT; level-triggered).
  // The loop does not own the fd: unwatch() it before closing it. A callback may unwatch any fd,
  // its own included; events already fetched for an unwatched fd are dropped.
  void watch(int fd, std::uint32_t events, FdCallback callback);
  void modify(int fd, std::uint32_t events);
  void unwatch(int fd);

  // Calls `callback` once, at `when` (at once, on the next turn, if that has passed).
  TimerId at(Instant when, TimerCallback callback);
  TimerId after(Duration delay, TimerCallback callback) { return at(now() + delay, std::move(callback)); }
  // Harmless for a timer that has fired or was cancelled.
  void cancel(TimerId id);

  // Runs callbacks until the loop's clock reaches `until`, `stop` becomes true (checked at least
  // every 100 ms) or quit() is called. Returns the time it stopped at.
  Instant run_until(Instant until, const std::atomic<bool>& stop);
  void quit() { quit_ = true; }

 private:
  struct Watch {
    std::uint32_t generation;
    FdCallback callback;
  };
  void arm_timerfd();
  void fire_due_timers();

  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  std::int64_t start_ns_ = 0;
  bool quit_ = false;
  std::uint32_t next_generation_ = 1;
  std::unordered_map<int, Watch> watches_;
  TimerId next_timer_ = 1;
  std::multimap<Instant, std::pair<TimerId, TimerCallback>> timers_;
  std::unordered_map<TimerId, std::multimap<Instant, std::pair<TimerId, TimerCallback>>::iterator> timer_index_;
};

}  // namespace mprecover::netns
