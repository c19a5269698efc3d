#include "sim-network.h"

#include "backends/sim/model/ip-address.h"
#include "backends/sim/model/probe-responder.h"
#include "backends/sim/sim-backend.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <stdexcept>

namespace mprecover
{
namespace sim
{

namespace
{

constexpr uint16_t kMptcpPort = 5201;

std::mutex g_simulatorInUse;

ns3::Time
ToNs3(Duration d)
{
    return ns3::NanoSeconds(static_cast<uint64_t>(std::max<Duration::rep>(0, d.count())));
}

} // namespace

SimulatorSession::SimulatorSession()
    : m_turn(g_simulatorInUse)
{
}

SimulatorSession::~SimulatorSession()
{
    ns3::Simulator::Destroy();
}

SimNetwork::SimNetwork(const Scenario& scenario)
    : m_topology(scenario),
      m_server(ns3::CreateObject<MptcpServer>(m_topology.GetServer(), kMptcpPort)),
      // The model offers both of the kernel's path managers; use_path_manager() picks.
      m_pathManager(ns3::CreateObject<MptcpPathManager>(
          ns3::MakeCallback(&WanTopology::CreateBoundTcpSocket, &m_topology),
          IpSocketAddress(m_topology.GetServerAddress(), kMptcpPort),
          MptcpPathManager::Mode::IN_KERNEL,
          scenario.seed)),
      m_prober(ns3::MakeCallback(&WanTopology::CreateBoundSocket, &m_topology),
               m_topology.GetServerAddress())
{
    m_topology.GetServer()->AddApplication(ns3::CreateObject<ProbeResponder>());
    m_pathManager->SetEventCallback([this](const Event& event) { DeliverLater(event); });
    m_prober.SetResultCallback(PathProber::ResultCallback(
        [this](PathId path, uint64_t probeId, bool ok) { Deliver(ProbeResult{path, probeId, ok}); }));
    m_topology.SetLinkChangeCallback(WanTopology::LinkChangeCallback(
        [this](PathId path, LinkChange change) { DeliverLater(LinkChanged{path, change}); }));
}

SimNetwork::~SimNetwork() = default;

Instant
SimNetwork::now() const
{
    return Instant{Duration{ns3::Simulator::Now().GetNanoSeconds()}};
}

NetworkPort::TimerId
SimNetwork::at(Instant when, std::function<void()> callback)
{
    const TimerId id = ++m_nextTimer;
    const ns3::EventId event =
        ns3::Simulator::Schedule(ToNs3(when - now()), &SimNetwork::Fire, this, id);
    m_timers.emplace(id, std::make_pair(event, std::move(callback)));
    return id;
}

void
SimNetwork::cancel(TimerId timer)
{
    const auto it = m_timers.find(timer);
    if (it == m_timers.end())
    {
        return;
    }
    it->second.first.Cancel();
    m_timers.erase(it);
}

void
SimNetwork::Fire(TimerId timer)
{
    const auto it = m_timers.find(timer);
    if (it == m_timers.end())
    {
        return;
    }
    const std::function<void()> callback = std::move(it->second.second);
    m_timers.erase(it);
    callback();
}

Instant
SimNetwork::run(Instant until)
{
    ns3::Simulator::Stop(ToNs3(until - now()));
    ns3::Simulator::Run();
    return now();
}

void
SimNetwork::halt()
{
    ns3::Simulator::Stop();
}

void
SimNetwork::observe(NetworkObserver& observer)
{
    m_observer = &observer;
}

void
SimNetwork::DeliverLater(const Event& event)
{
    ns3::Simulator::ScheduleNow(&SimNetwork::Deliver, this, event);
}

void
SimNetwork::Deliver(Event event)
{
    if (m_observer != nullptr)
    {
        m_observer->on_network_event(event);
    }
}

void
SimNetwork::set_blackhole(PathId path, bool on)
{
    m_topology.SetBlackhole(path, on);
}

void
SimNetwork::set_link(PathId path, bool up)
{
    if (up)
    {
        m_topology.SetLinkUp(path);
    }
    else
    {
        m_topology.SetLinkDown(path);
    }
}

void
SimNetwork::abort_subflows(PathId path)
{
    m_pathManager->AbortSubflows(path);
}

void
SimNetwork::readdress(PathId path)
{
    const std::string address = IpAddressToText(m_topology.Readdress(path));
    if (m_observer != nullptr)
    {
        m_observer->on_network_note("readdressed", path, address);
    }
}

void
SimNetwork::shape(PathId path, const PathShape& shape)
{
    m_topology.Degrade(path, shape.rate, shape.delay, shape.loss);
}

BackendCapabilities
SimNetwork::capabilities() const
{
    // The model offers both of the kernel's path managers.
    BackendCapabilities caps;
    caps.userspace_pm = true;
    return caps;
}

void
SimNetwork::use_path_manager(PathManagerMode mode)
{
    m_pathManager->SetMode(mode == PathManagerMode::userspace ? MptcpPathManager::Mode::USERSPACE
                                                              : MptcpPathManager::Mode::IN_KERNEL);
}

void
SimNetwork::start_daemon(const std::string& name)
{
    // capabilities() offers no daemon: the engine models one instead.
    throw std::logic_error("the sim backend cannot run " + name);
}

void
SimNetwork::mark_endpoint_backup(PathId path)
{
    // Only a daemon's endpoints are marked, and the sim runs none.
    throw std::logic_error("the sim backend runs no daemon whose endpoint on path " + std::to_string(path) +
                           " it could mark");
}

void
SimNetwork::run_commands(const TrafficCommands& commands)
{
    // Its table entry carries no kind command, so a run refuses such a scenario before this.
    throw std::logic_error("the sim backend cannot run programs such as " + commands.client);
}

void
SimNetwork::set_subflow_limit(std::uint32_t subflows)
{
    m_pathManager->SetSubflowLimit(subflows);
}

void
SimNetwork::add_endpoint(PathId path, bool backup)
{
    // EEXIST: it is there already
    m_pathManager->AddEndpoint(path, MPTCP_ENDPOINT_SUBFLOW | (backup ? MPTCP_ENDPOINT_BACKUP : 0U));
}

void
SimNetwork::delete_endpoint(PathId path)
{
    m_pathManager->DeleteEndpoint(path); // ENOENT: it is gone already
}

int
SimNetwork::create_subflow(ConnectionToken token, PathId path, bool backup)
{
    return m_pathManager->SubflowCreate(token, path, backup);
}

void
SimNetwork::destroy_subflow(ConnectionToken token, PathId path)
{
    m_pathManager->SubflowDestroy(token, path);
}

void
SimNetwork::retire_subflow(ConnectionToken token, PathId path, std::uint16_t port)
{
    m_pathManager->SubflowDestroy(token, path, port);
}

void
SimNetwork::send_probe(const SendProbe& probe)
{
    m_prober.Send(probe.path, probe.probe_id, probe.mode, ToNs3(probe.timeout));
}

void
SimNetwork::open_connection(const ConnectionRequest& request)
{
    MptcpConnection::Config config;
    config.bytesToSend = request.bytes;
    config.appRate = request.rate;
    config.direction = request.direction;
    config.exchange = request.exchange;
    config.offered = request.exchange.has_value();
    m_pathManager->SetConnectionConfig(config);
    // Like every client connection, it starts on the first path (the default route).
    m_groups[m_pathManager->Connect(0)] = request.group;
}

std::vector<SubflowSample>
SimNetwork::sample()
{
    std::vector<SubflowSample> samples;
    const auto paths = m_topology.GetPathCount();
    for (const auto& connection : m_pathManager->GetConnections())
    {
        const auto atServer = m_server->GetConnection(connection->GetToken());
        if (!connection->IsEstablished() || !atServer)
        {
            continue;
        }
        // What the path carried either way: the upload as the server received it, the download
        // as the client did.
        const MptcpReceiver* atClient = connection->GetReceiver();
        for (PathId p = 0; p < paths; ++p)
        {
            samples.push_back({connection->GetToken(),
                               p,
                               atServer->GetReceiver().GetBytesReceivedOnPath(p) +
                                   (atClient != nullptr ? atClient->GetBytesReceivedOnPath(p) : 0),
                               connection->IsSubflowEstablished(p),
                               m_groups.at(connection->GetToken())});
        }
    }
    return samples;
}

std::vector<SubflowDetail>
SimNetwork::subflow_details()
{
    std::vector<SubflowDetail> details;
    const std::string server = IpAddressToText(m_topology.GetServerAddress());
    for (const auto& connection : m_pathManager->GetConnections())
    {
        for (const auto& subflow : connection->GetSubflows())
        {
            if (subflow->GetState() != MptcpSubflow::State::ESTABLISHED)
            {
                continue;
            }
            const uint32_t segment = std::max<uint32_t>(subflow->GetSegmentSize(), 1);
            details.push_back({connection->GetToken(),
                               subflow->GetPath(),
                               IpAddressToText(subflow->GetLocalAddress()),
                               subflow->GetLocalPort(),
                               server,
                               kMptcpPort,
                               subflow->GetBytesAcked() + subflow->GetBytesReceived(),
                               subflow->GetRtt().GetSeconds(),
                               subflow->GetCongestionWindow() / segment,
                               subflow->GetRetransmissions()});
        }
    }
    return details;
}

TrafficReport
SimNetwork::traffic_report() const
{
    TrafficReport report;
    for (const auto& atServer : m_server->GetConnections())
    {
        const ConnectionToken token = atServer->GetToken();
        const auto client = m_pathManager->GetConnection(token);
        const auto add = [&](const MptcpReceiver& received, TrafficDirection direction) {
            ReceivedStream stream;
            stream.connection = std::string(direction == TrafficDirection::upload ? "the connection" : "the download") +
                                " with token " + std::to_string(token);
            stream.bytes = received.GetBytesDelivered();
            stream.complete = received.IsFinished();
            stream.first_mismatch = received.GetFirstMismatch();
            stream.group = m_groups.at(token);
            stream.direction = direction;
            report.received.push_back(stream);
        };
        if (client->GetSender() != nullptr)
        {
            report.bytes_sent += client->GetSender()->GetBytesSent();
            add(atServer->GetReceiver(), TrafficDirection::upload);
        }
        if (client->GetReceiver() != nullptr)
        {
            report.bytes_sent += atServer->GetSender() != nullptr ? atServer->GetSender()->GetBytesSent() : 0;
            add(*client->GetReceiver(), TrafficDirection::download);
        }
    }
    for (const auto& connection : m_pathManager->GetConnections())
    {
        if (const RequestClient* requests = connection->GetRequests())
        {
            for (RequestTiming request : requests->requests())
            {
                request.group = m_groups.at(connection->GetToken());
                report.requests.push_back(request);
            }
        }
    }
    return report;
}

bool
SimNetwork::simulated() const
{
    return true;
}

bool
SimNetwork::delay_emulated() const
{
    return true;
}

std::string
SimNetwork::delay_method() const
{
    return "simulated";
}

std::string
SimNetwork::scheduler() const
{
    return "min-rtt model"; // MptcpPickSubflow: the kernel's default scheduler, in spirit
}

std::vector<std::string>
SimNetwork::notes() const
{
    return {"sim: MPTCP timing and sequencing are modelled, option encoding and coupled congestion "
            "control are not"};
}

std::vector<std::pair<std::string, std::string>>
SimNetwork::run_files() const
{
    return {};
}

} // namespace sim

std::unique_ptr<NetworkPort>
make_sim_network(const Scenario& scenario)
{
    return std::make_unique<sim::SimNetwork>(scenario);
}


} // namespace mprecover
