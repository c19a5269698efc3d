// mprecover.Scenario and its parts, generated from the scenario format's key table (spec.h): every
// key of the file is an attribute of the same name at the same place ("engine.probe.interval" is
// scenario.engine.probe.interval), read and written through the table's own getters and setters.
// In Python, durations are float seconds, rates and byte counts int (bits/s, bytes), losses a ratio
// 0.0 to 1.0; a setter also takes the file's text ("30ms", "50Mbit", "2%").
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bindings.h"
#include "core/scenario/loader.h"
#include "core/scenario/spec.h"
#include "core/scenario/units.h"

namespace mprecover::python {

namespace {

// --- views: what Python holds ----------------------------------------------------------------

// A fixed part of the scenario ("topology.server.", "engine.probe."): one C++ type per Python class.
template <int Tag>
struct Section {
  ScenarioPtr owner;
};
using Topology = Section<0>;
using Server = Section<1>;
using Engine = Section<2>;
using Probe = Section<3>;
using Netns = Section<4>;
using Results = Section<5>;

// A map of keys that a policy of the policy table declares under engine. ("engine.retry."): its
// attributes are looked up in the key table when they are used, so a new policy's keys need no
// class of their own.
struct PolicySection {
  ScenarioPtr owner;
  std::string prefix;
};

// An element of a list, by position: it refers to whatever element is at that position now.
struct PathRef {
  ScenarioPtr owner;
  std::size_t index = 0;
};
struct EventRef {
  ScenarioPtr owner;
  std::size_t index = 0;
};
struct TrafficRef {
  ScenarioPtr owner;
  std::size_t index = 0;
};
struct PathList {
  ScenarioPtr owner;
};
// scenario.traffic: the groups, and the attributes of the only one when there is one.
struct TrafficList {
  ScenarioPtr owner;
};
struct EventList {
  ScenarioPtr owner;
};

// What a key's getter and setter work on.
struct Target {
  Scenario& scenario;
  std::size_t index;
};

Target target(const ScenarioPtr& s) { return {*s, 0}; }
Target target(const PolicySection& p) { return {*p.owner, 0}; }
template <int Tag>
Target target(const Section<Tag>& v) {
  return {*v.owner, 0};
}
Target target(const PathRef& p) {
  if (p.index >= p.owner->paths.size())
    throw py::index_error("path " + std::to_string(p.index) + " is no longer in the scenario");
  return {*p.owner, p.index};
}
Target target(const TrafficRef& t) {
  if (t.index >= t.owner->traffic.size())
    throw py::index_error("traffic group " + std::to_string(t.index) + " is no longer in the scenario");
  return {*t.owner, t.index};
}
Target target(const TrafficList& l) {
  if (l.owner->traffic.size() != 1)
    throw py::attribute_error("this scenario has " + std::to_string(l.owner->traffic.size()) +
                              " traffic groups: name one, as in scenario.traffic[1].rate");
  return {*l.owner, 0};
}
Target target(const EventRef& e) {
  if (e.index >= e.owner->events.size())
    throw py::index_error("event " + std::to_string(e.index) + " is no longer in the scenario");
  if (e.owner->events[e.index].path >= e.owner->paths.size())  // the getters look its path up
    throw py::value_error("event " + std::to_string(e.index) + " refers to a path that is not in the scenario");
  return {*e.owner, e.index};
}

// "topology.paths[].rate" at index 1 -> "topology.paths[1].rate", as ScenarioError spells keys.
std::string indexed_key(const std::string& key, std::size_t index) {
  const auto brackets = key.find("[]");
  if (brackets == std::string::npos) return key;
  return key.substr(0, brackets) + "[" + std::to_string(index) + "]" + key.substr(brackets + 2);
}

// --- values: text of the file <-> Python ---------------------------------------------------------

bool is_number(py::handle value) {
  return (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value)) && !py::isinstance<py::bool_>(value);
}

// A non-negative finite number below `limit`, for a value that the file writes with a unit.
double checked_number(py::handle value, double limit, const char* what) {
  const double x = value.cast<double>();
  if (!std::isfinite(x) || x < 0 || x >= limit)
    throw ValueError(std::string("expected ") + what + ", got " + py::repr(value).cast<std::string>());
  return x;
}

std::string to_text(const SpecEntry& entry, py::handle value) {
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();  // the file's own text
  const auto number = [&](double limit, const char* what) {
    if (!is_number(value))
      throw py::type_error(std::string("expected ") + what + " or the file's text, got " +
                           py::repr(value).cast<std::string>());
    return checked_number(value, limit, what);
  };
  switch (entry.type) {
    case ValueType::duration:
      // Whole nanoseconds, exactly: "1500000ns".
      return std::to_string(std::llround(number(9e9, "seconds (a number >= 0)") * 1e9)) + "ns";
    case ValueType::rate:
      return std::to_string(std::llround(number(1.8e19, "bits per second (a number >= 0)"))) + "bit";
    case ValueType::bytes:
      return std::to_string(std::llround(number(1.8e19, "a byte count (a number >= 0)"))) + "B";
    case ValueType::ratio:
      return format_ratio(number(std::numeric_limits<double>::infinity(), "a ratio from 0.0 to 1.0"));
    case ValueType::queue:
      return std::to_string(std::llround(number(1.8e19, "a packet count"))) + "p";
    case ValueType::count:
    case ValueType::integer:
      if (!py::isinstance<py::int_>(value) || py::isinstance<py::bool_>(value))
        throw py::type_error("expected an int, got " + py::repr(value).cast<std::string>());
      return py::str(value).cast<std::string>();
    case ValueType::boolean:
      if (!py::isinstance<py::bool_>(value))
        throw py::type_error("expected True or False, got " + py::repr(value).cast<std::string>());
      return value.cast<bool>() ? "true" : "false";
    case ValueType::string:
    case ValueType::choice:
    case ValueType::list:
      break;
  }
  throw py::type_error("expected a str, got " + py::repr(value).cast<std::string>());
}

py::object to_python(const SpecEntry& entry, const std::optional<std::string>& text) {
  if (!text) return py::none();
  switch (entry.type) {
    case ValueType::duration: return py::float_(to_seconds(parse_duration(*text)));
    case ValueType::rate: return py::int_(parse_rate(*text));
    case ValueType::bytes: return py::int_(parse_bytes(*text));
    case ValueType::ratio: return py::float_(parse_ratio(*text));
    case ValueType::count:
    case ValueType::integer: return py::int_(parse_whole_number(*text, 0, UINT64_MAX));
    case ValueType::boolean: return py::bool_(parse_bool(*text));
    case ValueType::string:
    case ValueType::choice:
    case ValueType::queue:
    case ValueType::list: break;
  }
  return py::str(*text);
}

const char* python_type(const SpecEntry& entry) {
  switch (entry.type) {
    case ValueType::duration: return "float, seconds";
    case ValueType::rate: return "int, bits per second";
    case ValueType::bytes: return "int, bytes";
    case ValueType::ratio: return "float, 0.0 to 1.0";
    case ValueType::count:
    case ValueType::integer: return "int";
    case ValueType::boolean: return "bool";
    case ValueType::queue: return "str such as \"100p\" or \"64KB\"; an int means packets";
    case ValueType::choice:
    case ValueType::string:
    case ValueType::list: break;
  }
  return "str";
}

// Docstrings must outlive the module's functions.
const char* keep(std::string text) {
  static std::deque<std::string> texts;
  return texts.emplace_back(std::move(text)).c_str();
}

std::string docstring(const SpecEntry& entry) {
  std::string doc = entry.meaning + ".\n\n" + python_type(entry);
  if (entry.type == ValueType::choice) doc += ": " + entry.choices;
  if (entry.type == ValueType::duration || entry.type == ValueType::rate || entry.type == ValueType::ratio ||
      entry.type == ValueType::bytes)
    doc += "; also takes the file's text (" + units_text(entry) + ")";
  doc += ". File key: " + entry.key + ".";
  if (entry.default_per_policy) doc += " Reads the value in force; None goes back to engine.policy's default.";
  else if (entry.unset) doc += " None when left out; assigning None leaves it out.";
  return doc;
}

// One attribute per value key directly under `prefix`, named as in the file.
template <typename View, typename Class>
void value_attributes(Class& cls, const std::string& prefix) {
  for (const SpecChild& child : spec_children(prefix)) {
    if (child.kind != SpecChild::Kind::value) continue;
    const SpecEntry* entry = child.entry;
    cls.def_property(
        keep(child.name),
        [entry](const View& view) {
          const Target t = target(view);
          return to_python(*entry, entry->get(t.scenario, t.index));
        },
        [entry](const View& view, const py::object& value) {
          const Target t = target(view);
          if (value.is_none()) {
            if (!entry->unset) throw py::type_error(indexed_key(entry->key, t.index) + " cannot be None");
            entry->unset(t.scenario, t.index);
            return;
          }
          try {
            entry->set(t.scenario, t.index, to_text(*entry, value));
          } catch (const py::type_error& e) {
            throw py::type_error(indexed_key(entry->key, t.index) + ": " + e.what());
          } catch (const ValueError& e) {
            throw py::value_error(indexed_key(entry->key, t.index) + ": " + e.what());
          }
        },
        keep(docstring(*entry)));
  }
}

// repr of a view: its values as keyword arguments, "Path(name='wan1', rate=50000000, ...)".
template <typename View>
std::string repr_of(const char* name, const View& view, const std::string& prefix) {
  const Target t = target(view);
  std::string out = std::string(name) + "(";
  bool first = true;
  for (const SpecChild& child : spec_children(prefix)) {
    if (child.kind != SpecChild::Kind::value) continue;
    const py::object value = to_python(*child.entry, child.entry->get(t.scenario, t.index));
    if (value.is_none()) continue;
    out += (first ? "" : ", ") + child.name + "=" + py::repr(value).cast<std::string>();
    first = false;
  }
  return out + ")";
}

template <typename View>
py::class_<View> section(py::module_& m, const char* name, const std::string& prefix, const char* doc) {
  py::class_<View> cls(m, name, doc);
  value_attributes<View>(cls, prefix);
  cls.def("__repr__", [name, prefix](const View& v) { return repr_of(name, v, prefix); });
  return cls;
}

std::size_t list_index(std::ptrdiff_t index, std::size_t size, const char* what) {
  const auto n = static_cast<std::ptrdiff_t>(size);
  if (index < 0) index += n;
  if (index < 0 || index >= n) throw py::index_error(std::string(what) + " index out of range");
  return static_cast<std::size_t>(index);
}

// What the list views have in common: len, an element by position (from the end when negative),
// and iteration, over `elements` of the scenario, each element seen through a `Ref`.
template <typename Ref, typename List, typename Element>
void sequence_of(py::class_<List>& list, std::vector<Element> Scenario::*elements, const char* what) {
  list.def("__len__", [elements](const List& l) { return ((*l.owner).*elements).size(); })
      .def("__getitem__",
           [elements, what](const List& l, std::ptrdiff_t i) {
             return Ref{l.owner, list_index(i, ((*l.owner).*elements).size(), what)};
           })
      .def("__iter__", [elements](const List& l) {
        py::list items;
        for (std::size_t i = 0; i < ((*l.owner).*elements).size(); ++i) items.append(Ref{l.owner, i});
        return py::iter(items);
      });
}

std::size_t path_index(const Scenario& s, const std::string& name) {
  for (std::size_t i = 0; i < s.paths.size(); ++i)
    if (s.paths[i].name == name) return i;
  throw py::key_error("no path named '" + name + "'");
}

// Sets the keyword arguments on a new element through its attributes; removes it on failure.
template <typename Ref, typename List>
Ref add_element(const ScenarioPtr& owner, List& list, const py::kwargs& settings, const py::dict& first) {
  list.emplace_back();
  Ref ref{owner, list.size() - 1};
  try {
    const py::object view = py::cast(ref);
    for (const auto& [key, value] : first) py::setattr(view, key, value);
    for (const auto& [key, value] : settings) {
      if (!py::hasattr(view, key)) throw py::type_error("unexpected keyword argument '" + py::str(key).cast<std::string>() + "'");
      py::setattr(view, key, value);
    }
  } catch (...) {
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(ref.index));
    throw;
  }
  return ref;
}

