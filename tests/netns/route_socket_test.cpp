// RouteSocket with IPv6: addresses (usable at once, no duplicate address detection), routes and
// source rules, as `ip -6` shows them.
#include <gtest/gtest.h>

#include "backends/netns/netns_error.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/route_socket.h"
#include "test_support.h"

namespace mprecover::netns {
namespace {

TEST(RouteSocket, TakesIPv6AddressesRoutesAndRules) {
  MPRECOVER_REQUIRE_NETNS();
  const NetworkNamespace ns = NetworkNamespace::create(namespace_name(make_run_stem(), "v6"));
  const std::string ip = "ip -n " + ns.name() + " ";
  test::run_command(ip + "link add v0 type veth peer name v1");
  RouteSocket route(ns);
  route.set_link_up("v0", true);
  route.set_link_up("v1", true);
  route.add_address("v0", "2001:db8:5::1/64");
  const std::string addresses = test::run_command(ip + "-6 addr show dev v0");
  const std::size_t line = addresses.find("inet6 2001:db8:5::1/64");
  ASSERT_NE(line, std::string::npos) << addresses;
  const std::string ours = addresses.substr(line, addresses.find('\n', line) - line);
  EXPECT_EQ(ours.find("tentative"), std::string::npos) << "waiting on duplicate address detection: " << ours;
  EXPECT_NE(ours.find("nodad"), std::string::npos) << ours;

  route.add_route("2001:db8:9::/64", "2001:db8:5::2", 7);
  route.replace_route("default", "2001:db8:5::2", 7);
  const std::string routes = test::run_command(ip + "-6 route show table 7");
  EXPECT_NE(routes.find("2001:db8:9::/64 via 2001:db8:5::2 dev v0"), std::string::npos) << routes;
  EXPECT_NE(routes.find("default via 2001:db8:5::2 dev v0"), std::string::npos) << routes;
  EXPECT_THROW(route.add_route("10.9.0.0/16", "2001:db8:5::2", 7), NetnsError) << "families mixed";

  route.add_source_rule("2001:db8:5::1", 7, 100);
  EXPECT_NE(test::run_command(ip + "-6 rule show").find("100:\tfrom 2001:db8:5::1 lookup 7"), std::string::npos);
  route.delete_source_rule("2001:db8:5::1", 7, 100);
  EXPECT_EQ(test::run_command(ip + "-6 rule show").find("2001:db8:5::1"), std::string::npos);
  route.delete_address("v0", "2001:db8:5::1/64");
  EXPECT_EQ(test::run_command(ip + "-6 addr show dev v0").find("2001:db8:5::1"), std::string::npos);
}

}  // namespace
}  // namespace mprecover::netns
