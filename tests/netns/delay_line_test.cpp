// The NFQUEUE delay line: its FIFO schedule (plain arithmetic), then on real topologies: idle
// round trips, each direction's own delay, jitter without reordering, a change while running,
// throughput through a shaped path, and a failure that stops the run.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>
#include <vector>

#include "backends/netns/delay_line.h"
#include "backends/netns/delay_schedule.h"
#include "backends/netns/delay_support.h"
#include "backends/netns/device_names.h"
#include "backends/netns/event_loop.h"
#include "backends/netns/namespace_scope.h"
#include "backends/netns/netns_network.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/path_faults.h"
#include "backends/netns/path_prober.h"
#include "backends/netns/probe_responders.h"
#include "backends/netns/socket_address.h"
#include "backends/netns/topology.h"
#include "test_support.h"

namespace mprecover::netns {
namespace {

using namespace std::chrono_literals;
using test::Fd;
using TimePoint = DelaySchedule::TimePoint;

double ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// --- The schedule (no namespaces needed) ---

TEST(DelaySchedule, WithoutJitterEveryPacketWaitsTheDelay) {
  DelaySchedule schedule(1);
  const TimePoint t0{};
  EXPECT_EQ(schedule.release(t0, {10ms, 0ms}), t0 + 10ms);
  EXPECT_EQ(schedule.release(t0 + 1ms, {10ms, 0ms}), t0 + 11ms);
  // A shorter delay never lets a packet pass the one before it.
  EXPECT_EQ(schedule.release(t0 + 2ms, {1ms, 0ms}), t0 + 11ms);
  EXPECT_EQ(schedule.release(t0 + 20ms, {1ms, 0ms}), t0 + 21ms);
}

TEST(DelaySchedule, JitterSpreadsTheWaitsNeverReordersAndKeepsTheMean) {
  for (const Duration gap : {Duration{10us}, Duration{100us}, Duration{1ms}, Duration{50ms}}) {
    SCOPED_TRACE("packets " + std::to_string(ms(gap)) + " ms apart");
    DelaySchedule schedule(7);
    const LineDelay delay{20ms, 5ms};
    TimePoint previous{};
    Duration shortest = 1h;
    Duration longest{};
    Duration total{};
    // 20 s of packets: a thousand spans of the wandering offset, enough for its mean to settle.
    const auto packets = static_cast<int>(20s / gap);
    for (int i = 0; i < packets; ++i) {
      const TimePoint arrival = TimePoint{} + i * gap;
      const TimePoint release = schedule.release(arrival, delay);
      if (release < previous) ADD_FAILURE() << "packet " << i << " would leave before the one before it";
      previous = release;
      shortest = std::min(shortest, Duration{release - arrival});
      longest = std::max(longest, Duration{release - arrival});
      total += release - arrival;
    }
    EXPECT_GE(shortest, 15ms);
    EXPECT_LT(shortest, 16ms) << "the offset reaches low";
    EXPECT_LE(longest, 25ms);
    EXPECT_GT(longest, 24ms) << "the offset reaches high";
    EXPECT_NEAR(ms(total / packets), 20.0, 0.5) << "FIFO holds nobody back: the mean stays the delay";
  }
}

TEST(DelaySchedule, ANewDelayAppliesToLaterPacketsWithoutReordering) {
  DelaySchedule schedule(3);
  const TimePoint t0{};
  EXPECT_EQ(schedule.release(t0, {30ms, 5ms}) - t0 >= 25ms, true);
  const TimePoint held = schedule.release(t0 + 1ms, {30ms, 5ms});
  EXPECT_GE(schedule.release(t0 + 2ms, {0ms, 0ms}), held) << "behind the packets that wait";
  EXPECT_EQ(schedule.release(t0 + 100ms, {0ms, 0ms}), t0 + 100ms);
}

TEST(DelaySchedule, TheSameSeedGivesTheSameWaits) {
  DelaySchedule a(42);
  DelaySchedule b(42);
  for (int i = 0; i < 100; ++i) {
    const TimePoint arrival = TimePoint{} + i * 1ms;
    EXPECT_EQ(a.release(arrival, {10ms, 3ms}), b.release(arrival, {10ms, 3ms}));
  }
}

// --- On a topology ---

std::optional<std::string> delay_line_unavailable() {
  if (auto why = test::netns_unavailable()) return why;
  if (auto why = nfqueue_unavailable_reason()) return "no NFQUEUE delay line here: " + *why;
  return std::nullopt;
}

#define MPRECOVER_REQUIRE_DELAY_LINE()                 \
  do {                                                 \
    if (auto why = delay_line_unavailable()) {         \
      GTEST_SKIP() << *why;                            \
    }                                                  \
  } while (false)

// The delay line even where the kernel has netem: it is what is tested here.
const DelaySupport kDelayLine{DelayMethod::nfqueue, "the test asks for the NFQUEUE delay line"};
const DelaySupport kNoDelay{DelayMethod::none, "the test asks for no delay"};

// Whether `measured` is the `expected` delay, give or take 5 % and `slack`.
::testing::AssertionResult close_to(Duration measured, Duration expected, Duration slack) {
  const Duration margin = expected / 20 + slack;
  if (measured >= expected - margin && measured <= expected + margin) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "measured " << ms(measured) << " ms, expected " << ms(expected) << " ms +- "
                                       << ms(margin) << " ms";
}

// Pings the server from the client over a path, one ping after the other (the path is idle).
class Pinger {
 public:
  explicit Pinger(Topology& topology)
      : responders_(topology.server(), loop_),
        prober_(
            topology.client(), loop_,
            [&topology](PathId path) { return ProbeSource{client_device(path), topology.client_address_of(path), topology.plan().server_address()}; },
            [this](PathId, std::uint64_t, bool ok) {
              answered_ = ok;
              loop_.quit();
            }) {}

