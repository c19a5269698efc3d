#include "realnet/netns_backend.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "realnet/netns_run.h"

namespace mprecover {

namespace {

// Runs in one process (threads of the Python module) take turns: each one's namespaces are its
// own, but the kernel's MPTCP events, CPU and rates are shared, and timing is what we measure.
std::mutex g_kernel_in_use;

// A thousand connections are two thousand sockets plus probes: lift the soft fd limit to the hard one.
void raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

class NetnsBackend final : public Backend {
 public:
  RunOutcome run(const Scenario& scenario, const EngineConfig& config, RunRecorder& recorder,
                 const std::atomic<bool>& stop) override {
    std::lock_guard<std::mutex> turn(g_kernel_in_use);
    raise_fd_limit();
    realnet::NetnsRun run(scenario, config, recorder, stop);
    return run.run();
  }
};

}  // namespace

std::unique_ptr<Backend> make_netns_backend() { return std::make_unique<NetnsBackend>(); }

std::optional<std::string> netns_backend_unavailable() {
  if (geteuid() != 0) {
    return "needs root (network namespaces, veth pairs, nftables and the MPTCP path manager need "
           "CAP_SYS_ADMIN and CAP_NET_ADMIN)";
  }
  if (!std::filesystem::exists("/proc/self/ns/net")) return "the kernel has no network namespaces";
  // net.mptcp.enabled is per namespace and on by default in new ones; its absence means no MPTCP.
  if (!std::filesystem::exists("/proc/sys/net/mptcp/enabled")) {
    return "the kernel has no MPTCP (CONFIG_MPTCP; /proc/sys/net/mptcp is missing)";
  }
  return std::nullopt;
}

}  // namespace mprecover
