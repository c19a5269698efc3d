// The Python module `mprecover`: load, validate and run scenarios, read their results. A thin layer
// over the harness, the same C++ as the `mprecover` command.
#include <pybind11/eval.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <optional>
#include <string>
#include <variant>

#include "bindings.h"
#include "app/run.h"
#include "engine/policy_table.h"
#include "core/scenario/loader.h"
#include "core/scenario/spec.h"
#include "core/scenario/units.h"
#include "version.h"

namespace mprecover::python {

namespace {

// mprecover.ScenarioError, kept for the life of the process (never released at exit).
py::handle g_scenario_error;

constexpr const char* kScenarioErrorSource = R"py(
class ScenarioError(ValueError):
    """A scenario that cannot be loaded or does not validate.

    str(error) reads "FILE:LINE:COLUMN: KEY: message", as a compiler's error does. Attributes:
    file, line, column (1-based; 0 when there is no place to point at), key (the dotted key,
    "topology.paths[1].rate"; None for the whole file) and message (without the place).
    """

    def __init__(self, text, file=None, line=0, column=0, key=None, message=None):
        super().__init__(text)
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = text if message is None else message
)py";

void raise_scenario_error(const ScenarioError& e) {
  const py::object error = py::reinterpret_borrow<py::object>(g_scenario_error)(
      e.what(), e.file(), e.line(), e.column(), e.key().empty() ? py::object(py::none()) : py::str(e.key()), e.message());
  PyErr_SetObject(g_scenario_error.ptr(), error.ptr());
}

ScenarioPtr load(const std::filesystem::path& path) { return std::make_shared<Scenario>(load_scenario_file(path.string())); }

bool is_path_like(const py::handle& value) {
  return py::isinstance<py::str>(value) || py::hasattr(value, "__fspath__");
}

// Whether `scenario` still says what its file says; if not, the run folder gets describe()'s text
// instead of a copy of the file.
bool matches_its_file(const Scenario& scenario) {
  if (scenario.source_file.empty()) return false;
  try {
    return describe(load_scenario_file(scenario.source_file)) == describe(scenario);
  } catch (const ScenarioError&) {
    return false;
  }
}

std::string command_line(const Scenario& s, const std::optional<std::string>& backend,
                         const std::optional<std::string>& policy, const std::optional<std::uint64_t>& seed) {
  std::string line = "python: mprecover.run(" + (s.source_file.empty() ? "<" + s.name + ">" : s.source_file);
  if (backend) line += ", backend=" + *backend;
  if (policy) line += ", policy=" + *policy;
  if (seed) line += ", seed=" + std::to_string(*seed);
  line += ")";
  const py::module_ sys = py::module_::import("sys");
  if (py::len(sys.attr("argv")) > 0) line += " in " + py::str(sys.attr("argv")[py::int_(0)]).cast<std::string>();
  return line;
}

Result run(const py::object& scenario_or_path, const std::optional<std::string>& backend,
           const std::optional<std::string>& policy, const std::optional<std::uint64_t>& seed, const py::object& out,
           const py::object& results_root) {
  const ScenarioPtr given = is_path_like(scenario_or_path)
                                ? load(py::module_::import("os").attr("fspath")(scenario_or_path).cast<std::string>())
                                : scenario_or_path.cast<ScenarioPtr>();
  Scenario scenario = *given;
  if (!matches_its_file(scenario)) scenario.source_file.clear();
  RunRequest request;
  if (policy) {
    const PolicyEntry* entry = find_policy(*policy);
    if (entry == nullptr) throw py::value_error("policy must be " + policy_names_text() + ", got '" + *policy + "'");
    scenario.engine.policy.name = entry->name;
    request.policy = entry->name;
  }
  if (seed) scenario.seed = *seed;
  request.seed = seed;
  const Scenario ready = validated(scenario);
  request.backend = backend.value_or("");
  request.command_line = command_line(*given, backend, policy, seed);
  const py::module_ os = py::module_::import("os");
  if (!out.is_none()) {
    request.out = os.attr("fspath")(out).cast<std::string>();
  } else if (!results_root.is_none()) {
    request.results_root = os.attr("fspath")(results_root).cast<std::string>();
  } else {
    const std::string prefix = "mprecover-" + ready.name + "-";
    request.out = py::module_::import("tempfile").attr("mkdtemp")(py::arg("prefix") = prefix).cast<std::string>();
  }

  std::atomic<bool> stop{false};
  RunResult result;
  {
    InterruptGuard interrupt(stop);
    py::gil_scoped_release unlocked;  // runs from other threads wait for their turn without the GIL
    result = run_scenario(ready, request, stop);
  }
  Result r{result.dir, stop.load(), to_seconds(result.outcome.end)};
  if (r.interrupted && PyErr_CheckSignals() != 0) {
    // Python's SIGINT handler raised (KeyboardInterrupt by default): say where the partial run is.
    PyObject* type = nullptr;
    PyObject* value = nullptr;
    PyObject* trace = nullptr;
    PyErr_Fetch(&type, &value, &trace);
    PyErr_NormalizeException(&type, &value, &trace);
    if (value != nullptr && PyErr_GivenExceptionMatches(type, PyExc_KeyboardInterrupt)) {
      const py::handle error(value);
      error.attr("add_note")("mprecover.run: interrupted at " + std::to_string(r.end_s) + " s; partial results in " +
                             r.out_dir.string());
      py::setattr(error, "result", py::cast(r));
    }
    PyErr_Restore(type, value, trace);
    throw py::error_already_set();
  }
  return r;
}

struct BackendInfo {
  std::string name;
  std::string description;
  bool deterministic = false;
  bool available = false;
  std::optional<std::string> reason;
};

struct PolicyInfo {
  std::string name;
  std::vector<std::string> aliases;
  std::string summary;
  bool is_default = false;
};

std::vector<PolicyInfo> policies() {
  std::vector<PolicyInfo> list;
  for (const PolicyEntry& p : policy_table())
    list.push_back({p.name, p.aliases, p.summary, p.name == default_policy().name});
  return list;
}

std::vector<BackendInfo> backends() {
  std::vector<BackendInfo> list;
  for (const BackendEntry& b : compiled_backends()) {
    const auto reason = b.unavailable();
    list.push_back({b.name, b.description, b.deterministic, !reason, reason});
  }
  return list;
}

}  // namespace

}  // namespace mprecover::python

