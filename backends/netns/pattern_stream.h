// The two ends of a bulk connection's byte stream (byte_pattern.h) on a non-blocking socket that
// the run's event loop watches: the writer, as fast as the socket takes it or at an
// application's rate, and the reader, which counts and checks what arrives. The bulk client and
// the bulk server use both, one per direction.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "backends/netns/event_loop.h"
#include "core/network/traffic.h"

namespace mprecover::netns {

// Writes the pattern on `fd`: `limit` bytes, then shuts the sending side (none: until
// destroyed); with a `rate`, no faster than an application making data at that rate from the
// writer's creation (AppRate, as in the sim's model); `offered`, only what its owner's application
// handed over with offer_up_to() (request/response). Its owner watches `fd` and calls
// write_some() when the loop reports it; the writer sets what the loop waits for: room to
// write and `reading` (EPOLLIN when its owner reads the other way meanwhile, else 0), only
// `reading` while the application has nothing made, input once it is done.
class PatternWriter {
 public:
  PatternWriter(EventLoop& loop, int fd, std::optional<std::uint64_t> limit, std::optional<AppRate> rate,
                std::uint32_t reading = 0, bool offered = false);
  ~PatternWriter();
  PatternWriter(const PatternWriter&) = delete;
  PatternWriter& operator=(const PatternWriter&) = delete;

  // One send (with a thousand connections ready at once, the probes' and the engine's timers get
  // their turn in between: epoll is level-triggered). Returns 0, or the errno that failed it.
  int write_some();
  bool done() const { return done_; }
  // The owner no longer reads (the other way's stream ended) or reads again.
  void set_reading(std::uint32_t reading);
  // An offering application has made `total` bytes, all it handed over so far together.
  void offer_up_to(std::uint64_t total);
  std::uint64_t sent() const { return sent_; }

 private:
  // What the application has made so far; everything for bulk.
  std::uint64_t bytes_made() const;
  // Nothing made to send: stop waiting for room in the socket until the next tick or offer.
  void await_app_data();

  EventLoop& loop_;
  int fd_;
  std::optional<std::uint64_t> limit_;
  std::optional<AppRate> rate_;
  std::optional<std::uint64_t> offered_;  // an offering application: what it handed over
  std::uint32_t reading_;
  Instant started_;
  std::optional<EventLoop::TimerId> app_timer_;
  bool idle_ = false;  // waiting for the application, not for room in the socket
  bool done_ = false;
  std::uint64_t sent_ = 0;
  std::vector<std::byte> buffer_;  // the pattern from the offset of its first byte on
  std::span<std::byte> pending_;   // the part of buffer_ not sent yet
};

// What arrived of a stream.
struct BulkStream {
  std::uint64_t bytes = 0;
  bool complete = false;                        // the sender closed its side (end of stream)
  std::optional<std::uint64_t> first_mismatch;  // offset of the first byte that was not the pattern's
};

// One read from `fd` into `stream` (one per turn of the loop, as the writer writes): more may
// come, the stream ended (`stream.complete` is then set), or the read failed (errno says why).
enum class ReadResult { more, ended, failed };
ReadResult read_pattern(int fd, BulkStream& stream);

// One end of a connection once it carries data, whichever end: writes its own stream when it sends
// (`sending`), reads the other end's, checked when it `receives` (else only to see the other end
// close), until both ways are over. The bulk client and the bulk server run one per connection.
class PatternDuplex {
 public:
  struct Sending {
    std::optional<std::uint64_t> limit;
    std::optional<AppRate> rate;
    bool offered = false;
  };

  PatternDuplex(EventLoop& loop, int fd, std::optional<Sending> sending, bool receives);

  // What the loop reported on `fd`. Nothing while the connection goes on; 0 once both ways are
  // over (the owner closes the socket); an errno when it failed.
  std::optional<int> on_ready(std::uint32_t events);
  // An offering writer's application has made `total` bytes (PatternWriter::offer_up_to).
  void offer_up_to(std::uint64_t total) {
    if (writer_) writer_->offer_up_to(total);
  }
  std::uint64_t sent() const { return writer_ ? writer_->sent() : 0; }
  const BulkStream& received() const { return received_; }

 private:
  int fd_;
  std::optional<PatternWriter> writer_;
  bool receives_;
  BulkStream received_;
};

}  // namespace mprecover::netns
