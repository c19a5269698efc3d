#include "backends/sim/helper/wan-topology-helper.h"

#include <limits>

#include "ns3/abort.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"
#include "backends/sim/helper/node-ip.h"
#include "backends/sim/model/ip-address.h"
#include "backends/sim/model/linux-tcp-defaults.h"
#include "backends/sim/model/linux-tcp-socket.h"
#include "engine/enum_names.h"

namespace mprecover {
namespace sim {

using namespace ns3;

namespace {

constexpr uint64_t kLanRate = 10'000'000'000; // the client's links to the routers never limit
// A LAN link is a veth pair on Linux: no qdisc, and the peer's backlog takes up to
// net.core.netdev_max_backlog packets. A burst of a thousand SYNs created at once fits.
const char* const kLanQueue = "1000p";

Time
ToTime(Duration d)
{
    NS_ABORT_MSG_IF(d.count() < 0, "WanTopology: negative delay " << d.count() << " ns");
    return NanoSeconds(static_cast<uint64_t>(d.count()));
}

// A bottleneck queue as the netns backend's tbf has it: a byte limit, "N packets" being N
// full-size frames (there N x 1514 bytes of Ethernet, here N x 1502 of PPP), so that a queue
// full of data still takes a SYN or an ACK while a few dozen bytes are free. A drop-tail queue
// of N packets would drop them as it drops data.
ns3::QueueSize
ToNs3(const mprecover::QueueSize& size, const std::string& link)
{
    constexpr uint64_t frameBytes = 1500 + 2;
    const uint64_t bytes =
        size.unit == mprecover::QueueSize::Unit::packets ? size.value * frameBytes : size.value;
    NS_ABORT_MSG_IF(bytes == 0 || bytes > std::numeric_limits<uint32_t>::max(),
                    "WanTopology: " << link << ": queue size " << size.value
                                    << " is out of range");
    return ns3::QueueSize(QueueSizeUnit::BYTES, static_cast<uint32_t>(bytes));
}

// A point-to-point link whose devices queue at most `queue` (drop-tail).
NetDeviceContainer
Link(Ptr<Node> a, Ptr<Node> b, BitRate rate, Duration delay, ns3::QueueSize queue)
{
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(rate)));
    p2p.SetChannelAttribute("Delay", TimeValue(ToTime(delay)));
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(queue));
    return p2p.Install(a, b);
}

Ptr<PointToPointNetDevice>
P2pDevice(const NetDeviceContainer& devices, uint32_t index)
{
    return DynamicCast<PointToPointNetDevice>(devices.Get(index));
}

} // namespace

