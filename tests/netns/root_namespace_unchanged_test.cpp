// A netns topology, faults included, changes nothing in the root namespace.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "backends/netns/path_faults.h"
#include "backends/netns/socket_destroyer.h"
#include "backends/netns/topology.h"
#include "test_support.h"

namespace mprecover::netns {
namespace {

struct Probe {
  const char* what;
  const char* command;
};

const std::vector<Probe> kRootState = {
    {"addresses", "ip -d addr"},
    {"routes", "ip route show table all; ip -6 route show table all"},
    {"rules", "ip rule; ip -6 rule"},
    {"qdiscs", "tc qdisc"},
    {"nftables", "nft list ruleset"},
    {"MPTCP endpoints", "ip mptcp endpoint"},
    {"MPTCP limits", "ip mptcp limits"},
    {"sysctls", "sysctl -a 2>/dev/null | grep -E 'net\\.(mptcp|ipv4\\.(ip_forward|conf\\.all))'"},
};

// What may change on its own between two looks: address and route lifetimes.
std::string normalized(const std::string& text) {
  static const std::regex lifetimes(R"((valid_lft|preferred_lft|expires) \S+)");
  return std::regex_replace(text, lifetimes, "$1 -");
}

std::vector<std::string> snapshot() {
  std::vector<std::string> state;
  for (const Probe& probe : kRootState) state.push_back(normalized(test::run_command(probe.command)));
  return state;
}

TEST(RootNamespace, UnchangedByATopologyAndItsFaults) {
  MPRECOVER_REQUIRE_NETNS();
  const auto before = snapshot();
  {
    Scenario scenario = test::small_scenario(2, 20'000'000);
    scenario.paths[1].loss = 0.02;
    Topology topology(scenario);
    PathFaults faults(topology);
    faults.set_blackhole(0, true);
    faults.set_link(1, false);
    faults.set_loss(0, 0.5);
    faults.set_rate(1, 5'000'000, QueueSize{});
    faults.set_link(1, true);
    faults.set_blackhole(0, false);
    faults.readdress(1);
    faults.readdress(0);
    destroy_tcp_sockets(topology.client(), topology.client_address_of(1));
    const auto during = snapshot();
    for (std::size_t i = 0; i < kRootState.size(); ++i) {
      EXPECT_EQ(during[i], before[i]) << "root namespace " << kRootState[i].what << " changed while the topology ran";
    }
  }
  const auto after = snapshot();
  for (std::size_t i = 0; i < kRootState.size(); ++i) {
    EXPECT_EQ(after[i], before[i]) << "root namespace " << kRootState[i].what << " changed";
  }
}

}  // namespace
}  // namespace mprecover::netns
