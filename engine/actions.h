// What the engine asks a backend to do.
#pragma once

#include <cstdint>
#include <variant>

#include "config.h"
#include "ids.h"

namespace mprecover {

// Send one probe on `path`; answer with ProbeResult{path, probe_id, ...}. An answer that comes
// after `timeout` is ignored: the engine has counted the probe as failed by then.
struct SendProbe {
  PathId path;
  std::uint64_t probe_id;
  ProbeMode mode;
  Duration timeout;
};

// Userspace PM: MPTCP_PM_CMD_SUBFLOW_CREATE for this connection from the path's current address.
struct CreateSubflow {
  ConnectionToken token;
  PathId path;
};

// Userspace PM: MPTCP_PM_CMD_SUBFLOW_DESTROY. Only for a subflow that never got established on a
// path that went down: its SYN retransmissions would otherwise keep the path busy until they get
// through, long after the path is back.
struct DestroySubflow {
  ConnectionToken token;
  PathId path;
};

// Userspace PM: MPTCP_PM_CMD_SUBFLOW_DESTROY of one subflow, the connection's subflow on `path`
// from local port `port`: a stalled one, once the fresh subflow that replaces it is established.
struct RetireSubflow {
  ConnectionToken token;
  PathId path;
  std::uint16_t port;
};

// In-kernel PM: MPTCP_PM_CMD_ADD_ADDR / DEL_ADDR of the path's `subflow` endpoint.
// Adding makes the kernel open a subflow from it on every connection; deleting closes them.
struct AddEndpoint {
  PathId path;
};
struct DeleteEndpoint {
  PathId path;
};

using Action = std::variant<SendProbe, CreateSubflow, DestroySubflow, RetireSubflow, AddEndpoint, DeleteEndpoint>;

}  // namespace mprecover
