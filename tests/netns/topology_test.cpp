// The netns topology: namespaces, reachability per path, source routing, faults, rates.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <atomic>
#include <thread>
#include <vector>

#include "core/scenario/loader.h"
#include "backends/netns/device_names.h"
#include "backends/netns/delay_support.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/path_faults.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/topology.h"
#include "test_support.h"

namespace mprecover::netns {
namespace {

using namespace std::chrono_literals;
using test::ConnectFrom;
using test::Fd;

constexpr std::uint16_t kPort = 5201;

std::vector<std::string> namespaces_of(const std::string& stem) {
  std::vector<std::string> names;
  for (const auto& name : list_named_namespaces()) {
    if (name.starts_with(stem + "-")) names.push_back(name);
  }
  return names;
}

// Connects from the client on `from` to the server of `plan`; returns the address the server saw,
// or "" on no answer.
std::string reach(Topology& topology, int listener, const ConnectFrom& from, const AddressPlan& plan = ipv4_plan,
                  std::chrono::milliseconds timeout = 2s) {
  Fd connection = test::connect_tcp(topology.client(), from, plan.server_address(), kPort, timeout);
  if (connection.get() < 0) return "";
  return test::accept_peer(listener, 1s).value_or("accepted nothing");
}

ConnectFrom via_path(PathId p, const AddressPlan& plan = ipv4_plan) { return {client_device(p), plan.client_address(p)}; }
ConnectFrom from_address(PathId p, const AddressPlan& plan = ipv4_plan) { return {"", plan.client_address(p)}; }

// The topology tests that hold for either IP family run for both (topology.family).
class TopologyOfFamily : public testing::TestWithParam<NetworkFamily> {
 protected:
  const AddressPlan& plan() const { return address_plan(connection_family(GetParam())); }
  Scenario scenario(std::size_t paths) const {
    Scenario s = test::small_scenario(paths);
    s.family = GetParam();
    return s;
  }
};

INSTANTIATE_TEST_SUITE_P(Family, TopologyOfFamily,
                         testing::Values(NetworkFamily::ipv4, NetworkFamily::ipv6, NetworkFamily::dual),
                         [](const testing::TestParamInfo<NetworkFamily>& family) { return std::string(name_of(family.param)); });

TEST(Topology, BuildsEveryNamespaceAndRemovesThemAll) {
  MPRECOVER_REQUIRE_NETNS();
  std::string stem;
  {
    Topology topology(test::small_scenario(3));
    stem = topology.stem();
    const auto names = namespaces_of(stem);
    EXPECT_EQ(names.size(), 6U) << "client, r0..r2, agg, server";
    for (const char* role : {"client", "r0", "r1", "r2", "agg", "server"}) {
      EXPECT_NE(std::find(names.begin(), names.end(), namespace_name(stem, role)), names.end()) << role;
    }
    const std::string rules = test::run_command("ip -n " + topology.client().name() + " rule show");
    EXPECT_NE(rules.find("from 10.1.3.1 lookup 102"), std::string::npos) << rules;
  }
  EXPECT_TRUE(namespaces_of(stem).empty());
}

TEST_P(TopologyOfFamily, EveryPathReachesTheServerFromItsDevice) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(scenario(3));
  Fd listener = test::listen_tcp(topology.server(), kPort);
  for (PathId p = 0; p < 3; ++p) {
    const LinkCounters before = topology.router_route(p).counters(kRouterWanDevice);
    EXPECT_EQ(reach(topology, listener.get(), via_path(p, plan()), plan()), plan().client_address(p)) << "path " << p;
    EXPECT_GT(topology.router_route(p).counters(kRouterWanDevice).tx_packets, before.tx_packets)
        << "path " << p << "'s SYN went through its own router";
  }
}

TEST_P(TopologyOfFamily, SourceAddressPicksThePathAndBlackholeBlocksAndUnblocks) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(scenario(2));
  PathFaults faults(topology);
  Fd listener = test::listen_tcp(topology.server(), kPort);