  // The round trips of `count` pings on `path`, shortest first.
  std::vector<Duration> round_trips(PathId path, int count) {
    std::vector<Duration> times;
    for (int i = 0; i < count; ++i) {
      answered_ = false;
      const Instant sent = loop_.now();
      prober_.send(path, static_cast<std::uint64_t>(i), ProbeMode::ping, 2s);
      static const std::atomic<bool> kNoStop{false};
      loop_.run_until(sent + 3s, kNoStop);
      EXPECT_TRUE(answered_) << "ping " << i << " on path " << path;
      if (answered_) times.push_back(loop_.now() - sent);
    }
    std::sort(times.begin(), times.end());
    return times;
  }

 private:
  EventLoop loop_;
  ProbeResponders responders_;
  PathProber prober_;
  bool answered_ = false;
};

Scenario two_paths_10_and_20ms() {
  Scenario scenario = test::small_scenario(2);
  scenario.paths[0].delay = 10ms;
  scenario.paths[1].delay = 20ms;
  scenario.server.delay = 1ms;
  return scenario;
}

TEST(DelayLine, IdleRoundTripsAreTwicePathPlusServerDelay) {
  MPRECOVER_REQUIRE_DELAY_LINE();
  const Scenario scenario = two_paths_10_and_20ms();
  Topology topology(scenario, kDelayLine);
  Pinger pinger(topology);
  for (PathId p = 0; p < 2; ++p) {
    const Duration expected = 2 * (scenario.paths[p].delay + scenario.server.delay);
    const auto times = pinger.round_trips(p, 10);
    ASSERT_FALSE(times.empty());
    std::cout << "path " << p << ": idle round trip min " << ms(times.front()) << " ms, median "
              << ms(times[times.size() / 2]) << " ms (scenario " << ms(expected) << " ms)\n";
    EXPECT_TRUE(close_to(times.front(), expected, 500us)) << "path " << p << ", shortest of 10 pings";
    EXPECT_TRUE(close_to(times[times.size() / 2], expected, 2ms)) << "path " << p << ", median of 10 pings";
  }
}

TEST(DelayLine, WithoutItTheRoundTripsAreTheVethsOwn) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(two_paths_10_and_20ms(), kNoDelay);
  EXPECT_EQ(topology.delay_line(), nullptr);
  const auto times = Pinger(topology).round_trips(1, 5);
  ASSERT_FALSE(times.empty());
  EXPECT_LT(times.front(), 5ms);
}

// UDP datagrams that carry their send time (CLOCK_MONOTONIC, the same clock at both ends) and a
// sequence number: each one's one-way delay, and the order they came in.
struct Datagram {
  std::uint32_t sequence = 0;
  Duration one_way{};
};

Fd udp_socket(const NetworkNamespace& ns, const std::string& address, std::uint16_t port, const std::string& device) {
  NamespaceScope scope(ns);
  Fd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!device.empty()) {
    setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, device.c_str(), static_cast<socklen_t>(device.size()));
  }
  const sockaddr_in sa = inet_address(address, port);
  EXPECT_EQ(bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0) << std::strerror(errno);
  return fd;
}

