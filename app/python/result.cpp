// mprecover.Result: a run's folder (results/README.md describes it) as Python data, read on first
// use. The CSV files become numpy record arrays when numpy is importable, else lists of dicts.
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "bindings.h"

namespace mprecover::python {

namespace {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// RFC 4180, as run_folder.cpp writes it: fields quoted when they hold a comma, a quote or a newline.
Table read_csv(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw py::value_error("cannot read " + file.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !record.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  if (records.empty()) throw py::value_error(file.string() + " is empty");
  Table table{std::move(records.front()), {}};
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != table.header.size())
      throw py::value_error(file.string() + ": row " + std::to_string(r + 1) + " has " +
                            std::to_string(records[r].size()) + " fields, the header " +
                            std::to_string(table.header.size()));
    table.rows.push_back(std::move(records[r]));
  }
  return table;
}

template <typename T>
bool parses_as(const std::string& text, T& value) {
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  return result.ec == std::errc{} && result.ptr == end;
}

// A column is int when every field is an integer; int with gaps when some are empty (a None in a
// dict, NaN in numpy's float column); float when every field is a number or empty; else str.
enum class Kind { integer, integer_with_gaps, real, text };

Kind column_kind(const Table& table, std::size_t column) {
  if (table.rows.empty()) return Kind::text;
  bool integer = true;
  bool gaps = false;
  for (const auto& row : table.rows) {
    const std::string& field = row[column];
    std::int64_t i = 0;
    double d = 0;
    if (field.empty()) {
      gaps = true;
    } else if (!parses_as(field, i)) {
      integer = false;
      if (!parses_as(field, d)) return Kind::text;
    }
  }
  if (!integer) return Kind::real;
  return gaps ? Kind::integer_with_gaps : Kind::integer;
}

py::object cell(const std::string& field, Kind kind) {
  if (kind == Kind::text) return py::str(field);
  if (field.empty()) return py::none();
  if (kind == Kind::integer || kind == Kind::integer_with_gaps) {
    std::int64_t i = 0;
    parses_as(field, i);
    return py::int_(i);
  }
  double d = 0;
  parses_as(field, d);
  return py::float_(d);
}

py::object table_object(const std::filesystem::path& file) {
  const Table table = read_csv(file);
  std::vector<Kind> kinds;
  for (std::size_t c = 0; c < table.header.size(); ++c) kinds.push_back(column_kind(table, c));

  py::object numpy;
  try {
    numpy = py::module_::import("numpy");
  } catch (const py::error_already_set& e) {
    if (!e.matches(PyExc_ImportError)) throw;
  }
  if (!numpy) {
    py::list records;
    for (const auto& row : table.rows) {
      py::dict record;
      for (std::size_t c = 0; c < row.size(); ++c) record[py::str(table.header[c])] = cell(row[c], kinds[c]);
      records.append(record);
    }
    return records;
  }
  py::list columns;
  py::list names;
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    py::list values;
    for (const auto& row : table.rows) {
      py::object value = cell(row[c], kinds[c]);
      if (value.is_none()) value = py::float_(std::numeric_limits<double>::quiet_NaN());
      values.append(value);
    }
    const char* dtype = kinds[c] == Kind::integer ? "int64" : kinds[c] == Kind::text ? "str" : "float64";
    columns.append(numpy.attr("array")(values, py::arg("dtype") = dtype));
    names.append(table.header[c]);
  }
  return numpy.attr("rec").attr("fromarrays")(columns, py::arg("names") = names);
}

py::object path_object(const std::filesystem::path& path) { return py::module_::import("pathlib").attr("Path")(path.string()); }

}  // namespace

