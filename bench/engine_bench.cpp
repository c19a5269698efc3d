// Engine throughput: events handled per second, and the cost of one 10,000-connection rebuild pass.
#include <benchmark/benchmark.h>

#include <cerrno>

#include "engine/engine.h"

namespace {

using namespace mprecover;
using namespace std::chrono_literals;

EngineConfig engine_config() {
  EngineConfig c;
  c.policy.name = "rebuild";
  return c;
}

void drain(Engine& engine) {
  while (auto a = engine.poll_action()) benchmark::DoNotOptimize(*a);
  while (auto n = engine.poll_notice()) benchmark::DoNotOptimize(*n);
}

// The mix a busy backend feeds: subflows of many connections closing with an error and coming
// back on a path that is up, interleaved with probe answers.
void BM_EngineEvents(benchmark::State& state) {
  const auto connections = static_cast<ConnectionToken>(state.range(0));
  Engine engine(engine_config(), 2, {.userspace_pm = true, .daemons = {}}, Instant{});
  Instant now{};
  for (ConnectionToken t = 1; t <= connections; ++t) {
    engine.on_event(MptcpCreated{t, 0}, now);
    engine.on_event(MptcpEstablished{t, 0}, now);
    engine.on_event(MptcpSubEstablished{t, 1}, now);
  }
  drain(engine);
  ConnectionToken token = 1;
  std::int64_t events = 0;
  for (auto _ : state) {
    now += 1us;
    engine.on_event(MptcpSubClosed{token, 1, ECONNRESET}, now);
    engine.on_event(MptcpSubEstablished{token, 1}, now);
    engine.on_event(ProbeResult{0, 0, true}, now);
    engine.on_event(ProbeResult{1, 0, true}, now);
    drain(engine);
    token = token % connections + 1;
    events += 4;
  }
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EngineEvents)->Arg(100)->Arg(10'000);

// Path 1 comes back after an outage with 10,000 connections missing their subflow on it: the time
// of the one pass that issues every CreateSubflow.
void BM_RebuildPass(benchmark::State& state) {
  const auto connections = static_cast<ConnectionToken>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    DetectorConfig detector;
    detector.down_after = 1;
    EngineConfig config = engine_config();
    config.detector = detector;
    Engine engine(config, 2, {.userspace_pm = true, .daemons = {}}, Instant{});
    engine.on_timeout(Instant{});
    drain(engine);
    for (ConnectionToken t = 1; t <= connections; ++t) {
      engine.on_event(MptcpCreated{t, 0}, Instant{});
      engine.on_event(MptcpEstablished{t, 0}, Instant{});
      engine.on_event(MptcpSubClosed{t, 1, ETIMEDOUT}, Instant{});
    }
    // Path 1's first probe times out (down) and its next probe goes out.
    engine.on_timeout(Instant{1s});
    std::uint64_t probe_id = 0;
    while (auto a = engine.poll_action())
      if (const auto* p = std::get_if<SendProbe>(&*a); p && p->path == 1) probe_id = p->probe_id;
    drain(engine);
    state.ResumeTiming();

    engine.on_event(ProbeResult{1, probe_id, true}, Instant{1100ms});
    std::size_t creates = 0;
    while (auto a = engine.poll_action()) if (std::holds_alternative<CreateSubflow>(*a)) ++creates;

    state.PauseTiming();
    if (creates != connections) {
      state.SkipWithError("the pass did not rebuild every connection");
      break;
    }
    drain(engine);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_RebuildPass)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