std::int64_t monotonic_ns() { return std::chrono::steady_clock::now().time_since_epoch().count(); }

void send_datagram(int fd, const std::string& to, std::uint16_t port, std::uint32_t sequence) {
  struct {
    std::uint32_t sequence;
    std::int64_t sent_ns;
  } payload{sequence, monotonic_ns()};
  const sockaddr_in sa = inet_address(to, port);
  EXPECT_EQ(sendto(fd, &payload, sizeof payload, 0, reinterpret_cast<const sockaddr*>(&sa), sizeof sa),
            static_cast<ssize_t>(sizeof payload))
      << std::strerror(errno);
}

// What arrives on `fd` until `count` datagrams are in or nothing comes for `quiet`.
std::vector<Datagram> receive_datagrams(int fd, std::size_t count, std::chrono::milliseconds quiet = 1s) {
  std::vector<Datagram> received;
  pollfd pfd{fd, POLLIN, 0};
  while (received.size() < count && poll(&pfd, 1, static_cast<int>(quiet.count())) == 1) {
    struct {
      std::uint32_t sequence;
      std::int64_t sent_ns;
    } payload{};
    if (recv(fd, &payload, sizeof payload, 0) != static_cast<ssize_t>(sizeof payload)) continue;
    received.push_back({payload.sequence, Duration{monotonic_ns() - payload.sent_ns}});
  }
  return received;
}

constexpr std::uint16_t kUdpPort = 5300;

// Client and server UDP sockets on path 0, and one-way delays both ways.
class OneWay {
 public:
  explicit OneWay(Topology& topology)
      : client_(udp_socket(topology.client(), ipv4_plan.client_address(0), kUdpPort, client_device(0))),
        server_(udp_socket(topology.server(), ipv4_plan.server_address(), kUdpPort, "")) {}

  // Sends `count` datagrams `gap` apart; returns what arrived, in arrival order.
  std::vector<Datagram> to_server(std::size_t count, Duration gap) { return carry(client_, server_, ipv4_plan.server_address(), count, gap); }
  std::vector<Datagram> to_client(std::size_t count, Duration gap) { return carry(server_, client_, ipv4_plan.client_address(0), count, gap); }

  static Duration shortest(const std::vector<Datagram>& datagrams) {
    Duration d = 1h;
    for (const Datagram& g : datagrams) d = std::min(d, g.one_way);
    return d;
  }

 private:
  static std::vector<Datagram> carry(const Fd& from, const Fd& to, const std::string& address, std::size_t count,
                                     Duration gap) {
    std::vector<Datagram> received;
    std::thread reader([&] { received = receive_datagrams(to.get(), count); });
    for (std::uint32_t i = 0; i < count; ++i) {
      send_datagram(from.get(), address, kUdpPort, i);
      std::this_thread::sleep_for(gap);
    }
    reader.join();
    return received;
  }

  Fd client_;
  Fd server_;
};

TEST(DelayLine, EachDirectionHasItsOwnDelay) {
  MPRECOVER_REQUIRE_DELAY_LINE();
  Topology topology(test::small_scenario(1), kDelayLine);
  topology.delay_line()->set_delay(0, Direction::to_server, {30ms, 0ms});
  topology.delay_line()->set_delay(0, Direction::to_client, {5ms, 0ms});
  OneWay udp(topology);
  udp.to_server(1, 0ms);  // neighbours resolved before anything is timed
  udp.to_client(1, 0ms);
  const auto up = udp.to_server(10, 10ms);
  const auto down = udp.to_client(10, 10ms);
  ASSERT_EQ(up.size(), 10U);
  ASSERT_EQ(down.size(), 10U);
  EXPECT_TRUE(close_to(OneWay::shortest(up), 30ms, 500us)) << "client to server";
  EXPECT_TRUE(close_to(OneWay::shortest(down), 5ms, 500us)) << "server to client";
  const auto times = Pinger(topology).round_trips(0, 5);
  ASSERT_FALSE(times.empty());
  EXPECT_TRUE(close_to(times.front(), 35ms, 500us)) << "the round trip is the sum";
}

