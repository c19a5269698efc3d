// The receiver's connection-level reordering: pieces of the stream arrive by DSN on any subflow,
// in any order and possibly twice; one in-order stream comes out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace mprecover
{
namespace sim
{

class MptcpReorderBuffer
{
  public:
    /// The DSN of the next byte to deliver: everything below it has been delivered.
    uint64_t GetNextDsn() const
    {
        return m_next;
    }

    /// Bytes held out of order (overlapping copies counted twice).
    std::size_t GetBufferedBytes() const
    {
        return m_buffered;
    }

    /**
     * Call with each piece of payload received. In-order bytes go straight to
     * `deliver(dsn, data, length)` (no copy), followed by whatever they make contiguous;
     * pieces beyond a gap are copied and kept; bytes already delivered are dropped.
     */
    template <typename Deliver>
    void Insert(uint64_t dsn, const uint8_t* data, uint32_t length, Deliver&& deliver)
    {
        const uint64_t end = dsn + length;
        if (end <= m_next)
        {
            return;
        }
        if (dsn > m_next)
        {
            std::vector<uint8_t>& kept = m_pending[dsn];
            if (kept.size() < length)
            {
                m_buffered += length - kept.size();
                kept.assign(data, data + length);
            }
            return;
        }
        const uint64_t skip = m_next - dsn;
        deliver(m_next, data + skip, static_cast<uint32_t>(length - skip));
        m_next = end;
        while (!m_pending.empty() && m_pending.begin()->first <= m_next)
        {
            auto first = m_pending.begin();
            const std::vector<uint8_t>& piece = first->second;
            const uint64_t pieceEnd = first->first + piece.size();
            if (pieceEnd > m_next)
            {
                const uint64_t offset = m_next - first->first;
                deliver(m_next,
                        piece.data() + offset,
                        static_cast<uint32_t>(piece.size() - offset));
                m_next = pieceEnd;
            }
            m_buffered -= piece.size();
            m_pending.erase(first);
        }
    }

  private:
    std::map<uint64_t, std::vector<uint8_t>> m_pending; ///< by DSN, all beyond m_next's gap
    uint64_t m_next = 0;
    std::size_t m_buffered = 0;
};

} // namespace sim
} // namespace mprecover
