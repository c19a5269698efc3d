// The interface every path manager policy implements; the engine calls it on each decision point.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "config.h"
#include "connection_table.h"
#include "output.h"
#include "path_health_detector.h"
#include "progress_table.h"

namespace mprecover {

// Which of the kernel's path managers the backend must set up for a policy.
enum class PathManagerMode {
  in_kernel,  // net.mptcp.pm_type=0, a `subflow` endpoint per extra path
  userspace,  // net.mptcp.pm_type=1, subflows created per connection by the engine
  daemon,     // in-kernel PM whose endpoints a daemon of the policy manages (mptcpd); the engine observes
};

template <>
struct EnumNames<PathManagerMode> {
  static constexpr std::array<std::pair<PathManagerMode, std::string_view>, 3> table{{
      {PathManagerMode::in_kernel, "in-kernel"}, {PathManagerMode::userspace, "userspace"},
      {PathManagerMode::daemon, "daemon"}}};
};

// What a policy may read and change: the connection table, the detectors' verdicts and when each
// connection last moved data on each path.
struct PolicyContext {
  ConnectionTable& connections;
  const std::vector<PathHealthDetector>& detectors;
  const ProgressTable& progress;

  bool path_up(PathId path) const { return detectors[path].state() == PathState::up; }
};

// Each callback comes after the engine updated the connection table with the event.
// The defaults do nothing, which is exactly the in-kernel PM's own behaviour.
class PathManagerPolicy {
 public:
  virtual ~PathManagerPolicy() = default;

  // The detector declared `path` down (it was up).
  virtual void on_path_down(PathId /*path*/, Instant /*now*/, Output& /*out*/) {}
  // The detector declared `path` up again (after its hold and confirm probe, if any).
  virtual void on_path_up(PathId /*path*/, Instant /*now*/, Output& /*out*/) {}
  // MPTCP_EVENT_ESTABLISHED: a new connection with its initial subflow on `path`.
  virtual void on_established(ConnectionToken /*token*/, PathId /*path*/, Instant /*now*/, Output& /*out*/) {}
  // MPTCP_EVENT_SUB_ESTABLISHED of the subflow from local `port`.
  virtual void on_subflow_established(ConnectionToken /*token*/, PathId /*path*/, std::uint16_t /*port*/,
                                      Instant /*now*/, Output& /*out*/) {}
  // MPTCP_EVENT_SUB_CLOSED; `error` is 0 for a clean close.
  virtual void on_subflow_closed(ConnectionToken /*token*/, PathId /*path*/, std::uint16_t /*port*/, int /*error*/,
                                 Instant /*now*/, Output& /*out*/) {}
  // MPTCP_EVENT_CLOSED.
  virtual void on_closed(ConnectionToken /*token*/) {}
  // The client's interface on `path` lost or regained its carrier or its address (after the
  // detector took it in).
  virtual void on_link_change(PathId /*path*/, LinkChange /*change*/, Instant /*now*/, Output& /*out*/) {}
  // Call when now >= next_deadline(); calling early is harmless.
  virtual void on_timeout(Instant /*now*/, Output& /*out*/) {}
  virtual std::optional<Instant> next_deadline() const { return std::nullopt; }

  virtual PathManagerMode mode() const { return PathManagerMode::in_kernel; }
};

}  // namespace mprecover