void bind_result(py::module_& m) {
  py::class_<Result>(m, "Result", R"doc(The results folder of one run (results/README.md describes the files).

summary     summary.json as a dict: scenario, backend, policy, seed, duration_s, paths, outages
            (each: path, kind, start_s, end_s, detected_down_s, detected_up_s, connections,
            rebuilt, rebuild_latency_s {median, p95, max}, rebalance_s, and for app-limited
            traffic rate {below_rate_s, worst_shortfall_s}, for request/response traffic
            requests {latency_p50_s, latency_p99_s: {before, during, after}, issued, failed},
            with backup paths backup {failover_s, failback_s}), bytes_sent,
            bytes_delivered, integrity_ok, delay_method, scheduler, notes. None means "did not
            happen".
events      events.csv: time_s, source, event, path, connection, detail
timeseries  timeseries.csv: time_s, scope, id, bytes, throughput_bps, subflows_up, and for the
            scope "subflow" rows: path, local_address, local_port, remote_address, remote_port,
            rtt_s, cwnd, retransmissions (results/README.md)
requests    requests.csv, request/response traffic only (None otherwise): group, issued_s,
            answered_s, latency_s, failed
            Both are numpy record arrays when numpy is importable (r.events.time_s,
            r.events["event"]), else lists of dicts; an empty number is NaN (numpy) or None.
out_dir     the folder, a pathlib.Path
interrupted True when Ctrl-C stopped the run early; end_s says how far it got.

Files are read on first access and kept.)doc")
      .def_property_readonly("out_dir", [](const Result& r) { return path_object(r.out_dir); }, "The run's folder.")
      .def_readonly("interrupted", &Result::interrupted, "Whether Ctrl-C stopped the run before the scenario's end.")
      .def_readonly("end_s", &Result::end_s, "How far the run got, in seconds of the run's clock.")
      .def_property_readonly(
          "summary",
          [](Result& r) {
            if (r.summary_cache.is_none()) {
              const py::object file = path_object(r.out_dir / "summary.json");
              r.summary_cache = py::module_::import("json").attr("loads")(file.attr("read_text")());
            }
            return r.summary_cache;
          },
          "summary.json as a dict.")
      .def_property_readonly(
          "events",
          [](Result& r) {
            if (r.events_cache.is_none()) r.events_cache = table_object(r.out_dir / "events.csv");
            return r.events_cache;
          },
          "events.csv: a numpy record array, or a list of dicts without numpy.")
      .def_property_readonly(
          "timeseries",
          [](Result& r) {
            if (r.timeseries_cache.is_none()) r.timeseries_cache = table_object(r.out_dir / "timeseries.csv");
            return r.timeseries_cache;
          },
          "timeseries.csv: a numpy record array, or a list of dicts without numpy.")
      .def_property_readonly(
          "requests",
          [](Result& r) -> py::object {
            const std::filesystem::path file = r.out_dir / "requests.csv";
            if (!std::filesystem::is_regular_file(file)) return py::none();
            if (r.requests_cache.is_none()) r.requests_cache = table_object(file);
            return r.requests_cache;
          },
          "requests.csv (request/response traffic; None for other traffic): a numpy record array, or a list "
          "of dicts without numpy.")
      .def("__repr__", [](const Result& r) {
        return "<mprecover.Result " + r.out_dir.string() + (r.interrupted ? " (interrupted)" : "") + ">";
      });

  m.def(
      "read_results",
      [](const std::filesystem::path& dir) {
        if (!std::filesystem::is_regular_file(dir / "summary.json"))
          throw py::value_error("no summary.json in " + dir.string() + ": not a run folder");
        Result r{dir, false, 0.0};
        const py::object summary =
            py::module_::import("json").attr("loads")(path_object(dir / "summary.json").attr("read_text")());
        r.summary_cache = summary;
        if (summary.contains("duration_s")) r.end_s = summary["duration_s"].cast<double>();
        return r;
      },
      py::arg("out_dir"), "read_results(out_dir) -> Result\n\nA Result for a run folder written earlier (by run() or `mprecover run`).");
}

}  // namespace mprecover::python