// Addressing plan (core/network/address_plan.h), for path i with n = i + 1, on IPv4 (shown),
// IPv6 (2001:db8:1:n::/64, 2001:db8:2:n::/64, 2001:db8:3::/64, the same host numbers) or both:
//
//              10.1.n.0/24                   10.2.n.0/24                    10.3.0.0/24
//   client ───────────────── router[i] ───────────────────── aggregation ──────────────── server
//     10.1.n.1               .254    .1      WAN hop: path i's    .2     .1   server       .2
//     (.2, .3, … after each          rate, delay, loss, queue          link: rate,
//      readdress)                    (both ways)                       delay
//   LAN link: 10 Gbit/s, no delay, 1000-packet queues; the client's end has Linux's carrier and
//   neighbour (ARP, NDP) behaviour (NeighbourQueueDisc).
//
// Every node runs the network's families (one, or both on a dual network, each link then having
// an address of each), and everything below is done for each family. Routing is static. The
// client routes by source address (SourceAddressRouting over static routing that only holds the
// connected routes).
// Router[i] routes the server's subnet to the aggregation router, which routes path i's LAN to
// router[i]; the server's default route goes to the aggregation router. The routers have no
// default route: while the client's link is down, a packet for it dies at router[i] instead of
// looping over the WAN hop until its TTL runs out. No node but the routers forwards.
WanTopology::WanTopology(const Scenario& scenario)
    : m_connectionFamily(connection_family(scenario.family)),
      m_families(network_families(scenario.family))
{
    NS_ABORT_MSG_IF(scenario.paths.empty() || scenario.paths.size() > max_paths,
                    "WanTopology: scenario " << scenario.name << " has " << scenario.paths.size()
                                             << " paths; 1 to " << max_paths << " are supported");
    RngSeedManager::SetRun(scenario.seed);
    ConfigureLinuxTcpDefaults(m_connectionFamily);

    m_client = CreateObject<Node>();
    m_aggregation = CreateObject<Node>();
    m_server = CreateObject<Node>();

    NodeIp::InstallSourceRouted(m_client, m_families);
    NodeIp::Install(m_aggregation, m_families, true);
    NodeIp::Install(m_server, m_families, false);

    const auto serverLink = Link(m_aggregation,
                                 m_server,
                                 scenario.server.rate,
                                 scenario.server.delay,
                                 ToNs3(mprecover::QueueSize{}, "the server link"));
    for (IpFamily family : m_families)
    {
        const AddressPlan& plan = address_plan(family);
        const Address aggregationAddress = IpAddressFromText(plan.aggregation_server_address());
        NodeIp(m_aggregation, family).AddInterface(serverLink.Get(0), aggregationAddress);
        const Address serverAddress = IpAddressFromText(plan.server_address());
        m_serverAddresses[family] = serverAddress;
        NodeIp server(m_server, family);
        server.SetDefaultRoute(aggregationAddress, server.AddInterface(serverLink.Get(1), serverAddress));
    }

    for (PathId id = 0; id < scenario.paths.size(); ++id)
    {
        BuildPath(id, scenario.paths[id]);
    }
    AssignStreams(0);
    // Traffic control takes up its queue discs when the node is initialized, in the
    // simulation's first instant otherwise: the client's sockets may send before that.
    m_client->Initialize();
}

void
WanTopology::BuildPath(PathId id, const PathSpec& spec)
{
    Path path;
    path.spec = spec;
    path.rate = spec.rate;
    path.delay = spec.delay;
    path.loss = spec.loss;
    path.router = CreateObject<Node>();
    NodeIp::Install(path.router, m_families, true);

    const auto lan = Link(m_client, path.router, kLanRate, Duration{}, ns3::QueueSize(kLanQueue));
    path.clientDevice = P2pDevice(lan, 0);
    path.neighbour = NeighbourQueueDisc::Install(path.clientDevice);
    // The path's queue sits on both ends of the WAN hop: it is the bottleneck either way.
    const auto wan =
        Link(path.router, m_aggregation, spec.rate, spec.delay, ToNs3(spec.queue, "path " + spec.name));
    path.routerWanDevice = P2pDevice(wan, 0);
    path.aggregationWanDevice = P2pDevice(wan, 1);
    path.wanChannel = DynamicCast<PointToPointChannel>(path.routerWanDevice->GetChannel());
    for (IpFamily family : m_families)
    {
        path.ip[family] = AddressPath(id, family, path, lan.Get(1));
    }

    // Loss (and blackholes) on the receiving end of the WAN hop, in both directions.
    for (auto* errors : {&path.routerWanErrors, &path.aggregationWanErrors})
    {
        *errors = CreateObject<RateErrorModel>();
        (*errors)->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
    }
    path.routerWanDevice->SetReceiveErrorModel(path.routerWanErrors);
    path.aggregationWanDevice->SetReceiveErrorModel(path.aggregationWanErrors);
    ApplyErrorRate(path);
    m_paths.push_back(path);
}

