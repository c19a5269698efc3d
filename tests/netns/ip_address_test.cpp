// IpAddress: both families from text and bytes, and back.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include "backends/netns/ip_address.h"

namespace mprecover::netns {
namespace {

TEST(IpAddress, ParsesAndWritesBothFamilies) {
  const auto v4 = IpAddress::parse("10.1.2.1");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->family(), AF_INET);
  EXPECT_EQ(v4->size(), 4U);
  EXPECT_EQ(v4->text(), "10.1.2.1");
  const auto v6 = IpAddress::parse("2001:db8:0:0::1");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->family(), AF_INET6);
  EXPECT_EQ(v6->size(), 16U);
  EXPECT_EQ(v6->text(), "2001:db8::1") << "written in its shortest form";
  EXPECT_FALSE(IpAddress::parse("10.1.2"));
  EXPECT_FALSE(IpAddress::parse("2001:db8::zz"));
  EXPECT_FALSE(IpAddress::parse(""));
}

TEST(IpAddress, ComesFromTheKernelsBytesAndComparesByFamilyAndBytes) {
  in6_addr loopback = in6addr_loopback;
  EXPECT_EQ(IpAddress::from_bytes(AF_INET6, &loopback), IpAddress::parse("::1"));
  const std::uint32_t network_order = htonl(0x0a010201);
  EXPECT_EQ(IpAddress::from_bytes(AF_INET, &network_order), IpAddress::parse("10.1.2.1"));
  EXPECT_NE(IpAddress::parse("0.0.0.0"), IpAddress::parse("::"));
}

}  // namespace
}  // namespace mprecover::netns
