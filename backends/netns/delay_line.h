// The NFQUEUE delay line: path delay where the kernel has no netem. Every packet a path's router
// forwards waits in one of its two NFQUEUE queues (one per direction; nfqueue_rules.h puts it
// there); a thread of this process learns each packet's id (metadata only, the packet stays in the
// kernel) and lets it go when its delay is up, in the order the packets came: batched verdicts
// from an absolute timerfd.
//
// A thread, not a helper process: it dies with the run, whatever ends it (SIGKILL included), and
// so do its queues (the kernel drops what they held); the rules go with the router namespaces,
// which the run removes (or the next run, after a SIGKILL). There is no process to start, watch,
// reap or find again. It has its own epoll and timerfd and shares nothing with the run's event
// loop but a few atomics, so the driver's timers do not wait for it.
#pragma once

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "backends/netns/delay_schedule.h"
#include "backends/netns/nfqueue_socket.h"
#include "engine/clock.h"
#include "engine/ids.h"

namespace mprecover::netns {

class NetworkNamespace;

enum class Direction : std::uint8_t {
  to_server = 0,  // client to server: what the router receives on its LAN device
  to_client = 1,  // server to client: what the router receives on its WAN device
};

class DelayLine {
 public:
  // The NFQUEUE queue of each direction, in every router namespace.
  static constexpr std::uint16_t queue_of(Direction direction) { return static_cast<std::uint16_t>(direction); }

  // Binds both queues in each router namespace (path i: routers[i]) and starts the thread, every
  // delay 0. Add the rules that feed the queues afterwards: a packet queued while no socket has
  // bound its queue is dropped. `seed` seeds the jitter. Throws NetnsError (binding refused).
  DelayLine(const std::vector<const NetworkNamespace*>& routers, std::uint64_t seed);
  // Stops and joins the thread and closes the queues (the kernel drops what they still hold).
  ~DelayLine();
  DelayLine(const DelayLine&) = delete;
  DelayLine& operator=(const DelayLine&) = delete;

  // From any thread. Packets that arrive from now on get the new delay; those waiting keep their
  // time (and a shorter delay never lets a packet pass one that waits: FIFO).
  void set_delay(PathId path, Direction direction, const LineDelay& delay);
  LineDelay delay(PathId path, Direction direction) const;

  // An eventfd that becomes readable when the line has failed: then failure() says why, and the
  // line lets no packet go any more (its paths are cut off).
  int failure_fd() const { return failure_fd_; }
  std::optional<std::string> failure() const;
  // For tests: the thread fails with `reason` as it would on a socket error.
  void inject_failure(const std::string& reason);

  // The CPU time the thread has used so far.
  Duration cpu_time() const;
  struct Counters {
    std::uint64_t packets = 0;   // let go, every path and direction
    std::uint64_t overruns = 0;  // times notices were lost (socket buffer full); those packets
                                 // leave with the next packet's batch verdict
    std::uint64_t gone = 0;      // batch verdicts that found nothing: the kernel had dropped the
                                 // packets meanwhile (their device went down)
  };
  Counters counters() const;

 private:
  struct Held {
    std::uint32_t id;
    DelaySchedule::TimePoint release;
  };
  // One direction of one path.
  struct Lane {
    explicit Lane(std::uint64_t seed) : schedule(seed) {}
    std::atomic<Duration::rep> delay_ns{0};
    std::atomic<Duration::rep> jitter_ns{0};
    DelaySchedule schedule;  // the thread's only
    std::deque<Held> held;   // the thread's only
  };
  struct Router {
    std::unique_ptr<NfqueueSocket> socket;
    std::vector<std::unique_ptr<Lane>> lanes;  // by Direction
  };

  void serve();
  void run_loop();
  bool on_wake();  // false: stop
  void receive(Router& router);
  void release_due();
  void arm_timer();
  void fail(const std::string& reason);

  std::vector<Router> routers_;
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  int wake_fd_ = -1;
  int failure_fd_ = -1;
  std::optional<DelaySchedule::TimePoint> armed_for_;
  std::vector<QueuedPacket> arrived_;  // the thread's buffer
  std::vector<BatchVerdict> verdicts_;  // the thread's buffer
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> packets_{0};
  std::atomic<std::uint64_t> overruns_{0};
  std::atomic<std::uint64_t> gone_{0};
  std::atomic<Duration::rep> final_cpu_ns_{-1};  // the thread's CPU time, recorded as it ends
  mutable std::mutex mutex_;                     // for the two below
  std::optional<std::string> failure_;
  std::optional<std::string> injected_failure_;
  std::thread thread_;
  pthread_t thread_handle_{};  // for its CPU clock
};

}  // namespace mprecover::netns
