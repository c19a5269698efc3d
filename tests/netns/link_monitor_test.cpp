// LinkMonitor on the live kernel: carrier and address changes of the client's path devices.
#include <gtest/gtest.h>
#include <poll.h>

#include <chrono>
#include <utility>
#include <vector>

#include "backends/netns/device_names.h"
#include "backends/netns/link_monitor.h"
#include "backends/netns/path_faults.h"
#include "backends/netns/topology.h"
#include "test_support.h"

namespace mprecover::netns {
namespace {

using namespace std::chrono_literals;

using Change = std::pair<PathId, LinkChange>;

// A monitor on the client of `topology` that records what it reports.
struct Recorder {
  explicit Recorder(Topology& topology)
      : monitor(
            topology.client(), topology.plan().family(),
            [count = topology.path_count()](const std::string& device) -> std::optional<PathId> {
              for (PathId p = 0; p < count; ++p) {
                if (device == client_device(p)) return p;
              }
              return std::nullopt;
            },
            [this](PathId path, LinkChange change) { changes.emplace_back(path, change); }) {}

  // Drains until `expected` changes have been reported in all, or `timeout` passes.
  void wait_for(std::size_t expected, std::chrono::milliseconds timeout = 3s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (changes.size() < expected) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return;
      pollfd pfd{monitor.fd(), POLLIN, 0};
      if (poll(&pfd, 1, static_cast<int>(left.count())) == 1) monitor.drain();
    }
  }

  std::vector<Change> changes;
  LinkMonitor monitor;
};

std::string describe(const std::vector<Change>& changes) {
  std::string text;
  for (const auto& [path, change] : changes) {
    text += '(';
    text += std::to_string(path);
    text += ", ";
    text += name_of(change);
    text += ") ";
  }
  return text;
}

TEST(LinkMonitor, ReportsCarrierDownAndUpOfThePathsDeviceOnly) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(test::small_scenario(2));
  PathFaults faults(topology);
  Recorder recorder(topology);

  faults.set_link(1, false);
  recorder.wait_for(1);
  faults.set_link(1, true);
  recorder.wait_for(2);
  recorder.wait_for(3, 300ms);  // nothing more may come
  const std::vector<Change> expected{{1, LinkChange::carrier_down}, {1, LinkChange::carrier_up}};
  EXPECT_EQ(recorder.changes, expected) << describe(recorder.changes);
}

// One address gone, then one back, of the connections' family: on a dual-stack network the IPv4
// address changes too, and is not news of its own.
class LinkMonitorOfFamily : public testing::TestWithParam<NetworkFamily> {};

INSTANTIATE_TEST_SUITE_P(Family, LinkMonitorOfFamily,
                         testing::Values(NetworkFamily::ipv4, NetworkFamily::ipv6, NetworkFamily::dual),
                         [](const testing::TestParamInfo<NetworkFamily>& family) { return std::string(name_of(family.param)); });

TEST_P(LinkMonitorOfFamily, ReportsAddressGoneThenBackAroundAReaddress) {
  MPRECOVER_REQUIRE_NETNS();
  Scenario scenario = test::small_scenario(2);
  scenario.family = GetParam();
  Topology topology(scenario);
  PathFaults faults(topology);
  Recorder recorder(topology);

  faults.readdress(1);
  recorder.wait_for(2);
  recorder.wait_for(3, 300ms);
  const std::vector<Change> expected{{1, LinkChange::address_gone}, {1, LinkChange::address_back}};
  EXPECT_EQ(recorder.changes, expected) << describe(recorder.changes);
}

// The kernel's own IPv6 link-local addresses, which come and go with the link, are not news about
// the path; its global ones are.
TEST(LinkMonitor, FollowsGlobalIPv6AddressesAndNotLinkLocalOnes) {
  MPRECOVER_REQUIRE_NETNS();
  Scenario scenario = test::small_scenario(2);
  scenario.family = NetworkFamily::ipv6;
  Topology topology(scenario);
  const std::string ip = "ip -n " + topology.client().name() + " ";
  Recorder recorder(topology);

  test::run_command(ip + "addr add fe80::99/64 dev " + client_device(1) + " nodad");
  test::run_command(ip + "addr del fe80::99/64 dev " + client_device(1));
  recorder.wait_for(1, 300ms);
  EXPECT_TRUE(recorder.changes.empty()) << describe(recorder.changes);

  test::run_command(ip + "addr del 2001:db8:1:2::1/64 dev " + client_device(1));
  recorder.wait_for(1);
  test::run_command(ip + "addr add 2001:db8:1:2::1/64 dev " + client_device(1) + " nodad");
  recorder.wait_for(2);
  recorder.wait_for(3, 300ms);
  const std::vector<Change> expected{{1, LinkChange::address_gone}, {1, LinkChange::address_back}};
  EXPECT_EQ(recorder.changes, expected) << describe(recorder.changes);
}

TEST(LinkMonitor, ReadsTheInitialStateAndReportsOnlyChanges) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(test::small_scenario(2));
  PathFaults faults(topology);
  faults.set_link(1, false);
  Recorder recorder(topology);  // path 1 has no carrier from the start

  faults.set_link(1, false);
  faults.set_blackhole(1, true);
  recorder.wait_for(1, 300ms);
  EXPECT_TRUE(recorder.changes.empty()) << describe(recorder.changes);
  faults.set_link(1, true);
  recorder.wait_for(1);
  const std::vector<Change> expected{{1, LinkChange::carrier_up}};
  EXPECT_EQ(recorder.changes, expected) << describe(recorder.changes);
}

TEST(LinkMonitor, AnOverrunIsRecoveredByReadingTheStateAgain) {
  MPRECOVER_REQUIRE_NETNS();
  Topology topology(test::small_scenario(2));
  PathFaults faults(topology);
  Recorder recorder(topology);

  // Flap path 1 without reading until the socket's buffer overflows; then, with every further
  // message dropped, change its address and take its carrier away.
  int flaps = 0;
  while (flaps < 2000) {
    faults.set_link(1, false);
    faults.set_link(1, true);
    ++flaps;
    pollfd pfd{recorder.monitor.fd(), 0, 0};
    if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR) != 0) break;  // ENOBUFS is pending
  }
  RecordProperty("flaps_until_overrun", flaps);
  faults.readdress(1);
  faults.set_link(1, false);
  EXPECT_NO_THROW(recorder.wait_for(1'000'000, 1s));
  ASSERT_GT(recorder.monitor.overruns(), 0U) << "the flood did not overflow the socket's buffer";
  ASSERT_GE(recorder.changes.size(), 3U) << describe(recorder.changes);
  const std::vector<Change> last(recorder.changes.end() - 3, recorder.changes.end());
  const std::vector<Change> expected{
      {1, LinkChange::address_gone}, {1, LinkChange::address_back}, {1, LinkChange::carrier_down}};
  EXPECT_EQ(last, expected) << describe(recorder.changes);
  for (const auto& [path, change] : recorder.changes) EXPECT_EQ(path, 1U) << describe(recorder.changes);
}

}  // namespace
}  // namespace mprecover::netns
