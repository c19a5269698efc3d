// Every way a scenario file can be wrong gives a ScenarioError at the right file:line:column and key.
#include <gtest/gtest.h>

#include <string>

#include "core/scenario/loader.h"
#include "engine/policy_table.h"

namespace mprecover {
namespace {

// Two paths, wan1 and wan2, on lines 5 and 6; what a test appends starts on line 7.
constexpr std::string_view two_paths = R"(name: t
duration: 60s
topology:
  paths:
    - {name: wan1}
    - {name: wan2}
)";

ScenarioError error_of(std::string_view yaml) {
  try {
    load_scenario_text(yaml, "t.yaml");
  } catch (const ScenarioError& error) {
    return error;
  }
  ADD_FAILURE() << "loaded without an error:\n" << yaml;
  return ScenarioError("", {}, "", "");
}

struct ErrorCase {
  std::string label;
  std::string yaml;
  int line;
  int column;
  std::string key;
  std::string message_part;  // a part of message() that names the problem
};

void PrintTo(const ErrorCase& c, std::ostream* out) { *out << c.label; }

class LoaderError : public testing::TestWithParam<ErrorCase> {};

// The line of `yaml` an error points at, with a caret under its column: shown when a test fails.
std::string pointed_at(std::string_view yaml, int line, int column) {
  std::size_t start = 0;
  for (int i = 1; i < line && start != std::string_view::npos; ++i) {
    start = yaml.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (line < 1 || column < 1 || start == std::string_view::npos) return "(no such line)";
  const std::string_view text = yaml.substr(start, yaml.find('\n', start) - start);
  return std::string(text) + "\n" + std::string(static_cast<std::size_t>(column - 1), ' ') + "^";
}

TEST_P(LoaderError, PointsAtTheOffendingNode) {
  const ErrorCase& c = GetParam();
  const ScenarioError error = error_of(c.yaml);
  const std::string shown = std::string(error.what()) + "\n" + pointed_at(c.yaml, error.line(), error.column());
  EXPECT_EQ(error.file(), "t.yaml");
  EXPECT_EQ(error.line(), c.line) << shown;
  EXPECT_EQ(error.column(), c.column) << shown;
  EXPECT_EQ(error.key(), c.key) << shown;
  EXPECT_NE(error.message().find(c.message_part), std::string::npos) << shown;
}

std::string with(std::string_view tail) { return std::string(two_paths) + std::string(tail); }

const ErrorCase error_cases[] = {
    // YAML itself
    {"syntax", "name: [unclosed\n", 2, 1, "", "invalid YAML: end of sequence flow not found"},
    {"bad_indentation", "name: t\n  duration: 60s\n", 2, 11, "", "invalid YAML"},
    {"empty_document", "", 1, 1, "", "empty document"},
    {"two_documents", "name: a\n---\nname: b\n", 2, 1, "", "a scenario file holds one YAML document"},
    {"top_level_list", "- name: t\n", 1, 1, "", "expected a map of keys, got a list"},
    {"top_level_scalar", "hello\n", 1, 1, "", "expected a map of keys, got the value \"hello\""},
    {"key_not_scalar", "name: t\n? [a]\n: 1\n", 2, 3, "", "expected a key name, got a list"},
    {"duplicate_key", "name: t\nname: u\n", 2, 1, "name", "duplicate key (first given at line 1)"},
    // node types
    {"map_expected", "name: t\nduration: 60s\ntopology: [wan1]\n", 3, 11, "topology", "expected a map of keys, got a list"},
    {"list_expected", "name: t\nduration: 60s\ntopology:\n  paths: {name: wan1}\n", 4, 10, "topology.paths",
     "expected a list, got a map"},
    {"list_element_not_map", "name: t\nduration: 60s\ntopology:\n  paths:\n    - wan1\n", 5, 7, "topology.paths[0]",
     "expected a map of keys, got the value \"wan1\""},
    {"scalar_expected", with("traffic: {connections: [1, 2]}\n"), 7, 24, "traffic.connections",
     "expected a single value, got a list"},
    {"no_value", "name: t\nduration:\ntopology: {paths: [{name: a}]}\n", 2, 1, "duration", "no value given"},
    // keys
    {"unknown_key_suggested", with("traffic: {conections: 4}\n"), 7, 11, "traffic.conections",
     "unknown key \"conections\"; did you mean \"connections\"? Valid keys here: kind, direction, rate, connections, start, spacing, bytes"},
    {"rate_without_its_rate", with("traffic: {kind: rate}\n"), 7, 17, "traffic.kind", "kind rate needs traffic.rate"},
    {"rate_for_bulk", with("traffic: {rate: 5Mbit}\n"), 7, 17, "traffic.rate", "only for kind rate"},
    {"command_without_server", with("traffic: {kind: command, client_command: 'iperf3 -c {server}'}\n"), 7, 17,
     "traffic.kind", "kind command needs traffic.server_command"},
    {"command_without_client", with("traffic: {kind: command, server_command: iperf3 -s}\n"), 7, 17, "traffic.kind",
     "kind command needs traffic.client_command"},
    {"command_line_for_bulk", with("traffic: {server_command: iperf3 -s}\n"), 7, 27, "traffic.server_command",
     "only for kind command"},
    {"command_unknown_placeholder",
     with("traffic: {kind: command, server_command: 'iperf3 -s -p {prot}', client_command: 'iperf3 -c {server}'}\n"), 7,
     42, "traffic.server_command", "{prot} is not a placeholder; the placeholders are {duration}, {port}, {server}"},
    {"command_needs_a_shell",
     with("traffic: {kind: command, server_command: iperf3 -s, client_command: 'iperf3 -c {server} | tee x'}\n"), 7,
     69, "traffic.client_command", "the command runs without a shell"},
    {"command_unbalanced_quote",
     with("traffic: {kind: command, server_command: iperf3 -s, client_command: \"iperf3 -c '{server}\"}\n"), 7, 69,
     "traffic.client_command", "unbalanced quotes"},
    {"command_many_connections",
     with("traffic: {kind: command, connections: 2, server_command: iperf3 -s, client_command: 'iperf3 -c {server}'}\n"),
     7, 39, "traffic.connections", "runs one client program"},
    {"request_response_without_its_response", with("traffic: {kind: request-response, request: 2KB}\n"), 7, 17,
     "traffic.kind", "kind request-response needs traffic.response"},
    {"request_size_for_bulk", with("traffic: {request: 2KB}\n"), 7, 20, "traffic.request",
     "only for kind request-response"},
    {"think_for_rate", with("traffic: {kind: rate, rate: 5Mbit, think: 1s}\n"), 7, 43, "traffic.think",
     "only for kind request-response"},
    {"request_response_with_bytes",
     with("traffic: {kind: request-response, request: 2KB, response: 100KB, bytes: 1MB}\n"), 7, 73, "traffic.bytes",
     "leave bytes out"},
    {"request_response_with_a_direction",
     with("traffic: {kind: request-response, request: 2KB, response: 100KB, direction: download}\n"), 7, 77,
     "traffic.direction", "sends its requests up and its responses down"},
    {"request_of_no_bytes", with("traffic: {kind: request-response, request: 0B, response: 1KB}\n"), 7, 44,
     "traffic.request", "must be more than 0B"},
    {"request_timeout_of_zero",
     with("traffic: {kind: request-response, request: 1KB, response: 1KB, timeout: 0s}\n"), 7, 73,
     "traffic.timeout", "must be more than 0s"},
    // Traffic groups: keys name the group as the file wrote it.
    {"group_rate_without_its_rate", with("traffic:\n  - {kind: bulk}\n  - {kind: rate}\n"), 9, 12, "traffic[1].kind",
     "kind rate needs traffic[1].rate"},
    {"group_unknown_key", with("traffic:\n  - {kind: bulk, conections: 2}\n"), 8, 18, "traffic[0].conections",
     "did you mean \"connections\"?"},
    {"group_starts_after_the_end", with("traffic:\n  - {kind: bulk}\n  - {kind: bulk, start: 90s}\n"), 9, 25,
     "traffic[1].start", "not before the end of the run"},
    {"group_command_not_alone",
     with("traffic:\n  - {kind: bulk}\n  - {kind: command, server_command: iperf3 -s, client_command: 'iperf3 -c "
          "{server}'}\n"),
     9, 12, "traffic[1].kind", "kind command runs alone"},
    {"direction_unknown", with("traffic: {direction: sideways}\n"), 7, 22, "traffic.direction",
     "expected upload, download or both, got \"sideways\""},
    {"direction_of_a_command",
     with("traffic: {kind: command, direction: download, server_command: iperf3 -s, client_command: 'iperf3 -c "
          "{server}'}\n"),
     7, 37, "traffic.direction", "iperf3 -R for a download"},
    {"groups_empty", with("traffic: []\n"), 7, 10, "traffic", "has 0 entries; it takes 1 to 16"},
    {"groups_too_many_connections",
     with("traffic:\n  - {connections: 60000}\n  - {connections: 60000}\n"), 8, 3, "traffic",
     "120000 connections in all; the groups take at most 100000 together"},
    {"traffic_scalar", with("traffic: bulk\n"), 7, 10, "traffic", "expected a list or a map, got the value"},
    {"unknown_key_far", with("colour: red\n"), 7, 1, "colour", "unknown key \"colour\" Valid keys here: name,"},
    {"unknown_key_in_path", "name: t\nduration: 60s\ntopology:\n  paths:\n    - {name: wan1, rte: 1Mbit}\n", 5, 20,
     "topology.paths[0].rte", "did you mean \"rate\"?"},
    {"missing_name", "duration: 60s\ntopology: {paths: [{name: a}]}\n", 1, 1, "name", "missing required key \"name\""},
    {"missing_duration", "name: t\ntopology: {paths: [{name: a}]}\n", 1, 1, "duration", "missing required key"},
    {"missing_topology", "name: t\nduration: 60s\n", 1, 1, "topology", "missing required key \"topology\""},
    {"missing_paths", "name: t\nduration: 60s\ntopology:\n  server: {rate: 1Gbit}\n", 4, 3, "topology.paths",
     "missing required key \"paths\""},
    {"missing_path_name", "name: t\nduration: 60s\ntopology:\n  paths:\n    - {rate: 1Mbit}\n", 5, 7,
     "topology.paths[0].name", "missing required key \"name\""},
    {"missing_event_at", with("events:\n  - {path: wan1, action: down}\n"), 8, 5, "events[0].at",
     "missing required key \"at\""},
    // values
    {"bad_rate_unit", "name: t\nduration: 60s\ntopology:\n  paths:\n    - {name: wan1, rate: 50Mbps}\n", 5, 26,
     "topology.paths[0].rate", "expected a rate such as \"50Mbit\""},
    {"bad_name", "name: Wan_Reset\nduration: 60s\ntopology: {paths: [{name: a}]}\n", 1, 7, "name",
     "must match ^[a-z0-9][a-z0-9-]*$"},
    {"bad_path_name", "name: t\nduration: 60s\ntopology: {paths: [{name: wan-1}]}\n", 3, 27, "topology.paths[0].name",
     "must match ^[a-z0-9]+$"},
    {"long_path_name", "name: t\nduration: 60s\ntopology: {paths: [{name: wan123456}]}\n", 3, 27,
     "topology.paths[0].name", "at most 8 characters"},
    {"zero_duration", "name: t\nduration: 0s\ntopology: {paths: [{name: a}]}\n", 2, 11, "duration", "more than 0s"},
    {"huge_connections", with("traffic: {connections: 99999999999999999999999}\n"), 7, 24, "traffic.connections",
     "must be between 1 and 100000"},
    {"zero_connections", with("traffic: {connections: 0}\n"), 7, 24, "traffic.connections", "must be between 1"},
    {"bytes_zero_no_unit", with("traffic: {bytes: \"0\"}\n"), 7, 18, "traffic.bytes", "expected a byte count"},
    {"bytes_zero", with("traffic: {bytes: 0B}\n"), 7, 18, "traffic.bytes", "must be more than 0B"},
    {"loss_over_100", "name: t\nduration: 60s\ntopology: {paths: [{name: a, loss: 150%}]}\n", 3, 36,
     "topology.paths[0].loss", "between 0% and 100%"},
    {"bad_policy", with("engine: {policy: nosuch}\n"), 7, 18, "engine.policy", "expected " + policy_names_text()},
    {"bad_bool", with("netns: {require_delay: yes}\n"), 7, 24, "netns.require_delay", "expected true or false"},
    {"seed_negative", with("seed: -1\n"), 7, 7, "seed", "expected a whole number"},
    {"subflow_interval_off_grid", with("results: {subflow_interval: 150ms}\n"), 7, 29, "results.subflow_interval",
     "must be a multiple of 100ms, got \"150ms\""},
    // topology
    {"too_many_paths",
     "name: t\nduration: 60s\ntopology:\n  paths: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e}, {name: f}, "
     "{name: g}, {name: h}, {name: i}]\n",
     4, 10, "topology.paths", "has 9 entries; it takes 1 to 8: the kernel takes at most 8 subflows per connection"},
    {"no_paths", "name: t\nduration: 60s\ntopology: {paths: []}\n", 3, 19, "topology.paths", "has 0 entries"},
    {"duplicate_path", "name: t\nduration: 60s\ntopology:\n  paths:\n    - {name: wan1}\n    - {name: wan1}\n", 6, 14,
     "topology.paths[1].name", "duplicate path name \"wan1\" (first defined at line 5)"},
    {"backup_first", "name: t\nduration: 60s\ntopology:\n  paths:\n    - {name: lte, backup: true}\n    - {name: wan1}\n",
     5, 27, "topology.paths[0].backup", "the first path cannot be a backup"},
    {"backup_not_a_bool", "name: t\nduration: 60s\ntopology:\n  paths:\n    - {name: wan1}\n    - {name: lte, backup: maybe}\n",
     6, 27, "topology.paths[1].backup", "maybe"},
    // traffic and engine
    {"start_after_end", with("traffic: {start: 60s}\n"), 7, 18, "traffic.start", "not before the end of the run"},
    {"last_start_after_end", with("traffic: {connections: 100, spacing: 1s}\n"), 7, 38, "traffic.spacing",
     "the last of 100 connections would open at or after the end"},
    {"retry_inverted", with("engine:\n  retry: {initial: 10s, max: 1s}\n"), 8, 20, "engine.retry.initial",
     "10s is more than engine.retry.max (1s)"},
    {"retry_inverted_by_default", with("engine:\n  retry: {initial: 10s}\n"), 8, 20, "engine.retry.initial",
     "is more than engine.retry.max (8s)"},
    {"probe_interval_zero", with("engine:\n  probe: {interval: 0s}\n"), 8, 21, "engine.probe.interval",
     "must be more than 0s"},
    {"probe_timeout_zero", with("engine:\n  probe: {timeout: 0ms}\n"), 8, 20, "engine.probe.timeout",
     "must be more than 0s"},
    {"down_after_zero", with("engine:\n  probe: {down_after: 0}\n"), 8, 23, "engine.probe.down_after",
     "must be between 1 and 1000"},
    {"up_after_zero", with("engine:\n  probe: {up_after: 0}\n"), 8, 21, "engine.probe.up_after",
     "must be between 1 and 1000"},
    {"confirm_is_mode", with("engine:\n  probe: {mode: http, confirm: http}\n"), 8, 32, "engine.probe.confirm",
     "must differ from engine.probe.mode (http)"},
    {"confirm_is_default_mode", with("engine:\n  probe: {confirm: ping}\n"), 8, 20, "engine.probe.confirm",
     "must differ from engine.probe.mode (ping)"},
    // events
    {"event_unknown_path", with("events:\n  - {at: 1s, path: wan3, action: down}\n"), 8, 20, "events[0].path",
     "no path named \"wan3\" in topology.paths (defined: wan1, wan2)"},
    {"event_at_end", with("events:\n  - {at: 60s, path: wan1, action: down}\n"), 8, 10, "events[0].at",
     "at 60s is not before the end of the run (duration 60s)"},
    {"event_at_negative", with("events:\n  - {at: -5s, path: wan1, action: down}\n"), 8, 10, "events[0].at",
     "a negative value is not allowed here"},
    {"event_bad_action", with("events:\n  - {at: 5s, path: wan1, action: explode}\n"), 8, 34, "events[0].action",
     "expected blackhole, down, reset, readdress, degrade, restore or up"},
    {"restore_without_outage", with("events:\n  - {at: 5s, path: wan1, action: restore}\n"), 8, 34,
     "events[0].action", "restore on wan1 at 5s, but wan1 has no outage in progress then"},
    {"up_after_restore",
     with("events:\n  - {at: 5s, path: wan2, action: down}\n  - {at: 6s, path: wan2, action: up}\n"
          "  - {at: 7s, path: wan2, action: up}\n"),
     10, 34, "events[2].action", "up on wan2 at 7s, but wan2 has no outage in progress then"},
    {"restore_before_outage_in_time",  // checked in time order, not file order
     with("events:\n  - {at: 20s, path: wan2, action: reset}\n  - {at: 10s, path: wan2, action: restore}\n"), 9, 35,
     "events[1].action", "restore on wan2 at 10s"},
    {"restore_of_other_path",
     with("events:\n  - {at: 5s, path: wan2, action: reset}\n  - {at: 6s, path: wan1, action: restore}\n"), 9, 34,
     "events[1].action", "wan1 has no outage in progress"},
    {"degrade_without_values", with("events:\n  - {at: 5s, path: wan1, action: degrade}\n"), 8, 5, "events[0]",
     "a degrade needs at least one of rate, delay or loss"},
    {"rate_on_reset", with("events:\n  - {at: 5s, path: wan1, action: reset, rate: 1Mbit}\n"), 8, 47,
     "events[0].rate", "only a degrade takes a rate, not a reset"},
    {"loss_on_blackhole", with("events:\n  - {at: 5s, path: wan1, action: blackhole, loss: 1%}\n"), 8, 51,
     "events[0].loss", "only a degrade takes a loss, not a blackhole"},
    {"degrade_rate_zero", with("events:\n  - {at: 5s, path: wan1, action: degrade, rate: 0bit}\n"), 8, 49,
     "events[0].rate", "must be more than 0bit"},
    {"events_not_list", with("events: {at: 5s}\n"), 7, 9, "events", "expected a list, got a map"},
};

INSTANTIATE_TEST_SUITE_P(EveryCase, LoaderError, testing::ValuesIn(error_cases),
                         [](const testing::TestParamInfo<ErrorCase>& param_info) { return param_info.param.label; });

TEST(LoaderErrorText, IsGccStyle) {
  EXPECT_STREQ(error_of("name: t\nduration: 60s\ntopology:\n  paths:\n    - {name: wan1, rate: 50Mbps}\n").what(),
               R"(t.yaml:5:26: topology.paths[0].rate: expected a rate such as "50Mbit" or "1.5Gbit" )"
               R"((units: bit, kbit, Mbit, Gbit), got "50Mbps")");
  EXPECT_STREQ(error_of("name: t\nduraton: 60s\n").what(),
               R"(t.yaml:2:1: duraton: unknown key "duraton"; did you mean "duration"? Valid keys here: )"
               "name, description, duration, seed, topology, traffic, engine, netns, results, events");
  EXPECT_STREQ(error_of(with("events:\n  - {at: 5s, path: wan1, action: restore}\n")).what(),
               "t.yaml:8:34: events[0].action: restore on wan1 at 5s, but wan1 has no outage in progress then");
  EXPECT_STREQ(error_of("name: [unclosed\n").what(), "t.yaml:2:1: invalid YAML: end of sequence flow not found");
}

TEST(LoaderErrorText, NamesAnUnreadableFile) {
  try {
    load_scenario_file("/nonexistent/wan.yaml");
    FAIL() << "loaded a missing file";
  } catch (const ScenarioError& error) {
    EXPECT_STREQ(error.what(), "/nonexistent/wan.yaml:0:0: cannot read: No such file or directory");
    EXPECT_EQ(error.line(), 0);
    EXPECT_EQ(error.key(), "");
  }
  try {
    load_scenario_file(MPRECOVER_SOURCE_DIR "/scenarios");
    FAIL() << "loaded a directory";
  } catch (const ScenarioError& error) {
    EXPECT_NE(std::string(error.what()).find("cannot read"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace mprecover
