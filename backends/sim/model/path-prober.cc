#include "backends/sim/model/path-prober.h"

#include <array>
#include <cstring>
#include <vector>

#include "ns3/ipv4-header.h"
#include "ns3/ipv4-routing-protocol.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6-header.h"
#include "ns3/ipv6-route.h"
#include "ns3/ipv6-routing-protocol.h"
#include "ns3/ipv6.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"
#include "backends/sim/model/ip-address.h"
#include "backends/sim/model/probe-responder.h"

namespace mprecover {
namespace sim {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("PathProber");

namespace {

// The probe id, big-endian, at the start of a UDP probe's payload.
void
WriteId(uint8_t* out, uint64_t id)
{
    for (int i = 7; i >= 0; --i, id >>= 8)
    {
        out[i] = static_cast<uint8_t>(id & 0xff);
    }
}

uint64_t
ReadId(const uint8_t* in)
{
    uint64_t id = 0;
    for (int i = 0; i < 8; ++i)
    {
        id = (id << 8) | in[i];
    }
    return id;
}

// Whether the node's routing (Ipv4 or Ipv6, with its header and address types) has a route
// from `source` through `device` to `destination`.
template <class Ip, class Header, class IpAddress>
bool
RouteExists(Ptr<Node> node, const Address& source, const Address& destination, Ptr<NetDevice> device)
{
    Header header;
    header.SetSource(IpAddress::ConvertFrom(source));
    header.SetDestination(IpAddress::ConvertFrom(destination));
    Socket::SocketErrno error = Socket::ERROR_NOTERROR;
    const auto routing = node->GetObject<Ip>()->GetRoutingProtocol();
    return routing->RouteOutput(nullptr, header, device, error) != nullptr;
}

} // namespace

PathProber::PathProber(SocketFactory sockets, const Address& responder)
    : m_sockets(sockets),
      m_responder(responder)
{
}

// A probe's socket and timer, made unable to report anything more.
void
PathProber::Silence(Probe& probe)
{
    probe.timer.Cancel();
    probe.socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    probe.socket->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                                     MakeNullCallback<void, Ptr<Socket>>());
    probe.socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                    MakeNullCallback<void, Ptr<Socket>>());
}

// The sockets are not closed: the prober may outlive the simulation (Simulator::Destroy), and
// then they are gone already. Without callbacks they report nothing.
PathProber::~PathProber()
{
    for (auto& [key, probe] : m_probes)
    {
        Silence(probe);
    }
}

void
PathProber::SetResultCallback(ResultCallback callback)
{
    m_result = callback;
}

void
PathProber::Send(PathId path, uint64_t probeId, ProbeMode mode, Time timeout)
{
    const bool udp = mode == ProbeMode::ping || mode == ProbeMode::dns;
    Probe probe;
    probe.path = path;
    probe.id = probeId;
    probe.mode = mode;
    probe.socket =
        m_sockets(path, udp ? UdpSocketFactory::GetTypeId() : TcpSocketFactory::GetTypeId());
    Socket* key = PeekPointer(probe.socket);
    probe.timer = Simulator::Schedule(timeout, &PathProber::Finish, this, key, false, false);
    m_probes[key] = probe;

    bool sent = false;
    switch (mode)
    {
    case ProbeMode::ping:
        sent = StartUdpEcho(probe, ProbeResponder::kPingPort, kPingBytes);
        break;
    case ProbeMode::dns:
        sent = StartUdpEcho(probe, ProbeResponder::kDnsPort, kDnsBytes);
        break;
    case ProbeMode::tcp:
    case ProbeMode::http:
        sent = StartTcp(probe);
        break;
    }
    if (!sent)
    {
        NS_LOG_LOGIC("probe " << probeId << " on path " << path << " cannot leave: "
                              << probe.socket->GetErrno());
        FinishSoon(key, false);
    }
}

