#include "core/scenario/spec.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <variant>

#include "core/scenario/units.h"
#include "engine/policy_table.h"

namespace mprecover {

namespace {

using Text = std::optional<std::string>;

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

template <typename E>
E parse_choice(std::string_view text) {
  if (const auto value = parse_name<E>(text)) return *value;
  throw ValueError("expected " + names_list<E>() + ", got " + quoted(text));
}

template <typename E>
std::string choice_text(E value) {
  return std::string(name_of(value));
}

Duration positive_duration(std::string_view text) {
  const Duration value = parse_duration(text);
  if (value == Duration::zero()) throw ValueError("must be more than 0s, got " + quoted(text));
  return value;
}

BitRate positive_rate(std::string_view text) {
  const BitRate value = parse_rate(text);
  if (value == 0) throw ValueError("must be more than 0bit (to cut a path, use an event), got " + quoted(text));
  return value;
}

std::uint64_t positive_bytes(std::string_view text) {
  const std::uint64_t value = parse_bytes(text);
  if (value == 0) throw ValueError("must be more than 0B, got " + quoted(text));
  return value;
}

std::string command_line(std::string_view text) {
  if (text.find_first_not_of(" \t") == std::string_view::npos) throw ValueError("must not be empty");
  return std::string(text);
}

Text optional_command(const std::string& command) { return command.empty() ? Text{} : Text{command}; }

unsigned probe_count(std::string_view text) {
  return static_cast<unsigned>(parse_whole_number(text, 1, max_probe_count));
}

std::string policy_choice(std::string_view text) {
  if (const PolicyEntry* p = find_policy(text)) return p->name;
  throw ValueError("expected " + policy_names_text() + ", got " + quoted(text));
}

const OutageKind& outage_kind_choice(std::string_view text) {
  if (const OutageKind* k = find_outage_kind(text)) return *k;
  throw ValueError("expected " + outage_kind_names_text() + ", got " + quoted(text));
}

// The entries of every policy's own keys, `engine.<key>`, from the policy table.
std::vector<SpecEntry> policy_key_entries() {
  std::vector<SpecEntry> entries;
  for (const auto& [policy, k] : all_policy_keys()) {
    SpecEntry e;
    e.key = "engine." + k->key;
    e.meaning = k->meaning;
    const std::string key = k->key;
    if (std::holds_alternative<bool>(k->default_value)) {
      e.type = ValueType::boolean;
      e.set = [key](Scenario& s, std::size_t, std::string_view t) { s.engine.policy.settings.set(key, parse_bool(t)); };
      e.get = [key](const Scenario& s, std::size_t) -> Text { return s.engine.policy.settings.flag(key) ? "true" : "false"; };
    } else if (std::holds_alternative<Duration>(k->default_value)) {
      e.type = ValueType::duration;
      const bool positive = k->positive;
      e.set = [key, positive](Scenario& s, std::size_t, std::string_view t) {
        s.engine.policy.settings.set(key, positive ? positive_duration(t) : parse_duration(t));
      };
      e.get = [key](const Scenario& s, std::size_t) -> Text { return format_duration(s.engine.policy.settings.duration(key)); };
    } else {
      e.type = ValueType::choice;
      e.choices = or_list(k->choices);
      const std::vector<std::string> choices = k->choices;
      e.set = [key, choices](Scenario& s, std::size_t, std::string_view t) {
        if (std::find(choices.begin(), choices.end(), t) == choices.end())
          throw ValueError("expected " + or_list(choices) + ", got " + quoted(t));
        s.engine.policy.settings.set(key, std::string(t));
      };
      e.get = [key](const Scenario& s, std::size_t) -> Text { return s.engine.policy.settings.word(key); };
    }
    entries.push_back(std::move(e));
  }
  return entries;
}


// Names end up in folder and interface names: lowercase letters and digits, and '-' inside
// scenario names.
std::string checked_name(std::string_view text, bool dashes, std::size_t max_length) {
  const std::string_view pattern = dashes ? "^[a-z0-9][a-z0-9-]*$" : "^[a-z0-9]+$";
  const auto allowed = [&](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (dashes && c == '-'); };
  if (text.empty() || text.front() == '-' || !std::all_of(text.begin(), text.end(), allowed))
    throw ValueError("must match " + std::string(pattern) + ", got " + quoted(text));
  if (text.size() > max_length)
    throw ValueError("must be at most " + std::to_string(max_length) + " characters, got " + quoted(text));
  return std::string(text);
}

PathId path_named(const Scenario& scenario, std::string_view name) {
  std::string known;
  for (std::size_t i = 0; i < scenario.paths.size(); ++i) {
    if (scenario.paths[i].name == name) return static_cast<PathId>(i);
    known += (known.empty() ? "" : ", ") + scenario.paths[i].name;
  }
  throw ValueError("no path named " + quoted(name) + " in topology.paths (defined: " + known + ")");
}

std::string trimmed_end(std::string_view text) {
  return std::string(text.substr(0, text.find_last_not_of(" \t\r\n") + 1));
}

// Timeseries rows are written at sample instants, every 100ms.
Duration sampling_multiple(std::string_view text) {
  constexpr Duration step = std::chrono::milliseconds{100};
  const Duration value = parse_duration(text);
  if (value < step || value % step != Duration::zero())
    throw ValueError("must be a multiple of 100ms, got " + quoted(text));
  return value;
}

template <typename T, typename Format>
Text optional_text(const std::optional<T>& value, Format format) {
  if (!value) return std::nullopt;
  return format(*value);
}

std::vector<SpecEntry> make_entries() {
  const std::string paths_size = "1 to " + std::to_string(max_paths);
  std::vector<SpecEntry> entries{
      {.key = "name",
       .type = ValueType::string,
       .required = true,
       .meaning = "names the scenario and its results folder; ^[a-z0-9][a-z0-9-]*$, at most " +
                  std::to_string(max_scenario_name_length) + " characters",
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.name = checked_name(t, true, max_scenario_name_length); },
       .get = [](const Scenario& s, std::size_t) -> Text { return s.name; }},
      {.key = "description",
       .type = ValueType::string,
       .meaning = "what the scenario reproduces, for people",
       .unset = [](Scenario& s, std::size_t) { s.description.clear(); },
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.description = trimmed_end(t); },
       .get = [](const Scenario& s, std::size_t) -> Text {
         if (s.description.empty()) return std::nullopt;
         return s.description;
       }},
      {.key = "duration",
       .type = ValueType::duration,
       .required = true,
       .meaning = "length of the run; every event happens before its end",
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.duration = positive_duration(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return format_duration(s.duration); }},
      {.key = "seed",
       .type = ValueType::integer,
       .meaning = "seed of every random choice of the run (sim backend); same seed, same events",
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.seed = parse_whole_number(t, 0, UINT64_MAX); },
       .get = [](const Scenario& s, std::size_t) -> Text { return std::to_string(s.seed); }},
      {.key = "topology.family",
       .type = ValueType::choice,
       .choices = names_list<NetworkFamily>(),
       .meaning = "the network's addresses: ipv4 (10.x.y.z), ipv6 (2001:db8::/32) or dual (both on every link; "
                  "connections, subflows and probes use IPv6, a readdress changes both); see IP families",
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.family = parse_choice<NetworkFamily>(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return choice_text(s.family); }},
      {.key = "topology.server.rate",
       .type = ValueType::rate,
       .meaning = "rate of the link from the aggregation router to the server, shared by all paths",
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.server.rate = positive_rate(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return format_rate(s.server.rate); }},
      {.key = "topology.server.delay",
       .type = ValueType::duration,
       .meaning = "one-way delay of that link",
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.server.delay = parse_duration(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return format_duration(s.server.delay); }},
      {.key = "topology.paths",
       .type = ValueType::list,
       .required = true,
       .meaning = "the WAN paths, " + paths_size + "; the first carries each connection's initial subflow",
       .list = {.min_size = 1,
                .max_size = max_paths,
                .size = [](const Scenario& s) { return s.paths.size(); },
                .resize = [](Scenario& s, std::size_t n) { s.paths.resize(n); },
                .set_line = [](Scenario& s, std::size_t i, int line) { s.paths[i].line = line; },
                .why_max_size = "the kernel takes at most 8 subflows per connection besides the first "
                                "(MPTCP_PM_ADDR_MAX: its subflow limit, and the server's), so with 8 paths "
                                "every path has one and the kernel and omr policies keep room for "
                                "re-creating the first path's"}},
      {.key = "topology.paths[].name",
       .type = ValueType::string,
       .required = true,
       .meaning = "unique name of the path, used by events; ^[a-z0-9]+$, at most " +
                  std::to_string(max_path_name_length) + " characters",
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.paths[i].name = checked_name(t, false, max_path_name_length); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return s.paths[i].name; }},
      {.key = "topology.paths[].rate",
       .type = ValueType::rate,
       .meaning = "bottleneck rate of the path",
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.paths[i].rate = positive_rate(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return format_rate(s.paths[i].rate); }},
      {.key = "topology.paths[].delay",
       .type = ValueType::duration,
       .meaning = "one-way delay from the client to the aggregation router through the path",
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.paths[i].delay = parse_duration(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return format_duration(s.paths[i].delay); }},
      {.key = "topology.paths[].loss",
       .type = ValueType::ratio,
       .meaning = "share of packets lost at random, in each direction",
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.paths[i].loss = parse_ratio(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return format_ratio(s.paths[i].loss); }},
      {.key = "topology.paths[].queue",
       .type = ValueType::queue,
       .meaning = "queue limit at the bottleneck, in packets (\"100p\") or bytes (\"64KB\")",
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.paths[i].queue = parse_queue_size(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return format_queue_size(s.paths[i].queue); }},
      {.key = "topology.paths[].backup",
       .type = ValueType::boolean,
       .meaning = "a backup path: carries traffic only when no other path can, as the kernel's `backup` endpoint "
                  "flag does (not the first path, where connections start)",
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.paths[i].backup = parse_bool(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return s.paths[i].backup ? "true" : "false"; }},
      {.key = "traffic",
       .type = ValueType::list,
       .meaning = "groups of connections, each of its own kind and schedule, at most " +
                  std::to_string(max_traffic_groups) + "; one group may be written as a map (left out: one bulk "
                  "connection)",
       .list = {.min_size = 1,
                .max_size = max_traffic_groups,
                .size = [](const Scenario& s) { return s.traffic.size(); },
                .resize = [](Scenario& s, std::size_t n) { s.traffic.resize(n); },
                .set_line = [](Scenario&, std::size_t, int) {},
                .as_map = [](const Scenario& s) { return s.traffic_as_map && s.traffic.size() == 1; },
                .set_as_map = [](Scenario& s, bool as_map) { s.traffic_as_map = as_map; }}},
      {.key = "traffic[].kind",
       .type = ValueType::choice,
       .choices = names_list<TrafficKind>(),
       .meaning = "bulk: each connection sends as fast as the network takes it; rate: at `rate`, app-limited, "
                  "like a video stream; request-response: requests and their responses in turn over each connection, "
                  "like HTTP/1.1 keep-alive (`request`, `response`, `think`, `timeout`); command: programs of your own "
                  "(`server_command`, `client_command`), netns backend only",
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.traffic[i].kind = parse_choice<TrafficKind>(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return choice_text(s.traffic[i].kind); }},
      {.key = "traffic[].direction",
       .type = ValueType::choice,
       .choices = names_list<TrafficDirection>(),
       .meaning = "which way the data flows: upload, client to server; download, server to client (the OMR case: the "
                  "server's MPTCP scheduler decides which subflow carries it); both, a stream each way at once, each "
                  "with the group's `bytes` and `rate`; not for kind command, whose programs decide (iperf3 -R), nor for "
                  "request-response, whose requests go up and responses down",
       .set = [](Scenario& s, std::size_t i, std::string_view t) {
         s.traffic[i].direction = parse_choice<TrafficDirection>(t);
       },
       .get = [](const Scenario& s, std::size_t i) -> Text { return choice_text(s.traffic[i].direction); }},
      {.key = "traffic[].rate",
       .type = ValueType::rate,
       .meaning = "kind rate: what each connection's application sends per second (\"5Mbit\" for HD video)",
       .unset = [](Scenario& s, std::size_t i) { s.traffic[i].rate.reset(); },
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.traffic[i].rate = positive_rate(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return optional_text(s.traffic[i].rate, format_rate); }},
      {.key = "traffic[].connections",
       .type = ValueType::count,
       .meaning = "the group's long-lived MPTCP connections from the client to the server, 1 to " +
                  std::to_string(max_connections),
       .set = [](Scenario& s, std::size_t i, std::string_view t) {
         s.traffic[i].connections = static_cast<unsigned>(parse_whole_number(t, 1, max_connections));
       },
       .get = [](const Scenario& s, std::size_t i) -> Text { return std::to_string(s.traffic[i].connections); }},
      {.key = "traffic[].start",
       .type = ValueType::duration,
       .meaning = "when the first connection opens",
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.traffic[i].start = parse_duration(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return format_duration(s.traffic[i].start); }},
      {.key = "traffic[].spacing",
       .type = ValueType::duration,
       .meaning = "time between the openings of consecutive connections",
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.traffic[i].spacing = parse_duration(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return format_duration(s.traffic[i].spacing); }},
      {.key = "traffic[].bytes",
       .type = ValueType::bytes,
       .meaning = "bytes each connection sends; left out, connections send until the end of the run",
       .unset = [](Scenario& s, std::size_t i) { s.traffic[i].bytes.reset(); },
       .set = [](Scenario& s, std::size_t i, std::string_view t) {
         s.traffic[i].bytes = parse_bytes(t);
         if (*s.traffic[i].bytes == 0)
           throw ValueError("must be more than 0B (leave bytes out to send until the end), got " + quoted(t));
       },
       .get = [](const Scenario& s, std::size_t i) -> Text { return optional_text(s.traffic[i].bytes, format_bytes); }},
      {.key = "traffic[].request",
       .type = ValueType::bytes,
       .meaning = "kind request-response: the bytes of each request the client sends",
       .unset = [](Scenario& s, std::size_t i) { s.traffic[i].request.reset(); },
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.traffic[i].request = positive_bytes(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return optional_text(s.traffic[i].request, format_bytes); }},
      {.key = "traffic[].response",
       .type = ValueType::bytes,
       .meaning = "kind request-response: the bytes of the server's response to each request, sent once the whole "
                  "request is in",
       .unset = [](Scenario& s, std::size_t i) { s.traffic[i].response.reset(); },
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.traffic[i].response = positive_bytes(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return optional_text(s.traffic[i].response, format_bytes); }},
      {.key = "traffic[].think",
       .type = ValueType::duration,
       .meaning = "kind request-response: from the last byte of a response to the client's next request (left out: "
                  "none)",
       .unset = [](Scenario& s, std::size_t i) { s.traffic[i].think.reset(); },
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.traffic[i].think = parse_duration(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return optional_text(s.traffic[i].think, format_duration); }},
      {.key = "traffic[].timeout",
       .type = ValueType::duration,
       .meaning = "kind request-response: a request not answered within it counts as failed (left out: " +
                  format_duration(TrafficSpec::default_request_timeout) + "); the client still waits for its answer",
       .unset = [](Scenario& s, std::size_t i) { s.traffic[i].timeout.reset(); },
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.traffic[i].timeout = positive_duration(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text {
         return optional_text(s.traffic[i].timeout, format_duration);
       }},
      {.key = "traffic[].server_command",
       .type = ValueType::string,
       .meaning = "kind command: the server's program, run in the server's namespace under `mptcpize run`; it must "
                  "listen on {port} (placeholders: {server} the server's address, {port} its port, {duration} the "
                  "client's whole seconds until 1 s before the end)",
       .unset = [](Scenario& s, std::size_t i) { s.traffic[i].server_command.clear(); },
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.traffic[i].server_command = command_line(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return optional_command(s.traffic[i].server_command); }},
      {.key = "traffic[].client_command",
       .type = ValueType::string,
       .meaning = "kind command: the client's program, run in the client's namespace under `mptcpize run` once the "
                  "server listens (same placeholders), e.g. \"iperf3 -c {server} -p {port} -t {duration}\"; the run "
                  "ends when it does",
       .unset = [](Scenario& s, std::size_t i) { s.traffic[i].client_command.clear(); },
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.traffic[i].client_command = command_line(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return optional_command(s.traffic[i].client_command); }},
      {.key = "engine.policy",
       .type = ValueType::choice,
       .choices = policy_names_text(),
       .meaning = "path manager policy (see Policies); engine is the old name of rebuild",
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.engine.policy.name = policy_choice(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return s.engine.policy.name; }},
      {.key = "engine.probe.mode",
       .type = ValueType::choice,
       .choices = names_list<ProbeMode>(),
       .default_per_policy = true,
       .meaning = "the fast probe sent on each path",
       .unset = [](Scenario& s, std::size_t) { s.engine.probe.mode.reset(); },
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.engine.probe.mode = parse_choice<ProbeMode>(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return choice_text(s.detector_config().mode); }},
      {.key = "engine.probe.interval",
       .type = ValueType::duration,
       .default_per_policy = true,
       .meaning = "one probe per path per interval",
       .unset = [](Scenario& s, std::size_t) { s.engine.probe.interval.reset(); },
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.engine.probe.interval = positive_duration(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return format_duration(s.detector_config().interval); }},
      {.key = "engine.probe.down_interval",
       .type = ValueType::duration,
       .default_per_policy = true,
       .meaning = "one probe per path per down_interval while the path is down, so that its restore is noticed soon",
       .unset = [](Scenario& s, std::size_t) { s.engine.probe.down_interval.reset(); },
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.engine.probe.down_interval = positive_duration(t); },
       .get = [](const Scenario& s, std::size_t) -> Text {
         const DetectorConfig c = s.detector_config();
         return format_duration(c.down_interval.value_or(c.interval));
       }},
      {.key = "engine.probe.timeout",
       .type = ValueType::duration,
       .default_per_policy = true,
       .meaning = "a probe without an answer by then has failed",
       .unset = [](Scenario& s, std::size_t) { s.engine.probe.timeout.reset(); },
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.engine.probe.timeout = positive_duration(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return format_duration(s.detector_config().timeout); }},
      {.key = "engine.probe.down_after",
       .type = ValueType::count,
       .default_per_policy = true,
       .meaning = "consecutive failed probes that declare an up path down, 1 to " + std::to_string(max_probe_count),
       .unset = [](Scenario& s, std::size_t) { s.engine.probe.down_after.reset(); },
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.engine.probe.down_after = probe_count(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return std::to_string(s.detector_config().down_after); }},
      {.key = "engine.probe.up_after",
       .type = ValueType::count,
       .default_per_policy = true,
       .meaning = "consecutive good probes that make a down path a candidate, 1 to " +
                  std::to_string(max_probe_count),
       .unset = [](Scenario& s, std::size_t) { s.engine.probe.up_after.reset(); },
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.engine.probe.up_after = probe_count(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return std::to_string(s.detector_config().up_after); }},
      {.key = "engine.probe.hold",
       .type = ValueType::duration,
       .default_per_policy = true,
       .meaning = "a candidate path must stay good this long before it is used again (against flapping)",
       .unset = [](Scenario& s, std::size_t) { s.engine.probe.hold.reset(); },
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.engine.probe.hold = parse_duration(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return format_duration(s.detector_config().hold); }},
      {.key = "engine.probe.confirm",
       .type = ValueType::choice,
       .choices = names_list<ProbeMode>(),
       .default_per_policy = true,
       .meaning = "a probe of this other mode must also pass before a path is up; left out, none",
       .unset = [](Scenario& s, std::size_t) { s.engine.probe.confirm.reset(); },
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.engine.probe.confirm = parse_choice<ProbeMode>(t); },
       .get = [](const Scenario& s, std::size_t) -> Text {
         return optional_text(s.detector_config().confirm, choice_text<ProbeMode>);
       }},
      {.key = "netns.require_delay",
       .type = ValueType::boolean,
       .meaning = "netns backend: refuse to run when the kernel cannot emulate the paths' delay",
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.netns.require_delay = parse_bool(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return s.netns.require_delay ? "true" : "false"; }},
      {.key = "results.subflow_rows",
       .type = ValueType::boolean,
       .meaning = "timeseries.csv has a row per subflow (RTT, cwnd, retransmissions, ...) every "
                  "results.subflow_interval; false for none",
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.results.subflow_rows = parse_bool(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return s.results.subflow_rows ? "true" : "false"; }},
      {.key = "results.subflow_interval",
       .type = ValueType::duration,
       .meaning = "how often subflow rows are written: a multiple of the 100ms sampling interval (1s: ten times "
                  "fewer rows, for runs of many connections)",
       .set = [](Scenario& s, std::size_t, std::string_view t) { s.results.subflow_interval = sampling_multiple(t); },
       .get = [](const Scenario& s, std::size_t) -> Text { return format_duration(s.results.subflow_interval); }},
      {.key = "events",
       .type = ValueType::list,
       .meaning = "outages and restores of paths, at most " + std::to_string(max_events) +
                  "; run in time order (the file's order for equal times)",
       .list = {.min_size = 0,
                .max_size = max_events,
                .size = [](const Scenario& s) { return s.events.size(); },
                .resize = [](Scenario& s, std::size_t n) { s.events.resize(n); },
                .set_line = [](Scenario& s, std::size_t i, int line) { s.events[i].line = line; }}},
      {.key = "events[].at",
       .type = ValueType::duration,
       .required = true,
       .meaning = "time of the event from the start of the run, before duration",
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.events[i].at = parse_duration(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return format_duration(s.events[i].at); }},
      {.key = "events[].path",
       .type = ValueType::string,
       .required = true,
       .meaning = "name of the path the event happens on",
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.events[i].path = path_named(s, t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return s.paths[s.events[i].path].name; }},
      {.key = "events[].action",
       .type = ValueType::choice,
       .choices = outage_kind_names_text(),
       .required = true,
       .meaning = "restore and up end the path's outage; every other action starts one (see Outage kinds)",
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.events[i].action = &outage_kind_choice(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return s.events[i].action->name; }},
      {.key = "events[].rate",
       .type = ValueType::rate,
       .meaning = "degrade only: the path's rate until its restore",
       .unset = [](Scenario& s, std::size_t i) { s.events[i].shape.rate.reset(); },
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.events[i].shape.rate = positive_rate(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return optional_text(s.events[i].shape.rate, format_rate); }},
      {.key = "events[].delay",
       .type = ValueType::duration,
       .meaning = "degrade only: the path's one-way delay until its restore",
       .unset = [](Scenario& s, std::size_t i) { s.events[i].shape.delay.reset(); },
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.events[i].shape.delay = parse_duration(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text {
         return optional_text(s.events[i].shape.delay, format_duration);
       }},
      {.key = "events[].loss",
       .type = ValueType::ratio,
       .meaning = "degrade only: the path's loss until its restore",
       .unset = [](Scenario& s, std::size_t i) { s.events[i].shape.loss.reset(); },
       .set = [](Scenario& s, std::size_t i, std::string_view t) { s.events[i].shape.loss = parse_ratio(t); },
       .get = [](const Scenario& s, std::size_t i) -> Text { return optional_text(s.events[i].shape.loss, format_ratio); }},
  };
  // The policies' own keys come right after engine.policy.
  const auto after_policy = std::find_if(entries.begin(), entries.end(),
                                         [](const SpecEntry& e) { return e.key == "engine.policy"; }) + 1;
  const auto policy_keys = policy_key_entries();
  entries.insert(after_policy, policy_keys.begin(), policy_keys.end());
  return entries;
}

