// A minimal multi-path network for the MPTCP model's tests:
//
//     client ==path 0 (10.1.0.0/24)== router --- 10 Gbit/s --- server (10.2.0.2)
//            ==path 1 (10.1.1.0/24)==
//
// Each path is one point-to-point link with its own rate and delay; a blackhole drops every
// packet on it, both ways. Client sockets are bound to the path's address and device, and the
// client's static routes are per device, so a subflow leaves by its own path.
#pragma once

#include "backends/sim/model/linux-tcp-defaults.h"
#include "backends/sim/model/linux-tcp-socket.h"
#include "engine/ids.h"
#include "ns3/core-module.h"
#include "ns3/error-model.h"
#include "ns3/internet-module.h"
#include "ns3/point-to-point-module.h"

#include <string>
#include <vector>

namespace mprecover
{
namespace sim
{
namespace test
{

struct TestPathSpec
{
    std::string rate;
    ns3::Time delay;
};

class MptcpTestNetwork
{
  public:
    static constexpr uint16_t SERVER_PORT = 5000;

    explicit MptcpTestNetwork(const std::vector<TestPathSpec>& paths)
    {
        using namespace ns3;
        // The TCP the scenario topology runs, so that the model's tests exercise the same:
        // these defaults and LinuxTcpSocket.
        ConfigureLinuxTcpDefaults(IpFamily::ipv4);

        m_client = CreateObject<Node>();
        Ptr<Node> router = CreateObject<Node>();
        m_server = CreateObject<Node>();
        InternetStackHelper internet;
        internet.Install(NodeContainer(m_client, router, m_server));
        Ipv4StaticRoutingHelper staticRouting;
        Ipv4AddressHelper addresses;

        PointToPointHelper core;
        core.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
        core.SetChannelAttribute("Delay", TimeValue(MicroSeconds(10)));
        NetDeviceContainer coreDevices = core.Install(router, m_server);
        addresses.SetBase("10.2.0.0", "255.255.255.0");
        Ipv4InterfaceContainer coreInterfaces = addresses.Assign(coreDevices);
        m_serverAddress = coreInterfaces.GetAddress(1);
        staticRouting.GetStaticRouting(m_server->GetObject<Ipv4>())
            ->SetDefaultRoute(coreInterfaces.GetAddress(0), 1);

        for (std::size_t i = 0; i < paths.size(); ++i)
        {
            PointToPointHelper link;
            link.SetDeviceAttribute("DataRate", StringValue(paths[i].rate));
            link.SetChannelAttribute("Delay", TimeValue(paths[i].delay));
            NetDeviceContainer devices = link.Install(m_client, router);
            addresses.SetBase(Ipv4Address(static_cast<uint32_t>(0x0a010000 + (i << 8))),
                              "255.255.255.0");
            Ipv4InterfaceContainer interfaces = addresses.Assign(devices);
            m_clientDevices.push_back(devices.Get(0));
            m_clientAddresses.push_back(interfaces.GetAddress(0));
            staticRouting.GetStaticRouting(m_client->GetObject<Ipv4>())
                ->AddNetworkRouteTo("10.2.0.0",
                                    "255.255.255.0",
                                    interfaces.GetAddress(1),
                                    static_cast<uint32_t>(m_client->GetObject<Ipv4>()
                                                              ->GetInterfaceForDevice(devices.Get(0))));
            for (uint32_t end = 0; end < 2; ++end)
            {
                Ptr<RateErrorModel> blackhole = CreateObject<RateErrorModel>();
                blackhole->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
                blackhole->SetRate(1.0);
                blackhole->Disable();
                devices.Get(end)->SetAttribute("ReceiveErrorModel", PointerValue(blackhole));
                m_blackholes.push_back(blackhole);
            }
        }
    }

    ns3::Ptr<ns3::Node> GetServer() const
    {
        return m_server;
    }

    ns3::Address GetServerAddress() const
    {
        return ns3::InetSocketAddress(m_serverAddress, SERVER_PORT);
    }

    /// The topology's CreateBoundTcpSocket.
    ns3::Ptr<ns3::Socket> CreateBoundTcpSocket(PathId path) const
    {
        using namespace ns3;
        Ptr<Socket> socket = CreateLinuxTcpSocket(m_client);
        socket->Bind(InetSocketAddress(m_clientAddresses.at(path), 0));
        socket->BindToNetDevice(m_clientDevices.at(path));
        return socket;
    }

    void SetBlackhole(PathId path, bool on)
    {
        for (uint32_t end = 0; end < 2; ++end)
        {
            if (on)
            {
                m_blackholes.at(2 * path + end)->Enable();
            }
            else
            {
                m_blackholes.at(2 * path + end)->Disable();
            }
        }
    }

  private:
    ns3::Ptr<ns3::Node> m_client;
    ns3::Ptr<ns3::Node> m_server;
    ns3::Ipv4Address m_serverAddress;
    std::vector<ns3::Ptr<ns3::NetDevice>> m_clientDevices;
    std::vector<ns3::Ipv4Address> m_clientAddresses;
    std::vector<ns3::Ptr<ns3::RateErrorModel>> m_blackholes;
};

} // namespace test
} // namespace sim
} // namespace mprecover
