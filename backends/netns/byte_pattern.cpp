#include "backends/netns/byte_pattern.h"

#include <bit>
#include <cstring>

namespace mprecover::netns {

namespace {

// 2^64 / golden ratio: consecutive words differ in every byte.
constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;

std::uint64_t pattern_word(std::uint64_t word_index) { return word_index * kMultiplier; }

std::byte pattern_byte(std::uint64_t offset) {
  return static_cast<std::byte>(pattern_word(offset >> 3) >> (8 * (offset & 7)));
}

// Byte k of a word is its k-th least significant byte: on a little-endian machine that is the
// word's memory image, so whole words go by memcpy (a thousand bulk connections are gigabits of
// pattern per second; byte by byte, the run's one thread would do little else).
constexpr bool kWordsAreBytes = std::endian::native == std::endian::little;

}  // namespace

void fill_pattern(std::uint64_t offset, std::span<std::byte> out) {
  std::size_t i = 0;
  if constexpr (kWordsAreBytes) {
    for (; i < out.size() && ((offset + i) & 7) != 0; ++i) out[i] = pattern_byte(offset + i);
    for (; i + 8 <= out.size(); i += 8) {
      const std::uint64_t word = pattern_word((offset + i) >> 3);
      std::memcpy(out.data() + i, &word, 8);
    }
  }
  for (; i < out.size(); ++i) out[i] = pattern_byte(offset + i);
}

std::optional<std::uint64_t> find_pattern_mismatch(std::uint64_t offset, std::span<const std::byte> in) {
  std::size_t i = 0;
  if constexpr (kWordsAreBytes) {
    for (; i < in.size() && ((offset + i) & 7) != 0; ++i) {
      if (in[i] != pattern_byte(offset + i)) return offset + i;
    }
    for (; i + 8 <= in.size(); i += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, in.data() + i, 8);
      if (word != pattern_word((offset + i) >> 3)) break;  // the byte loop below finds which
    }
  }
  for (; i < in.size(); ++i) {
    if (in[i] != pattern_byte(offset + i)) return offset + i;
  }
  return std::nullopt;
}

}  // namespace mprecover::netns