  faults.set_blackhole(0, true);
  // Only source routing takes path 1's address around path 0, which the main table's default route uses.
  EXPECT_EQ(reach(topology, listener.get(), from_address(1, plan()), plan()), plan().client_address(1));
  EXPECT_EQ(reach(topology, listener.get(), from_address(0, plan()), plan(), 1500ms), "") << "path 0 is blackholed";
  EXPECT_TRUE(topology.client_route().has_carrier(client_device(0))) << "a blackhole keeps the link up";

  faults.set_blackhole(0, false);
  EXPECT_EQ(reach(topology, listener.get(), from_address(0, plan()), plan()), plan().client_address(0));
}

TEST_P(TopologyOfFamily, LinkDownDropsCarrierAndComesBack) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(scenario(2));
  PathFaults faults(topology);
  Fd listener = test::listen_tcp(topology.server(), kPort);

  faults.set_link(1, false);
  EXPECT_FALSE(topology.client_route().has_carrier(client_device(1)));
  EXPECT_EQ(reach(topology, listener.get(), via_path(1, plan()), plan(), 1500ms), "");
  EXPECT_EQ(reach(topology, listener.get(), via_path(0, plan()), plan()), plan().client_address(0)) << "the other path is untouched";

  faults.set_link(1, true);
  for (int i = 0; i < 50 && !topology.client_route().has_carrier(client_device(1)); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(topology.client_route().has_carrier(client_device(1)));
  EXPECT_EQ(reach(topology, listener.get(), via_path(1, plan()), plan()), plan().client_address(1)) << "address and routes survived";
}

TEST_P(TopologyOfFamily, LossIsAnNftablesRandomDrop) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(scenario(1));
  PathFaults faults(topology);
  Fd listener = test::listen_tcp(topology.server(), kPort);

  faults.set_loss(0, 0.25);
  const std::string table = topology.router_nft(0).run("list table inet mprecover");
  EXPECT_NE(table.find("numgen random mod 10000 < 2500 drop"), std::string::npos) << table;

  faults.set_loss(0, 1.0);
  EXPECT_EQ(reach(topology, listener.get(), via_path(0, plan()), plan(), 1500ms), "");
  faults.set_loss(0, 0.0);
  EXPECT_EQ(reach(topology, listener.get(), via_path(0, plan()), plan()), plan().client_address(0));
  EXPECT_THROW(faults.set_loss(0, 1.5), NetnsError);
}

TEST_P(TopologyOfFamily, ReaddressMovesTheAddressTheRuleAndKeepsThePathRoutable) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(scenario(2));
  PathFaults faults(topology);
  Fd listener = test::listen_tcp(topology.server(), kPort);
  const std::string ip = "ip " + std::string(plan().family() == IpFamily::ipv6 ? "-6" : "-4") + " -n " + topology.client().name();
  const std::string first = plan().client_address(1);
  const std::string second = plan().client_address(1, 1);

  EXPECT_EQ(faults.readdress(1), second);
  EXPECT_EQ(topology.client_address_of(1), second);
  EXPECT_EQ(topology.client_address_of(0), plan().client_address(0)) << "the other path keeps its address";
  const std::string rules = test::run_command(ip + " rule show");
  EXPECT_NE(rules.find("from " + second + " lookup 101"), std::string::npos) << rules;
  EXPECT_EQ(rules.find("from " + first + " "), std::string::npos) << rules;
  const std::string addresses = test::run_command(ip + " addr show dev path1");
  EXPECT_NE(addresses.find(second + "/" + std::to_string(plan().prefix_length())), std::string::npos) << addresses;
  EXPECT_EQ(addresses.find(first + "/"), std::string::npos) << addresses;
  const std::string table = test::run_command(ip + " route show table 101");
  EXPECT_NE(table.find("default via " + plan().router_lan_address(1) + " dev path1"), std::string::npos) << table;

  EXPECT_EQ(reach(topology, listener.get(), {"", second}, plan()), second) << "a connection from the new address";
  EXPECT_EQ(faults.readdress(1), plan().client_address(1, 2)) << "each readdress takes the next address";
  EXPECT_EQ(reach(topology, listener.get(), {"path1", plan().client_address(1, 2)}, plan()), plan().client_address(1, 2));
}