std::string escaped_cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

void emit_map(YAML::Emitter& out, const Scenario& scenario, const std::string& prefix, std::size_t index) {
  out << YAML::BeginMap;
  for (const SpecChild& child : spec_children(prefix)) {
    switch (child.kind) {
      case SpecChild::Kind::value:
        if (const Text text = child.entry->get(scenario, index)) {
          out << YAML::Key << child.name << YAML::Value;
          if (text->find('\n') != std::string::npos) out << YAML::Literal;
          out << *text;
        }
        break;
      case SpecChild::Kind::map:
        out << YAML::Key << child.name << YAML::Value;
        emit_map(out, scenario, prefix + child.name + ".", index);
        break;
      case SpecChild::Kind::list:
        out << YAML::Key << child.name << YAML::Value;
        if (child.entry->list.as_map && child.entry->list.as_map(scenario)) {
          emit_map(out, scenario, prefix + child.name + "[].", 0);
          break;
        }
        out << YAML::BeginSeq;
        for (std::size_t i = 0; i < child.entry->list.size(scenario); ++i)
          emit_map(out, scenario, prefix + child.name + "[].", i);
        out << YAML::EndSeq;
        break;
    }
  }
  out << YAML::EndMap;
}

}  // namespace

const std::vector<SpecEntry>& spec_entries() {
  static const std::vector<SpecEntry> entries = make_entries();
  return entries;
}