WanTopology::PathIp
WanTopology::AddressPath(PathId id, IpFamily family, const Path& path, Ptr<NetDevice> routerLan)
{
    const AddressPlan& plan = address_plan(family);
    NodeIp client(m_client, family);
    NodeIp router(path.router, family);
    NodeIp aggregation(m_aggregation, family);
    PathIp ip;
    ip.clientAddress = IpAddressFromText(plan.client_address(id));
    ip.clientInterface = client.AddInterface(path.clientDevice, ip.clientAddress);
    ip.routerLanAddress = IpAddressFromText(plan.router_lan_address(id));
    ip.routerLanInterface = router.AddInterface(routerLan, ip.routerLanAddress);
    const Address routerWanAddress = IpAddressFromText(plan.router_wan_address(id));
    const Address aggregationWanAddress = IpAddressFromText(plan.aggregation_wan_address(id));
    const uint32_t routerWanInterface = router.AddInterface(path.routerWanDevice, routerWanAddress);
    const uint32_t aggregationWanInterface =
        aggregation.AddInterface(path.aggregationWanDevice, aggregationWanAddress);

    router.AddNetworkRoute(plan.server_subnet(), aggregationWanAddress, routerWanInterface);
    aggregation.AddNetworkRoute(plan.lan_subnet(id), routerWanAddress, aggregationWanInterface);
    client.AddSourceGateway(ip.clientInterface, ip.routerLanAddress);
    return ip;
}

Ptr<Node>
WanTopology::GetClient() const
{
    return m_client;
}

Ptr<Node>
WanTopology::GetServer() const
{
    return m_server;
}

uint32_t
WanTopology::GetPathCount() const
{
    return static_cast<uint32_t>(m_paths.size());
}

Ptr<NetDevice>
WanTopology::GetClientDevice(PathId path) const
{
    return At(path, "GetClientDevice").clientDevice;
}

const std::vector<IpFamily>&
WanTopology::GetFamilies() const
{
    return m_families;
}

Address
WanTopology::GetClientAddress(PathId path) const
{
    return GetClientAddress(path, m_connectionFamily);
}

Address
WanTopology::GetClientAddress(PathId path, IpFamily family) const
{
    const Path& p = At(path, "GetClientAddress");
    NS_ABORT_MSG_IF(p.ip.count(family) == 0,
                    "WanTopology: GetClientAddress: the network has no " << name_of(family));
    return p.ip.at(family).clientAddress;
}

Address
WanTopology::GetServerAddress() const
{
    return GetServerAddress(m_connectionFamily);
}

Address
WanTopology::GetServerAddress(IpFamily family) const
{
    NS_ABORT_MSG_IF(m_serverAddresses.count(family) == 0,
                    "WanTopology: GetServerAddress: the network has no " << name_of(family));
    return m_serverAddresses.at(family);
}

Ptr<Socket>
WanTopology::CreateBoundSocket(PathId path, TypeId socketFactory) const
{
    const Path& p = At(path, "CreateBoundSocket");
    const Address& address = p.ip.at(m_connectionFamily).clientAddress;
    // Every TCP socket behaves as Linux's (LinuxTcpSocket), not only those of the MPTCP model.
    auto socket = socketFactory == TcpSocketFactory::GetTypeId()
                      ? CreateLinuxTcpSocket(m_client)
                      : Socket::CreateSocket(m_client, socketFactory);
    NS_ABORT_MSG_IF(socket->Bind(IpSocketAddress(address, 0)) != 0,
                    "WanTopology: binding a socket to " << IpAddressToText(address) << " on path "
                                                        << p.spec.name << " failed");
    socket->BindToNetDevice(p.clientDevice);
    return socket;
}

Ptr<Socket>
WanTopology::CreateBoundTcpSocket(PathId path) const
{
    return CreateBoundSocket(path, TcpSocketFactory::GetTypeId());
}

int64_t
WanTopology::AssignStreams(int64_t stream)
{
    int64_t used = 0;
    for (Path& path : m_paths)
    {
        used += path.routerWanErrors->AssignStreams(stream + used);
        used += path.aggregationWanErrors->AssignStreams(stream + used);
    }
    return used;
}

void
WanTopology::SetLinkChangeCallback(LinkChangeCallback callback)
{
    m_linkChange = callback;
}

void
WanTopology::SetBlackhole(PathId path, bool on)
{
    Path& p = At(path, "SetBlackhole");
    p.blackhole = on;
    ApplyErrorRate(p);
}

