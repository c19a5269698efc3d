// The arithmetic both backends' request/response applications run (core/network/request_response.h).
#include <gtest/gtest.h>

#include "core/network/request_response.h"

namespace mprecover {
namespace {

using std::chrono::milliseconds;

Instant at_ms(int ms) { return Instant{milliseconds{ms}}; }

TEST(RequestClient, IssuesARequestAtATimeAndTimesItsWholeResponse) {
  RequestClient client(RequestResponse{2'000, 100'000, milliseconds{100}, std::chrono::seconds{2}});
  EXPECT_EQ(client.issue(at_ms(0)), 2'000U);
  EXPECT_FALSE(client.on_response_bytes(60'000, at_ms(30))) << "part of the response is no answer";
  EXPECT_FALSE(client.on_response_bytes(99'999, at_ms(40)));
  EXPECT_TRUE(client.on_response_bytes(100'000, at_ms(59)));
  EXPECT_FALSE(client.on_response_bytes(100'000, at_ms(70))) << "answered once";
  EXPECT_EQ(client.think(), milliseconds{100});

  EXPECT_EQ(client.issue(at_ms(159)), 4'000U) << "what the application handed over, both requests together";
  EXPECT_FALSE(client.on_response_bytes(150'000, at_ms(180)));
  EXPECT_TRUE(client.on_response_bytes(200'000, at_ms(230)));

  ASSERT_EQ(client.requests().size(), 2U);
  EXPECT_EQ(client.requests()[0].issued, at_ms(0));
  EXPECT_EQ(client.requests()[0].answered, at_ms(59));
  EXPECT_EQ(client.requests()[1].issued, at_ms(159));
  EXPECT_EQ(client.requests()[1].answered, at_ms(230));
}

TEST(RequestClient, ARequestNeverAnsweredStaysOpen) {
  RequestClient client(RequestResponse{1'000, 5'000, {}, std::chrono::seconds{1}});
  client.issue(at_ms(10));
  EXPECT_FALSE(client.on_response_bytes(4'000, at_ms(500)));
  ASSERT_EQ(client.requests().size(), 1U);
  EXPECT_FALSE(client.requests()[0].answered);
}

TEST(ResponseBytesOwed, AnswersEachWholeRequestOnly) {
  EXPECT_EQ(response_bytes_owed(2'000, 100'000, 0), 0U);
  EXPECT_EQ(response_bytes_owed(2'000, 100'000, 1'999), 0U);
  EXPECT_EQ(response_bytes_owed(2'000, 100'000, 2'000), 100'000U);
  EXPECT_EQ(response_bytes_owed(2'000, 100'000, 5'999), 200'000U);
  EXPECT_EQ(response_bytes_owed(2'000, 100'000, 6'000), 300'000U);
}

}  // namespace
}  // namespace mprecover
