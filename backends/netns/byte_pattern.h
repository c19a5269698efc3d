// The bytes every bulk connection sends. Byte o of a stream is byte (o mod 8) of the 64-bit word
// (o / 8) * K, so a receiver checks any byte against its offset alone: data MPTCP lost, duplicated
// or reordered shows up as a mismatch at a known offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace mprecover::netns {

// Fills `out` with the stream's bytes from `offset` on.
void fill_pattern(std::uint64_t offset, std::span<std::byte> out);

// The offset of the first byte of `in` (which starts at `offset`) that differs from the stream,
// or nothing when they all match.
std::optional<std::uint64_t> find_pattern_mismatch(std::uint64_t offset, std::span<const std::byte> in);

}  // namespace mprecover::netns
