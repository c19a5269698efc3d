// The application behind a `rate` flow, which both backends' senders follow.
#include <gtest/gtest.h>

#include "core/network/traffic.h"

namespace mprecover {
namespace {

using std::chrono::milliseconds;

TEST(AppRate, HandsItsBytesOverAtWholeTicks) {
  const AppRate video{8'000'000};  // a megabyte a second: 10 kB a tick
  EXPECT_EQ(video.bytes_made(milliseconds{0}), 0U);
  EXPECT_EQ(video.bytes_made(milliseconds{9}), 0U);
  EXPECT_EQ(video.bytes_made(milliseconds{10}), 10'000U);
  EXPECT_EQ(video.bytes_made(milliseconds{19}), 10'000U);
  EXPECT_EQ(video.bytes_made(std::chrono::seconds{3}), 3'000'000U);
}

TEST(AppRate, MakesMoreAtTheNextTick) {
  EXPECT_EQ(AppRate::next_tick(milliseconds{0}), milliseconds{10});
  EXPECT_EQ(AppRate::next_tick(milliseconds{9}), milliseconds{10});
  EXPECT_EQ(AppRate::next_tick(milliseconds{10}), milliseconds{20});
  const AppRate video{5'000'000};
  for (Duration t : {Duration{0}, Duration{milliseconds{37}}, Duration{123'456'789}}) {
    EXPECT_GT(video.bytes_made(AppRate::next_tick(t)), video.bytes_made(t)) << t.count();
  }
}

}  // namespace
}  // namespace mprecover
