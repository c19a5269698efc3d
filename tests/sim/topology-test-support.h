// What the tests on WanTopology share: small scenarios, a bulk TCP sender, a sink that counts
// what it receives, and a monitor of what the client sends on each path.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6-header.h"
#include "ns3/ipv6.h"
#include "ns3/packet.h"
#include "ns3/ppp-header.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "backends/sim/helper/wan-topology-helper.h"
#include "backends/sim/model/ip-address.h"
#include "core/network/address_plan.h"
#include "core/scenario/scenario.h"

namespace mprecover {
namespace sim {
namespace test {

using namespace ns3;

constexpr uint16_t kSinkPort = 5000;

inline PathSpec
MakePath(std::string name, uint64_t rateMbit, int delayMs, double loss = 0.0)
{
    PathSpec path;
    path.name = std::move(name);
    path.rate = rateMbit * 1'000'000;
    path.delay = std::chrono::milliseconds{delayMs};
    path.loss = loss;
    return path;
}

inline Scenario
MakeScenario(std::vector<PathSpec> paths, uint64_t seed = 1, NetworkFamily family = NetworkFamily::ipv4)
{
    Scenario scenario;
    scenario.name = "topology-test";
    scenario.family = family;
    scenario.seed = seed;
    scenario.server.rate = 1'000'000'000;
    scenario.server.delay = std::chrono::milliseconds{1};
    scenario.paths = std::move(paths);
    return scenario;
}

// The client's interface that has `address` (IPv4 or IPv6), or -1.
inline int32_t
InterfaceForAddress(Ptr<Node> node, const Address& address)
{
    if (IsIpv6Address(address))
    {
        return node->GetObject<Ipv6>()->GetInterfaceForAddress(Ipv6Address::ConvertFrom(address));
    }
    return node->GetObject<Ipv4>()->GetInterfaceForAddress(Ipv4Address::ConvertFrom(address));
}

// The device's interface in the node's stack of `family` (each stack numbers its own).
inline int32_t
InterfaceForDevice(Ptr<Node> node, Ptr<NetDevice> device, IpFamily family)
{
    if (family == IpFamily::ipv6)
    {
        return node->GetObject<Ipv6>()->GetInterfaceForDevice(device);
    }
    return node->GetObject<Ipv4>()->GetInterfaceForDevice(device);
}

// A TCP socket on the client bound to the path's address of `family` and to its device, as
// WanTopology::CreateBoundTcpSocket makes them in the connection family.
inline Ptr<Socket>
BoundTcpSocket(const WanTopology& topology, PathId path, IpFamily family)
{
    auto socket = Socket::CreateSocket(topology.GetClient(), TcpSocketFactory::GetTypeId());
    EXPECT_EQ(socket->Bind(IpSocketAddress(topology.GetClientAddress(path, family), 0)), 0);
    socket->BindToNetDevice(topology.GetClientDevice(path));
    return socket;
}

// The wildcard address of `family` with `port`.
inline Address
AnySocketAddressOf(IpFamily family, uint16_t port)
{
    if (family == IpFamily::ipv6)
    {
        return Inet6SocketAddress(Ipv6Address::GetAny(), port);
    }
    return InetSocketAddress(Ipv4Address::GetAny(), port);
}

inline void
At(double seconds, std::function<void()> action)
{
    Simulator::Schedule(Seconds(seconds), std::move(action));
}

inline void
RunUntil(double seconds)
{
    Simulator::Stop(Seconds(seconds));
    Simulator::Run();
}

// Every packet the client transmits, by the path of the device it leaves on. An address, of
// either family, belongs to the path it was assigned on (tell the monitor of a readdress's new
// ones with Own).
class ClientTxMonitor
{
  public:
    explicit ClientTxMonitor(const WanTopology& topology)
    {
        m_packets.resize(topology.GetPathCount());
        for (PathId path = 0; path < topology.GetPathCount(); ++path)
        {
            for (IpFamily family : topology.GetFamilies())
            {
                Own(topology.GetClientAddress(path, family), path);
            }
            topology.GetClientDevice(path)->TraceConnectWithoutContext(
                "PhyTxBegin",
                MakeCallback(&ClientTxMonitor::OnTx, this, path));
        }
    }

    void Own(const Address& address, PathId path)
    {
        m_owner[address] = path;
    }

    uint64_t Packets(PathId path) const
    {
        return m_packets[path];
    }

    /// Packets that left a device with a source address of another path (or of none, or another
    /// family's).
    uint64_t WrongSource() const
    {
        return m_wrongSource;
    }

