// The shared address plan: the same numbers in the same places on IPv4 and IPv6, in the text form
// the kernel reports (inet_ntop's), and a client address read back to its path.
#include "core/network/address_plan.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>

namespace mprecover {
namespace {

// inet_ntop(inet_pton(text)): what the kernel's readers write for the address.
std::string canonical(const std::string& text, int family) {
  std::array<unsigned char, 16> bytes{};
  std::array<char, INET6_ADDRSTRLEN> out{};
  EXPECT_EQ(inet_pton(family, text.c_str(), bytes.data()), 1) << text;
  return inet_ntop(family, bytes.data(), out.data(), out.size());
}

TEST(AddressPlan, IPv4IsTheTenNetworkPlan) {
  EXPECT_EQ(ipv4_plan.lan_subnet(1), "10.1.2.0/24");
  EXPECT_EQ(ipv4_plan.client_address(1), "10.1.2.1");
  EXPECT_EQ(ipv4_plan.client_address(1, 2), "10.1.2.3");
  EXPECT_EQ(ipv4_plan.router_lan_address(0), "10.1.1.254");
  EXPECT_EQ(ipv4_plan.router_wan_address(7), "10.2.8.1");
  EXPECT_EQ(ipv4_plan.aggregation_wan_address(7), "10.2.8.2");
  EXPECT_EQ(ipv4_plan.server_subnet(), "10.3.0.0/24");
  EXPECT_EQ(ipv4_plan.aggregation_server_address(), "10.3.0.1");
  EXPECT_EQ(ipv4_plan.server_address(), "10.3.0.2");
  EXPECT_EQ(ipv4_plan.prefix_length(), 24);
}

TEST(AddressPlan, IPv6HasTheSameNumbersInTheDocumentationPrefix) {
  EXPECT_EQ(ipv6_plan.lan_subnet(1), "2001:db8:1:2::/64");
  EXPECT_EQ(ipv6_plan.client_address(1), "2001:db8:1:2::1");
  EXPECT_EQ(ipv6_plan.client_address(1, 2), "2001:db8:1:2::3");
  EXPECT_EQ(ipv6_plan.router_lan_address(0), "2001:db8:1:1::254");
  EXPECT_EQ(ipv6_plan.router_wan_address(7), "2001:db8:2:8::1");
  EXPECT_EQ(ipv6_plan.aggregation_wan_address(7), "2001:db8:2:8::2");
  EXPECT_EQ(ipv6_plan.server_subnet(), "2001:db8:3::/64");
  EXPECT_EQ(ipv6_plan.aggregation_server_address(), "2001:db8:3::1");
  EXPECT_EQ(ipv6_plan.server_address(), "2001:db8:3::2");
  EXPECT_EQ(ipv6_plan.prefix_length(), 64);
  EXPECT_EQ(&address_plan(IpFamily::ipv6), &ipv6_plan);
}

TEST(AddressPlan, AddressesAreWrittenAsTheKernelReportsThem) {
  for (const AddressPlan* plan : {&ipv4_plan, &ipv6_plan}) {
    const int family = plan->family() == IpFamily::ipv6 ? AF_INET6 : AF_INET;
    for (PathId p = 0; p < max_paths; ++p) {
      for (const std::string& a : {plan->client_address(p), plan->client_address(p, max_readdresses),
                                   plan->router_lan_address(p), plan->router_wan_address(p)}) {
        EXPECT_EQ(canonical(a, family), a);
      }
    }
    EXPECT_EQ(canonical(plan->server_address(), family), plan->server_address());
  }
}

TEST(AddressPlan, AClientAddressLeadsBackToItsPathInItsOwnFamilyOnly) {
  for (const AddressPlan* plan : {&ipv4_plan, &ipv6_plan}) {
    for (PathId p = 0; p < max_paths; ++p) {
      EXPECT_EQ(plan->path_of_client_address(plan->client_address(p)), p);
      EXPECT_EQ(plan->path_of_client_address(plan->client_address(p, max_readdresses)), p);
    }
    EXPECT_FALSE(plan->path_of_client_address(plan->router_wan_address(0)));
    EXPECT_FALSE(plan->path_of_client_address(plan->server_address()));
    EXPECT_FALSE(plan->path_of_client_address("not an address"));
  }
  EXPECT_FALSE(ipv4_plan.path_of_client_address(ipv6_plan.client_address(0)));
  EXPECT_FALSE(ipv6_plan.path_of_client_address(ipv4_plan.client_address(0)));
  EXPECT_FALSE(ipv4_plan.path_of_client_address("10.1.9.1"));  // past the 8 paths
  EXPECT_FALSE(ipv6_plan.path_of_client_address("2001:db8:1:9::1"));
  EXPECT_FALSE(ipv6_plan.path_of_client_address("2001:db8:1:100::1"));
}

}  // namespace
}  // namespace mprecover
