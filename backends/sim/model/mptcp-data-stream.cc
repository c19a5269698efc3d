#include "mptcp-data-stream.h"

#include <algorithm>
#include <cstring>

namespace mprecover
{
namespace sim
{

MptcpDataStream::MptcpDataStream(uint64_t seed)
    : m_seed(seed)
{
}

uint64_t
MptcpDataStream::Word(uint64_t index) const
{
    uint64_t z = m_seed + (index + 1) * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void
MptcpDataStream::Fill(uint64_t offset, uint8_t* out, std::size_t size) const
{
    // Bytes of a word are taken in host order: both ends run in the same process.
    uint64_t index = offset / 8;
    std::size_t skip = offset % 8;
    while (size > 0)
    {
        const uint64_t word = Word(index++);
        const std::size_t n = std::min<std::size_t>(8 - skip, size);
        std::memcpy(out, reinterpret_cast<const uint8_t*>(&word) + skip, n);
        out += n;
        size -= n;
        skip = 0;
    }
}

bool
MptcpDataStream::Matches(uint64_t offset, const uint8_t* data, std::size_t size) const
{
    uint8_t expected[4096];
    while (size > 0)
    {
        const std::size_t n = std::min(size, sizeof(expected));
        Fill(offset, expected, n);
        if (std::memcmp(expected, data, n) != 0)
        {
            return false;
        }
        offset += n;
        data += n;
        size -= n;
    }
    return true;
}

} // namespace sim
} // namespace mprecover
