// The sim backend's cost: wall time of the MPTCP model against plain ns-3 TCP on the same
// topology and traffic. Target: model / plain-TCP wall-time ratio at most 1.3.
//
// Both sides run 20 s of simulated time (MPRECOVER_BENCH_SIM_SECONDS overrides it) on the
// scenario topology (WanTopology: client, one router per WAN path, aggregation router, server)
// built from a Scenario made here:
// paths of 50 Mbit/s with 10 ms and 20 ms one-way delay, server link 1 Gbit/s and 1 ms.
//  - BM_PlainTcp/<paths>: one bulk TCP connection per path, each from
//    WanTopology::CreateBoundTcpSocket(path), to one PacketSink on the server. The sender keeps
//    the socket's send buffer full with 16 KiB packets holding real bytes
//    (Create<Packet>(buffer, size)), the way the model hands each DSS record to its subflow:
//    ns-3's BulkSendApplication would send packets without payload bytes, which skips the
//    copying every real byte costs ns-3 and would flatter plain TCP.
//  - BM_MptcpModel/<paths>: one MPTCP connection through MptcpPathManager in USERSPACE mode,
//    initial subflow on path 0, SubflowCreate on every other path once established, to an
//    MptcpServer. What the model does on top of TCP is its cost and is timed: generating the
//    stream's bytes, DSS framing, scheduling, reordering, checking every byte at the server,
//    DATA_ACKs.
// Timed: Simulator::Run() only (manual time); building the topology and Simulator::Destroy()
// are not. Counters: goodput (Mbit/s of simulated time, so that both are seen to carry the
// same traffic) and ns-3 events executed. After the benchmarks, one line per path count gives
// the ratio of the medians of the repetitions of this process; the repetitions of all
// benchmarks are interleaved (--benchmark_enable_random_interleaving, on unless given).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "ns3/inet-socket-address.h"
#include "ns3/packet-sink.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"
#include "backends/sim/helper/wan-topology-helper.h"
#include "backends/sim/model/ip-address.h"
#include "backends/sim/model/mptcp-path-manager.h"
#include "backends/sim/model/mptcp-server.h"

namespace {

using namespace mprecover;
using namespace mprecover::sim;

// Simulated seconds per run; MPRECOVER_BENCH_SIM_SECONDS overrides it (short runs for profiling).
double SimulatedSeconds() {
  static const double seconds = [] {
    const char* value = std::getenv("MPRECOVER_BENCH_SIM_SECONDS");
    return value != nullptr && std::atof(value) > 0 ? std::atof(value) : 20.0;
  }();
  return seconds;
}
constexpr uint16_t kPort = 5201;
constexpr uint32_t kChunk = 16384;  // the model's largest DSS record payload
constexpr int kRepetitions = 5;
constexpr double kTarget = 1.3;

Scenario MakeScenario(int paths) {
  Scenario s;
  s.name = "sim-model-cost";
  s.seed = 1;
  s.server.rate = 1'000'000'000;
  s.server.delay = std::chrono::milliseconds{1};
  for (int i = 0; i < paths; ++i) {
    PathSpec p;
    p.name = "wan" + std::to_string(i);
    p.rate = 50'000'000;
    p.delay = std::chrono::milliseconds{10 * (i + 1)};
    s.paths.push_back(p);
  }
  return s;
}

// Wall seconds of Simulator::Run() per benchmark and path count, for the ratio line.
std::map<std::string, std::map<int, std::vector<double>>>& WallTimes() {
  static std::map<std::string, std::map<int, std::vector<double>>> times;
  return times;
}

// Runs the simulation to SimulatedSeconds(); returns the wall seconds it took.
double RunTimed() {
  ns3::Simulator::Stop(ns3::Seconds(SimulatedSeconds()));
  const auto start = std::chrono::steady_clock::now();
  ns3::Simulator::Run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Report(benchmark::State& state, const char* name, int paths, double wall, uint64_t bytes,
            uint64_t events) {
  state.SetIterationTime(wall);
  WallTimes()[name][paths].push_back(wall);
  state.counters["goodput_Mbps"] = static_cast<double>(bytes) * 8.0 / SimulatedSeconds() / 1e6;
  state.counters["events"] = static_cast<double>(events);
  state.counters["Mevents_per_wall_s"] = static_cast<double>(events) / wall / 1e6;
}

// A bulk sender on one plain TCP socket: keeps the send buffer full of real bytes.
class BulkSender {
 public:
  BulkSender(ns3::Ptr<ns3::Socket> socket, const std::vector<uint8_t>& payload)
      : m_socket(socket), m_payload(payload) {
    m_socket->SetConnectCallback(ns3::MakeCallback(&BulkSender::HandleConnected, this),
                                 ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    m_socket->SetSendCallback(ns3::MakeCallback(&BulkSender::HandleSend, this));
  }
  BulkSender(const BulkSender&) = delete;
  BulkSender& operator=(const BulkSender&) = delete;

  void Connect(const ns3::Address& server) { m_socket->Connect(server); }

 private:
  void HandleConnected(ns3::Ptr<ns3::Socket>) { Fill(); }
  void HandleSend(ns3::Ptr<ns3::Socket>, uint32_t) { Fill(); }
  void Fill() {
    while (m_socket->GetTxAvailable() >= kChunk) {
      m_socket->Send(ns3::Create<ns3::Packet>(m_payload.data(), kChunk));
    }
  }

  ns3::Ptr<ns3::Socket> m_socket;
  const std::vector<uint8_t>& m_payload;
};

struct PlainTcpRun {
  explicit PlainTcpRun(int paths) : topology(MakeScenario(paths)), payload(kChunk) {
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 131 + 7);
    sink = ns3::CreateObject<ns3::PacketSink>();
    sink->SetAttribute("Protocol", ns3::TypeIdValue(ns3::TcpSocketFactory::GetTypeId()));
    sink->SetAttribute("Local", ns3::AddressValue(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), kPort)));
    topology.GetServer()->AddApplication(sink);
  }

