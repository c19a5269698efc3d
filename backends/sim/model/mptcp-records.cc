#include "mptcp-records.h"

#include <algorithm>

namespace mprecover
{
namespace sim
{
namespace
{

void
PutBigEndian(uint8_t* out, uint64_t value, std::size_t bytes)
{
    for (std::size_t i = 0; i < bytes; ++i)
    {
        out[i] = static_cast<uint8_t>(value >> (8 * (bytes - 1 - i)));
    }
}

uint64_t
GetBigEndian(const uint8_t* in, std::size_t bytes)
{
    uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i)
    {
        value = (value << 8) | in[i];
    }
    return value;
}

void
Append(std::vector<uint8_t>& out, MptcpRecordType type, uint64_t value, std::size_t bytes)
{
    const std::size_t at = out.size();
    out.resize(at + 1 + bytes);
    out[at] = static_cast<uint8_t>(type);
    PutBigEndian(out.data() + at + 1, value, bytes);
}

/// Total header size of a record type, type byte included; 0 for an unknown type.
std::size_t
HeaderSize(uint8_t type)
{
    switch (static_cast<MptcpRecordType>(type))
    {
    case MptcpRecordType::MP_CAPABLE:
        return 10;
    case MptcpRecordType::MP_JOIN:
        return 6;
    case MptcpRecordType::DSS:
        return MPTCP_DSS_HEADER_SIZE;
    case MptcpRecordType::DATA_ACK:
    case MptcpRecordType::DATA_FIN:
        return 9;
    case MptcpRecordType::REQUEST:
        return MPTCP_REQUEST_SIZE;
    case MptcpRecordType::EXCHANGE:
        return MPTCP_EXCHANGE_SIZE;
    }
    return 0;
}

} // namespace

ConnectionToken
MptcpTokenFromKey(uint64_t key)
{
    // splitmix64's finaliser: every key bit reaches the upper half.
    uint64_t z = key + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<ConnectionToken>((z ^ (z >> 31)) >> 32);
}

void
AppendMpCapable(std::vector<uint8_t>& out, uint64_t key, PathId addressId)
{
    Append(out, MptcpRecordType::MP_CAPABLE, key, 8);
    out.push_back(static_cast<uint8_t>(addressId));
}

void
AppendMpJoin(std::vector<uint8_t>& out, ConnectionToken token, PathId addressId)
{
    Append(out, MptcpRecordType::MP_JOIN, token, 4);
    out.push_back(static_cast<uint8_t>(addressId));
}

void
AppendDataAck(std::vector<uint8_t>& out, uint64_t dataAck)
{
    Append(out, MptcpRecordType::DATA_ACK, dataAck, 8);
}

void
AppendDataFin(std::vector<uint8_t>& out, uint64_t dsn)
{
    Append(out, MptcpRecordType::DATA_FIN, dsn, 8);
}

void
AppendRequest(std::vector<uint8_t>& out, const MptcpRequest& request)
{
    const std::size_t at = out.size();
    out.resize(at + (request.exchange ? MPTCP_EXCHANGE_SIZE : MPTCP_REQUEST_SIZE));
    out[at] = static_cast<uint8_t>(request.exchange ? MptcpRecordType::EXCHANGE : MptcpRecordType::REQUEST);
    out[at + 1] = static_cast<uint8_t>(request.direction);
    PutBigEndian(out.data() + at + 2, request.bytes.value_or(0), 8);
    PutBigEndian(out.data() + at + 10, request.rate ? request.rate->bits_per_second : 0, 8);
    if (request.exchange)
    {
        PutBigEndian(out.data() + at + 18, request.exchange->first, 8);
        PutBigEndian(out.data() + at + 26, request.exchange->second, 8);
    }
}

void
WriteDssHeader(uint8_t* out, uint64_t dsn, uint32_t length)
{
    out[0] = static_cast<uint8_t>(MptcpRecordType::DSS);
    PutBigEndian(out + 1, dsn, 8);
    PutBigEndian(out + 9, length, 2);
}

bool
MptcpRecordParser::Feed(const uint8_t* data, std::size_t size, MptcpRecordSink& sink)
{
    std::size_t at = 0;
    while (!m_failed && at < size)
    {
        if (m_payloadLeft > 0)
        {
            const auto n = static_cast<uint32_t>(std::min<std::size_t>(m_payloadLeft, size - at));
            m_failed = !sink.OnDssData(m_payloadDsn, data + at, n);
            m_payloadDsn += n;
            m_payloadLeft -= n;
            at += n;
            continue;
        }
        if (m_headerNeed == 0)
        {
            m_headerNeed = HeaderSize(data[at]);
            if (m_headerNeed == 0)
            {
                m_failed = true;
                break;
            }
        }
        const std::size_t n = std::min(m_headerNeed - m_headerHave, size - at);
        std::copy(data + at, data + at + n, m_header + m_headerHave);
        m_headerHave += n;
        at += n;
        if (m_headerHave == m_headerNeed)
        {
            m_failed = !Dispatch(sink);
            m_headerHave = 0;
            m_headerNeed = 0;
        }
    }
    return !m_failed;
}

bool
MptcpRecordParser::Dispatch(MptcpRecordSink& sink)
{
    switch (static_cast<MptcpRecordType>(m_header[0]))
    {
    case MptcpRecordType::MP_CAPABLE:
        return sink.OnMpCapable(GetBigEndian(m_header + 1, 8), m_header[9]);
    case MptcpRecordType::MP_JOIN:
        return sink.OnMpJoin(static_cast<ConnectionToken>(GetBigEndian(m_header + 1, 4)),
                             m_header[5]);
    case MptcpRecordType::DSS:
        m_payloadDsn = GetBigEndian(m_header + 1, 8);
        m_payloadLeft = static_cast<uint32_t>(GetBigEndian(m_header + 9, 2));
        return true;
    case MptcpRecordType::DATA_ACK:
        return sink.OnDataAck(GetBigEndian(m_header + 1, 8));
    case MptcpRecordType::DATA_FIN:
        return sink.OnDataFin(GetBigEndian(m_header + 1, 8));
    case MptcpRecordType::REQUEST:
    case MptcpRecordType::EXCHANGE: {
        if (m_header[1] > static_cast<uint8_t>(TrafficDirection::both))
        {
            return false;
        }
        MptcpRequest request;
        request.direction = static_cast<TrafficDirection>(m_header[1]);
        if (const uint64_t bytes = GetBigEndian(m_header + 2, 8))
        {
            request.bytes = bytes;
        }
        if (const uint64_t rate = GetBigEndian(m_header + 10, 8))
        {
            request.rate = AppRate{rate};
        }
        if (m_header[0] == static_cast<uint8_t>(MptcpRecordType::EXCHANGE))
        {
            const uint64_t requestBytes = GetBigEndian(m_header + 18, 8);
            const uint64_t responseBytes = GetBigEndian(m_header + 26, 8);
            if (requestBytes == 0 || responseBytes == 0)
            {
                return false;
            }
            request.exchange = std::make_pair(requestBytes, responseBytes);
        }
        return sink.OnRequest(request);
    }
    }
    return false;
}

} // namespace sim
} // namespace mprecover
