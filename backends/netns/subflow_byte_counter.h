// Bytes per path of one MPTCP connection, summed over the subflows the kernel reports: what each
// carried either way, acknowledged by the server (an upload) plus received from it (a download, such
// as a kind command's `iperf3 -R`), so that the path's share is what the sending side's scheduler
// gave it. A subflow's own counters start at 0 and vanish with the subflow; these sums keep growing
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

  // Bytes the path's subflows carried so far.
  std::uint64_t bytes(PathId path) const;
  // Whether the last reading had an established subflow on the path.
  bool subflow_up(PathId path) const { return up_.count(path) != 0; }

 private:
  using SubflowKey = std::pair<std::string, std::uint16_t>;  // local address and port
  std::map<SubflowKey, std::uint64_t> last_carried_;
  std::map<PathId, std::uint64_t> bytes_;
  std::set<PathId> up_;
};

}  // namespace mprecover::netns
