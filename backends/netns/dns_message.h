// DNS messages (RFC 1035) as far as the health probes need them: a query with one question, and
// an answer with one A record. Both the prober (client side) and the responder (server side) use
// these, so the two agree on the wire format by construction.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace mprecover::netns::dns {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::size_t kHeaderSize = 12;

// A standard query (recursion desired) for the A record of `name`, dotted, with or without the
// final dot ("probe.mprecover."). Throws NetnsError for a name DNS cannot carry (an empty label,
// a label over 63 bytes, over 255 bytes in all).
Bytes make_query(std::uint16_t id, std::string_view name);

// What the responder keeps of a query to answer it.
struct Query {
  std::uint16_t id = 0;
  bool recursion_desired = false;
  Bytes question;  // QNAME, QTYPE and QCLASS, as they came
};

// The query in `packet`, or nothing when it is not a standard query (QR clear, opcode 0) with
// exactly one question whose name is uncompressed and complete. Records after the question
// (an EDNS OPT, say) are ignored.
std::optional<Query> parse_query(std::span<const std::uint8_t> packet);

// The answer to `query`: its id, QR and AA set, RD copied, RCODE 0, the question copied back and
// one A record of `address` with TTL 0 (so no resolver on the way caches it).
Bytes make_answer(const Query& query, const std::array<std::uint8_t, 4>& address);

// Whether `packet` is a response (QR set) carrying `id`.
bool is_response_to(std::span<const std::uint8_t> packet, std::uint16_t id);

}  // namespace mprecover::netns::dns
