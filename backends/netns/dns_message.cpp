#include "backends/netns/dns_message.h"

#include <string>

#include "backends/netns/netns_error.h"

namespace mprecover::netns::dns {

namespace {

// Header flags (RFC 1035 4.1.1), in the 16-bit word after the id.
constexpr std::uint16_t kFlagResponse = 0x8000;           // QR
constexpr std::uint16_t kOpcodeMask = 0x7800;
constexpr std::uint16_t kFlagAuthoritative = 0x0400;      // AA
constexpr std::uint16_t kFlagRecursionDesired = 0x0100;   // RD

constexpr std::uint16_t kTypeA = 1;
constexpr std::uint16_t kClassInternet = 1;
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxName = 255;
// A compressed name: a pointer to the question's name, right after the header.
constexpr std::uint16_t kPointerToQuestionName = 0xc000 | kHeaderSize;

void put16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

void put32(Bytes& out, std::uint32_t value) {
  put16(out, static_cast<std::uint16_t>(value >> 16));
  put16(out, static_cast<std::uint16_t>(value & 0xffff));
}

std::uint16_t get16(std::span<const std::uint8_t> packet, std::size_t at) {
  return static_cast<std::uint16_t>((packet[at] << 8) | packet[at + 1]);
}

void put_header(Bytes& out, std::uint16_t id, std::uint16_t flags, std::uint16_t answers) {
  put16(out, id);
  put16(out, flags);
  put16(out, 1);        // QDCOUNT
  put16(out, answers);  // ANCOUNT
  put16(out, 0);        // NSCOUNT
  put16(out, 0);        // ARCOUNT
}

}  // namespace

Bytes make_query(std::uint16_t id, std::string_view name) {
  const auto refuse = [&](const std::string& reason) {
    return NetnsError("encoding a DNS query for", "name \"" + std::string(name) + "\"", reason);
  };
  std::string_view rest = name;
  if (rest.ends_with('.')) rest.remove_suffix(1);
  Bytes query;
  put_header(query, id, kFlagRecursionDesired, 0);
  while (!rest.empty()) {
    const std::size_t dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    if (label.empty() || label.size() > kMaxLabel) throw refuse("a label must have 1 to 63 bytes");
    query.push_back(static_cast<std::uint8_t>(label.size()));
    query.insert(query.end(), label.begin(), label.end());
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    if (dot != std::string_view::npos && rest.empty()) throw refuse("a label must have 1 to 63 bytes");
  }
  query.push_back(0);  // the root label
  if (query.size() - kHeaderSize > kMaxName) throw refuse("longer than 255 bytes");
  put16(query, kTypeA);
  put16(query, kClassInternet);
  return query;
}

std::optional<Query> parse_query(std::span<const std::uint8_t> packet) {
  if (packet.size() < kHeaderSize) return std::nullopt;
  const std::uint16_t flags = get16(packet, 2);
  if ((flags & (kFlagResponse | kOpcodeMask)) != 0 || get16(packet, 4) != 1) return std::nullopt;
  // QNAME: labels up to the root label; a length byte of 64 or more is a pointer or reserved.
  std::size_t at = kHeaderSize;
  while (at < packet.size() && packet[at] != 0) {
    if (packet[at] > kMaxLabel) return std::nullopt;
    at += std::size_t{1} + packet[at];
    if (at - kHeaderSize >= kMaxName) return std::nullopt;
  }
  const std::size_t question_end = at + 1 + 4;  // root label, QTYPE, QCLASS
  if (question_end > packet.size()) return std::nullopt;
  Query query;
  query.id = get16(packet, 0);
  query.recursion_desired = (flags & kFlagRecursionDesired) != 0;
  query.question.assign(packet.begin() + kHeaderSize, packet.begin() + static_cast<std::ptrdiff_t>(question_end));
  return query;
}

Bytes make_answer(const Query& query, const std::array<std::uint8_t, 4>& address) {
  const auto flags = static_cast<std::uint16_t>(kFlagResponse | kFlagAuthoritative |
                                                (query.recursion_desired ? kFlagRecursionDesired : 0));
  Bytes answer;
  put_header(answer, query.id, flags, 1);
  answer.insert(answer.end(), query.question.begin(), query.question.end());
  put16(answer, kPointerToQuestionName);
  put16(answer, kTypeA);
  put16(answer, kClassInternet);
  put32(answer, 0);  // TTL
  put16(answer, static_cast<std::uint16_t>(address.size()));
  answer.insert(answer.end(), address.begin(), address.end());
  return answer;
}

bool is_response_to(std::span<const std::uint8_t> packet, std::uint16_t id) {
  return packet.size() >= kHeaderSize && get16(packet, 0) == id && (get16(packet, 2) & kFlagResponse) != 0;
}

}  // namespace mprecover::netns::dns