// As on Linux, the client keeps its interface and routes when the carrier goes (sockets send
// and connect as before, and what they send waits in the neighbour queue: NeighbourQueueDisc);
// the router's end goes down, so that nothing reaches the client either. ns-3's static routing
// drops the routes of an interface that goes down and, when it comes back, re-creates only its
// connected route: all the router's LAN interface carries.
void
WanTopology::SetLinkDown(PathId path)
{
    Path& p = At(path, "SetLinkDown");
    if (!p.neighbour->HasCarrier())
    {
        return;
    }
    p.neighbour->SetCarrier(false);
    for (const auto& [family, ip] : p.ip)
    {
        NodeIp(p.router, family).SetDown(ip.routerLanInterface);
    }
    Notify(path, LinkChange::carrier_down);
}

void
WanTopology::SetLinkUp(PathId path)
{
    Path& p = At(path, "SetLinkUp");
    if (p.neighbour->HasCarrier())
    {
        return;
    }
    for (const auto& [family, ip] : p.ip)
    {
        NodeIp(p.router, family).SetUp(ip.routerLanInterface, {ip.routerLanAddress});
    }
    p.neighbour->SetCarrier(true);
    Notify(path, LinkChange::carrier_up);
}

void
WanTopology::Degrade(PathId path,
                     std::optional<BitRate> rate,
                     std::optional<Duration> delay,
                     std::optional<Ratio> loss)
{
    Path& p = At(path, "Degrade");
    SetWan(p, rate.value_or(p.rate), delay.value_or(p.delay), loss.value_or(p.loss));
}

void
WanTopology::RestoreSpec(PathId path)
{
    Path& p = At(path, "RestoreSpec");
    SetWan(p, p.spec.rate, p.spec.delay, p.spec.loss);
}

Address
WanTopology::Readdress(PathId path)
{
    Path& p = At(path, "Readdress");
    NS_ABORT_MSG_IF(p.readdresses >= max_readdresses,
                    "WanTopology: Readdress: path " << p.spec.name << " ran out of addresses");
    // Every family's address changes, as when a reconnect brings a new IPv4 lease and a new
    // prefix; the engine hears of the path once (its connections' family). Remove before
    // adding: static routing's NotifyRemoveAddress drops the subnet's connected route, which
    // NotifyAddAddress then re-creates.
    for (auto& [family, ip] : p.ip)
    {
        NodeIp(m_client, family).RemoveAddress(ip.clientInterface, ip.clientAddress);
    }
    Notify(path, LinkChange::address_gone);
    ++p.readdresses;
    for (auto& [family, ip] : p.ip)
    {
        ip.clientAddress = IpAddressFromText(address_plan(family).client_address(path, p.readdresses));
        NodeIp(m_client, family).AddAddress(ip.clientInterface, ip.clientAddress);
    }
    Notify(path, LinkChange::address_back);
    return p.ip.at(m_connectionFamily).clientAddress;
}

void
WanTopology::CheckPath(PathId path, const char* action) const
{
    NS_ABORT_MSG_IF(path >= m_paths.size(),
                    "WanTopology: " << action << ": no path " << path << " (the scenario has "
                                    << m_paths.size() << ")");
}

const WanTopology::Path&
WanTopology::At(PathId path, const char* action) const
{
    CheckPath(path, action);
    return m_paths[path];
}

WanTopology::Path&
WanTopology::At(PathId path, const char* action)
{
    CheckPath(path, action);
    return m_paths[path];
}

void
WanTopology::SetWan(Path& path, BitRate rate, Duration delay, Ratio loss)
{
    path.routerWanDevice->SetDataRate(DataRate(rate));
    path.aggregationWanDevice->SetDataRate(DataRate(rate));
    path.wanChannel->SetAttribute("Delay", TimeValue(ToTime(delay)));
    path.rate = rate;
    path.delay = delay;
    path.loss = loss;
    ApplyErrorRate(path);
}

void
WanTopology::ApplyErrorRate(Path& path)
{
    const double rate = path.blackhole ? 1.0 : path.loss;
    path.routerWanErrors->SetRate(rate);
    path.aggregationWanErrors->SetRate(rate);
}

void
WanTopology::Notify(PathId path, LinkChange change)
{
    if (!m_linkChange.IsNull())
    {
        m_linkChange(path, change);
    }
}

} // namespace sim
} // namespace mprecover
