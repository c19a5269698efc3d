#include "backends/netns/bulk_request.h"

namespace mprecover::netns {

namespace {

void put_u64(std::byte* out, std::uint64_t value) {
  for (int i = 7; i >= 0; --i, value >>= 8) out[i] = static_cast<std::byte>(value & 0xff);
}

std::uint64_t get_u64(const std::byte* in) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | std::to_integer<std::uint64_t>(in[i]);
  return value;
}

}  // namespace

std::array<std::byte, kBulkRequestSize> encode_bulk_request(const BulkRequest& request) {
  std::array<std::byte, kBulkRequestSize> out{};
  out[0] = static_cast<std::byte>(request.direction);
  put_u64(&out[1], request.bytes.value_or(0));
  put_u64(&out[9], request.rate ? request.rate->bits_per_second : 0);
  put_u64(&out[17], request.request_bytes);
  put_u64(&out[25], request.response_bytes);
  return out;
}

std::optional<BulkRequest> decode_bulk_request(std::span<const std::byte, kBulkRequestSize> bytes) {
  const auto direction = std::to_integer<unsigned>(bytes[0]);
  if (direction > static_cast<unsigned>(TrafficDirection::both)) return std::nullopt;
  BulkRequest request;
  request.direction = static_cast<TrafficDirection>(direction);
  if (const std::uint64_t n = get_u64(&bytes[1]); n != 0) request.bytes = n;
  if (const std::uint64_t bps = get_u64(&bytes[9]); bps != 0) request.rate = AppRate{bps};
  request.request_bytes = get_u64(&bytes[17]);
  request.response_bytes = get_u64(&bytes[25]);
  // Request/response goes both ways, and needs both sizes.
  if ((request.request_bytes != 0 || request.response_bytes != 0) &&
      (request.direction != TrafficDirection::both || request.request_bytes == 0 || request.response_bytes == 0))
    return std::nullopt;
  return request;
}

}  // namespace mprecover::netns