    /// When a packet with this source address last left, if ever.
    std::optional<Time> LastFrom(const Address& source) const
    {
        const auto last = m_lastFrom.find(source);
        return last == m_lastFrom.end() ? std::nullopt : std::optional<Time>(last->second);
    }

  private:
    void OnTx(PathId path, Ptr<const Packet> packet)
    {
        auto copy = packet->Copy();
        PppHeader ppp;
        copy->RemoveHeader(ppp);
        Address source;
        if (ppp.GetProtocol() == 0x0057) // PPP's IPv6
        {
            Ipv6Header ip;
            copy->PeekHeader(ip);
            source = ip.GetSource();
        }
        else
        {
            Ipv4Header ip;
            copy->PeekHeader(ip);
            source = ip.GetSource();
        }
        ++m_packets[path];
        m_lastFrom[source] = Simulator::Now();
        const auto owner = m_owner.find(source);
        if (owner == m_owner.end() || owner->second != path)
        {
            ++m_wrongSource;
        }
    }

    std::vector<uint64_t> m_packets;
    std::map<Address, PathId> m_owner;
    std::map<Address, Time> m_lastFrom;
    uint64_t m_wrongSource = 0;
};

// A TCP server counting the bytes it receives, by the client's address.
class Sink
{
  public:
    /// Listens on `port` in the connection family.
    Sink(Ptr<Node> server, uint16_t port)
        : Sink(server, AnySocketAddress(server, port))
    {
    }

    /// Listens on `local`, a wildcard socket address of one family.
    Sink(Ptr<Node> server, const Address& local)
    {
        m_listener = Socket::CreateSocket(server, TcpSocketFactory::GetTypeId());
        m_listener->Bind(local);
        m_listener->Listen();
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeCallback(&Sink::OnAccept, this));
    }

    uint64_t Bytes() const
    {
        return m_bytes;
    }

    uint64_t BytesFrom(const Address& client) const
    {
        const auto bytes = m_bytesFrom.find(client);
        return bytes == m_bytesFrom.end() ? 0 : bytes->second;
    }

  private:
    void OnAccept(Ptr<Socket> socket, const Address& from)
    {
        m_peers[PeekPointer(socket)] = IpOfSocketAddress(from);
        socket->SetRecvCallback(MakeCallback(&Sink::OnRecv, this));
    }

    void OnRecv(Ptr<Socket> socket)
    {
        while (auto packet = socket->Recv())
        {
            m_bytes += packet->GetSize();
            m_bytesFrom[m_peers[PeekPointer(socket)]] += packet->GetSize();
        }
    }

    Ptr<Socket> m_listener;
    std::map<Socket*, Address> m_peers;
    std::map<Address, uint64_t> m_bytesFrom;
    uint64_t m_bytes = 0;
};

// Sends `bytes` (or without end) over a socket as fast as TCP takes them.
class BulkSender
{
  public:
    BulkSender(Ptr<Socket> socket,
               const Address& server,
               uint16_t port,
               std::optional<uint64_t> bytes)
        : m_socket(socket),
          m_left(bytes)
    {
        m_socket->SetConnectCallback(MakeCallback(&BulkSender::OnConnected, this),
                                     MakeNullCallback<void, Ptr<Socket>>());
        m_socket->SetSendCallback(MakeCallback(&BulkSender::Fill, this));
        EXPECT_EQ(m_socket->Connect(IpSocketAddress(server, port)), 0);
    }

    bool Connected() const
    {
        return m_connected;
    }

    Ptr<Socket> GetSocket() const
    {
        return m_socket;
    }

  private:
    void OnConnected(Ptr<Socket> socket)
    {
        m_connected = true;
        Fill(socket, 0);
    }

    void Fill(Ptr<Socket> socket, uint32_t /* available */)
    {
        while (m_connected && socket->GetTxAvailable() > 0 && m_left.value_or(1) > 0)
        {
            uint64_t chunk = std::min<uint64_t>(socket->GetTxAvailable(), 64 * 1024);
            chunk = std::min(chunk, m_left.value_or(chunk));
            if (socket->Send(Create<Packet>(static_cast<uint32_t>(chunk))) < 0)
            {
                return;
            }
            if (m_left)
            {
                *m_left -= chunk;
            }
        }
    }

    Ptr<Socket> m_socket;
    std::optional<uint64_t> m_left;
    bool m_connected = false;
};

} // namespace test
} // namespace sim
} // namespace mprecover