std::string scenario_repr(const Scenario& s) {
  return "<mprecover.Scenario '" + s.name + "': " + std::to_string(s.paths.size()) + " paths, " +
         traffic_text(s.traffic) + ", " + std::to_string(s.events.size()) + " events, " +
         format_duration(s.duration) + (s.source_file.empty() ? "" : ", from " + s.source_file) + ">";
}

// The setter of one key of a view, as value_attributes defines it.
template <typename View>
void set_key(const View& view, const SpecEntry& entry, const py::object& value) {
  const Target t = target(view);
  try {
    entry.set(t.scenario, t.index, to_text(entry, value));
  } catch (const py::type_error& e) {
    throw py::type_error(entry.key + ": " + e.what());
  } catch (const ValueError& e) {
    throw py::value_error(entry.key + ": " + e.what());
  }
}

const SpecEntry& policy_key(const PolicySection& p, const std::string& name) {
  for (const SpecChild& child : spec_children(p.prefix))
    if (child.kind == SpecChild::Kind::value && child.name == name) return *child.entry;
  throw py::attribute_error(p.prefix + name + " is not a key of the scenario format");
}

void bind_policy_section(py::module_& m) {
  py::class_<PolicySection>(m, "PolicySection",
                            "Settings a policy declares under engine. (engine.retry): attributes as in the file.")
      .def("__getattr__",
           [](const PolicySection& p, const std::string& name) {
             const SpecEntry& entry = policy_key(p, name);
             return to_python(entry, entry.get(*p.owner, 0));
           })
      .def("__setattr__", [](const PolicySection& p, const std::string& name,
                             const py::object& value) { set_key(p, policy_key(p, name), value); })
      .def("__dir__",
           [](const PolicySection& p) {
             py::list names;
             for (const SpecChild& child : spec_children(p.prefix)) names.append(child.name);
             return names;
           })
      .def("__repr__", [](const PolicySection& p) {
        return repr_of(p.prefix.substr(0, p.prefix.size() - 1).c_str(), p, p.prefix);
      });
}

}  // namespace

