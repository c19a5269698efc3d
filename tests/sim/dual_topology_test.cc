// WanTopology on a dual-stack network (topology.family: dual): every link has an address of each
// family, each family is routed by source address through its path, and the faults act on both
// families at once while the engine hears of a readdress once.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ns3/simulator.h"
#include "backends/sim/helper/wan-topology-helper.h"
#include "backends/sim/model/ip-address.h"
#include "topology-test-support.h"

namespace {

using namespace ns3;
using mprecover::IpFamily;
using mprecover::LinkChange;
using mprecover::NetworkFamily;
using mprecover::PathId;
using mprecover::address_plan;
using mprecover::name_of;
using mprecover::sim::IpAddressToText;
using mprecover::sim::IsIpv6Address;
using mprecover::sim::WanTopology;
using namespace mprecover::sim::test;

constexpr IpFamily kFamilies[] = {IpFamily::ipv4, IpFamily::ipv6};

class DualTopologyTest : public ::testing::Test
{
  protected:
    void TearDown() override
    {
        Simulator::Destroy();
    }

    static mprecover::Scenario Make(std::vector<mprecover::PathSpec> paths)
    {
        return MakeScenario(std::move(paths), 1, NetworkFamily::dual);
    }
};

// A sink on the server in each family, on the same port.
struct Sinks
{
    Sinks(const WanTopology& topology, uint16_t port)
        : v4(topology.GetServer(), AnySocketAddressOf(IpFamily::ipv4, port)),
          v6(topology.GetServer(), AnySocketAddressOf(IpFamily::ipv6, port))
    {
    }

    uint64_t BytesFrom(const Address& client) const
    {
        return IsIpv6Address(client) ? v6.BytesFrom(client) : v4.BytesFrom(client);
    }

