#include "backends/netns/pattern_stream.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "backends/netns/byte_pattern.h"

namespace mprecover::netns {

namespace {

constexpr std::size_t kChunk = 64 * 1024;

}  // namespace

PatternWriter::PatternWriter(EventLoop& loop, int fd, std::optional<std::uint64_t> limit, std::optional<AppRate> rate,
                             std::uint32_t reading, bool offered)
    : loop_(loop), fd_(fd), limit_(limit), rate_(rate), reading_(reading), started_(loop.now()) {
  if (offered) offered_ = 0;
  loop_.modify(fd_, EPOLLOUT | reading_);
}

void PatternWriter::set_reading(std::uint32_t reading) {
  reading_ = reading;
  if (!done_) loop_.modify(fd_, idle_ ? reading_ : EPOLLOUT | reading_);
}

void PatternWriter::offer_up_to(std::uint64_t total) {
  if (!offered_ || total <= *offered_) return;
  offered_ = total;
  if (idle_ && !done_) {
    idle_ = false;
    loop_.modify(fd_, EPOLLOUT | reading_);
  }
}

PatternWriter::~PatternWriter() {
  if (app_timer_) loop_.cancel(*app_timer_);
}

int PatternWriter::write_some() {
  if (done_) return 0;
  if (pending_.empty()) {
    std::size_t next = kChunk;
    if (limit_) next = static_cast<std::size_t>(std::min<std::uint64_t>(next, *limit_ - sent_));
    if (next == 0) {
      shutdown(fd_, SHUT_WR);
      done_ = true;
      loop_.modify(fd_, EPOLLIN);
      return 0;
    }
    next = static_cast<std::size_t>(std::min<std::uint64_t>(next, bytes_made() - sent_));
    if (next == 0) {
      await_app_data();
      return 0;
    }
    // Made once and sent from until it is all gone: a full send buffer takes a few KiB per turn.
    buffer_.resize(next);
    fill_pattern(sent_, buffer_);
    pending_ = buffer_;
  }
  const ssize_t n = send(fd_, pending_.data(), pending_.size(), MSG_NOSIGNAL);
  if (n < 0) return errno == EAGAIN ? 0 : errno;
  sent_ += static_cast<std::uint64_t>(n);
  pending_ = pending_.subspan(static_cast<std::size_t>(n));
  return 0;
}

std::uint64_t PatternWriter::bytes_made() const {
  if (offered_) return *offered_;
  return rate_ ? rate_->bytes_made(loop_.now() - started_) : UINT64_MAX;
}

void PatternWriter::await_app_data() {
  if (idle_) return;
  idle_ = true;
  loop_.modify(fd_, reading_);  // errors and hang-ups are still reported
  if (!rate_) return;  // an offering application wakes it with offer_up_to()
  app_timer_ = loop_.at(started_ + AppRate::next_tick(loop_.now() - started_), [this] {
    app_timer_.reset();
    idle_ = false;
    loop_.modify(fd_, EPOLLOUT | reading_);
  });
}

ReadResult read_pattern(int fd, BulkStream& stream) {
  std::array<std::byte, kChunk> buffer;
  const ssize_t n = read(fd, buffer.data(), buffer.size());
  if (n > 0) {
    const auto got = std::span<const std::byte>(buffer.data(), static_cast<std::size_t>(n));
    if (!stream.first_mismatch) stream.first_mismatch = find_pattern_mismatch(stream.bytes, got);
    stream.bytes += static_cast<std::uint64_t>(n);
    return ReadResult::more;
  }
  if (n == 0) {
    stream.complete = true;
    return ReadResult::ended;
  }
  return errno == EAGAIN ? ReadResult::more : ReadResult::failed;
}

PatternDuplex::PatternDuplex(EventLoop& loop, int fd, std::optional<Sending> sending, bool receives)
    : fd_(fd), receives_(receives) {
  // An offering application sends messages, whose last segment must not wait for the ACK of the
  // one before (Nagle): a response's tail would take a round trip more. Request/response servers
  // and clients set it, and the sim's TCP does not wait either.
  const int one = 1;
  if (sending && sending->offered) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (sending)
    writer_.emplace(loop, fd, sending->limit, sending->rate, receives ? std::uint32_t{EPOLLIN} : 0U, sending->offered);
  else
    loop.modify(fd, EPOLLIN);
}

std::optional<int> PatternDuplex::on_ready(std::uint32_t events) {
  const bool writing = writer_ && !writer_->done();
  if (!writing || (receives_ && !received_.complete && (events & EPOLLIN) != 0)) {
    // The other end's stream, or only its end of stream after ours.
    BulkStream discarded;
    BulkStream& stream = receives_ ? received_ : discarded;
    switch (read_pattern(fd_, stream)) {
      case ReadResult::more: break;
      case ReadResult::ended:
        if (!writing) return 0;
        writer_->set_reading(0);  // both ways: the other end's stream is over, ours goes on
        break;
      case ReadResult::failed: return errno;
    }
    if (!writing) return std::nullopt;
  }
  if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
    return error != 0 ? error : ECONNRESET;
  }
  if ((events & EPOLLOUT) == 0) return std::nullopt;
  if (const int error = writer_->write_some(); error != 0) return error;
  return std::nullopt;
}

}  // namespace mprecover::netns