bool
PathProber::StartUdpEcho(const Probe& probe, uint16_t port, uint32_t bytes)
{
    if (!HasRoute(probe.socket))
    {
        return false;
    }
    std::vector<uint8_t> payload(bytes, 0);
    WriteId(payload.data(), probe.id);
    probe.socket->SetRecvCallback(MakeCallback(&PathProber::HandleEcho, this));
    return probe.socket->SendTo(Create<Packet>(payload.data(), bytes),
                                0,
                                IpSocketAddress(m_responder, port)) >= 0;
}

// ns-3's UDP sends from a bound address without looking a route up, so unlike Linux's sendto
// it never fails when the socket's address is gone (a readdress): look the route up as the
// packet will, from the socket's address and device. (A link without carrier keeps its route,
// on Linux as here: the probe goes, waits for the router's ARP entry and times out.)
bool
PathProber::HasRoute(Ptr<Socket> socket) const
{
    Address local;
    socket->GetSockName(local);
    const Address source = IpOfSocketAddress(local);
    if (IsIpv6Address(m_responder))
    {
        return RouteExists<Ipv6, Ipv6Header, Ipv6Address>(socket->GetNode(),
                                                          source,
                                                          m_responder,
                                                          socket->GetBoundNetDevice());
    }
    return RouteExists<Ipv4, Ipv4Header, Ipv4Address>(socket->GetNode(),
                                                      source,
                                                      m_responder,
                                                      socket->GetBoundNetDevice());
}

bool
PathProber::StartTcp(const Probe& probe)
{
    probe.socket->SetConnectCallback(MakeCallback(&PathProber::HandleConnected, this),
                                     MakeCallback(&PathProber::HandleConnectFailed, this));
    probe.socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                    MakeCallback(&PathProber::HandleConnectFailed, this));
    probe.socket->SetRecvCallback(MakeCallback(&PathProber::HandleReply, this));
    return probe.socket->Connect(IpSocketAddress(m_responder, ProbeResponder::kTcpPort)) == 0;
}

void
PathProber::HandleEcho(Ptr<Socket> socket)
{
    const auto probe = m_probes.find(PeekPointer(socket));
    while (auto packet = socket->Recv())
    {
        std::array<uint8_t, 8> id{};
        if (probe != m_probes.end() && packet->GetSize() >= id.size())
        {
            packet->CopyData(id.data(), id.size());
            if (ReadId(id.data()) == probe->second.id)
            {
                FinishSoon(probe->first, true);
            }
        }
    }
}

void
PathProber::HandleConnected(Ptr<Socket> socket)
{
    const auto probe = m_probes.find(PeekPointer(socket));
    if (probe == m_probes.end())
    {
        return;
    }
    if (probe->second.mode == ProbeMode::tcp)
    {
        FinishSoon(probe->first, true);
        return;
    }
    const auto* request = reinterpret_cast<const uint8_t*>(kHttpRequest);
    socket->Send(Create<Packet>(request, static_cast<uint32_t>(std::strlen(kHttpRequest))));
}

void
PathProber::HandleConnectFailed(Ptr<Socket> socket)
{
    FinishSoon(PeekPointer(socket), false);
}

void
PathProber::HandleReply(Ptr<Socket> socket)
{
    bool reply = false;
    while (auto packet = socket->Recv())
    {
        reply = reply || packet->GetSize() > 0;
    }
    if (reply)
    {
        FinishSoon(PeekPointer(socket), true);
    }
}

// Reports from a fresh event, never from inside the socket's own callback or from Send: the
// socket is closed and released on report, which must not happen under its feet, and the
// listener may send the next probe from its result callback.
void
PathProber::FinishSoon(Socket* key, bool ok)
{
    const auto probe = m_probes.find(key);
    if (probe == m_probes.end())
    {
        return;
    }
    probe->second.timer.Cancel();
    probe->second.timer = Simulator::ScheduleNow(&PathProber::Finish, this, key, true, ok);
}

void
PathProber::Finish(Socket* key, bool report, bool ok)
{
    const auto found = m_probes.find(key);
    if (found == m_probes.end())
    {
        return;
    }
    Probe probe = found->second;
    m_probes.erase(found);
    Silence(probe);
    probe.socket->Close();
    if (report && !m_result.IsNull())
    {
        m_result(probe.path, probe.id, ok);
    }
}

} // namespace sim
} // namespace mprecover