std::vector<SpecChild> spec_children(std::string_view prefix) {
  std::vector<SpecChild> children;
  for (const SpecEntry& entry : spec_entries()) {
    if (!entry.key.starts_with(prefix)) continue;
    const std::string_view rest = std::string_view(entry.key).substr(prefix.size());
    const auto end = rest.find_first_of(".[");
    const std::string name(rest.substr(0, end));
    if (end == std::string_view::npos) {
      const auto kind = entry.type == ValueType::list ? SpecChild::Kind::list : SpecChild::Kind::value;
      children.push_back({name, kind, &entry, entry.required});
    } else if (rest[end] == '.') {
      // A key of a nested map; keys inside a list below do not make the map required.
      const bool required = entry.required && rest.find('[') == std::string_view::npos;
      const auto known = std::find_if(children.begin(), children.end(),
                                      [&](const SpecChild& child) { return child.name == name; });
      if (known == children.end())
        children.push_back({name, SpecChild::Kind::map, nullptr, required});
      else
        known->required = known->required || required;
    }
    // rest[end] == '[': a key of a list's elements, reached through the list's own entry.
  }
  return children;
}

std::string type_text(const SpecEntry& entry) {
  switch (entry.type) {
    case ValueType::duration: return "duration";
    case ValueType::rate: return "rate";
    case ValueType::ratio: return "ratio";
    case ValueType::queue: return "queue";
    case ValueType::bytes: return "bytes";
    case ValueType::count: return "count";
    case ValueType::integer: return "integer";
    case ValueType::string: return "string";
    case ValueType::boolean: return "bool";
    case ValueType::choice: return "one of " + entry.choices;
    case ValueType::list: return "list";
  }
  return "?";
}

