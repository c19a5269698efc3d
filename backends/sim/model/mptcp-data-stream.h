// The bytes a bulk connection carries: a deterministic pseudo-random stream that the sender
// generates and the receiver checks, so that integrity is verified end to end.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mprecover
{
namespace sim
{

/**
 * Byte `i` of the stream is a function of (seed, i) only, so any range can be produced or
 * checked on its own, in any order. Works a 64-bit word at a time.
 */
class MptcpDataStream
{
  public:
    explicit MptcpDataStream(uint64_t seed);

    /// Writes the `size` bytes from stream offset `offset` to `out`.
    void Fill(uint64_t offset, uint8_t* out, std::size_t size) const;
    /// True if `data` is the `size` bytes of the stream from offset `offset`.
    bool Matches(uint64_t offset, const uint8_t* data, std::size_t size) const;

  private:
    uint64_t Word(uint64_t index) const;

    uint64_t m_seed;
};

} // namespace sim
} // namespace mprecover
