// What the engine decided, for the event log and the metrics (not commands: see actions.h).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "enum_names.h"
#include "ids.h"
#include "clock.h"

namespace mprecover {

enum class NoticeKind {
  path_down,          // the detector declared the path down (`detail` says why)
  path_candidate,     // enough good probes: the path is held or confirmed before use
  path_hold_broken,   // a failure while held or confirming: back to down
  path_up,            // the detector declared the path up
  rebuild_pass,       // a policy started re-creating missing subflows (`count` connections)
  retry_scheduled,    // a subflow died with an error; re-creation in `delay`
  retries_cancelled,  // the path went down: pending re-creations are dropped (`count` of them)
  omr_wait_started,   // omr: the endpoint flap will come after omr_wait
  replace_pass,       // a policy started replacing stalled subflows on a path (`count` of them)
};

template <>
struct EnumNames<NoticeKind> {
  static constexpr std::array<std::pair<NoticeKind, std::string_view>, 9> table{{
      {NoticeKind::path_down, "path_down"},
      {NoticeKind::path_candidate, "path_candidate"},
      {NoticeKind::path_hold_broken, "path_hold_broken"},
      {NoticeKind::path_up, "path_up"},
      {NoticeKind::rebuild_pass, "rebuild_pass"},
      {NoticeKind::retry_scheduled, "retry_scheduled"},
      {NoticeKind::retries_cancelled, "retries_cancelled"},
      {NoticeKind::omr_wait_started, "omr_wait_started"},
      {NoticeKind::replace_pass, "replace_pass"}}};
};

// Why a path was declared down.
enum class DownReason { none, probes, carrier, address };

template <>
struct EnumNames<DownReason> {
  static constexpr std::array<std::pair<DownReason, std::string_view>, 4> table{{
      {DownReason::none, ""}, {DownReason::probes, "probes"}, {DownReason::carrier, "carrier"},
      {DownReason::address, "address"}}};
};

// Plain data without strings, so that producing notices costs nothing on the hot path.
struct Notice {
  Instant at;
  NoticeKind kind;
  PathId path;
  std::optional<ConnectionToken> token;
  DownReason reason = DownReason::none;
  std::uint64_t count = 0;
  Duration delay{};
};

}  // namespace mprecover
