// What a bulk client asks of the bulk server (bulk_server.h) right after the server's greeting:
// which way the data flows, and the sending application's bytes and rate. Either end may send.
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

  bool operator==(const BulkRequest& other) const {
    return direction == other.direction && bytes == other.bytes &&
           (rate ? rate->bits_per_second : 0) == (other.rate ? other.rate->bits_per_second : 0);
  }
};

// On the wire: the direction (0 upload, 1 download, 2 both), then the bytes and the rate in bit/s as
// big-endian 64-bit numbers, 0 for none.
constexpr std::size_t kBulkRequestSize = 17;

std::array<std::byte, kBulkRequestSize> encode_bulk_request(const BulkRequest& request);
// Nothing when the bytes are not a request (an unknown direction).
std::optional<BulkRequest> decode_bulk_request(std::span<const std::byte, kBulkRequestSize> bytes);

}  // namespace mprecover::netns