TEST_P(TopologyOfFamily, ReaddressOfPathZeroPutsBackTheMainDefaultRoute) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(scenario(2));
  PathFaults faults(topology);
  Fd listener = test::listen_tcp(topology.server(), kPort);
  EXPECT_EQ(faults.readdress(0), plan().client_address(0, 1));
  const std::string ip = "ip " + std::string(plan().family() == IpFamily::ipv6 ? "-6" : "-4") + " -n " + topology.client().name();
  const std::string main = test::run_command(ip + " route show");
  EXPECT_NE(main.find("default via " + plan().router_lan_address(0) + " dev path0"), std::string::npos) << main;
  // No source address: the main table's default picks path 0 and its new address.
  EXPECT_EQ(reach(topology, listener.get(), ConnectFrom{}, plan()), plan().client_address(0, 1));
}

// A dual-stack network: every path carries both families by its own source routing, and a
// readdress gives the path a new address of each.
TEST(Topology, DualStackPathsCarryBothFamiliesAndReaddressBoth) {
  MPRECOVER_REQUIRE_NETNS();
  Scenario scenario = test::small_scenario(2);
  scenario.family = NetworkFamily::dual;
  Topology topology(scenario);
  ASSERT_EQ(topology.plans().size(), 2U);
  EXPECT_EQ(topology.plan().family(), IpFamily::ipv6) << "connections start on IPv6";
  PathFaults faults(topology);
  Fd listener = test::listen_tcp(topology.server(), kPort);
  auto check_both = [&](unsigned readdresses) {
    for (const AddressPlan* plan : {&ipv6_plan, &ipv4_plan}) {
      for (PathId p = 0; p < 2; ++p) {
        const std::string address = plan->client_address(p, p == 1 ? readdresses : 0);
        EXPECT_EQ(reach(topology, listener.get(), {"", address}, *plan), address);
      }
    }
  };
  check_both(0);
  faults.set_blackhole(1, true);
  EXPECT_EQ(reach(topology, listener.get(), from_address(1, ipv4_plan), ipv4_plan, 1500ms), "") << "both families blackholed";
  faults.set_blackhole(1, false);
  EXPECT_EQ(faults.readdress(1), ipv6_plan.client_address(1, 1));
  EXPECT_EQ(topology.client_address_of(1), ipv6_plan.client_address(1, 1));
  check_both(1);
}