TEST(DelayLine, JitterVariesTheDelayButKeepsTheOrder) {
  MPRECOVER_REQUIRE_DELAY_LINE();
  Topology topology(test::small_scenario(1), kDelayLine);
  topology.delay_line()->set_delay(0, Direction::to_server, {20ms, 10ms});
  OneWay udp(topology);
  udp.to_server(1, 0ms);
  // A second of datagrams: the offset has 25 targets to wander through.
  constexpr std::size_t kCount = 1000;
  const auto received = udp.to_server(kCount, 1ms);
  ASSERT_EQ(received.size(), kCount) << "none lost";
  Duration shortest = 1h;
  Duration longest{};
  std::size_t out_of_order = 0;
  for (std::size_t i = 0; i < received.size(); ++i) {
    if (received[i].sequence != i) ++out_of_order;
    shortest = std::min(shortest, received[i].one_way);
    longest = std::max(longest, received[i].one_way);
  }
  std::cout << "one way with 20 ms +- 10 ms: " << ms(shortest) << " to " << ms(longest) << " ms\n";
  EXPECT_EQ(out_of_order, 0U) << "datagrams that came in out of order";
  EXPECT_GE(shortest, 10ms) << "no packet leaves before delay - jitter";
  EXPECT_LT(shortest, 17ms) << "the offset reaches low";
  EXPECT_GT(longest, 23ms) << "the offset reaches high";
  EXPECT_LT(longest, 30ms + 20ms) << "nothing waits much beyond delay + jitter (the machine's noise aside)";
}

// Hears what a NetnsNetwork reports; a probe's answer or a failure halts its run.
class PortObserver : public NetworkObserver {
 public:
  explicit PortObserver(NetworkPort& net) : net_(net) { net.observe(*this); }
  void on_network_event(const Event& event) override {
    if (const auto* probe = std::get_if<ProbeResult>(&event)) {
      answered_at = net_.now();
      answered = probe->ok;
      net_.halt();
    }
  }
  void on_network_note(std::string_view what, std::optional<PathId>, std::string_view detail) override {
    notes.push_back(std::string(what) + " " + std::string(detail));
  }
  void on_network_failure(std::string_view reason) override {
    failure = std::string(reason);
    net_.halt();
  }
  void on_traffic_over(std::string_view) override { net_.halt(); }

  // The shortest round trip of `count` pings on `path`, through the port.
  Duration round_trip(PathId path, int count) {
    Duration shortest = 1h;
    for (int i = 0; i < count; ++i) {
      answered = false;
      const Instant sent = net_.now();
      net_.send_probe({path, static_cast<std::uint64_t>(i), ProbeMode::ping, 2s});
      net_.run(sent + 3s);
      EXPECT_TRUE(answered) << "ping " << i;
      if (answered) shortest = std::min(shortest, Duration{answered_at - sent});
    }
    return shortest;
  }

  bool answered = false;
  Instant answered_at{};
  std::vector<std::string> notes;
  std::optional<std::string> failure;

 private:
  NetworkPort& net_;
};

TEST(DelayLine, ADegradeChangesTheDelayWhileRunningAndItsEndRestoresIt) {
  MPRECOVER_REQUIRE_DELAY_LINE();
  MPRECOVER_REQUIRE_MPTCP();
  Scenario scenario = test::small_scenario(1);
  scenario.paths[0].delay = 10ms;
  NetnsNetwork net(scenario, kDelayLine);
  PortObserver observer(net);
  EXPECT_EQ(net.delay_method(), "nfqueue");
  EXPECT_TRUE(net.delay_emulated());
  EXPECT_TRUE(close_to(observer.round_trip(0, 5), 22ms, 500us)) << "as the scenario starts";
  PathShape degraded;
  degraded.delay = 40ms;
  net.shape(0, degraded);
  EXPECT_TRUE(close_to(observer.round_trip(0, 5), 82ms, 500us)) << "degraded";
  net.shape(0, scenario.normal_shape(0));
  EXPECT_TRUE(close_to(observer.round_trip(0, 5), 22ms, 500us)) << "restored";
  EXPECT_NE(std::find(observer.notes.begin(), observer.notes.end(), "delay_set 41000 us each way (path + server delay)"),
            observer.notes.end());
}

// The backend's own bulk MPTCP connection through one path: bits per second over `measure`, after
// `warm_up`, and the delay line's CPU time meanwhile (0 without one).
struct Throughput {
  double bits_per_second = 0;
  Duration delay_line_cpu{};
};

