// Drives an Engine against scripted paths: each path is good or bad over time, probes sent on a
// good path are answered after a round trip, CreateSubflow on a good path is established after
// a round trip (and fails with ETIMEDOUT otherwise). Everything the engine says is recorded.
#pragma once

#include <cerrno>
#include <map>
#include <set>
#include <variant>
#include <vector>

#include "engine/engine.h"
#include "support/manual_clock.h"

namespace mprecover::testing {

struct TimedAction {
  Instant at;
  Action action;
};

class ScriptedNetwork {
 public:
  ScriptedNetwork(const EngineConfig& config, std::size_t paths, BackendCapabilities caps = {.userspace_pm = true, .daemons = {}})
      : engine_(config, paths, caps, Instant{}), bad_(paths) {}

  Engine& engine() { return engine_; }
  ManualClock& clock() { return clock_; }
  const std::vector<TimedAction>& actions() const { return actions_; }
  const std::vector<Notice>& notices() const { return notices_; }

  // Path `path` drops everything during [from, to).
  void cut(PathId path, Duration from, Duration to) { bad_[path].push_back({Instant{from}, Instant{to}}); }
  void set_rtt(Duration rtt) { rtt_ = rtt; }
  // Whether CreateSubflow gets an answer at all (off: the test feeds MPTCP events itself).
  void answer_subflows(bool on) { answer_subflows_ = on; }

  bool good(PathId path, Instant at) const {
    for (const auto& [from, to] : bad_[path])
      if (at >= from && at < to) return false;
    return true;
  }

  // Feeds an event now, as the backend would.
  void feed(const Event& event) {
    engine_.on_event(event, clock_.now());
    drain();
  }

  // Runs the engine and the scripted paths until `until`.
  void run_until(Duration until_d) {
    const Instant until{until_d};
    for (;;) {
      Instant next = engine_.next_deadline();
      if (!replies_.empty()) next = std::min(next, replies_.begin()->first);
      if (next > until) break;
      clock_.set(next);
      if (!replies_.empty() && replies_.begin()->first <= next) {
        const Event e = replies_.begin()->second;
        replies_.erase(replies_.begin());
        engine_.on_event(e, next);
      } else {
        engine_.on_timeout(next);
      }
      drain();
    }
    clock_.set(until);
  }

  template <typename A>
  std::vector<TimedAction> actions_of() const {
    std::vector<TimedAction> out;
    for (const auto& a : actions_)
      if (std::holds_alternative<A>(a.action)) out.push_back(a);
    return out;
  }
  std::vector<Notice> notices_of(NoticeKind kind) const {
    std::vector<Notice> out;
    for (const auto& n : notices_)
      if (n.kind == kind) out.push_back(n);
    return out;
  }

 private:
  void drain() {
    const Instant now = clock_.now();
    while (auto a = engine_.poll_action()) {
      actions_.push_back({now, *a});
      if (const auto* probe = std::get_if<SendProbe>(&*a)) {
        // Answered if the path carries both the probe and its answer.
        if (good(probe->path, now) && good(probe->path, now + rtt_) && rtt_ <= probe->timeout)
          replies_.emplace(now + rtt_, ProbeResult{probe->path, probe->probe_id, true});
      } else if (const auto* create = std::get_if<CreateSubflow>(&*a); create && answer_subflows_) {
        if (good(create->path, now) && good(create->path, now + rtt_))
          replies_.emplace(now + rtt_, MptcpSubEstablished{create->token, create->path});
        else
          replies_.emplace(now + std::chrono::seconds{3}, MptcpSubClosed{create->token, create->path, ETIMEDOUT});
      }
    }
    while (auto n = engine_.poll_notice()) notices_.push_back(*n);
  }

  ManualClock clock_;
  Engine engine_;
  std::vector<std::vector<std::pair<Instant, Instant>>> bad_;
  Duration rtt_ = std::chrono::milliseconds{20};
  bool answer_subflows_ = true;
  std::multimap<Instant, Event> replies_;
  std::vector<TimedAction> actions_;
  std::vector<Notice> notices_;
};

}  // namespace mprecover::testing