std::string units_text(const SpecEntry& entry) {
  switch (entry.type) {
    case ValueType::duration: return duration_units();
    case ValueType::rate: return rate_units();
    case ValueType::ratio: return "%";
    case ValueType::queue: return "p, " + bytes_units();
    case ValueType::bytes: return bytes_units();
    default: return "";
  }
}

std::string default_text(const SpecEntry& entry) {
  if (entry.required) return "required";
  if (entry.type == ValueType::list) return "optional";
  // A default scenario with one default element in each list, so element keys have a value too.
  const auto value_under = [&](const std::string& policy) {
    Scenario scenario;
    scenario.engine.policy.name = policy;
    scenario.paths.emplace_back();
    scenario.events.emplace_back();
    const Text value = entry.get(scenario, 0);
    return value ? "`" + *value + "`" : std::string("optional");
  };
  const std::string plain = value_under(Scenario{}.engine.policy.name);
  if (!entry.default_per_policy) return plain;

  std::string per_policy;
  bool same_for_all = true;
  for (const std::string& policy : policy_names()) {
    const std::string value = value_under(policy);
    same_for_all = same_for_all && value == plain;
    per_policy += (per_policy.empty() ? "" : ", ") + policy + ": " + value;
  }
  return same_for_all ? plain : per_policy;
}

