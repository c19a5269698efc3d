// Request/response traffic (kind request-response), as HTTP/1.1 keep-alive has it: over one
// long-lived connection the client sends a request, the server answers once the whole request is
// in, and the client sends its next request a think time after the whole response is in. Each
// way's bytes are one continuous stream (the backends' byte pattern, checked as any other), so
// an end tells its messages apart by counting. Sans-I/O: both backends' applications run this.
// C++17-clean, as the network port (the sim compiles it against ns-3's headers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/clock.h"

namespace mprecover {

struct RequestResponse {
  std::uint64_t request_bytes = 1;
  std::uint64_t response_bytes = 1;
  Duration think{};  // from a response's last byte to the next request
  // A request not answered within it has failed, as its user would have given up; the client
  // still waits for the answer, as a keep-alive connection has nothing else to do.
  Duration timeout{};
};

// One request as its client saw it: when its application handed it over, when the last byte of
// its response arrived.
struct RequestTiming {
  Instant issued;
  std::optional<Instant> answered;
  std::size_t group = 0;  // the traffic group of its connection, as the backend reports it
};

// The client's application on one connection.
class RequestClient {
 public:
  explicit RequestClient(const RequestResponse& exchange) : exchange_(exchange) {}

  // Issues the next request at `now`. Returns the request bytes the application has handed to the
  // connection so far, every request together: what its sender may send.
  std::uint64_t issue(Instant now) {
    requests_.push_back(RequestTiming{now, std::nullopt});
    return requests_.size() * exchange_.request_bytes;
  }

  // The response stream has `received` bytes in order at `now`. True when they complete the answer
  // to the request outstanding: the next one is due `think` from now.
  bool on_response_bytes(std::uint64_t received, Instant now) {
    if (requests_.empty() || requests_.back().answered) return false;
    if (received < requests_.size() * exchange_.response_bytes) return false;
    requests_.back().answered = now;
    return true;
  }

  Duration think() const { return exchange_.think; }
  const std::vector<RequestTiming>& requests() const { return requests_; }

 private:
  RequestResponse exchange_;
  std::vector<RequestTiming> requests_;
};

// The server's application: the response bytes it owes once `received` bytes of requests are in,
// every response together (a response for each whole request).
constexpr std::uint64_t response_bytes_owed(std::uint64_t request_bytes, std::uint64_t response_bytes,
                                            std::uint64_t received) {
  return received / request_bytes * response_bytes;
}

}  // namespace mprecover