// The extension is mprecover._mprecover; mprecover/__init__.py re-exports it beside the package's
// pure-Python modules (the campaigns, the DataFrames and plots).
PYBIND11_MODULE(_mprecover, m) {
  using namespace mprecover;
  using namespace mprecover::python;

  m.doc() = R"doc(mprecover: run MPTCP WAN-outage scenarios against the recovery engine.

    import mprecover
    s = mprecover.load("scenarios/wan-reset.yaml")
    s.engine.probe.interval = 0.5          # seconds; or "500ms"
    r = mprecover.run(s, policy="rebuild")  # the default backend, a fresh temporary folder
    print(r.summary["outages"][0]["rebuilt"], r.out_dir)

load/loads give a Scenario; run() gives a Result; backends() lists what this build can run;
errors in a scenario raise ScenarioError (a ValueError) with file, line, column and key.)doc";
  m.attr("__version__") = kVersion;
  m.attr("__git_revision__") = kGitRevision;

  py::dict scope;
  scope["__name__"] = "mprecover";
  py::exec(kScenarioErrorSource, scope);
  m.attr("ScenarioError") = scope["ScenarioError"];
  g_scenario_error = py::object(scope["ScenarioError"]).release();
  py::register_exception<RunError>(m, "RunError", PyExc_RuntimeError).doc() =
      "A run that could not start (no such backend, backend unavailable here) or failed.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ScenarioError& e) {
      raise_scenario_error(e);
    } catch (const mprecover::ValueError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  bind_scenario(m);
  bind_result(m);

  py::class_<BackendInfo>(m, "BackendInfo", "A backend compiled into this build.")
      .def_readonly("name", &BackendInfo::name, "What run(backend=...) takes.")
      .def_readonly("description", &BackendInfo::description)
      .def_readonly("deterministic", &BackendInfo::deterministic,
                    "Whether the same scenario and seed give the same figures (a simulator). A backend that is "
                    "not plays in real time on this machine's kernel.")
      .def_readonly("available", &BackendInfo::available, "Whether it can run on this machine now.")
      .def_readonly("reason", &BackendInfo::reason, "Why it cannot (not root, no MPTCP, ...); None when it can.")
      .def("__repr__", [](const BackendInfo& b) {
        return "<mprecover.BackendInfo " + b.name + (b.available ? "" : " (unavailable: " + b.reason.value_or("") + ")") + ">";
      });

  py::class_<PolicyInfo>(m, "PolicyInfo", "A path manager policy of the policy table.")
      .def_readonly("name", &PolicyInfo::name, "What run(policy=...) and engine.policy take.")
      .def_readonly("aliases", &PolicyInfo::aliases, "Older names still accepted.")
      .def_readonly("summary", &PolicyInfo::summary, "What it does, in one line.")
      .def_readonly("is_default", &PolicyInfo::is_default, "Whether a scenario runs it when it names none.")
      .def("__repr__", [](const PolicyInfo& p) { return "<mprecover.PolicyInfo " + p.name + ">"; });

  m.def("load", &load, py::arg("path"), R"doc(load(path) -> Scenario

Reads and validates a scenario file. Raises ScenarioError (file, line, column, key) for any problem
in it, an unreadable file included.)doc");
  m.def(
      "loads",
      [](const std::string& text, const std::string& origin) {
        return std::make_shared<Scenario>(load_scenario_text(text, origin));
      },
      py::arg("text"), py::arg("origin") = "<string>", R"doc(loads(text, origin="<string>") -> Scenario

Reads and validates a scenario from YAML text; `origin` names it in errors.)doc");
  m.def("run", &run, py::arg("scenario"), py::kw_only(), py::arg("backend") = py::none(),
        py::arg("policy") = py::none(), py::arg("seed") = py::none(), py::arg("out") = py::none(),
        py::arg("results_root") = py::none(),
        R"doc(run(scenario, *, backend=None, policy=None, seed=None, out=None, results_root=None) -> Result

Runs a scenario (a Scenario, or the path of a scenario file) and returns its Result.

backend       a name of backends(); None takes the build's default (the first of backends()).
policy        a name of policies(); None keeps the scenario's engine.policy (the default policy
              unless the file says otherwise). It overrides like `mprecover run --policy`: probe
              settings the file leaves out take the new policy's defaults.
seed          overrides the scenario's seed; same scenario and seed, same events.csv on sim.
out           the folder to write; None writes a fresh temporary folder (tempfile.mkdtemp, under
              $TMPDIR, never removed by mprecover) unless results_root is given.
results_root  write <results_root>/<scenario>/<backend>-<policy>-<seed>/ as the CLI does under
              results/ (the same scenario, backend, policy and seed overwrite each other).

The scenario is validated first (ScenarioError). The run holds no GIL, so other Python threads
keep running; runs in one process take turns (ns-3 keeps its simulator in globals), so sweep in
parallel with processes (concurrent.futures.ProcessPoolExecutor), not threads. Ctrl-C in the main thread stops it cleanly: the partial results are written, then
KeyboardInterrupt is raised with a note naming the folder and the Result in its .result.
Raises RunError when the backend is not in this build or cannot run here.

Example:
    r = mprecover.run(mprecover.load("scenarios/wan-reset.yaml"), policy="kernel", seed=2)
    r.summary["outages"][0]["rebuilt"]     # 0: the in-kernel PM's bug
)doc");
  m.def("backends", &backends, R"doc(backends() -> list[BackendInfo]

The backends compiled into this build, the default first, each with whether it can run here (the
netns backend needs root and a kernel with MPTCP) and, if not, why.)doc");
  m.def("policies", &policies, R"doc(policies() -> list[PolicyInfo]

The path manager policies, from the policy table, in the order the docs list them.)doc");
  m.def(
      "_policy_keys",
      [] {
        py::list keys;
        for (const auto& [policy, k] : all_policy_keys()) {
          const char* kind = std::holds_alternative<Duration>(k->default_value) ? "duration"
                             : std::holds_alternative<bool>(k->default_value) ? "flag"
                                                                               : "word";
          keys.append(py::make_tuple(k->key, kind, or_list(k->choices), k->meaning));
        }
        return keys;
      },
      "Every policy's own keys under engine.: (key, 'duration' or 'word', the words, meaning); for the stubs.");
  m.def(
      "_scenario_keys",
      [] {
        py::list keys;
        for (const SpecEntry& e : spec_entries())
          if (e.type != ValueType::list) keys.append(e.key);
        return keys;
      },
      "Every value key of the scenario format, \"[]\" marking a list's elements (\"topology.paths[].rate\").");
  py::dict commands;
  commands["build_package_dir"] = MPRECOVER_BUILD_PACKAGE_DIR;
  commands["build_cli"] = MPRECOVER_BUILD_CLI;
  commands["installed_cli"] = MPRECOVER_INSTALLED_CLI;
  m.attr("_build_paths") = commands;  // where the `mprecover` command of this build is (campaigns run it)
  m.def("spec", &spec_markdown, "The scenario file format as a Markdown table (what `mprecover spec` prints).");
}