Scenario validated(const Scenario& scenario) {
  for (const PathEvent& e : scenario.events)
    if (e.path >= scenario.paths.size()) throw py::value_error("an event refers to a path that was removed");
  const std::string origin = "<scenario " + scenario.name + (scenario.source_file.empty() ? "" : " from " + scenario.source_file) +
                             ", as describe() prints it>";
  (void)load_scenario_text(describe(scenario), origin);  // throws ScenarioError
  Scenario ready = scenario;
  std::stable_sort(ready.events.begin(), ready.events.end(),
                   [](const PathEvent& a, const PathEvent& b) { return a.at < b.at; });
  return ready;
}

void bind_scenario(py::module_& m) {
  py::class_<Scenario, ScenarioPtr> scenario(m, "Scenario", R"doc(A scenario: WAN paths, traffic, engine settings and timed outages.

Get one with mprecover.load(path) or mprecover.loads(text). Every key of the file is an attribute
of the same name at the same place: scenario.engine.probe.interval is the file's
engine.probe.interval; scenario.paths and scenario.server are short for scenario.topology.paths and
scenario.topology.server. Durations are float seconds, rates and byte counts int (bits/s, bytes),
losses a ratio 0.0 to 1.0; setters also take the file's text ("30ms", "50Mbit", "2%").

Changes write through to this scenario (use copy() to branch off a variant). A setter checks the
value on its own; checks across keys (events before the end, unique path names, ...) happen in
validate(), which mprecover.run() calls first.)doc");
  value_attributes<ScenarioPtr>(scenario, "");
  scenario.def_property_readonly(
      "source_file", [](const ScenarioPtr& s) { return s->source_file.empty() ? py::object(py::none()) : py::str(s->source_file); },
      "The file it was loaded from; None for text loaded with loads().");

  section<Topology>(m, "Topology", "topology.", "topology: the WAN paths and the server link.")
      .def_property_readonly("server", [](const Topology& t) { return Server{t.owner}; }, "topology.server")
      .def_property_readonly("paths", [](const Topology& t) { return PathList{t.owner}; }, "topology.paths");
  section<Server>(m, "Server", "topology.server.", "topology.server: the link from the aggregation router to the server.");
  auto engine = section<Engine>(m, "Engine", "engine.", "engine: the path manager policy and its settings.");
  engine.def_property_readonly("probe", [](const Engine& e) { return Probe{e.owner}; }, "engine.probe");
  for (const SpecChild& child : spec_children("engine.")) {
    if (child.kind != SpecChild::Kind::map || child.name == "probe") continue;
    const std::string prefix = "engine." + child.name + ".";
    engine.def_property_readonly(
        keep(child.name), [prefix](const Engine& e) { return PolicySection{e.owner, prefix}; },
        keep(prefix.substr(0, prefix.size() - 1) + ": settings of a policy"));
  }
  bind_policy_section(m);
  section<Probe>(m, "Probe", "engine.probe.",
                 "engine.probe: the path health detector. Reading gives the value in force (the policy's\n"
                 "default when the file leaves it out); assigning None goes back to that default.");
  section<Netns>(m, "Netns", "netns.", "netns: settings of the netns backend.");
  section<Results>(m, "Results", "results.", "results: what a run writes besides its figures.");

  scenario
      .def_property_readonly("topology", [](const ScenarioPtr& s) { return Topology{s}; }, "topology")
      .def_property_readonly("paths", [](const ScenarioPtr& s) { return PathList{s}; },
                             "topology.paths: the WAN paths, a list-like view (index by position or name).")
      .def_property_readonly("server", [](const ScenarioPtr& s) { return Server{s}; }, "topology.server")
      .def_property_readonly("traffic", [](const ScenarioPtr& s) { return TrafficList{s}; },
                             "traffic: the groups of connections, a list-like view; with one group, also its attributes "
                             "(scenario.traffic.connections).")
      .def_property_readonly("engine", [](const ScenarioPtr& s) { return Engine{s}; }, "engine")
      .def_property_readonly("netns", [](const ScenarioPtr& s) { return Netns{s}; }, "netns")
      .def_property_readonly("results", [](const ScenarioPtr& s) { return Results{s}; }, "results")
      .def_property_readonly("events", [](const ScenarioPtr& s) { return EventList{s}; },
                             "events: the timed outages and restores, a list-like view.")
      .def("validate", [](const ScenarioPtr& s) { (void)validated(*s); },
           R"doc(Checks the scenario as the loader checks a file; raises ScenarioError.

After edits, the error's line and column are those of describe()'s text; its key names the value.)doc")
      .def("describe", [](const ScenarioPtr& s) { return describe(*s); },
           "Every effective value as YAML in the file format (what `mprecover show` prints).")
      .def(
          "save",
          [](const ScenarioPtr& s, const std::filesystem::path& path) {
            (void)validated(*s);
            const py::module_ pathlib = py::module_::import("pathlib");
            pathlib.attr("Path")(path.string()).attr("write_text")(describe(*s));
          },
          py::arg("path"), "Validates, then writes describe()'s text to `path`, a scenario file.")
      .def("copy", [](const ScenarioPtr& s) { return std::make_shared<Scenario>(*s); },
           "An independent copy, for variants in a sweep.")
      .def("__copy__", [](const ScenarioPtr& s) { return std::make_shared<Scenario>(*s); })
      .def("__deepcopy__", [](const ScenarioPtr& s, const py::object&) { return std::make_shared<Scenario>(*s); },
           py::arg("memo"))
      .def("__repr__", [](const ScenarioPtr& s) { return scenario_repr(*s); });

  py::class_<PathRef> path(m, "Path", R"doc(A WAN path of a scenario: scenario.paths[1] or scenario.paths["wan2"].

It refers to the path at its position in the list and writes through to the scenario.)doc");
  value_attributes<PathRef>(path, "topology.paths[].");
  path.def_property_readonly("index", [](const PathRef& p) { return target(p).index; }, "Its position in topology.paths.")
      .def("__repr__", [](const PathRef& p) { return repr_of("Path", p, "topology.paths[]."); });

  py::class_<EventRef> event(m, "Event", R"doc(A timed event of a scenario: scenario.events[0].

path is the path's name; rate, delay and loss are for degrade only (None otherwise). It refers to
the event at its position in the list and writes through to the scenario. Events run in time order
(list order for equal times) whatever their order in the list.)doc");
  value_attributes<EventRef>(event, "events[].");
  event.def("__repr__", [](const EventRef& e) { return repr_of("Event", e, "events[]."); });

  py::class_<PathList> path_list(m, "PathList",
                                 "topology.paths as a list-like view: len, index (position or name), iterate, del, add().");
  sequence_of<PathRef>(path_list, &Scenario::paths, "path");
  path_list.def("__getitem__", [](const PathList& l, const std::string& name) { return PathRef{l.owner, path_index(*l.owner, name)}; })
      .def("__contains__", [](const PathList& l, const std::string& name) {
        return std::any_of(l.owner->paths.begin(), l.owner->paths.end(), [&](const PathSpec& p) { return p.name == name; });
      })
      .def(
          "__delitem__",
          [](const PathList& l, const py::object& which) {
            Scenario& s = *l.owner;
            const std::size_t i = py::isinstance<py::str>(which) ? path_index(s, which.cast<std::string>())
                                                                 : list_index(which.cast<std::ptrdiff_t>(), s.paths.size(), "path");
            for (const PathEvent& e : s.events)
              if (e.path == i) throw py::value_error("path '" + s.paths[i].name + "' has events; delete them first");
            s.paths.erase(s.paths.begin() + static_cast<std::ptrdiff_t>(i));
            for (PathEvent& e : s.events)
              if (e.path > i) --e.path;
          },
          "Removes a path (by position or name) that no event refers to.")
      .def(
          "add",
          [](const PathList& l, const std::string& name, const py::kwargs& settings) {
            py::dict first;
            first["name"] = name;
            return add_element<PathRef>(l.owner, l.owner->paths, settings, first);
          },
          py::arg("name"),
          R"doc(add(name, *, rate=50_000_000, delay=0.01, loss=0.0, queue="100p") -> Path

Appends a path with the format's defaults, then the given settings; returns it.)doc")
      .def("__repr__", [](const PathList& l) {
        std::string out = "[";
        for (std::size_t i = 0; i < l.owner->paths.size(); ++i)
          out += (i ? ", " : "") + repr_of("Path", PathRef{l.owner, i}, "topology.paths[].");
        return out + "]";
      });

  py::class_<TrafficRef> traffic(m, "Traffic", R"doc(A traffic group: scenario.traffic[1], or scenario.traffic itself when there is one.

Connections of one kind of application (bulk, rate, command) on one schedule. It refers to the
group at its position in the list and writes through to the scenario.)doc");
  value_attributes<TrafficRef>(traffic, "traffic[].");
  traffic.def("__repr__", [](const TrafficRef& t) { return repr_of("Traffic", t, "traffic[]."); });

  py::class_<TrafficList> traffic_list(
      m, "TrafficList",
      "traffic as a list-like view of its groups: len, index, iterate, del, add(); with one group, its attributes too.");
  value_attributes<TrafficList>(traffic_list, "traffic[].");
  sequence_of<TrafficRef>(traffic_list, &Scenario::traffic, "traffic group");
  traffic_list.def("__delitem__",
           [](const TrafficList& l, std::ptrdiff_t i) {
             auto& groups = l.owner->traffic;
             const std::size_t index = list_index(i, groups.size(), "traffic group");
             if (groups.size() == 1) throw py::value_error("a scenario keeps at least one traffic group");
             groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(index));
           })
      .def(
          "add",
          [](const TrafficList& l, const std::string& kind, const py::kwargs& settings) {
            py::dict first;
            first["kind"] = kind;
            const TrafficRef added = add_element<TrafficRef>(l.owner, l.owner->traffic, settings, first);
            l.owner->traffic_as_map = false;
            return added;
          },
          py::arg("kind"),
          R"doc(add(kind, *, direction="upload", rate=None, connections=1, start=1.0, spacing=0.0, bytes=None) -> Traffic

Appends a traffic group of `kind` (bulk or rate; command runs alone) with the format's defaults,
then the given settings; returns it. The file then writes traffic as a list.)doc")
      .def("__repr__", [](const TrafficList& l) {
        if (l.owner->traffic.size() == 1) return repr_of("Traffic", TrafficRef{l.owner, 0}, "traffic[].");
        std::string out = "[";
        for (std::size_t i = 0; i < l.owner->traffic.size(); ++i)
          out += (i ? ", " : "") + repr_of("Traffic", TrafficRef{l.owner, i}, "traffic[].");
        return out + "]";
      });

  py::class_<EventList> event_list(m, "EventList", "events as a list-like view: len, index, iterate, del, clear(), add().");
  sequence_of<EventRef>(event_list, &Scenario::events, "event");
  event_list.def("__delitem__",
           [](const EventList& l, std::ptrdiff_t i) {
             auto& events = l.owner->events;
             events.erase(events.begin() + static_cast<std::ptrdiff_t>(list_index(i, events.size(), "event")));
           })
      .def("clear", [](const EventList& l) { l.owner->events.clear(); }, "Removes every event.")
      .def(
          "add",
          [](const EventList& l, const py::object& at, const std::string& path_name, const std::string& action,
             const py::kwargs& settings) {
            py::dict first;
            first["at"] = at;
            first["path"] = path_name;
            first["action"] = action;
            return add_element<EventRef>(l.owner, l.owner->events, settings, first);
          },
          py::arg("at"), py::arg("path"), py::arg("action"),
          R"doc(add(at, path, action, *, rate=None, delay=None, loss=None) -> Event

Appends an event: `at` in seconds (or "25s"), the path's name, the action (blackhole, down, reset,
readdress, degrade, restore or up); rate, delay and loss for degrade. Returns it.)doc")
      .def("__repr__", [](const EventList& l) {
        std::string out = "[";
        for (std::size_t i = 0; i < l.owner->events.size(); ++i)
          out += (i ? ", " : "") + repr_of("Event", EventRef{l.owner, i}, "events[].");
        return out + "]";
      });
}

}  // namespace mprecover::python