    Sink v4;
    Sink v6;
};

std::unique_ptr<BulkSender>
Send(const WanTopology& topology, PathId path, IpFamily family, uint16_t port, std::optional<uint64_t> bytes)
{
    return std::make_unique<BulkSender>(BoundTcpSocket(topology, path, family),
                                        topology.GetServerAddress(family),
                                        port,
                                        bytes);
}

TEST_F(DualTopologyTest, TheConnectionFamilyIsIpv6)
{
    const WanTopology topology(Make({MakePath("a", 50, 10)}));
    EXPECT_EQ(topology.GetFamilies(), (std::vector<IpFamily>{IpFamily::ipv4, IpFamily::ipv6}));
    EXPECT_EQ(topology.GetClientAddress(0), topology.GetClientAddress(0, IpFamily::ipv6));
    EXPECT_EQ(topology.GetServerAddress(), topology.GetServerAddress(IpFamily::ipv6));
    for (IpFamily family : kFamilies)
    {
        EXPECT_EQ(IpAddressToText(topology.GetClientAddress(0, family)),
                  address_plan(family).client_address(0));
        EXPECT_EQ(IpAddressToText(topology.GetServerAddress(family)), address_plan(family).server_address());
    }
}

// Both families reach the server's address of their family through every path, at once, each
// packet leaving by the device of the path that owns its source address.
TEST_F(DualTopologyTest, BothFamiliesReachTheServerOnEveryPath)
{
    const WanTopology topology(Make({MakePath("a", 50, 10), MakePath("b", 20, 25), MakePath("c", 10, 40)}));
    ClientTxMonitor monitor(topology);
    Sinks sinks(topology, kSinkPort);
    constexpr uint64_t bytes = 500'000;
    std::vector<std::unique_ptr<BulkSender>> senders;
    for (PathId path = 0; path < topology.GetPathCount(); ++path)
    {
        for (IpFamily family : kFamilies)
        {
            senders.push_back(Send(topology, path, family, kSinkPort, bytes));
        }
    }
    RunUntil(4);

    EXPECT_EQ(monitor.WrongSource(), 0U);
    for (PathId path = 0; path < topology.GetPathCount(); ++path)
    {
        for (IpFamily family : kFamilies)
        {
            SCOPED_TRACE("path " + std::to_string(path) + ", " + std::string(name_of(family)));
            EXPECT_EQ(sinks.BytesFrom(topology.GetClientAddress(path, family)), bytes);
        }
    }
}

// A blackhole stops both families on the path and nothing else; its end lets both resume.
TEST_F(DualTopologyTest, BlackholeBlocksBothFamilies)
{
    WanTopology topology(Make({MakePath("a", 50, 10), MakePath("b", 50, 10)}));
    ClientTxMonitor monitor(topology);
    Sinks sinks(topology, kSinkPort);
    std::vector<std::unique_ptr<BulkSender>> senders;
    for (IpFamily family : kFamilies)
    {
        senders.push_back(Send(topology, 0, family, kSinkPort, std::nullopt));
    }
    std::map<IpFamily, uint64_t> inHole;
    std::map<IpFamily, uint64_t> atEnd;
    At(1.0, [&] { topology.SetBlackhole(0, true); });
    At(1.1, [&] {
        for (IpFamily family : kFamilies)
        {
            inHole[family] = sinks.BytesFrom(topology.GetClientAddress(0, family));
        }
    });
    At(2.5, [&] {
        for (IpFamily family : kFamilies)
        {
            atEnd[family] = sinks.BytesFrom(topology.GetClientAddress(0, family));
        }
        topology.SetBlackhole(0, false);
    });
    RunUntil(6);

    for (IpFamily family : kFamilies)
    {
        SCOPED_TRACE(std::string(name_of(family)));
        EXPECT_GT(inHole[family], 500'000U);
        EXPECT_EQ(atEnd[family], inHole[family]);
        EXPECT_GT(sinks.BytesFrom(topology.GetClientAddress(0, family)), atEnd[family] + 500'000);
    }
    EXPECT_EQ(monitor.Packets(1), 0U);
    EXPECT_EQ(monitor.WrongSource(), 0U);
}

// A readdress gives the path a new address in each family (the plan's next ones), takes both old
// ones away, and tells the engine once: one address_gone, then one address_back.
TEST_F(DualTopologyTest, ReaddressChangesBothAddressesAndNotifiesOnce)
{
    WanTopology topology(Make({MakePath("a", 50, 10), MakePath("b", 50, 10)}));
    std::vector<std::pair<PathId, LinkChange>> changes;
    topology.SetLinkChangeCallback(WanTopology::LinkChangeCallback(
        [&changes](PathId path, LinkChange change) { changes.emplace_back(path, change); }));
    ClientTxMonitor monitor(topology);
    Sinks sinks(topology, kSinkPort);
    std::map<IpFamily, Address> oldAddress;
    std::vector<std::unique_ptr<BulkSender>> senders;
    for (IpFamily family : kFamilies)
    {
        oldAddress[family] = topology.GetClientAddress(1, family);
        senders.push_back(Send(topology, 1, family, kSinkPort, std::nullopt));
    }
    Address returned;
    At(1.0, [&] {
        returned = topology.Readdress(1);
        for (IpFamily family : kFamilies)
        {
            monitor.Own(topology.GetClientAddress(1, family), 1);
        }
    });
    At(1.5, [&] {
        for (IpFamily family : kFamilies)
        {
            senders.push_back(Send(topology, 1, family, kSinkPort + 1, 300'000));
        }
    });
    Sinks renewed(topology, kSinkPort + 1);
    RunUntil(3);

    const auto client = topology.GetClient();
    EXPECT_EQ(returned, topology.GetClientAddress(1, IpFamily::ipv6));
    for (IpFamily family : kFamilies)
    {
        SCOPED_TRACE(std::string(name_of(family)));
        const Address newAddress = topology.GetClientAddress(1, family);
        EXPECT_EQ(IpAddressToText(newAddress), address_plan(family).client_address(1, 1));
        EXPECT_EQ(InterfaceForAddress(client, oldAddress[family]), -1);
        EXPECT_EQ(InterfaceForAddress(client, newAddress),
                  InterfaceForDevice(client, topology.GetClientDevice(1), family));
        ASSERT_TRUE(monitor.LastFrom(oldAddress[family]).has_value());
        EXPECT_LT(*monitor.LastFrom(oldAddress[family]), Seconds(1.0));
        EXPECT_GT(sinks.BytesFrom(oldAddress[family]), 500'000U);
        EXPECT_EQ(renewed.BytesFrom(newAddress), 300'000U);
    }
    EXPECT_EQ(monitor.WrongSource(), 0U);
    const std::vector<std::pair<PathId, LinkChange>> expected{{1, LinkChange::address_gone},
                                                              {1, LinkChange::address_back}};
    EXPECT_EQ(changes, expected);
}

} // namespace
