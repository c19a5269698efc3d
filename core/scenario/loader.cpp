#include "core/scenario/loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/scenario/source_positions.h"
#include "core/scenario/spec.h"
#include "core/scenario/units.h"
#include "core/scenario/validate.h"

namespace mprecover {

namespace {

// Scenario files are a few kilobytes; the cap keeps /dev/zero and the like from filling memory.
constexpr std::size_t max_file_size = 1'000'000;

SourcePosition position_of(const YAML::Mark& mark) { return {mark.line + 1, mark.column + 1}; }

std::string node_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "the value \"" + node.Scalar() + "\"";
    default: return "nothing";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

struct GivenKey {
  std::string name;
  YAML::Node key;
  YAML::Node value;
};

// Walks the YAML tree along the spec table: every key it meets must be in the table, and every
// value goes through its entry's setter.
class Loader {
 public:
  Loader(std::string file, Scenario& scenario) : file_(std::move(file)), scenario_(scenario) {}

  void load(const YAML::Node& root) {
    if (root.IsNull())
      throw ScenarioError(file_, {1, 1}, "", "empty document: expected a map with at least name, duration and topology");
    positions_.record("", position_of(root.Mark()));
    walk_map(root, "", "", 0);
    validate_scenario(scenario_, positions_, file_);
    scenario_.positions = positions_;
  }

 private:
  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& message) const {
    throw ScenarioError(file_, position_of(node.Mark()), key, message);
  }

  // At the recorded position of `where`: for nodes that may be empty, which have no mark of their own.
  [[noreturn]] void fail_at(const std::string& where, const std::string& key, const std::string& message) const {
    throw ScenarioError(file_, positions_.of(where), key, message);
  }

  // `spec_prefix` names the map in the table ("topology.paths[]."), `key_prefix` in the file
  // ("topology.paths[2]."); `index` is the list element the map belongs to.
  void walk_map(const YAML::Node& map, const std::string& spec_prefix, const std::string& key_prefix,
                std::size_t index) {
    const std::string map_key = key_prefix.empty() ? "" : key_prefix.substr(0, key_prefix.size() - 1);
    if (!map.IsMap() && !map.IsNull())
      fail(map, map_key, "expected a map of keys, got " + node_kind(map));
    const std::vector<SpecChild> children = spec_children(spec_prefix);

    // Every key in the file, checked before any value so that a typo is reported as such.
    std::vector<GivenKey> given;
    if (map.IsMap()) {
      for (const auto& item : map) {
        const YAML::Node& key = item.first;
        if (!key.IsScalar()) fail(key, map_key, "expected a key name, got " + node_kind(key));
        const std::string& name = key.Scalar();
        const auto child = std::find_if(children.begin(), children.end(),
                                        [&](const SpecChild& c) { return c.name == name; });
        if (child == children.end()) fail(key, key_prefix + name, unknown_key_message(name, children));
        const auto earlier = std::find_if(given.begin(), given.end(), [&](const GivenKey& g) { return g.name == name; });
        if (earlier != given.end())
          fail(key, key_prefix + name,
               "duplicate key (first given at line " + std::to_string(earlier->key.Mark().line + 1) + ")");
        given.push_back({name, key, item.second});
      }
    }

    // Then the values, in table order: topology before the events that name its paths.
    for (const SpecChild& child : children) {
      const std::string key = key_prefix + child.name;
      const auto found = std::find_if(given.begin(), given.end(), [&](const GivenKey& g) { return g.name == child.name; });
      if (found == given.end()) {
        if (child.required) fail_at(map_key, key, "missing required key \"" + child.name + "\"");
        continue;
      }
      const YAML::Node& value = found->value;
      // An empty value has no text to point at (yaml-cpp marks the next token): point at its key.
      positions_.record(key, position_of((value.IsNull() ? found->key : value).Mark()));
      switch (child.kind) {
        case SpecChild::Kind::value: set_value(*child.entry, *found, key, index); break;
        case SpecChild::Kind::map: walk_map(value, spec_prefix + child.name + ".", key + ".", index); break;
        case SpecChild::Kind::list: walk_list(*child.entry, value, spec_prefix + child.name + "[].", key); break;
      }
    }
  }

