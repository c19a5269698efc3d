// WanTopology and the path probes on small scenarios, on IPv4, IPv6 and dual-stack networks
// (whose connections are IPv6): every packet leaves by its path, and each fault does what it
// says and no more.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ns3/packet.h"
#include "ns3/uinteger.h"
#include "ns3/ppp-header.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "backends/sim/helper/wan-topology-helper.h"
#include "backends/sim/model/path-prober.h"
#include "backends/sim/model/probe-responder.h"
#include "topology-test-support.h"

namespace {

using namespace ns3;
using mprecover::NetworkFamily;
using mprecover::LinkChange;
using mprecover::PathId;
using mprecover::PathSpec;
using mprecover::ProbeMode;
using mprecover::Scenario;
using mprecover::address_plan;
using mprecover::sim::IpAddressToText;
using mprecover::sim::PathProber;
using mprecover::sim::ProbeResponder;
using mprecover::sim::WanTopology;
using namespace mprecover::sim::test;

struct LinkChangeLog
{
    void On(PathId path, LinkChange change)
    {
        changes.emplace_back(path, change);
    }

    std::vector<std::pair<PathId, LinkChange>> changes;
};

class TopologyTest : public ::testing::TestWithParam<NetworkFamily>
{
  protected:
    void TearDown() override
    {
        Simulator::Destroy();
    }