std::string spec_markdown() {
  std::string out = "| key | type | required/default | unit | meaning |\n|---|---|---|---|---|\n";
  for (const SpecEntry& entry : spec_entries()) {
    out += "| `" + entry.key + "` | " + escaped_cell(type_text(entry)) + " | " + escaped_cell(default_text(entry)) +
           " | " + escaped_cell(units_text(entry)) + " | " + escaped_cell(entry.meaning) + " |\n";
  }
  return out;
}

std::string policies_markdown() {
  std::string out = "| policy | what it does |\n|---|---|\n";
  for (const PolicyEntry& p : policy_table()) {
    std::string name = "`" + p.name + "`";
    if (p.name == default_policy().name) name += " (default)";
    for (const std::string& alias : p.aliases) name += ", once `" + alias + "`";
    out += "| " + name + " | " + escaped_cell(p.summary) + " |\n";
  }
  return out;
}

std::string outage_kinds_markdown() {
  std::string out = "| action | what it models |\n|---|---|\n";
  for (const OutageKind& k : outage_kinds()) out += "| `" + k.name + "` | " + escaped_cell(k.meaning) + " |\n";
  return out;
}

std::string spec_document() {
  return "## Keys\n\n" + spec_markdown() + "\n## Policies\n\n" + policies_markdown() + "\n## Outage kinds\n\n" +
         outage_kinds_markdown();
}

std::string describe(const Scenario& scenario) {
  YAML::Emitter out;
  emit_map(out, scenario, "", 0);
  return std::string(out.c_str()) + "\n";
}

}  // namespace mprecover
