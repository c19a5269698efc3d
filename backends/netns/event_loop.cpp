#include "backends/netns/event_loop.h"

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "backends/netns/netns_error.h"

namespace mprecover::netns {

namespace {

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// epoll's data word: which fd, and which watch of it (an fd number can be reused in one batch).
std::uint64_t pack(int fd, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32) | static_cast<std::uint32_t>(fd);
}

constexpr std::uint64_t kTimerTag = ~std::uint64_t{0};
constexpr int kMaxEvents = 256;
constexpr int kStopCheckMs = 100;

}  // namespace

EventLoop::EventLoop() : start_ns_(monotonic_ns()) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw_errno("creating", "the run's epoll instance", errno);
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (timer_fd_ < 0) {
    const int error = errno;
    close(epoll_fd_);
    throw_errno("creating", "the run's timerfd", error);
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kTimerTag;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &ev) != 0) {
    const int error = errno;
    close(timer_fd_);
    close(epoll_fd_);
    throw_errno("watching", "the run's timerfd", error);
  }
}

EventLoop::~EventLoop() {
  close(timer_fd_);
  close(epoll_fd_);
}

Instant EventLoop::now() const { return Instant{Duration{monotonic_ns() - start_ns_}}; }

void EventLoop::watch(int fd, std::uint32_t events, FdCallback callback) {
  const std::uint32_t generation = next_generation_++;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = pack(fd, generation);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) throw_errno("watching", "fd " + std::to_string(fd), errno);
  watches_[fd] = Watch{generation, std::move(callback)};
}

void EventLoop::modify(int fd, std::uint32_t events) {
  const auto it = watches_.find(fd);
  if (it == watches_.end()) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = pack(fd, it->second.generation);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) throw_errno("re-watching", "fd " + std::to_string(fd), errno);
}

void EventLoop::unwatch(int fd) {
  if (watches_.erase(fd) == 0) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::TimerId EventLoop::at(Instant when, TimerCallback callback) {
  const TimerId id = next_timer_++;
  const bool earliest = timers_.empty() || when < timers_.begin()->first;
  timer_index_[id] = timers_.emplace(when, std::make_pair(id, std::move(callback)));
  if (earliest) arm_timerfd();
  return id;
}

void EventLoop::cancel(TimerId id) {
  const auto it = timer_index_.find(id);
  if (it == timer_index_.end()) return;
  timers_.erase(it->second);
  timer_index_.erase(it);
}

void EventLoop::arm_timerfd() {
  itimerspec spec{};
  if (!timers_.empty()) {
    // Absolute monotonic time; 1 ns for an instant that has passed (0 would disarm).
    const std::int64_t due = std::max<std::int64_t>(start_ns_ + timers_.begin()->first.time_since_epoch().count(), 1);
    spec.it_value.tv_sec = due / 1'000'000'000;
    spec.it_value.tv_nsec = due % 1'000'000'000;
  }
  timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void EventLoop::fire_due_timers() {
  std::uint64_t expirations = 0;
  while (read(timer_fd_, &expirations, sizeof expirations) > 0) {
  }
  const Instant now_at_start = now();
  // Only timers due now: one a callback schedules for now runs on the next turn, after I/O.
  while (!timers_.empty() && timers_.begin()->first <= now_at_start) {
    auto node = timers_.extract(timers_.begin());
    timer_index_.erase(node.mapped().first);
    node.mapped().second();
  }
  arm_timerfd();
}

Instant EventLoop::run_until(Instant until, const std::atomic<bool>& stop) {
  quit_ = false;
  epoll_event events[kMaxEvents];
  while (!quit_ && !stop.load()) {
    const Instant now_ = now();
    if (now_ >= until) break;
    const auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - now_).count() + 1;
    const int timeout = static_cast<int>(std::min<std::int64_t>(left_ms, kStopCheckMs));
    const int n = epoll_wait(epoll_fd_, events, kMaxEvents, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("waiting in", "the run's event loop", errno);
    }
    for (int i = 0; i < n && !quit_; ++i) {
      const std::uint64_t data = events[i].data.u64;
      if (data == kTimerTag) {
        fire_due_timers();
        continue;
      }
      // Timers come first: a due probe or engine deadline must not wait behind a batch of
      // busy sockets (a thousand bulk connections are ready on every turn).
      if (!timers_.empty() && timers_.begin()->first <= now()) fire_due_timers();
      if (quit_) break;
      const int fd = static_cast<int>(data & 0xffffffffU);
      const auto it = watches_.find(fd);
      if (it == watches_.end() || it->second.generation != (data >> 32)) continue;
      // A copy: the callback may unwatch (and so destroy) its own watch.
      FdCallback callback = it->second.callback;
      callback(events[i].events);
    }
  }
  return now();
}

}  // namespace mprecover::netns