    // A scenario of the test's family.
    static Scenario Make(std::vector<PathSpec> paths, uint64_t seed = 1)
    {
        return MakeScenario(std::move(paths), seed, GetParam());
    }
};

// (a) Concurrent bulk transfers, one per path: each path's packets leave only through its
// device with its address, and all bytes arrive.
void
ExpectEachTransferStaysOnItsPath(std::vector<PathSpec> paths, NetworkFamily family)
{
    const WanTopology topology(MakeScenario(std::move(paths), 1, family));
    ClientTxMonitor monitor(topology);
    Sink sink(topology.GetServer(), kSinkPort);
    constexpr uint64_t bytes = 1'000'000;
    std::vector<std::unique_ptr<BulkSender>> senders;
    for (PathId path = 0; path < topology.GetPathCount(); ++path)
    {
        senders.push_back(std::make_unique<BulkSender>(topology.CreateBoundTcpSocket(path),
                                                       topology.GetServerAddress(),
                                                       kSinkPort,
                                                       bytes));
    }
    RunUntil(4);

    EXPECT_EQ(monitor.WrongSource(), 0U);
    for (PathId path = 0; path < topology.GetPathCount(); ++path)
    {
        SCOPED_TRACE("path " + std::to_string(path));
        EXPECT_GT(monitor.Packets(path), bytes / 1448 / 2); // the data's ACKs come back
        EXPECT_EQ(sink.BytesFrom(topology.GetClientAddress(path)), bytes);
    }
}

TEST_P(TopologyTest, TwoPathsEachTransferLeavesThroughItsPath)
{
    ExpectEachTransferStaysOnItsPath({MakePath("a", 50, 10), MakePath("b", 20, 25)}, GetParam());
}

TEST_P(TopologyTest, ThreePathsEachTransferLeavesThroughItsPath)
{
    ExpectEachTransferStaysOnItsPath(
        {MakePath("a", 50, 10), MakePath("b", 20, 25), MakePath("c", 10, 40)}, GetParam());
}

// (b) While the link is down nothing leaves by it, nothing leaves elsewhere with its address;
// after it comes back the stalled connection resumes and a new one works.
TEST_P(TopologyTest, LinkDownStopsThePathAndLinkUpBringsItsRoutesBack)
{
    WanTopology topology(Make({MakePath("a", 50, 10), MakePath("b", 50, 10)}));
    LinkChangeLog log;
    topology.SetLinkChangeCallback(MakeCallback(&LinkChangeLog::On, &log));
    ClientTxMonitor monitor(topology);
    Sink sink(topology.GetServer(), kSinkPort);
    Sink laterSink(topology.GetServer(), kSinkPort + 1);
    BulkSender stalled(topology.CreateBoundTcpSocket(1),
                       topology.GetServerAddress(),
                       kSinkPort,
                       std::nullopt);
    std::unique_ptr<BulkSender> later;

    uint64_t txAtDown = 0;
    uint64_t txBeforeUp = 0;
    uint64_t bytesAtDown = 0;
    uint64_t bytesBeforeUp = 0;
    At(1.0, [&] {
        topology.SetLinkDown(1);
        txAtDown = monitor.Packets(1);
    });
    At(1.1, [&] { bytesAtDown = sink.Bytes(); });
    At(2.999, [&] {
        txBeforeUp = monitor.Packets(1);
        bytesBeforeUp = sink.Bytes();
    });
    At(3.0, [&] { topology.SetLinkUp(1); });
    At(3.1, [&] {
        later = std::make_unique<BulkSender>(topology.CreateBoundTcpSocket(1),
                                             topology.GetServerAddress(),
                                             kSinkPort + 1,
                                             200'000);
    });
    RunUntil(6);

    EXPECT_GT(bytesAtDown, 1'000'000U);
    EXPECT_EQ(txBeforeUp, txAtDown);
    EXPECT_EQ(bytesBeforeUp, bytesAtDown);
    EXPECT_GT(sink.Bytes(), bytesBeforeUp + 1'000'000); // the stalled connection resumed
    EXPECT_EQ(laterSink.BytesFrom(topology.GetClientAddress(1)), 200'000U);
    EXPECT_EQ(monitor.Packets(0), 0U);
    EXPECT_EQ(monitor.WrongSource(), 0U);
    const std::vector<std::pair<PathId, LinkChange>> expected{{1, LinkChange::carrier_down},
                                                              {1, LinkChange::carrier_up}};
    EXPECT_EQ(log.changes, expected);
}

// (c) A blackhole drops everything while the client keeps sending; its end restores traffic.
TEST_P(TopologyTest, BlackholeDropsEverythingUntilItEnds)
{
    WanTopology topology(Make({MakePath("a", 50, 10), MakePath("b", 50, 10)}));
    LinkChangeLog log;
    topology.SetLinkChangeCallback(MakeCallback(&LinkChangeLog::On, &log));
    ClientTxMonitor monitor(topology);
    Sink sink(topology.GetServer(), kSinkPort);
    BulkSender sender(topology.CreateBoundTcpSocket(0),
                      topology.GetServerAddress(),
                      kSinkPort,
                      std::nullopt);

    uint64_t bytesInHole = 0;
    uint64_t bytesAtEnd = 0;
    uint64_t txInHole = 0;
    At(1.0, [&] { topology.SetBlackhole(0, true); });
    At(1.1, [&] {
        bytesInHole = sink.Bytes();
        txInHole = monitor.Packets(0);
    });
    At(2.5, [&] {
        bytesAtEnd = sink.Bytes();
        EXPECT_GT(monitor.Packets(0), txInHole); // retransmissions: the link is still up
        topology.SetBlackhole(0, false);
    });
    RunUntil(6);

    EXPECT_GT(bytesInHole, 1'000'000U);
    EXPECT_EQ(bytesAtEnd, bytesInHole);
    EXPECT_GT(sink.Bytes(), bytesAtEnd + 1'000'000);
    EXPECT_TRUE(log.changes.empty());
}

// (d) A readdress: new sockets use the new address, the old one is gone and never used again.
TEST_P(TopologyTest, ReaddressReplacesTheClientAddress)
{
    WanTopology topology(Make({MakePath("a", 50, 10), MakePath("b", 50, 10)}));
    LinkChangeLog log;
    topology.SetLinkChangeCallback(MakeCallback(&LinkChangeLog::On, &log));
    ClientTxMonitor monitor(topology);
    Sink sink(topology.GetServer(), kSinkPort);
    const Address oldAddress = topology.GetClientAddress(1);
    BulkSender old(topology.CreateBoundTcpSocket(1),
                   topology.GetServerAddress(),
                   kSinkPort,
                   std::nullopt);
    std::unique_ptr<BulkSender> renewed;
    Address newAddress;
    At(1.0, [&] {
        newAddress = topology.Readdress(1);
        monitor.Own(newAddress, 1);
    });
    At(1.5, [&] {
        renewed = std::make_unique<BulkSender>(topology.CreateBoundTcpSocket(1),
                                               topology.GetServerAddress(),
                                               kSinkPort,
                                               300'000);
    });
    RunUntil(3);

    const auto client = topology.GetClient();
    EXPECT_NE(newAddress, oldAddress);
    EXPECT_EQ(topology.GetClientAddress(1), newAddress);
    EXPECT_EQ(IpAddressToText(newAddress), address_plan(connection_family(GetParam())).client_address(1, 1));
    EXPECT_EQ(InterfaceForAddress(client, oldAddress), -1);
    EXPECT_EQ(InterfaceForAddress(client, newAddress),
              InterfaceForDevice(client, topology.GetClientDevice(1), connection_family(GetParam())));
    ASSERT_TRUE(monitor.LastFrom(oldAddress).has_value());
    EXPECT_LT(*monitor.LastFrom(oldAddress), Seconds(1.0));
    EXPECT_GT(sink.BytesFrom(oldAddress), 1'000'000U);
    EXPECT_EQ(sink.BytesFrom(newAddress), 300'000U);
    EXPECT_EQ(monitor.WrongSource(), 0U);
    const std::vector<std::pair<PathId, LinkChange>> expected{{1, LinkChange::address_gone},
                                                              {1, LinkChange::address_back}};
    EXPECT_EQ(log.changes, expected);
}

// A readdress during a cut, as a PPPoE reconnect does: once the link is back, the new address
// works and the old one is never used again.
TEST_P(TopologyTest, ReaddressWhileDownWorksOnceTheLinkIsBack)
{
    WanTopology topology(Make({MakePath("a", 50, 10), MakePath("b", 50, 10)}));
    ClientTxMonitor monitor(topology);
    Sink sink(topology.GetServer(), kSinkPort);
    const Address oldAddress = topology.GetClientAddress(1);
    BulkSender old(topology.CreateBoundTcpSocket(1),
                   topology.GetServerAddress(),
                   kSinkPort,
                   std::nullopt);
    std::unique_ptr<BulkSender> renewed;
    Address newAddress;
    At(1.0, [&] { topology.SetLinkDown(1); });
    At(1.5, [&] {
        newAddress = topology.Readdress(1);
        monitor.Own(newAddress, 1);
    });
    At(2.0, [&] { topology.SetLinkUp(1); });
    At(2.1, [&] {
        renewed = std::make_unique<BulkSender>(topology.CreateBoundTcpSocket(1),
                                               topology.GetServerAddress(),
                                               kSinkPort,
                                               300'000);
    });
    RunUntil(4);

    // What waited for the router's ARP entry while the link was down leaves when the entry
    // resolves, one probe interval after the link is back at most, with the address it was
    // sent from, as on Linux; the old address is never used after that.
    ASSERT_TRUE(monitor.LastFrom(oldAddress).has_value());
    EXPECT_LT(*monitor.LastFrom(oldAddress), Seconds(2.0 + 1.024));
    EXPECT_EQ(sink.BytesFrom(newAddress), 300'000U);
    EXPECT_EQ(monitor.Packets(0), 0U);
    EXPECT_EQ(monitor.WrongSource(), 0U);
}

// (e) Probes of every mode, through the path they name.
struct ProbeLog
{
    struct Answer
    {
        PathId path;
        bool ok;
        Time at;
    };

    void On(PathId path, uint64_t id, bool ok)
    {
        EXPECT_EQ(answers.count(id), 0U) << "probe " << id << " answered twice";
        answers[id] = {path, ok, Simulator::Now()};
    }

    std::map<uint64_t, Answer> answers;
};

TEST_P(TopologyTest, ProbesAnswerThroughTheirPathOnly)
{
    WanTopology topology(Make({MakePath("a", 50, 10), MakePath("b", 50, 30)}));
    auto responder = CreateObject<ProbeResponder>();
    topology.GetServer()->AddApplication(responder);
    ClientTxMonitor monitor(topology);
    PathProber prober(MakeCallback(&WanTopology::CreateBoundSocket, &topology),
                      topology.GetServerAddress());
    ProbeLog log;
    prober.SetResultCallback(MakeCallback(&ProbeLog::On, &log));

    std::map<uint64_t, Time> sentAt;
    auto send = [&](double at, PathId path, uint64_t id, ProbeMode mode) {
        At(at, [&, path, id, mode] {
            sentAt[id] = Simulator::Now();
            prober.Send(path, id, mode, Seconds(1));
        });
    };
    send(0.5, 0, 1, ProbeMode::ping);
    send(0.5, 1, 2, ProbeMode::ping);
    send(0.5, 0, 3, ProbeMode::dns);
    send(0.5, 0, 4, ProbeMode::tcp);
    send(0.5, 0, 5, ProbeMode::http);
    At(1.0, [&] { topology.SetBlackhole(1, true); });
    send(1.1, 1, 6, ProbeMode::ping);
    send(1.1, 1, 7, ProbeMode::tcp);
    send(1.1, 1, 8, ProbeMode::http);
    At(2.5, [&] { topology.SetBlackhole(1, false); });
    send(3.0, 1, 9, ProbeMode::ping);
    send(3.0, 1, 10, ProbeMode::http);
    At(4.0, [&] { topology.Degrade(0, std::nullopt, std::chrono::milliseconds{40}, std::nullopt); });
    send(4.1, 0, 11, ProbeMode::ping);
    At(4.5, [&] { topology.RestoreSpec(0); });
    send(4.6, 0, 12, ProbeMode::ping);
    At(5.0, [&] { monitor.Own(topology.Readdress(1), 1); });
    send(5.1, 1, 13, ProbeMode::dns);
    At(6.0, [&] { topology.SetLinkDown(0); });
    send(6.1, 0, 14, ProbeMode::ping);
    send(6.1, 0, 15, ProbeMode::tcp);
    RunUntil(8);

    // Round trip through path p: 2 x (p's delay + the server link's 1 ms), plus microseconds.
    auto expectAnswer = [&](uint64_t id, PathId path, bool ok, double rttMs) {
        SCOPED_TRACE("probe " + std::to_string(id));
        ASSERT_EQ(log.answers.count(id), 1U);
        const auto& answer = log.answers.at(id);
        EXPECT_EQ(answer.path, path);
        EXPECT_EQ(answer.ok, ok);
        EXPECT_NEAR((answer.at - sentAt.at(id)).GetSeconds() * 1000, rttMs, 0.5);
    };
    expectAnswer(1, 0, true, 22);
    expectAnswer(2, 1, true, 62);
    expectAnswer(3, 0, true, 22);
    expectAnswer(4, 0, true, 22);  // SYN, SYN-ACK
    expectAnswer(5, 0, true, 44);  // and request, reply
    for (uint64_t id : {6U, 7U, 8U})
    {
        EXPECT_EQ(log.answers.count(id), 0U) << "probe " << id << " through the blackhole";
    }
    expectAnswer(9, 1, true, 62);
    expectAnswer(10, 1, true, 124);
    expectAnswer(11, 0, true, 82);
    expectAnswer(12, 0, true, 22);
    expectAnswer(13, 1, true, 62);
    // Without carrier the route stays, as on Linux: the probes wait for the router's ARP entry
    // and time out, unanswered.
    EXPECT_EQ(log.answers.count(14), 0U);
    EXPECT_EQ(log.answers.count(15), 0U);
    EXPECT_EQ(monitor.WrongSource(), 0U);
}

// (f) A degrade to 5 Mbit/s cuts a 50 Mbit/s path's goodput tenfold; its restore brings it back.
// The windows leave the first second after each change out: a retransmission filling a hole
// delivers a burst that could exceed the link's rate.
TEST_P(TopologyTest, DegradeChangesThroughput)
{
    WanTopology topology(Make({MakePath("a", 50, 10)}));
    Sink sink(topology.GetServer(), kSinkPort);
    BulkSender sender(topology.CreateBoundTcpSocket(0),
                      topology.GetServerAddress(),
                      kSinkPort,
                      std::nullopt);
    std::map<double, uint64_t> bytesAt;
    for (double t : {1.0, 3.0, 4.5, 6.0, 8.0, 10.0})
    {
        At(t, [&, t] { bytesAt[t] = sink.Bytes(); });
    }
    At(3.0, [&] { topology.Degrade(0, 5'000'000, std::nullopt, std::nullopt); });
    At(6.0, [&] { topology.RestoreSpec(0); });
    RunUntil(10.5);

    auto mbits = [&](double from, double to) {
        return static_cast<double>(bytesAt[to] - bytesAt[from]) * 8 / (to - from) / 1e6;
    };
    EXPECT_GT(mbits(1, 3), 40);
    EXPECT_GT(mbits(4.5, 6), 3.5); // 5 Mbit/s less headers: 4.8
    EXPECT_LT(mbits(4.5, 6), 5.5);
    EXPECT_GT(mbits(8, 10), 40);
}

// The segment size is Linux's MSS on a 1500-byte MTU for the family (1448 bytes on IPv4, 1428
// on IPv6): a full segment is a 1500-byte IP packet either way.
TEST_P(TopologyTest, FullSegmentsAreFifteenHundredBytePackets)
{
    WanTopology topology(Make({MakePath("a", 50, 10)}));
    Sink sink(topology.GetServer(), kSinkPort);
    BulkSender sender(topology.CreateBoundTcpSocket(0),
                      topology.GetServerAddress(),
                      kSinkPort,
                      1'000'000);
    uint32_t largest = 0;
    topology.GetClientDevice(0)->TraceConnectWithoutContext(
        "PhyTxBegin",
        Callback<void, Ptr<const Packet>>([&largest](Ptr<const Packet> packet) {
            largest = std::max(largest, packet->GetSize());
        }));
    RunUntil(2);

    UintegerValue segmentSize;
    sender.GetSocket()->GetAttribute("SegmentSize", segmentSize);
    EXPECT_EQ(segmentSize.Get(), connection_family(GetParam()) == mprecover::IpFamily::ipv6 ? 1428U : 1448U);
    EXPECT_EQ(largest, 1500U + 2); // and the PPP header
    EXPECT_EQ(sink.Bytes(), 1'000'000U);
}

// (g) The same seed gives the same losses, packet for packet; another seed other ones.
std::pair<uint64_t, uint64_t>
RunLossyTransfer(uint64_t seed, NetworkFamily family)
{
    WanTopology topology(MakeScenario({MakePath("a", 20, 10, 0.02)}, seed, family));
    ClientTxMonitor monitor(topology);
    Sink sink(topology.GetServer(), kSinkPort);
    BulkSender sender(topology.CreateBoundTcpSocket(0),
                      topology.GetServerAddress(),
                      kSinkPort,
                      std::nullopt);
    RunUntil(3);
    const std::pair<uint64_t, uint64_t> counts{monitor.Packets(0), sink.Bytes()};
    Simulator::Destroy();
    return counts;
}

TEST_P(TopologyTest, SameSeedSameLosses)
{
    const auto first = RunLossyTransfer(7, GetParam());
    const auto again = RunLossyTransfer(7, GetParam());
    const auto other = RunLossyTransfer(8, GetParam());
    EXPECT_GT(first.second, 100'000U);
    EXPECT_EQ(first, again);
    EXPECT_NE(first, other);
}

INSTANTIATE_TEST_SUITE_P(Families,
                         TopologyTest,
                         ::testing::Values(NetworkFamily::ipv4, NetworkFamily::ipv6, NetworkFamily::dual),
                         [](const ::testing::TestParamInfo<NetworkFamily>& param) {
                             return std::string(mprecover::name_of(param.param));
                         });

} // namespace
