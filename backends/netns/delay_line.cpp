#include "backends/netns/delay_line.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <utility>

#include "backends/netns/netns_error.h"
#include "backends/netns/network_namespace.h"

namespace mprecover::netns {

namespace {

// Packets one direction of a path may hold; beyond that the kernel drops, as a router's full
// queue does. 1 Gbit/s of 1514-byte packets for 50 ms is ~4,100; GSO packets are up to 64 KiB.
constexpr std::uint32_t kMaxHeldPackets = 8192;
// The thread's timer slack (the default is 50 us): verdicts go out close to their time.
constexpr unsigned long kTimerSlackNs = 1000;
constexpr std::uint64_t kWakeTag = ~std::uint64_t{0};
constexpr std::uint64_t kTimerTag = kWakeTag - 1;
constexpr int kMaxEvents = 16;

void signal_eventfd(int fd) {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = write(fd, &one, sizeof one);
}

void drain(int fd) {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = read(fd, &count, sizeof count);
}

void watch(int epoll_fd, int fd, std::uint64_t tag) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = tag;
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) throw_errno("watching", "a delay line fd", errno);
}

// The thread takes no asynchronous signal: Ctrl-C and SIGTERM go to the run's own thread. Faults
// stay deliverable, or a crash here would skip the handler that removes the namespaces.
sigset_t asynchronous_signals() {
  sigset_t set;
  sigfillset(&set);
  for (const int fault : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS}) sigdelset(&set, fault);
  return set;
}

}  // namespace

DelayLine::DelayLine(const std::vector<const NetworkNamespace*>& routers, std::uint64_t seed) {
  struct Closer {
    DelayLine& line;
    bool done = false;
    ~Closer() {
      if (done) return;
      for (const int fd : {line.epoll_fd_, line.timer_fd_, line.wake_fd_, line.failure_fd_})
        if (fd >= 0) close(fd);
    }
  } closer{*this};
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw_errno("creating", "the delay line's epoll instance", errno);
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (timer_fd_ < 0) throw_errno("creating", "the delay line's timerfd", errno);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  failure_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0 || failure_fd_ < 0) throw_errno("creating", "the delay line's eventfds", errno);
  watch(epoll_fd_, timer_fd_, kTimerTag);
  watch(epoll_fd_, wake_fd_, kWakeTag);

  for (PathId path = 0; path < routers.size(); ++path) {
    Router router;
    router.socket = std::make_unique<NfqueueSocket>(*routers[path]);
    for (const Direction direction : {Direction::to_server, Direction::to_client}) {
      router.socket->bind(queue_of(direction), kMaxHeldPackets);
      router.lanes.push_back(std::make_unique<Lane>(seed * 64 + path * 2 + queue_of(direction)));
    }
    router.socket->set_nonblocking();
    watch(epoll_fd_, router.socket->fd(), path);
    routers_.push_back(std::move(router));
  }

  const sigset_t blocked = asynchronous_signals();
  sigset_t previous;
  pthread_sigmask(SIG_SETMASK, &blocked, &previous);
  try {
    thread_ = std::thread([this] { serve(); });
    thread_handle_ = thread_.native_handle();
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    throw;
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  closer.done = true;
}

DelayLine::~DelayLine() {
  stop_ = true;
  signal_eventfd(wake_fd_);
  thread_.join();
  routers_.clear();
  for (const int fd : {epoll_fd_, timer_fd_, wake_fd_, failure_fd_}) close(fd);
}

void DelayLine::set_delay(PathId path, Direction direction, const LineDelay& delay) {
  Lane& lane = *routers_.at(path).lanes.at(queue_of(direction));
  lane.delay_ns.store(delay.delay.count(), std::memory_order_relaxed);
  lane.jitter_ns.store(delay.jitter.count(), std::memory_order_relaxed);
}

LineDelay DelayLine::delay(PathId path, Direction direction) const {
  const Lane& lane = *routers_.at(path).lanes.at(queue_of(direction));
  return {Duration{lane.delay_ns.load(std::memory_order_relaxed)}, Duration{lane.jitter_ns.load(std::memory_order_relaxed)}};
}

std::optional<std::string> DelayLine::failure() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failure_;
}

void DelayLine::inject_failure(const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    injected_failure_ = reason;
  }
  signal_eventfd(wake_fd_);
}

