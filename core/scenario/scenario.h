// A scenario as plain, validated data: what the loader produces and every backend consumes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/network/address_plan.h"
#include "core/network/outage_kinds.h"
#include "core/network/path_shape.h"
#include "core/network/request_response.h"
#include "core/network/traffic.h"
#include "core/scenario/source_positions.h"
#include "engine/clock.h"
#include "engine/config.h"
#include "engine/ids.h"

namespace mprecover {

// A queue limit as ns-3 spells it: packets ("100p") or bytes ("64KB").
struct QueueSize {
  enum class Unit { packets, bytes } unit = Unit::packets;
  std::uint64_t value = 100;
  bool operator==(const QueueSize& other) const { return unit == other.unit && value == other.value; }
};

struct PathSpec {
  std::string name;
  BitRate rate = 50'000'000;
  Duration delay = std::chrono::milliseconds{10};  // one way, client to server through this path
  Ratio loss = 0.0;
  QueueSize queue;
  // Carries traffic only when no other path can (the kernel's endpoint flag `backup`, MP_PRIO):
  // a metered LTE link, say. Its endpoint and every subflow made on it carry the flag.
  bool backup = false;
  int line = 0;  // where the path is defined, for later error messages
};

// The link between the aggregation router and the server, shared by all paths.
struct ServerSpec {
  BitRate rate = 1'000'000'000;
  Duration delay = std::chrono::milliseconds{1};
};

// A group of MPTCP connections from the client to the server, of one kind of application.
struct TrafficSpec {
  TrafficKind kind = TrafficKind::bulk;
  TrafficDirection direction = TrafficDirection::upload;  // kinds bulk and rate; a command's programs decide
  std::optional<BitRate> rate;  // kind rate: what each connection's application sends per second
  unsigned connections = 1;
  Duration start = std::chrono::seconds{1};
  Duration spacing{};                  // between the starts of consecutive connections
  std::optional<std::uint64_t> bytes;  // per connection; none: send until the end of the run
  std::string server_command;          // kind command: the server's program (TrafficCommands)
  std::string client_command;          // kind command: the client's
  // Kind request-response: each request's and response's bytes (both required), the client's
  // think time after a response (left out: none) and how long a request may take before it counts
  // as failed (left out: default_request_timeout).
  std::optional<std::uint64_t> request;
  std::optional<std::uint64_t> response;
  std::optional<Duration> think;
  std::optional<Duration> timeout;

  static constexpr Duration default_request_timeout = std::chrono::seconds{2};

  // Which way data flows: request/response carries both ways (requests up, responses down).
  TrafficDirection flow() const {
    return kind == TrafficKind::request_response ? TrafficDirection::both : direction;
  }
  // What the applications of a request/response group exchange; none for the other kinds.
  std::optional<RequestResponse> exchange() const;
};

// The most traffic groups a scenario has.
constexpr std::size_t max_traffic_groups = 16;

// "4 connections", "a client command" for kind command, "5 connections in 2 groups": for
// one-line descriptions.
std::string traffic_text(const std::vector<TrafficSpec>& traffic);

// Engine settings as the file gives them; a missing probe setting takes the policy's default.
struct ProbeSettings {
  std::optional<ProbeMode> mode;
  std::optional<Duration> interval;
  std::optional<Duration> down_interval;
  std::optional<Duration> timeout;
  std::optional<unsigned> down_after;
  std::optional<unsigned> up_after;
  std::optional<Duration> hold;
  std::optional<ProbeMode> confirm;
};

struct EngineSettings {
  ProbeSettings probe;
  PolicyConfig policy;
};

struct PathEvent {
  Duration at{};
  PathId path = 0;
  const OutageKind* action = &outage_kind("restore");
  // For an action that takes them (degrade): the values the path has until its restore.
  PathShape shape;
  int line = 0;
};

struct NetnsSettings {
  // Whether a netns run must refuse to start when the kernel cannot emulate the paths' delay.
  bool require_delay = false;
};

// What a run writes besides its figures.
struct ResultsSettings {
  bool subflow_rows = true;  // per-subflow rows in timeseries.csv
  Duration subflow_interval = std::chrono::milliseconds{100};
};

struct Scenario {
  std::string name;
  std::string description;
  std::string source_file;  // as given to the loader; empty for text loaded from memory
  Duration duration = std::chrono::seconds{60};
  std::uint64_t seed = 1;
  NetworkFamily family = NetworkFamily::ipv4;  // of the network's addresses (core/network/address_plan.h)
  ServerSpec server;
  std::vector<PathSpec> paths;
  // Groups of connections, each of its own kind, started on their own schedules: at least one.
  std::vector<TrafficSpec> traffic{TrafficSpec{}};
  // The file wrote `traffic` as one map rather than a list (what every scenario did before groups);
  // so are the keys named in errors ("traffic.rate" rather than "traffic[0].rate") and in describe().
  bool traffic_as_map = true;
  EngineSettings engine;
  std::vector<PathEvent> events;  // sorted by time
  NetnsSettings netns;
  ResultsSettings results;
  SourcePositions positions;  // where the file wrote each key, for checks after loading

  // The detector settings in force: the file's, else the policy's defaults.
  DetectorConfig detector_config() const;
  EngineConfig engine_config() const { return {detector_config(), engine.policy}; }
  // "traffic" for a group written as a map, else "traffic[1]": the group's key in errors.
  std::string traffic_key(std::size_t group) const;
  // The group of kind command, which runs alone; nullptr when there is none.
  const TrafficSpec* command_group() const;
  // Kind command: the programs to run, with the client's time until a second before the end.
  TrafficCommands traffic_commands() const;
  // The path as topology.paths defines it, for a restore after a degrade.
  PathShape normal_shape(PathId path) const;
};

}  // namespace mprecover
