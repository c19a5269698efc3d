#include "scenario-run.h"

#include <cstdio>
#include <unistd.h>

#include "sim/model/probe-responder.h"
#include "ns3/inet-socket-address.h"
#include "ns3/simulator.h"

namespace mprecover {
namespace sim {

namespace {

constexpr uint16_t kMptcpPort = 5201;
// How often the byte counters go to timeseries.csv and the metrics, in simulated time.
const ns3::Time kSampleInterval = ns3::MilliSeconds(100);

template <class... F>
struct Overloaded : F...
{
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

ns3::Time ToNs3(Duration d)
{
    return ns3::NanoSeconds(static_cast<uint64_t>(std::max<Duration::rep>(0, d.count())));
}

MptcpPathManager::Mode ModeFor(PathManagerMode mode)
{
    return mode == PathManagerMode::userspace ? MptcpPathManager::Mode::USERSPACE
                                              : MptcpPathManager::Mode::IN_KERNEL;
}

} // namespace

ScenarioRun::ScenarioRun(const Scenario& scenario,
                         const EngineConfig& config,
                         RunRecorder& recorder,
                         const std::atomic<bool>& stop)
    : m_scenario(scenario),
      m_recorder(recorder),
      m_stop(stop),
      // The model offers both of the kernel's path managers; the policy picks.
      m_engine(config, scenario.paths.size(), BackendCapabilities{true}, Instant{}),
      m_topology(scenario),
      m_server(ns3::CreateObject<MptcpServer>(m_topology.GetServer(), kMptcpPort)),
      m_pathManager(ns3::CreateObject<MptcpPathManager>(
          ns3::MakeCallback(&WanTopology::CreateBoundTcpSocket, &m_topology),
          ns3::InetSocketAddress(m_topology.GetServerAddress(), kMptcpPort),
          ModeFor(m_engine.path_manager()),
          scenario.seed)),
      m_prober(ns3::MakeCallback(&WanTopology::CreateBoundSocket, &m_topology),
               m_topology.GetServerAddress()),
      m_outage(scenario.paths.size()),
      m_showProgress(isatty(STDERR_FILENO) != 0)
{
    m_topology.GetServer()->AddApplication(ns3::CreateObject<ProbeResponder>());
    MptcpConnection::Config connection;
    connection.bytesToSend = scenario.traffic.bytes;
    m_pathManager->SetConnectionConfig(connection);
    // Everything observed reaches the engine from an event of its own, never from inside the
    // engine's own call that caused it.
    m_pathManager->SetEventCallback(
        [this](const Event& event) { ns3::Simulator::ScheduleNow(&ScenarioRun::Feed, this, event); });
    m_prober.SetResultCallback(ns3::MakeCallback(&ScenarioRun::OnProbeResult, this));
    m_topology.SetLinkChangeCallback(ns3::MakeCallback(&ScenarioRun::OnLinkChange, this));

    if (m_engine.path_manager() == PathManagerMode::in_kernel)
    {
        // As a router is set up: a `subflow` endpoint on every extra path, limits to match.
        const auto extra = static_cast<uint32_t>(scenario.paths.size() - 1);
        for (PathId p = 1; p < scenario.paths.size(); ++p)
        {
            m_pathManager->AddEndpoint(p, MPTCP_ENDPOINT_SUBFLOW);
        }
        m_pathManager->SetSubflowLimit(extra);
    }
}

Instant ScenarioRun::Now() const
{
    return Instant{Duration{ns3::Simulator::Now().GetNanoSeconds()}};
}

RunOutcome ScenarioRun::Run()
{
    ns3::Simulator::ScheduleNow(&ScenarioRun::OnEngineTimer, this);
    for (const PathEvent& event : m_scenario.events)
    {
        ns3::Simulator::Schedule(ToNs3(event.at), &ScenarioRun::ApplyPathEvent, this, event);
    }
    for (unsigned i = 0; i < m_scenario.traffic.connections; ++i)
    {
        ns3::Simulator::Schedule(ToNs3(m_scenario.traffic.start + m_scenario.traffic.spacing * i),
                                 &ScenarioRun::OpenConnection,
                                 this);
    }
    ns3::Simulator::Schedule(kSampleInterval, &ScenarioRun::Sample, this);
    ns3::Simulator::Stop(ToNs3(m_scenario.duration));
    m_wallStart = m_lastProgress = std::chrono::steady_clock::now();
    ns3::Simulator::Run();
    if (m_showProgress)
    {
        std::fputs("\r\033[K", stderr);
    }
    return RunOutcome{Totals(), Now()};
}

void ScenarioRun::Feed(const Event& event)
{
    m_recorder.event(event, Now());
    m_engine.on_event(event, Now());
    Pump();
}

void ScenarioRun::OnProbeResult(PathId path, uint64_t probeId, bool ok)
{
    Feed(ProbeResult{path, probeId, ok});
}

void ScenarioRun::OnLinkChange(PathId path, LinkChange change)
{
    ns3::Simulator::ScheduleNow(&ScenarioRun::Feed, this, Event{LinkChanged{path, change}});
}

void ScenarioRun::OnEngineTimer()
{
    m_engine.on_timeout(Now());
    Pump();
}

void ScenarioRun::Pump()
{
    const Instant now = Now();
    // Decisions first, then what they led to: the log reads path_up, rebuild_pass, create_subflow.
    while (auto notice = m_engine.poll_notice())
    {
        m_recorder.notice(*notice);
    }
    while (auto action = m_engine.poll_action())
    {
        m_recorder.action(*action, now);
        Carry(*action);
    }
    const Instant deadline = m_engine.next_deadline();
    m_engineTimer.Cancel();
    if (deadline != Instant::max())
    {
        m_engineTimer = ns3::Simulator::Schedule(ToNs3(std::max(deadline, now) - now),
                                                 &ScenarioRun::OnEngineTimer,
                                                 this);
    }
}

void ScenarioRun::Carry(const Action& action)
{
    std::visit(Overloaded{
                   [this](const SendProbe& p) {
                       m_prober.Send(p.path, p.probe_id, p.mode, ToNs3(p.timeout));
                   },
                   [this](const CreateSubflow& c) {
                       const int error = m_pathManager->SubflowCreate(c.token, c.path);
                       // EEXIST: a subflow is there already, nothing to rebuild. Any other
                       // failure is reported as the kernel would: the subflow closed with it.
                       if (error != 0 && error != EEXIST)
                       {
                           ns3::Simulator::ScheduleNow(&ScenarioRun::Feed,
                                                       this,
                                                       Event{MptcpSubClosed{c.token, c.path, error}});
                       }
                   },
                   [this](const DestroySubflow& d) { m_pathManager->SubflowDestroy(d.token, d.path); },
                   [this](const AddEndpoint& e) {
                       m_pathManager->AddEndpoint(e.path, MPTCP_ENDPOINT_SUBFLOW);
                   },
                   [this](const DeleteEndpoint& e) { m_pathManager->DeleteEndpoint(e.path); },
               },
               action);
}

void ScenarioRun::ApplyPathEvent(const PathEvent& event)
{
    m_recorder.path_event(event, Now());
    EndOutage(event.path);
    if (!starts_outage(event.kind))
    {
        return;
    }
    m_outage[event.path] = event.kind;
    switch (event.kind)
    {
    case PathEventKind::blackhole:
        m_topology.SetBlackhole(event.path, true);
        break;
    case PathEventKind::down:
        m_topology.SetLinkDown(event.path);
        break;
    case PathEventKind::reset:
        // A NAT or modem reboot: the path's subflows get a RST, then nothing passes.
        m_pathManager->AbortSubflows(event.path);
        m_topology.SetBlackhole(event.path, true);
        break;
    case PathEventKind::readdress:
        // A PPPoE reconnect: the old address is gone with the subflows that used it (their
        // packets could never be answered again); the new one works once the path is restored.
        m_pathManager->AbortSubflows(event.path);
        m_topology.SetBlackhole(event.path, true);
        m_topology.Readdress(event.path);
        break;
    case PathEventKind::degrade:
        m_topology.Degrade(event.path, event.rate, event.delay, event.loss);
        break;
    case PathEventKind::restore:
    case PathEventKind::up:
        break;
    }
}

void ScenarioRun::EndOutage(PathId path)
{
    const auto kind = m_outage[path];
    m_outage[path].reset();
    if (!kind)
    {
        return;
    }
    switch (*kind)
    {
    case PathEventKind::blackhole:
    case PathEventKind::reset:
    case PathEventKind::readdress:
        m_topology.SetBlackhole(path, false);
        break;
    case PathEventKind::down:
        m_topology.SetLinkUp(path);
        break;
    case PathEventKind::degrade:
        m_topology.RestoreSpec(path);
        break;
    case PathEventKind::restore:
    case PathEventKind::up:
        break;
    }
}

void ScenarioRun::OpenConnection()
{
    // Like every client connection, it starts on the first path (the default route).
    m_pathManager->Connect(0);
}

void ScenarioRun::Sample()
{
    const Instant now = Now();
    for (const auto& connection : m_pathManager->GetConnections())
    {
        const auto received = m_server->GetConnection(connection->GetToken());
        if (!connection->IsEstablished() || !received)
        {
            continue;
        }
        for (PathId p = 0; p < m_scenario.paths.size(); ++p)
        {
            m_recorder.sample(connection->GetToken(),
                              p,
                              received->GetBytesReceivedOnPath(p),
                              connection->IsSubflowEstablished(p),
                              now);
        }
    }
    if (m_stop.load())
    {
        ns3::Simulator::Stop();
        return;
    }
    ShowProgress();
    ns3::Simulator::Schedule(kSampleInterval, &ScenarioRun::Sample, this);
}

void ScenarioRun::ShowProgress()
{
    if (!m_showProgress)
    {
        return;
    }
    const auto wall = std::chrono::steady_clock::now();
    if (wall - m_lastProgress < std::chrono::milliseconds(500))
    {
        return;
    }
    m_lastProgress = wall;
    const double simulated = ns3::Simulator::Now().GetSeconds();
    const double elapsed = std::chrono::duration<double>(wall - m_wallStart).count();
    std::fprintf(stderr,
                 "\r\033[K%s: %.1f of %.0f s simulated, %.1fx real time",
                 m_scenario.name.c_str(),
                 simulated,
                 to_seconds(m_scenario.duration),
                 elapsed > 0 ? simulated / elapsed : 0.0);
}

RunTotals ScenarioRun::Totals() const
{
    RunTotals totals;
    totals.integrity_ok = true;
    for (const auto& connection : m_pathManager->GetConnections())
    {
        totals.bytes_sent += connection->GetBytesSent();
    }
    std::size_t received = 0;
    for (const auto& connection : m_server->GetConnections())
    {
        totals.bytes_delivered += connection->GetBytesDelivered();
        totals.integrity_ok = totals.integrity_ok && connection->IsIntegrityOk();
        ++received;
    }
    if (received != m_scenario.traffic.connections)
    {
        totals.integrity_ok = false;
        totals.notes.push_back(std::to_string(received) + " of " +
                               std::to_string(m_scenario.traffic.connections) +
                               " connections reached the server");
    }
    totals.notes.push_back("sim: MPTCP timing and sequencing are modelled, option encoding and "
                           "coupled congestion control are not");
    return totals;
}

} // namespace sim
} // namespace mprecover
