// Every key of the scenario file format in one table, which drives loading, the documentation
// (`mprecover spec`) and the printing of a loaded scenario (`mprecover show`).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/network/address_plan.h"
#include "core/scenario/scenario.h"

namespace mprecover {

constexpr std::size_t max_path_name_length = 8;  // path names end up in interface names (15 chars)
constexpr std::size_t max_scenario_name_length = 64;
constexpr std::size_t max_events = 1000;
constexpr unsigned max_connections = 100'000;
constexpr unsigned max_probe_count = 1000;  // probe.down_after, probe.up_after

enum class ValueType { duration, rate, ratio, queue, bytes, count, integer, string, boolean, choice, list };

// A key's value in a scenario. `index` selects the element for keys inside a list
// ("topology.paths[].rate": scenario.paths[index]); other keys ignore it.
// A setter throws ValueError on a text it cannot take; a getter gives nullopt for an unset option.
using SpecSetter = std::function<void(Scenario& scenario, std::size_t index, std::string_view text)>;
using SpecGetter = std::function<std::optional<std::string>(const Scenario& scenario, std::size_t index)>;
// Leaves an optional key out again, as if the file had none (the Python bindings' `= None`).
using SpecUnsetter = std::function<void(Scenario& scenario, std::size_t index)>;

// The elements of a list key ("topology.paths", "events").
struct SpecList {
  std::size_t min_size = 0;
  std::size_t max_size = 0;
  std::size_t (*size)(const Scenario& scenario) = nullptr;
  void (*resize)(Scenario& scenario, std::size_t size) = nullptr;
  void (*set_line)(Scenario& scenario, std::size_t index, int line) = nullptr;  // where element `index` is
  const char* why_max_size = nullptr;  // said with the error when a list is longer, if the limit needs a why
  // A list the file may also write as one map, for a single element ("traffic"): whether the
  // scenario was written so, and where to note it. nullptr for a list that must be a list.
  bool (*as_map)(const Scenario& scenario) = nullptr;
  void (*set_as_map)(Scenario& scenario, bool as_map) = nullptr;
};

struct SpecEntry {
  // Dotted; "[]" marks the elements of a list: "topology.paths[].rate", "events[].at".
  // A map ("topology", "engine.probe") has no entry of its own: it is the prefix of its keys.
  std::string key{};
  ValueType type = ValueType::string;
  std::string choices{};  // choice only: "ping, dns, http or tcp"
  bool required = false;
  bool default_per_policy = false;  // the default comes from the policy table's detector defaults
  std::string meaning{};
  SpecUnsetter unset = nullptr;  // keys that may be left out and have no default; nullptr for the others
  SpecSetter set = nullptr;      // every type but list
  SpecGetter get = nullptr;  // every type but list
  SpecList list{};           // list only
};

// In file order; a list comes before the keys of its elements, topology before events.
const std::vector<SpecEntry>& spec_entries();

// One level of the format: the keys directly under a map, in table order.
struct SpecChild {
  enum class Kind { value, map, list };
  std::string name;                 // "rate", "server", "paths"
  Kind kind = Kind::value;
  const SpecEntry* entry = nullptr;  // value and list; nullptr for a map
  bool required = false;            // a map is required when a key in it (not in a list below) is
};

// `prefix` is "" for the top level, else a map's key and a dot: "topology.", "topology.paths[].".
std::vector<SpecChild> spec_children(std::string_view prefix);

// What the table's columns show: "duration", "ns, us, ms, s, min, h", "`1s`", "required".
std::string type_text(const SpecEntry& entry);
std::string units_text(const SpecEntry& entry);
std::string default_text(const SpecEntry& entry);

// The table as Markdown: key, type, required/default, unit, meaning.
std::string spec_markdown();
// The policy table and the outage kind table as Markdown.
std::string policies_markdown();
std::string outage_kinds_markdown();
// What `mprecover spec` prints: the three tables under their headings.
std::string spec_document();

// Every effective value of a scenario (defaults and the policy's probe settings included) as YAML
// in the file format; loading it gives back the same scenario.
std::string describe(const Scenario& scenario);

}  // namespace mprecover
