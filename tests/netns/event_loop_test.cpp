// The netns run's event loop: timers in order, fd readiness, unwatching from a callback, stopping.
#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <atomic>
#include <vector>

#include "backends/netns/event_loop.h"

namespace mprecover::netns {
namespace {

using namespace std::chrono_literals;

TEST(EventLoop, FiresTimersInTimeOrderAndNotCancelledOnes) {
  EventLoop loop;
  std::vector<int> fired;
  const Instant start = loop.now();
  loop.at(start + 30ms, [&] { fired.push_back(3); });
  loop.at(start + 10ms, [&] { fired.push_back(1); });
  const auto cancelled = loop.at(start + 20ms, [&] { fired.push_back(2); });
  loop.at(start + 20ms, [&] { fired.push_back(22); });
  loop.cancel(cancelled);
  std::atomic<bool> stop{false};
  const Instant end = loop.run_until(start + 100ms, stop);
  EXPECT_EQ(fired, (std::vector<int>{1, 22, 3}));
  EXPECT_GE(end, start + 100ms);
}

TEST(EventLoop, ATimerNeverFiresEarly) {
  EventLoop loop;
  std::atomic<bool> stop{false};
  Instant fired_at{};
  const Instant due = loop.now() + 25ms;
  loop.at(due, [&] {
    fired_at = loop.now();
    loop.quit();
  });
  loop.run_until(due + 5s, stop);
  EXPECT_GE(fired_at, due);
  EXPECT_LT(fired_at, due + 2s) << "generous: the machine is shared";
}

TEST(EventLoop, CallsBackOnReadableFdsAndDropsEventsOfUnwatchedOnes) {
  EventLoop loop;
  int first[2];
  int second[2];
  ASSERT_EQ(pipe(first), 0);
  ASSERT_EQ(pipe(second), 0);
  int first_calls = 0;
  int second_calls = 0;
  // Whichever runs first unwatches the other: the other's pending readiness must not be delivered.
  loop.watch(first[0], EPOLLIN, [&](std::uint32_t) {
    ++first_calls;
    loop.unwatch(first[0]);
    loop.unwatch(second[0]);
  });
  loop.watch(second[0], EPOLLIN, [&](std::uint32_t) {
    ++second_calls;
    loop.unwatch(first[0]);
    loop.unwatch(second[0]);
  });
  ASSERT_EQ(write(first[1], "x", 1), 1);
  ASSERT_EQ(write(second[1], "y", 1), 1);
  std::atomic<bool> stop{false};
  loop.run_until(loop.now() + 50ms, stop);
  EXPECT_EQ(first_calls + second_calls, 1);
  for (int fd : {first[0], first[1], second[0], second[1]}) close(fd);
}

TEST(EventLoop, StopsSoonAfterTheStopFlagIsSet) {
  EventLoop loop;
  std::atomic<bool> stop{false};
  loop.after(20ms, [&] { stop = true; });
  const Instant start = loop.now();
  const Instant end = loop.run_until(start + 60s, stop);
  EXPECT_LT(end - start, 5s);
}

TEST(EventLoop, ATimerScheduledForNowFromACallbackRunsOnTheNextTurn) {
  EventLoop loop;
  std::vector<int> order;
  std::atomic<bool> stop{false};
  loop.after(0ms, [&] {
    order.push_back(1);
    loop.after(0ms, [&] {
      order.push_back(3);
      loop.quit();
    });
    order.push_back(2);
  });
  loop.run_until(loop.now() + 5s, stop);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

}  // namespace
}  // namespace mprecover::netns
