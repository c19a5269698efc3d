// The MPTCP signalling of the model, carried in-band as framed records in each subflow's byte
// stream instead of TCP options: timing and sequencing are modelled, option encoding is not.
#pragma once

#include "core/network/traffic.h"
#include "engine/ids.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace mprecover
{
namespace sim
{

/**
 * Record layout (integers big-endian):
 *   MP_CAPABLE  [1][key u64][address id u8]       first record of a connection's initial subflow
 *   MP_JOIN     [2][token u32][address id u8]     first record of every further subflow
 *   DSS         [3][dsn u64][length u16][payload] a mapping and the bytes it maps
 *   DATA_ACK    [4][data ack u64]                 the receiver's cumulative connection-level ack
 *   DATA_FIN    [5][dsn u64]                      the stream ends at `dsn`; the FIN takes dsn
 *   REQUEST     [6][direction u8][bytes u64][rate u64]  right behind MP_CAPABLE, when the server
 *               sends (a download, or both ways): what the client asks it to send (bytes: 0 for unlimited; rate: bit/s,
 *               0 for bulk). Without it the server receives, as before downloads existed.
 *   EXCHANGE    [7][direction u8][bytes u64][rate u64][request u64][response u64]  a REQUEST for
 *               request/response traffic: the server answers each `request` bytes of the
 *               client's stream with `response` bytes of its own.
 * The address id is the PathId of the subflow's local address (the kernel's endpoint id).
 */
enum class MptcpRecordType : uint8_t
{
    MP_CAPABLE = 1,
    MP_JOIN = 2,
    DSS = 3,
    DATA_ACK = 4,
    DATA_FIN = 5,
    REQUEST = 6,
    EXCHANGE = 7,
};

/// What a client's application asks of the server's (the netns backend's bulk request, in spirit).
struct MptcpRequest
{
    TrafficDirection direction = TrafficDirection::upload;
    std::optional<uint64_t> bytes; ///< unset: until the run ends
    std::optional<AppRate> rate;   ///< unset: bulk
    /// Request/response (an EXCHANGE record): the bytes of each request and of its response.
    std::optional<std::pair<uint64_t, uint64_t>> exchange;
};

constexpr std::size_t MPTCP_DSS_HEADER_SIZE = 11;
constexpr std::size_t MPTCP_REQUEST_SIZE = 18;
constexpr std::size_t MPTCP_EXCHANGE_SIZE = 34; ///< the longest header
constexpr uint32_t MPTCP_MAX_DSS_PAYLOAD = 0xffff;

/// The connection token of a key (the kernel takes 32 bits of the key's SHA-256; a mix will do).
ConnectionToken MptcpTokenFromKey(uint64_t key);

void AppendMpCapable(std::vector<uint8_t>& out, uint64_t key, PathId addressId);
void AppendMpJoin(std::vector<uint8_t>& out, ConnectionToken token, PathId addressId);
void AppendDataAck(std::vector<uint8_t>& out, uint64_t dataAck);
void AppendDataFin(std::vector<uint8_t>& out, uint64_t dsn);
/// A REQUEST record, or an EXCHANGE record when the request has an exchange.
void AppendRequest(std::vector<uint8_t>& out, const MptcpRequest& request);
/// Writes a DSS header for `length` payload bytes (at most MPTCP_MAX_DSS_PAYLOAD) at `out`,
/// which must hold MPTCP_DSS_HEADER_SIZE bytes; the caller puts the payload right after it.
void WriteDssHeader(uint8_t* out, uint64_t dsn, uint32_t length);

/**
 * Who hears of the records a parser finds. Each handler returns false if the record is not
 * acceptable at this point (a protocol violation): the parser then stops.
 */
class MptcpRecordSink
{
  public:
    virtual ~MptcpRecordSink() = default;
    virtual bool OnMpCapable(uint64_t key, PathId addressId) = 0;
    virtual bool OnMpJoin(ConnectionToken token, PathId addressId) = 0;
    /// Called with each piece of a DSS payload as it arrives: `dsn` is the piece's own.
    virtual bool OnDssData(uint64_t dsn, const uint8_t* data, uint32_t length) = 0;
    virtual bool OnDataAck(uint64_t dataAck) = 0;
    virtual bool OnDataFin(uint64_t dsn) = 0;
    virtual bool OnRequest(const MptcpRequest& request) = 0;
};

/**
 * Splits a subflow's byte stream into records, whatever the chunking: TCP may cut a record
 * anywhere. Payloads are handed over in place, without copying.
 */
class MptcpRecordParser
{
  public:
    /**
     * Call with the bytes read from the subflow, in order. Returns false on an unknown record
     * type or when the sink refused a record; the stream is unusable from then on.
     */
    bool Feed(const uint8_t* data, std::size_t size, MptcpRecordSink& sink);

  private:
    bool Dispatch(MptcpRecordSink& sink);

    uint8_t m_header[MPTCP_EXCHANGE_SIZE] = {};
    std::size_t m_headerHave = 0;
    std::size_t m_headerNeed = 0; ///< 0 while waiting for a type byte
    uint64_t m_payloadDsn = 0;    ///< of the next payload byte
    uint32_t m_payloadLeft = 0;
    bool m_failed = false;
};

} // namespace sim
} // namespace mprecover
