// What a bulk client asks of the bulk server (bulk_server.h) right after the server's greeting:
// which way the data flows, the sending application's bytes and rate, and for request/response
// the sizes of its messages. Either end may send.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/network/traffic.h"

namespace mprecover::netns {

struct BulkRequest {
  TrafficDirection direction = TrafficDirection::upload;
  std::optional<std::uint64_t> bytes;  // the sender's; none: until the end of the run
  std::optional<AppRate> rate;         // the sender's application; none: bulk
  // Request/response (direction both): the server answers each `request_bytes` of the client's
  // stream with `response_bytes` of its own (core/network/request_response.h); 0 for other traffic.
  std::uint64_t request_bytes = 0;
  std::uint64_t response_bytes = 0;

  bool operator==(const BulkRequest& other) const {
    return direction == other.direction && bytes == other.bytes &&
           (rate ? rate->bits_per_second : 0) == (other.rate ? other.rate->bits_per_second : 0) &&
           request_bytes == other.request_bytes && response_bytes == other.response_bytes;
  }
};

// On the wire: the direction (0 upload, 1 download, 2 both), then the bytes, the rate in bit/s, the
// request's and the response's bytes as big-endian 64-bit numbers, 0 for none.
constexpr std::size_t kBulkRequestSize = 33;

std::array<std::byte, kBulkRequestSize> encode_bulk_request(const BulkRequest& request);
// Nothing when the bytes are not a request (an unknown direction, sizes of request/response
// traffic on other traffic or only one of them).
std::optional<BulkRequest> decode_bulk_request(std::span<const std::byte, kBulkRequestSize> bytes);

}  // namespace mprecover::netns
