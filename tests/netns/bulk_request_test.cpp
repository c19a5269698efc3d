// What a bulk client asks of the server: the directions, the sender's bytes and rate, and the sizes
// of request/response messages.
#include "backends/netns/bulk_request.h"

#include <gtest/gtest.h>

namespace mprecover::netns {
namespace {

TEST(BulkRequest, ComesBackAsItWasSent) {
  const BulkRequest requests[] = {
      {},
      {TrafficDirection::download, std::nullopt, std::nullopt},
      {TrafficDirection::download, 5'000'000, AppRate{15'000'000}},
      {TrafficDirection::upload, 1, AppRate{1}},
      {TrafficDirection::both, 2'000'000, AppRate{4'000'000}},
      {TrafficDirection::both, std::nullopt, std::nullopt, 2'000, 100'000},  // request/response
  };
  for (const BulkRequest& request : requests) {
    const auto bytes = encode_bulk_request(request);
    EXPECT_EQ(decode_bulk_request(bytes), request);
  }
}

TEST(BulkRequest, BytesThatAreNoRequestAreRefused) {
  auto bytes = encode_bulk_request({});
  bytes[0] = std::byte{7};
  EXPECT_FALSE(decode_bulk_request(bytes).has_value());
  // Request/response goes both ways and has both sizes.
  EXPECT_FALSE(decode_bulk_request(encode_bulk_request({TrafficDirection::upload, std::nullopt, std::nullopt, 2, 3})));
  EXPECT_FALSE(decode_bulk_request(encode_bulk_request({TrafficDirection::both, std::nullopt, std::nullopt, 0, 3})));
}

}  // namespace
}  // namespace mprecover::netns
