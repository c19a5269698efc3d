// Bytes per path of one MPTCP connection, summed over the subflows the kernel reports.
// A subflow's own counter starts at 0 and vanishes with the subflow; these sums keep growing
// across subflows that come and go, as timeseries.csv wants them.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/ids.h"
#include "backends/netns/mptcp_event_listener.h"
#include "backends/netns/mptcp_socket_info.h"

namespace mprecover::netns {

class SubflowByteCounter {
 public:
  // Takes one reading of the connection's subflows (mptcp_subflows()).
  void update(const std::vector<SubflowInfo>& subflows, const PathOfAddress& path_of);

  // Bytes acknowledged on the path's subflows so far.
  std::uint64_t bytes(PathId path) const;
  // Whether the last reading had an established subflow on the path.
  bool subflow_up(PathId path) const { return up_.count(path) != 0; }

 private:
  using SubflowKey = std::pair<std::string, std::uint16_t>;  // local address and port
  std::map<SubflowKey, std::uint64_t> last_acked_;
  std::map<PathId, std::uint64_t> bytes_;
  std::set<PathId> up_;
};

}  // namespace mprecover::netns
