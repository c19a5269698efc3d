// What a backend tells the engine: probe results, link changes and MPTCP path-manager events.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <variant>

#include "enum_names.h"
#include "ids.h"

namespace mprecover {

// The answer (or an early failure, e.g. ICMP unreachable) to a SendProbe action.
struct ProbeResult {
  PathId path;
  std::uint64_t probe_id;
  bool ok;
};

enum class LinkChange { carrier_down, carrier_up, address_gone, address_back };

template <>
struct EnumNames<LinkChange> {
  static constexpr std::array<std::pair<LinkChange, std::string_view>, 4> table{{
      {LinkChange::carrier_down, "carrier_down"},
      {LinkChange::carrier_up, "carrier_up"},
      {LinkChange::address_gone, "address_gone"},
      {LinkChange::address_back, "address_back"}}};
};

// The client's interface on a path lost or regained its carrier or its address.
struct LinkChanged {
  PathId path;
  LinkChange change;
};

// MPTCP path-manager events, named after the kernel's mptcp_pm netlink spec
// (MPTCP_EVENT_CREATED, _ESTABLISHED, _CLOSED, _SUB_ESTABLISHED, _SUB_CLOSED).
// `path` is the path of the subflow's local address, as the backend maps it; `port` the
// subflow's local port, which tells two subflows of a connection on one path apart (0: the
// backend does not say).
struct MptcpCreated {
  ConnectionToken token;
  PathId path;  // of the initial subflow
};
struct MptcpEstablished {
  ConnectionToken token;
  PathId path;
  std::uint16_t port = 0;
};
struct MptcpClosed {
  ConnectionToken token;
};
struct MptcpSubEstablished {
  ConnectionToken token;
  PathId path;
  std::uint16_t port = 0;
};
struct MptcpSubClosed {
  ConnectionToken token;
  PathId path;
  int error;  // errno the subflow died with (ECONNRESET, ETIMEDOUT, ...); 0 for a clean close
  std::uint16_t port = 0;
};

using Event = std::variant<ProbeResult, LinkChanged, MptcpCreated, MptcpEstablished, MptcpClosed,
                           MptcpSubEstablished, MptcpSubClosed>;

}  // namespace mprecover