  void walk_list(const SpecEntry& entry, const YAML::Node& list, const std::string& element_prefix,
                 const std::string& key) {
    if (list.IsNull() && !entry.required) return;  // "events:" with nothing under it: no events
    if (list.IsMap() && entry.list.set_as_map) {  // a list's one element, written as a map ("traffic")
      entry.list.set_as_map(scenario_, true);
      entry.list.resize(scenario_, 1);
      entry.list.set_line(scenario_, 0, list.Mark().line + 1);
      walk_map(list, element_prefix, key + ".", 0);
      return;
    }
    if (!list.IsSequence())
      fail_at(key, key, "expected a list" + std::string(entry.list.set_as_map ? " or a map" : "") + ", got " +
                            node_kind(list));
    if (entry.list.set_as_map) entry.list.set_as_map(scenario_, false);
    const std::size_t size = list.size();
    if (size < entry.list.min_size || size > entry.list.max_size)
      fail(list, key, "has " + std::to_string(size) + " entries; it takes " + std::to_string(entry.list.min_size) +
                          " to " + std::to_string(entry.list.max_size) +
                          (size > entry.list.max_size && entry.list.why_max_size
                               ? std::string(": ") + entry.list.why_max_size
                               : std::string()));
    entry.list.resize(scenario_, size);
    for (std::size_t i = 0; i < size; ++i) {
      const YAML::Node element = list[i];
      const std::string element_key = key + "[" + std::to_string(i) + "]";
      positions_.record(element_key, position_of(element.Mark()));
      entry.list.set_line(scenario_, i, element.Mark().line + 1);
      if (!element.IsMap()) fail(element, element_key, "expected a map of keys, got " + node_kind(element));
      walk_map(element, element_prefix, element_key + ".", i);
    }
  }

  void set_value(const SpecEntry& entry, const GivenKey& given, const std::string& key, std::size_t index) {
    const YAML::Node& value = given.value;
    if (value.IsNull()) fail(given.key, key, "no value given");
    if (!value.IsScalar()) fail(value, key, "expected a single value, got " + node_kind(value));
    try {
      entry.set(scenario_, index, value.Scalar());
    } catch (const ValueError& error) {
      fail(value, key, error.what());
    }
  }

  static std::string unknown_key_message(const std::string& name, const std::vector<SpecChild>& children) {
    std::string valid;
    const SpecChild* closest = nullptr;
    std::size_t closest_distance = 3;  // suggest only within an edit distance of 2
    for (const SpecChild& child : children) {
      valid += (valid.empty() ? "" : ", ") + child.name;
      const std::size_t distance = edit_distance(name, child.name);
      if (distance < closest_distance) {
        closest = &child;
        closest_distance = distance;
      }
    }
    std::string message = "unknown key \"" + name + "\"";
    if (closest) message += "; did you mean \"" + closest->name + "\"?";
    return message + " Valid keys here: " + valid;
  }

  std::string file_;
  Scenario& scenario_;
  SourcePositions positions_;
};

// Notes where each document starts and ignores the rest.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;

  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// A second document would be silently ignored. Counted through the event parser, one document at a
// time: yaml-cpp 0.7's LoadAll never ends on some inputs ("..." followed by text) and fills memory.
void reject_second_document(const std::string& text, const std::string& file) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts starts;
  if (parser.HandleNextDocument(starts) && parser.HandleNextDocument(starts))
    throw ScenarioError(file, position_of(starts.marks.back()), "", "a scenario file holds one YAML document");
}

}  // namespace

Scenario load_scenario_text(std::string_view yaml, std::string_view origin) {
  const std::string file(origin);
  const std::string text(yaml);
  YAML::Node root;
  try {
    reject_second_document(text, file);
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw ScenarioError(file, position_of(error.mark), "", "invalid YAML: " + error.msg);
  }

  Scenario scenario;
  try {
    Loader(file, scenario).load(root);
  } catch (const YAML::Exception& error) {
    // Not expected once the text has parsed, but no input may escape as anything but a ScenarioError.
    throw ScenarioError(file, position_of(error.mark), "", error.msg);
  }
  std::stable_sort(scenario.events.begin(), scenario.events.end(),
                   [](const PathEvent& a, const PathEvent& b) { return a.at < b.at; });
  return scenario;
}

Scenario load_scenario_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text;
  if (in) {
    text.resize(max_file_size + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
  }
  // read() sets failbit at end of file too; only badbit, or nothing read from a stream that never
  // reached its end (a directory), is a failure to read.
  if (!in.is_open() || in.bad() || (text.empty() && !in.eof()))
    throw ScenarioError(path, {}, "", std::string("cannot read: ") + std::strerror(errno));
  if (text.size() > max_file_size)
    throw ScenarioError(path, {}, "", "cannot read: larger than " + format_bytes(max_file_size) +
                                          "; a scenario file is a few kilobytes");
  Scenario scenario = load_scenario_text(text, path);
  scenario.source_file = path;
  return scenario;
}

}  // namespace mprecover
