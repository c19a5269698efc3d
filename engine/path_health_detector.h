// Decides, from probe results and link changes, whether one WAN path is usable.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "config.h"
#include "events.h"
#include "output.h"

namespace mprecover {

// up ──(down_after failures, carrier or address lost)──► down
// down ──(up_after successes)──► held ──(hold elapsed)──► confirming ──(confirm probe ok)──► up
// held/confirming ──(any failure)──► down. Without a hold or a confirm mode those steps are skipped.
enum class PathState { up, down, held, confirming };

template <>
struct EnumNames<PathState> {
  static constexpr std::array<std::pair<PathState, std::string_view>, 4> table{{
      {PathState::up, "up"}, {PathState::down, "down"}, {PathState::held, "held"},
      {PathState::confirming, "confirming"}}};
};

// What a call changed, so that the engine can tell its policy.
enum class Transition { none, went_down, went_up };

class PathHealthDetector {
 public:
  // The path starts up; the first probe goes out at `start`.
  PathHealthDetector(PathId path, const DetectorConfig& config, Instant start);

  // Call with every ProbeResult for this path. Results of unknown or timed-out probes are ignored.
  Transition on_probe_result(std::uint64_t probe_id, bool ok, Instant now, Output& out);

  // Call when the client's interface on this path changes. Losing carrier or address declares the
  // path down at once; regaining it sends a probe at once instead of waiting for the interval.
  Transition on_link_change(LinkChange change, Instant now, Output& out);

  // Call when now >= next_deadline(); calling early is harmless. Sends due probes, fails
  // probes whose timeout passed and ends the hold.
  Transition on_timeout(Instant now, Output& out);

  Instant next_deadline() const;
  PathState state() const { return state_; }

 private:
  struct Outstanding {
    Instant deadline;
    bool confirm;
    bool sent_while_down;  // its timeout says nothing about a path that has come up since
  };

  void send_probe(ProbeMode mode, bool confirm, Instant now, Output& out);
  Transition on_success(bool confirm, Instant now, Output& out);
  Transition on_failure(Instant now, Output& out);
  Transition declare_down(DownReason reason, Instant now, Output& out);
  Transition declare_up(Instant now, Output& out);
  Transition after_hold(Instant now, Output& out);
  // The probe interval in the path's present state.
  Duration interval() const;

  PathId path_;
  DetectorConfig config_;
  PathState state_ = PathState::up;
  unsigned failures_ = 0;
  unsigned successes_ = 0;
  bool link_lost_ = false;  // carrier or address gone: probe successes do not count until back
  Instant next_probe_;
  std::optional<Instant> hold_until_;
  std::uint64_t next_probe_id_;
  std::map<std::uint64_t, Outstanding> outstanding_;  // few entries: timeout / interval of them
};

}  // namespace mprecover