Duration DelayLine::cpu_time() const {
  const Duration::rep final_ns = final_cpu_ns_.load();
  if (final_ns >= 0) return Duration{final_ns};
  clockid_t clock{};
  timespec ts{};
  if (pthread_getcpuclockid(thread_handle_, &clock) != 0 ||
      clock_gettime(clock, &ts) != 0) {
    return Duration{final_cpu_ns_.load()};
  }
  return std::chrono::seconds{ts.tv_sec} + std::chrono::nanoseconds{ts.tv_nsec};
}

DelayLine::Counters DelayLine::counters() const { return {packets_.load(), overruns_.load(), gone_.load()}; }

void DelayLine::serve() {
  pthread_setname_np(pthread_self(), "mprecover-delay");
  prctl(PR_SET_TIMERSLACK, kTimerSlackNs);
  try {
    run_loop();
  } catch (const std::exception& e) {
    fail(e.what());
  }
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  final_cpu_ns_ = ts.tv_sec * 1'000'000'000 + ts.tv_nsec;
}

void DelayLine::run_loop() {
  std::array<epoll_event, kMaxEvents> events{};
  for (;;) {
    const int n = epoll_wait(epoll_fd_, events.data(), kMaxEvents, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("waiting in", "the delay line's loop", errno);
    }
    for (int i = 0; i < n; ++i) {
      const std::uint64_t tag = events[static_cast<std::size_t>(i)].data.u64;
      if (tag == kWakeTag) {
        if (!on_wake()) return;
      } else if (tag == kTimerTag) {
        drain(timer_fd_);
      } else {
        receive(routers_.at(tag));
      }
    }
    release_due();
    arm_timer();
  }
}

bool DelayLine::on_wake() {
  drain(wake_fd_);
  if (stop_) return false;
  std::optional<std::string> injected;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    injected = std::exchange(injected_failure_, std::nullopt);
  }
  if (injected) {
    fail(*injected);
    return false;
  }
  return true;
}

void DelayLine::receive(Router& router) {
  ReceiveReport report;
  do {
    arrived_.clear();
    report = router.socket->receive(arrived_);
    overruns_ += report.overruns;
    gone_ += report.gone;
    const auto now = std::chrono::steady_clock::now();
    for (const QueuedPacket& packet : arrived_) {
      if (packet.queue >= router.lanes.size()) {
        throw NetnsError("reading the NFQUEUE socket in", router.socket->namespace_name(),
                         "a packet from queue " + std::to_string(packet.queue) + ", which is not the delay line's");
      }
      Lane& lane = *router.lanes[packet.queue];
      const LineDelay delay{Duration{lane.delay_ns.load(std::memory_order_relaxed)},
                            Duration{lane.jitter_ns.load(std::memory_order_relaxed)}};
      lane.held.push_back({packet.id, lane.schedule.release(now, delay)});
    }
  } while (report.more);
}

void DelayLine::release_due() {
  const auto now = std::chrono::steady_clock::now();
  for (Router& router : routers_) {
    verdicts_.clear();
    for (std::size_t queue = 0; queue < router.lanes.size(); ++queue) {
      std::deque<Held>& held = router.lanes[queue]->held;
      if (held.empty() || held.front().release > now) continue;
      std::uint32_t last = 0;
      std::uint64_t count = 0;
      while (!held.empty() && held.front().release <= now) {
        last = held.front().id;
        held.pop_front();
        ++count;
      }
      verdicts_.push_back({static_cast<std::uint16_t>(queue), last});
      packets_ += count;
    }
    router.socket->accept(verdicts_);
  }
}

void DelayLine::arm_timer() {
  std::optional<DelaySchedule::TimePoint> earliest;
  for (const Router& router : routers_) {
    for (const auto& lane : router.lanes) {
      if (!lane->held.empty() && (!earliest || lane->held.front().release < *earliest)) earliest = lane->held.front().release;
    }
  }
  if (earliest == armed_for_) return;
  itimerspec spec{};  // all zero: disarmed
  if (earliest) {
    // steady_clock is CLOCK_MONOTONIC; an absolute time that has passed fires at once.
    const auto since_boot = std::chrono::duration_cast<std::chrono::nanoseconds>(earliest->time_since_epoch()).count();
    spec.it_value.tv_sec = std::max<std::int64_t>(since_boot, 1) / 1'000'000'000;
    spec.it_value.tv_nsec = std::max<std::int64_t>(since_boot, 1) % 1'000'000'000;
  }
  if (timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
    throw_errno("arming", "the delay line's timerfd", errno);
  }
  armed_for_ = earliest;
}

void DelayLine::fail(const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failure_) return;
    failure_ = reason;
  }
  signal_eventfd(failure_fd_);
}

}  // namespace mprecover::netns