// Bytes per second the server receives over one connection from path `p`'s address.
double measured_rate(Topology& topology, PathId p) {
  Fd listener = test::listen_tcp(topology.server(), kPort);
  Fd sender = test::connect_tcp(topology.client(), from_address(p), ipv4_plan.server_address(), kPort, 2s);
  Fd receiver;
  if (sender.get() < 0) {
    ADD_FAILURE() << "no connection from path " << p;
    return 0.0;
  }
  if (!test::accept_peer(listener.get(), 1s, &receiver)) {
    ADD_FAILURE() << "the server accepted nothing from path " << p;
    return 0.0;
  }
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    std::vector<char> chunk(64 * 1024, 'x');
    while (!stop && send(sender.get(), chunk.data(), chunk.size(), MSG_NOSIGNAL) > 0) {
    }
  });
  timeval tv{0, 200'000};
  setsockopt(receiver.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::vector<char> buf(256 * 1024);
  auto drain_until = [&](std::chrono::steady_clock::time_point end) {
    std::uint64_t total = 0;
    while (std::chrono::steady_clock::now() < end) {
      const ssize_t n = recv(receiver.get(), buf.data(), buf.size(), 0);
      if (n > 0) total += static_cast<std::uint64_t>(n);
    }
    return total;
  };
  const auto start = std::chrono::steady_clock::now();
  drain_until(start + 700ms);  // slow start and the bucket's first burst
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t bytes = drain_until(t0 + 2s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stop = true;
  shutdown(sender.get(), SHUT_RDWR);
  writer.join();
  return static_cast<double>(bytes) / seconds;
}

TEST(Topology, TbfLimitsThePathRate) {
  MPRECOVER_REQUIRE_NETNS();
  Scenario scenario = test::small_scenario(2, 8'000'000);
  scenario.paths[1].rate = 40'000'000;
  Topology topology(scenario);
  const double slow = measured_rate(topology, 0) * 8.0;
  EXPECT_GT(slow, 0.5 * 8e6);
  EXPECT_LT(slow, 1.25 * 8e6);
  const double fast = measured_rate(topology, 1) * 8.0;
  EXPECT_GT(fast, 0.5 * 40e6);
  EXPECT_LT(fast, 1.25 * 40e6);

  PathFaults(topology).set_rate(1, 8'000'000, QueueSize{});
  const double degraded = measured_rate(topology, 1) * 8.0;
  EXPECT_GT(degraded, 0.5 * 8e6);
  EXPECT_LT(degraded, 1.25 * 8e6);
}

TEST(Topology, DelayIsByTheBestMethodTheKernelHas) {
  MPRECOVER_REQUIRE_NETNS();
  const DelaySupport& support = delay_support();
  Topology topology(test::small_scenario(2));
  EXPECT_EQ(topology.delay_support().method, support.method) << support.reason;
  EXPECT_FALSE(topology.delay_unavailable() && support.method != DelayMethod::none);
  if (support.method != DelayMethod::nfqueue) {
    EXPECT_EQ(topology.delay_line(), nullptr);
    GTEST_SKIP() << "the delay method here is " << name_of(support.method) << " (" << support.reason << ")";
  }
  ASSERT_NE(topology.delay_line(), nullptr);
  for (PathId p = 0; p < 2; ++p) {
    const std::string rules =
        test::run_command("ip netns exec " + topology.router(p).name() + " iptables-nft -t mangle -S FORWARD");
    EXPECT_NE(rules.find("-A FORWARD -i lan -j NFQUEUE --queue-num 0"), std::string::npos) << rules;
    EXPECT_NE(rules.find("-A FORWARD -i wan -j NFQUEUE --queue-num 1"), std::string::npos) << rules;
    // Path delay 10 ms and server delay 1 ms (the scenario defaults), each way.
    EXPECT_EQ(topology.delay_line()->delay(p, Direction::to_server).delay, 11ms);
    EXPECT_EQ(topology.delay_line()->delay(p, Direction::to_client).delay, 11ms);
  }
}

TEST(Topology, WithoutADelayMethodTheDelayIsReportedOrRefused) {
  MPRECOVER_REQUIRE_NETNS();
  const DelaySupport none{DelayMethod::none, "no netem and no NFQUEUE (as the test says)"};
  {
    Topology topology(test::small_scenario(1), none);
    EXPECT_EQ(topology.delay_unavailable(), none.reason);
    EXPECT_EQ(topology.delay_line(), nullptr);
    EXPECT_THROW(PathFaults(topology).set_delay(0, 20ms), NetnsError);
  }
  Scenario strict = test::small_scenario(1);
  strict.netns.require_delay = true;
  try {
    Topology topology(strict, none);
    FAIL() << "built a topology whose delay it cannot emulate";
  } catch (const NetnsError& e) {
    EXPECT_NE(std::string(e.what()).find("require_delay"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(none.reason), std::string::npos) << e.what();
  }
}

TEST(Topology, BuildsEveryShippedScenario) {
  MPRECOVER_REQUIRE_NETNS();
  for (const auto& entry : std::filesystem::directory_iterator(std::string(MPRECOVER_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    Scenario scenario = load_scenario_file(entry.path().string());
    scenario.netns.require_delay = false;
    Topology topology(scenario);
    Fd listener = test::listen_tcp(topology.server(), kPort);
    for (PathId p = 0; p < topology.path_count(); ++p) {
      for (const AddressPlan& plan : topology.plans()) {
        EXPECT_EQ(reach(topology, listener.get(), via_path(p, plan), plan), plan.client_address(p))
            << "path " << p << " over " << name_of(plan.family());
      }
    }
    const std::string qdisc = test::run_command("ip netns exec " + topology.router(0).name() + " tc qdisc show dev wan");
    EXPECT_NE(qdisc.find("tbf"), std::string::npos) << qdisc;
  }
}

}  // namespace
}  // namespace mprecover::netns