Throughput bulk_throughput(const Scenario& scenario, const DelaySupport& delay, Duration warm_up, Duration measure) {
  NetnsNetwork net(scenario, delay);
  PortObserver observer(net);
  net.open_connection({});
  const auto received = [&net] {
    std::uint64_t bytes = 0;
    for (const ReceivedStream& stream : net.traffic_report().received) bytes += stream.bytes;
    return bytes;
  };
  const auto cpu = [&net] { return net.delay_line() != nullptr ? net.delay_line()->cpu_time() : Duration{}; };
  net.run(net.now() + warm_up);
  const std::uint64_t bytes_before = received();
  const Duration cpu_before = cpu();
  const Instant start = net.now();
  net.run(start + measure);
  const double seconds = to_seconds(net.now() - start);
  EXPECT_FALSE(observer.failure) << *observer.failure;
  return {static_cast<double>(received() - bytes_before) * 8.0 / seconds, cpu() - cpu_before};
}

TEST(DelayLine, ABulkConnectionFillsMostOfA50MbitPathWith20msDelay) {
  MPRECOVER_REQUIRE_DELAY_LINE();
  MPRECOVER_REQUIRE_MPTCP();
  Scenario scenario = test::small_scenario(1, 50'000'000);
  scenario.paths[0].delay = 20ms;
  const Throughput delayed = bulk_throughput(scenario, kDelayLine, 2s, 5s);
  const Throughput plain = bulk_throughput(scenario, kNoDelay, 2s, 5s);
  std::cout << "50 Mbit/s path, one bulk MPTCP connection: " << delayed.bits_per_second / 1e6
            << " Mbit/s with 2 x 21 ms round trip through the delay line (its CPU: "
            << 100.0 * to_seconds(delayed.delay_line_cpu) / 5.0 << " % of a core), " << plain.bits_per_second / 1e6
            << " Mbit/s without it\n";
  EXPECT_GT(delayed.bits_per_second, 35e6);
  EXPECT_LT(delayed.bits_per_second, 52e6) << "the tbf still shapes";
  EXPECT_LT(to_seconds(delayed.delay_line_cpu), 0.5 * 5.0) << "under half a core at 50 Mbit/s";
}

TEST(DelayLine, ItsFailureStopsTheRunWithTheReason) {
  MPRECOVER_REQUIRE_DELAY_LINE();
  MPRECOVER_REQUIRE_MPTCP();
  NetnsNetwork net(test::small_scenario(2), kDelayLine);
  PortObserver observer(net);
  ASSERT_NE(net.delay_line(), nullptr);
  net.open_connection({});
  net.run(net.now() + 500ms);
  ASSERT_FALSE(observer.failure);
  net.delay_line()->inject_failure("reading the NFQUEUE socket in r0: a test broke it");
  const Instant failed = net.now();
  const Instant stopped = net.run(failed + 10s);
  ASSERT_TRUE(observer.failure) << "no failure reported";
  EXPECT_NE(observer.failure->find("a test broke it"), std::string::npos) << *observer.failure;
  EXPECT_NE(observer.failure->find("delay line"), std::string::npos) << *observer.failure;
  EXPECT_LT(stopped - failed, 1s) << "the run stops at once";
  EXPECT_EQ(net.delay_line()->failure(), "reading the NFQUEUE socket in r0: a test broke it");
}

// A crash (here SIGSEGV in the run's own thread while the delay line serves) leaves no namespace,
// hence no NFQUEUE rule or queue: the thread dies with the process, the handler of
// crash_cleanup.h removes the namespaces and the rules go with them.
TEST(DelayLine, ACrashLeavesNoNamespaceRuleOrQueue) {
  MPRECOVER_REQUIRE_DELAY_LINE();
  const std::string ruleset_before = test::run_command("nft list ruleset");
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  if (child == 0) {
    close(pipe_fds[0]);
    Topology topology(test::small_scenario(2), kDelayLine);
    [[maybe_unused]] const auto n = write(pipe_fds[1], topology.stem().c_str(), topology.stem().size());
    close(pipe_fds[1]);
    const rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    raise(SIGSEGV);
    _exit(0);
  }
  close(pipe_fds[1]);
  char stem[256] = {};
  [[maybe_unused]] const auto n = read(pipe_fds[0], stem, sizeof stem - 1);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_NE(stem[0], '\0') << "the child could not build its topology";
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) << "the child died of SIGSEGV";
  for (const auto& name : list_named_namespaces()) {
    EXPECT_FALSE(name.starts_with(std::string(stem) + "-")) << name << " survived the crash";
  }
  remove_namespaces_of(child);  // in case the check above failed
  EXPECT_EQ(test::run_command("nft list ruleset"), ruleset_before) << "the root namespace's ruleset changed";
  EXPECT_EQ(test::run_command("cat /proc/net/netfilter/nfnetlink_queue 2>/dev/null"), "")
      << "a queue is bound in the root namespace";
}

}  // namespace
}  // namespace mprecover::netns
