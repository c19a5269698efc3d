// The kernel's mptcp_pm generic-netlink family, as Documentation/netlink/specs/mptcp_pm.yaml names
// it. Our own copies of the numbers, checked against <linux/mptcp.h> at compile time
// (mptcp_pm_spec.cpp), so that nothing else in the backend includes the kernel header.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace mprecover::netns::mptcp_pm {

inline constexpr const char* kFamily = "mptcp_pm";
inline constexpr const char* kEventsGroup = "mptcp_pm_events";
inline constexpr std::uint8_t kVersion = 1;

// Commands (enum mptcp_pm_command).
enum class Command : std::uint8_t {
  add_addr = 1,
  del_addr = 2,
  get_addr = 3,
  flush_addrs = 4,
  set_limits = 5,
  get_limits = 6,
  set_flags = 7,
  announce = 8,
  remove = 9,
  subflow_create = 10,
  subflow_destroy = 11,
};

// Top-level command attributes (attribute-set "attr").
enum class Attr : int {
  addr = 1,
  rcv_add_addrs = 2,
  subflows = 3,
  token = 4,
  loc_id = 5,
  addr_remote = 6,
};
inline constexpr int kAttrMax = 6;

// Nested address attributes (attribute-set "address").
enum class AddrAttr : int {
  family = 1,
  id = 2,
  addr4 = 3,
  addr6 = 4,
  port = 5,
  flags = 6,
  if_idx = 7,
};
inline constexpr int kAddrAttrMax = 7;

// Endpoint flags (definition "address-flags").
enum EndpointFlag : std::uint32_t {
  signal = 1U << 0,
  subflow = 1U << 1,
  backup = 1U << 2,
  fullmesh = 1U << 3,
  implicit = 1U << 4,
};

// Events (enum mptcp_event_type), the genl command of a message of the events group.
enum class EventType : std::uint8_t {
  created = 1,
  established = 2,
  closed = 3,
  announced = 6,
  removed = 7,
  sub_established = 10,
  sub_closed = 11,
  sub_priority = 13,
  listener_created = 15,
  listener_closed = 16,
};

// Event attributes (attribute-set "event-attr").
enum class EventAttr : int {
  token = 1,
  family = 2,
  loc_id = 3,
  rem_id = 4,
  saddr4 = 5,
  saddr6 = 6,
  daddr4 = 7,
  daddr6 = 8,
  sport = 9,
  dport = 10,
  backup = 11,
  error = 12,
  flags = 13,
  timeout = 14,
  if_idx = 15,
  reset_reason = 16,
  reset_flags = 17,
  server_side = 18,
};
inline constexpr int kEventAttrMax = 18;

// One table for the names of the events, for parsing and printing (as iproute2's ipmptcp.c).
inline constexpr std::array<std::pair<EventType, std::string_view>, 10> kEventNames{{
    {EventType::created, "created"},
    {EventType::established, "established"},
    {EventType::closed, "closed"},
    {EventType::announced, "announced"},
    {EventType::removed, "removed"},
    {EventType::sub_established, "sub_established"},
    {EventType::sub_closed, "sub_closed"},
    {EventType::sub_priority, "sub_priority"},
    {EventType::listener_created, "listener_created"},
    {EventType::listener_closed, "listener_closed"},
}};

constexpr std::string_view event_name(EventType type) {
  for (const auto& [t, name] : kEventNames) {
    if (t == type) return name;
  }
  return "unknown";
}

constexpr std::optional<EventType> event_type_named(std::string_view name) {
  for (const auto& [t, n] : kEventNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

template <class E>
constexpr auto raw(E value) {
  return static_cast<std::underlying_type_t<E>>(value);
}

}  // namespace mprecover::netns::mptcp_pm
