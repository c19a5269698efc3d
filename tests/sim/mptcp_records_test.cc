// The MPTCP model's framing, stream generator and reorder buffer, without a network.
#include "backends/sim/model/mptcp-data-stream.h"
#include "backends/sim/model/mptcp-records.h"
#include "backends/sim/model/mptcp-reorder-buffer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace mprecover::sim
{
namespace
{

/// Writes every record it hears as one line, DSS pieces glued back per record.
class RecordLog : public MptcpRecordSink
{
  public:
    std::vector<std::string> lines;
    std::vector<uint8_t> payload;

    bool OnMpCapable(uint64_t key, PathId addressId) override
    {
        lines.push_back("capable " + std::to_string(key) + " " + std::to_string(addressId));
        return true;
    }
    bool OnMpJoin(ConnectionToken token, PathId addressId) override
    {
        lines.push_back("join " + std::to_string(token) + " " + std::to_string(addressId));
        return true;
    }
    bool OnDssData(uint64_t dsn, const uint8_t* data, uint32_t length) override
    {
        EXPECT_EQ(dsn, m_nextDsn == 0 ? dsn : m_nextDsn) << "pieces of a record are contiguous";
        m_nextDsn = dsn + length;
        payload.insert(payload.end(), data, data + length);
        return true;
    }
    bool OnDataAck(uint64_t dataAck) override
    {
        lines.push_back("ack " + std::to_string(dataAck));
        return true;
    }
    bool OnDataFin(uint64_t dsn) override
    {
        lines.push_back("fin " + std::to_string(dsn));
        return true;
    }
    bool OnRequest(const MptcpRequest& request) override
    {
        lines.push_back(std::string("request ") +
                        std::string(name_of(request.direction)) + " " +
                        (request.bytes ? std::to_string(*request.bytes) : "unlimited") + " " +
                        (request.rate ? std::to_string(request.rate->bits_per_second) : "bulk") +
                        (request.exchange ? " exchange " + std::to_string(request.exchange->first) + " " +
                                                std::to_string(request.exchange->second)
                                          : ""));
        return true;
    }

  private:
    uint64_t m_nextDsn = 0;
};

std::vector<uint8_t>
SampleStream(std::vector<uint8_t>& payload)
{
    std::vector<uint8_t> bytes;
    AppendMpCapable(bytes, 0x0123456789abcdefULL, 0);
    AppendRequest(bytes, {TrafficDirection::download, 5000000, AppRate{4000000}, std::nullopt});
    AppendRequest(bytes, {TrafficDirection::download, std::nullopt, std::nullopt, std::nullopt});
    AppendRequest(bytes, {TrafficDirection::both, std::nullopt, std::nullopt, std::make_pair(1000, 250000)});
    AppendMpJoin(bytes, 0xdeadbeef, 3);
    MptcpDataStream stream(42);
    for (uint64_t dsn = 1000; dsn < 1000 + 3 * 5000; dsn += 5000)
    {
        const std::size_t at = bytes.size();
        bytes.resize(at + MPTCP_DSS_HEADER_SIZE + 5000);
        WriteDssHeader(bytes.data() + at, dsn, 5000);
        stream.Fill(dsn, bytes.data() + at + MPTCP_DSS_HEADER_SIZE, 5000);
        payload.insert(payload.end(),
                       bytes.begin() + static_cast<std::ptrdiff_t>(at + MPTCP_DSS_HEADER_SIZE),
                       bytes.end());
    }
    AppendDataAck(bytes, 1ULL << 40);
    AppendDataFin(bytes, 16000);
    return bytes;
}

TEST(MptcpRecords, ParsesWhateverTheChunking)
{
    std::vector<uint8_t> payload;
    const std::vector<uint8_t> bytes = SampleStream(payload);
    const std::vector<std::string> expected{"capable 81985529216486895 0",
                                            "request download 5000000 4000000",
                                            "request download unlimited bulk",
                                            "request both unlimited bulk exchange 1000 250000",
                                            "join 3735928559 3",
                                            "ack 1099511627776",
                                            "fin 16000"};
    std::mt19937 random(7);
    for (int round = 0; round < 200; ++round)
    {
        RecordLog log;
        MptcpRecordParser parser;
        std::size_t at = 0;
        while (at < bytes.size())
        {
            // Mostly tiny pieces, to cut every header at every place; now and then a big one.
            const std::size_t size = random() % 8 == 0 ? random() % 3000 + 1 : random() % 12 + 1;
            const std::size_t n = std::min(size, bytes.size() - at);
            ASSERT_TRUE(parser.Feed(bytes.data() + at, n, log));
            at += n;
        }
        EXPECT_EQ(log.lines, expected);
        EXPECT_EQ(log.payload, payload);
    }
}

TEST(MptcpRecords, RejectsAnUnknownType)
{
    RecordLog log;
    MptcpRecordParser parser;
    const uint8_t garbage[] = {0x42, 0, 0};
    EXPECT_FALSE(parser.Feed(garbage, sizeof(garbage), log));
}

TEST(MptcpRecords, RejectsARequestOfAnUnknownDirection)
{
    std::vector<uint8_t> bytes;
    AppendRequest(bytes, {TrafficDirection::download, 1, std::nullopt, std::nullopt});
    bytes[1] = 7;
    RecordLog log;
    MptcpRecordParser parser;
    EXPECT_FALSE(parser.Feed(bytes.data(), bytes.size(), log));
    EXPECT_TRUE(log.lines.empty());
}

TEST(MptcpRecords, RejectsAnExchangeWithoutItsSizes)
{
    std::vector<uint8_t> bytes;
    AppendRequest(bytes, {TrafficDirection::both, std::nullopt, std::nullopt, std::make_pair(0, 100)});
    RecordLog log;
    MptcpRecordParser parser;
    EXPECT_FALSE(parser.Feed(bytes.data(), bytes.size(), log));
    EXPECT_TRUE(log.lines.empty());
}

TEST(MptcpRecords, TokenDependsOnTheKey)
{
    EXPECT_EQ(MptcpTokenFromKey(7), MptcpTokenFromKey(7));
    EXPECT_NE(MptcpTokenFromKey(7), MptcpTokenFromKey(8));
}

TEST(MptcpDataStream, AnyRangeMatchesTheWholeStream)
{
    MptcpDataStream stream(99);
    std::vector<uint8_t> whole(1000);
    stream.Fill(0, whole.data(), whole.size());
    std::vector<uint8_t> part(333);
    stream.Fill(101, part.data(), part.size());
    EXPECT_TRUE(std::equal(part.begin(), part.end(), whole.begin() + 101));
    EXPECT_TRUE(stream.Matches(101, part.data(), part.size()));
    part[5] ^= 1;
    EXPECT_FALSE(stream.Matches(101, part.data(), part.size()));
    EXPECT_FALSE(MptcpDataStream(100).Matches(0, whole.data(), whole.size()));
}

TEST(MptcpReorderBuffer, DeliversOneInOrderStreamFromShuffledOverlappingPieces)
{
    MptcpDataStream stream(5);
    std::vector<uint8_t> source(20000);
    stream.Fill(0, source.data(), source.size());
    struct Piece
    {
        uint64_t dsn;
        uint32_t length;
    };
    std::vector<Piece> pieces;
    for (uint64_t dsn = 0; dsn < source.size(); dsn += 700)
    {
        pieces.push_back({dsn, static_cast<uint32_t>(std::min<uint64_t>(700, source.size() - dsn))});
    }
    // Reinjected copies: shifted, overlapping ranges, some already delivered by then.
    for (uint64_t dsn = 350; dsn + 1000 < source.size(); dsn += 3000)
    {
        pieces.push_back({dsn, 1000});
    }
    std::shuffle(pieces.begin(), pieces.end(), std::mt19937(3));

    MptcpReorderBuffer buffer;
    std::vector<uint8_t> delivered;
    for (const Piece& piece : pieces)
    {
        buffer.Insert(piece.dsn,
                      source.data() + piece.dsn,
                      piece.length,
                      [&](uint64_t dsn, const uint8_t* data, uint32_t length) {
                          EXPECT_EQ(dsn, delivered.size());
                          delivered.insert(delivered.end(), data, data + length);
                      });
    }
    EXPECT_EQ(delivered, source);
    EXPECT_EQ(buffer.GetNextDsn(), source.size());
    EXPECT_EQ(buffer.GetBufferedBytes(), 0U);
}

} // namespace
} // namespace mprecover::sim
