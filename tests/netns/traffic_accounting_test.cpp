// The bulk traffic's byte pattern and the per-path byte sums over subflows that come and go.
#include <gtest/gtest.h>

#include <vector>

#include "backends/netns/device_names.h"
#include "backends/netns/byte_pattern.h"
#include "backends/netns/subflow_byte_counter.h"

namespace mprecover::netns {
namespace {

const PathOfAddress path_of_client = [](std::string_view a) { return ipv4_plan.path_of_client_address(a); };

TEST(BytePattern, AnyStretchMatchesItsOffsetAndNoOther) {
  std::vector<std::byte> whole(1000);
  fill_pattern(0, whole);
  std::vector<std::byte> middle(77);
  fill_pattern(333, middle);
  EXPECT_TRUE(std::equal(middle.begin(), middle.end(), whole.begin() + 333));
  EXPECT_FALSE(find_pattern_mismatch(333, middle));
  // The same bytes claimed at another offset (duplicated or reordered data) do not match.
  EXPECT_TRUE(find_pattern_mismatch(341, middle));
  EXPECT_TRUE(find_pattern_mismatch(334, middle));
  middle[40] ^= std::byte{1};
  EXPECT_EQ(find_pattern_mismatch(333, middle), 373U);
}

SubflowInfo subflow(const char* address, std::uint16_t port, std::uint64_t acked, bool established = true) {
  SubflowInfo s;
  s.local_address = address;
  s.local_port = port;
  s.bytes_acked = acked;
  s.established = established;
  return s;
}

TEST(SubflowByteCounter, SumsPerPathAcrossSubflowsThatComeAndGo) {
  SubflowByteCounter counter;
  counter.update({subflow("10.1.1.1", 40000, 100), subflow("10.1.2.1", 40001, 50)}, path_of_client);
  EXPECT_EQ(counter.bytes(0), 100U);
  EXPECT_EQ(counter.bytes(1), 50U);
  EXPECT_TRUE(counter.subflow_up(1));
  // Path 1's subflow dies: its bytes stay counted, the path is down.
  counter.update({subflow("10.1.1.1", 40000, 300)}, path_of_client);
  EXPECT_EQ(counter.bytes(0), 300U);
  EXPECT_EQ(counter.bytes(1), 50U);
  EXPECT_FALSE(counter.subflow_up(1));
  // A rebuilt subflow, connecting then established, counts from zero on top.
  counter.update({subflow("10.1.1.1", 40000, 300), subflow("10.1.2.1", 40002, 0, false)}, path_of_client);
  EXPECT_FALSE(counter.subflow_up(1));
  counter.update({subflow("10.1.1.1", 40000, 310), subflow("10.1.2.1", 40002, 20)}, path_of_client);
  EXPECT_EQ(counter.bytes(1), 70U);
  EXPECT_TRUE(counter.subflow_up(1));
  // A new subflow on an old one's port, with a smaller count, is a new subflow.
  counter.update({subflow("10.1.1.1", 40000, 5)}, path_of_client);
  EXPECT_EQ(counter.bytes(0), 315U);
  // Addresses of no path are ignored.
  counter.update({subflow("192.0.2.1", 1, 1000)}, path_of_client);
  EXPECT_EQ(counter.bytes(0), 315U);
}

TEST(SubflowByteCounter, CountsWhatASubflowCarriesEitherWay) {
  SubflowByteCounter counter;
  SubflowInfo download = subflow("10.1.2.1", 40000, 1);  // a download: the client acknowledges, the server sends
  download.bytes_received = 5000;
  counter.update({download}, path_of_client);
  EXPECT_EQ(counter.bytes(1), 5001U);
  download.bytes_received = 9000;
  counter.update({download}, path_of_client);
  EXPECT_EQ(counter.bytes(1), 9001U);
}

TEST(AddressPlan, PathOfClientDevice) {
  EXPECT_EQ(path_of_client_device("path0"), 0U);
  EXPECT_EQ(path_of_client_device("path7"), 7U);
  EXPECT_FALSE(path_of_client_device("path8")) << "a scenario has at most max_paths paths";
  EXPECT_FALSE(path_of_client_device("path"));
  EXPECT_FALSE(path_of_client_device("lo"));
  EXPECT_FALSE(path_of_client_device("path1x"));
}

}  // namespace
}  // namespace mprecover::netns