  // Called at simulated time 0, once the nodes are initialized.
  void Start() {
    for (PathId p = 0; p < topology.GetPathCount(); ++p) {
      senders.push_back(std::make_unique<BulkSender>(topology.CreateBoundTcpSocket(p), payload));
      senders.back()->Connect(mprecover::sim::IpSocketAddress(topology.GetServerAddress(), kPort));
    }
  }

  WanTopology topology;
  std::vector<uint8_t> payload;
  ns3::Ptr<ns3::PacketSink> sink;
  std::vector<std::unique_ptr<BulkSender>> senders;
};

void BM_PlainTcp(benchmark::State& state) {
  const int paths = static_cast<int>(state.range(0));
  for (auto _ : state) {
    double wall = 0;
    uint64_t bytes = 0;
    uint64_t events = 0;
    {
      PlainTcpRun run(paths);
      ns3::Simulator::Schedule(ns3::Seconds(0), &PlainTcpRun::Start, &run);
      wall = RunTimed();
      bytes = run.sink->GetTotalRx();
      events = ns3::Simulator::GetEventCount();
      ns3::Simulator::Destroy();
    }
    Report(state, "BM_PlainTcp", paths, wall, bytes, events);
  }
}

struct MptcpModelRun {
  explicit MptcpModelRun(int paths)
      : topology(MakeScenario(paths)),
        server(ns3::CreateObject<MptcpServer>(topology.GetServer(), kPort)),
        pathManager(ns3::CreateObject<MptcpPathManager>(
            ns3::MakeCallback(&WanTopology::CreateBoundTcpSocket, &topology),
            mprecover::sim::IpSocketAddress(topology.GetServerAddress(), kPort),
            MptcpPathManager::Mode::USERSPACE, 1)) {
    // As a userspace PM daemon would: a subflow on every other path once established, from an
    // event of its own rather than inside the model's callback.
    pathManager->SetEventCallback([this](const Event& event) {
      if (const auto* established = std::get_if<MptcpEstablished>(&event)) {
        ns3::Simulator::ScheduleNow(&MptcpModelRun::Join, this, established->token);
      }
    });
  }

  // Called at simulated time 0, once the nodes are initialized.
  void Start() { pathManager->Connect(0); }

  void Join(ConnectionToken token) {
    for (PathId p = 1; p < topology.GetPathCount(); ++p) {
      const int error = pathManager->SubflowCreate(token, p);
      if (error != 0) std::fprintf(stderr, "SubflowCreate(path %u) failed: errno %d\n", p, error);
    }
  }

  uint64_t Delivered() const {
    uint64_t bytes = 0;
    for (const auto& connection : server->GetConnections()) bytes += connection->GetReceiver().GetBytesDelivered();
    return bytes;
  }

  bool IntegrityOk() const {
    const auto connections = server->GetConnections();
    return std::all_of(connections.begin(), connections.end(),
                       [](const auto& connection) { return connection->GetReceiver().IsIntegrityOk(); });
  }

  WanTopology topology;
  ns3::Ptr<MptcpServer> server;
  ns3::Ptr<MptcpPathManager> pathManager;
};

void BM_MptcpModel(benchmark::State& state) {
  const int paths = static_cast<int>(state.range(0));
  for (auto _ : state) {
    double wall = 0;
    uint64_t bytes = 0;
    uint64_t events = 0;
    {
      MptcpModelRun run(paths);
      ns3::Simulator::Schedule(ns3::Seconds(0), &MptcpModelRun::Start, &run);
      wall = RunTimed();
      bytes = run.Delivered();
      events = ns3::Simulator::GetEventCount();
      if (!run.IntegrityOk()) state.SkipWithError("the server received corrupted bytes");
      ns3::Simulator::Destroy();
    }
    Report(state, "BM_MptcpModel", paths, wall, bytes, events);
  }
}

BENCHMARK(BM_PlainTcp)->Arg(1)->Arg(2)->Iterations(1)->Repetitions(kRepetitions)
    ->ReportAggregatesOnly(true)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MptcpModel)->Arg(1)->Arg(2)->Iterations(1)->Repetitions(kRepetitions)
    ->ReportAggregatesOnly(true)->UseManualTime()->Unit(benchmark::kMillisecond);

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

void PrintRatios() {
  auto& times = WallTimes();
  for (const auto& [paths, model] : times["BM_MptcpModel"]) {
    const auto plain = times["BM_PlainTcp"].find(paths);
    if (plain == times["BM_PlainTcp"].end() || model.empty() || plain->second.empty()) continue;
    const double m = Median(model);
    const double p = Median(plain->second);
    const double ratio = m / p;
    std::printf("model/plain-TCP wall ratio, %d path%s: %.2f (medians of %zu and %zu runs: %.0f ms / %.0f ms; "
                "target <= %.1f: %s)\n",
                paths, paths == 1 ? "" : "s", ratio, model.size(), plain->second.size(), m * 1e3, p * 1e3,
                kTarget, ratio <= kTarget ? "met" : "NOT met");
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Interleave the repetitions of all benchmarks, so that the machine's drift hits both sides.
  std::vector<char*> args(argv, argv + argc);
  static char interleave[] = "--benchmark_enable_random_interleaving=true";
  const bool given = std::any_of(args.begin(), args.end(), [](const char* a) {
    return std::strncmp(a, "--benchmark_enable_random_interleaving", 38) == 0;
  });
  if (!given) args.insert(args.begin() + 1, interleave);
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  PrintRatios();
  return 0;
}
