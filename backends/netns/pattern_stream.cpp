#include "backends/netns/pattern_stream.h"

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
                             std::uint32_t reading)
    : loop_(loop), fd_(fd), limit_(limit), rate_(rate), reading_(reading), started_(loop.now()) {
  loop_.modify(fd_, EPOLLOUT | reading_);
}

void PatternWriter::set_reading(std::uint32_t reading) {
  reading_ = reading;
  if (!done_) loop_.modify(fd_, app_timer_ ? reading_ : EPOLLOUT | reading_);
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
  return rate_ ? rate_->bytes_made(loop_.now() - started_) : UINT64_MAX;
}

void PatternWriter::await_app_data() {
  if (app_timer_) return;
  loop_.modify(fd_, reading_);  // errors and hang-ups are still reported
  app_timer_ = loop_.at(started_ + AppRate::next_tick(loop_.now() - started_), [this] {
    app_timer_.reset();
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

}  // namespace mprecover::netns
