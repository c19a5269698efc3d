// Writing a run's folder from what the RunRecorder collected.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/scenario/spec.h"
#include "run_recorder.h"
#include "version.h"

namespace mprecover {

namespace {

using Json = nlohmann::ordered_json;

std::string fixed(double value, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

// Seconds with microsecond resolution: the precision of everything we measure, and stable text.
Json seconds_json(double s) { return std::stod(fixed(s, 6)); }

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::ofstream open_for_writing(const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
  return out;
}

void close_checked(std::ofstream& out, const std::filesystem::path& file) {
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
}

}  // namespace

RunFigures RunRecorder::finish(const RunTotals& totals, Instant end, const std::filesystem::path& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create the results folder " + dir.string() + ": " + ec.message());
  RunFigures figures;
  figures.scenario = scenario_.name;
  figures.backend = identity_.backend;
  figures.policy = identity_.policy;
  figures.seeds = {identity_.seed};
  figures.integrity_ok = totals.integrity_ok;
  figures.delay_emulated = totals.delay_emulated;
  figures.notes = totals.notes;
  figures.run_dirs = {dir.string()};
  figures.outages = metrics_.report(end);
  write_events(dir / "events.csv");
  write_timeseries(dir / "timeseries.csv");
  if (!requests_.empty()) write_requests(dir / "requests.csv", end);
  write_scenario(dir / "scenario.yaml");
  write_metadata(dir / "metadata.json");
  for (const auto& [name, contents] : totals.files) {
    auto out = open_for_writing(dir / name);
    out << contents;
    close_checked(out, dir / name);
  }
  write_summary(dir / "summary.json", totals, end, figures.outages);
  return figures;
}

void RunRecorder::write_events(const std::filesystem::path& file) const {
  auto out = open_for_writing(file);
  out << "time_s,source,event,path,connection,detail\n";
  // Stable: rows logged at the same instant keep the order in which they happened.
  std::vector<const Row*> rows;
  rows.reserve(rows_.size());
  for (const Row& r : rows_) rows.push_back(&r);
  std::stable_sort(rows.begin(), rows.end(), [](const Row* a, const Row* b) { return a->at < b->at; });
  for (const Row* r : rows) {
    out << fixed(to_seconds(r->at), 6) << ',' << r->source << ',' << r->event << ',' << csv_field(path_name(r->path))
        << ',' << (r->connection ? std::to_string(*r->connection) : "") << ',' << csv_field(r->detail) << '\n';
  }
  close_checked(out, file);
}

// One row per request, in the order each connection issued them: answered_s and latency_s empty
// when no answer came by the end; failed 1 when it came later than the group's timeout or not at
// all within it, empty while the run ended within it.
void RunRecorder::write_requests(const std::filesystem::path& file, Instant end) const {
  auto out = open_for_writing(file);
  out << "group,issued_s,answered_s,latency_s,failed\n";
  for (const auto& [request, timeout] : requests_) {
    out << scenario_.traffic_key(request.group) << ',' << fixed(to_seconds(request.issued), 6) << ',';
    if (request.answered)
      out << fixed(to_seconds(*request.answered), 6) << ',' << fixed(to_seconds(*request.answered - request.issued), 6);
    else
      out << ',';
    const std::optional<bool> failed = TimedRequest{request.issued, request.answered, timeout}.failed(end);
    out << ',' << (failed ? (*failed ? "1" : "0") : "") << '\n';
  }
  close_checked(out, file);
}

void RunRecorder::write_timeseries(const std::filesystem::path& file) const {
  auto out = open_for_writing(file);
  // Path and connection rows leave the subflow columns empty.
  const std::string no_subflow = ",,,,,,,,";
  out << "time_s,scope,id,bytes,throughput_bps,subflows_up,path,local_address,local_port,remote_address,remote_port,"
         "rtt_s,cwnd,retransmissions\n";
  struct Totals {
    std::uint64_t bytes = 0;
    unsigned up = 0;
  };
  std::map<PathId, std::uint64_t> previous_path;
  std::map<ConnectionToken, std::uint64_t> previous_connection;
  std::vector<std::pair<Instant, std::uint64_t>> previous_subflow(subflow_names_.size());
  auto subflow_row = subflow_rows_.begin();
  std::optional<Instant> previous_at;
  const auto rate = [](std::uint64_t now_bytes, std::uint64_t before, double interval) {
    if (interval <= 0 || now_bytes < before) return std::string("0");
    return fixed(static_cast<double>(now_bytes - before) * 8 / interval, 0);
  };
  for (const auto& [at, row] : samples_) {
    std::map<PathId, Totals> paths;
    std::map<ConnectionToken, Totals> connections;
    for (PathId p = 0; p < scenario_.paths.size(); ++p) paths[p];
    for (const auto& [key, sample] : row) {
      const auto& [token, path] = key;
      paths[path].bytes += sample.bytes;
      paths[path].up += sample.up ? 1 : 0;
      connections[token].bytes += sample.bytes;
      connections[token].up += sample.up ? 1 : 0;
    }
    const double interval = previous_at ? to_seconds(at - *previous_at) : 0.0;
    const std::string time = fixed(to_seconds(at), 6);
    for (const auto& [path, t] : paths) {
      out << time << ",path," << csv_field(path_name(path)) << ',' << t.bytes << ','
          << rate(t.bytes, previous_path[path], interval) << ',' << t.up << no_subflow << '\n';
      previous_path[path] = t.bytes;
    }
    for (const auto& [token, t] : connections) {
      out << time << ",connection," << token << ',' << t.bytes << ','
          << rate(t.bytes, previous_connection[token], interval) << ',' << t.up << no_subflow << '\n';
      previous_connection[token] = t.bytes;
    }
    // A subflow's throughput is over the time since its own previous row (0 on its first).
    for (; subflow_row != subflow_rows_.end() && subflow_row->at <= at; ++subflow_row) {
      const SubflowDetail& name = subflow_names_[subflow_row->subflow];
      auto& [seen_at, seen_bytes] = previous_subflow[subflow_row->subflow];
      const double since = seen_at == Instant{} ? 0.0 : to_seconds(subflow_row->at - seen_at);
      out << fixed(to_seconds(subflow_row->at), 6) << ",subflow," << name.token << ',' << subflow_row->bytes << ','
          << rate(subflow_row->bytes, seen_bytes, since) << ",1," << csv_field(path_name(name.path)) << ','
          << name.local_address << ',' << name.local_port << ',' << name.remote_address << ',' << name.remote_port << ','
          << (std::isnan(subflow_row->rtt_s) ? std::string() : fixed(subflow_row->rtt_s, 6)) << ','
          << (subflow_row->cwnd == kNoCwnd ? std::string() : std::to_string(subflow_row->cwnd)) << ','
          << subflow_row->retransmissions << '\n';
      seen_at = subflow_row->at;
      seen_bytes = subflow_row->bytes;
    }
    previous_at = at;
  }
  close_checked(out, file);
}

Json RunRecorder::probe_rate(PathId path, Instant end) const {
  const ProbeCount& c = probe_counts_[path];
  const Duration down = c.down_for + (c.down_since ? end - *c.down_since : Duration{});
  const Duration up = end.time_since_epoch() - down;
  const auto rate = [](std::uint64_t n, Duration over) -> Json {
    if (over <= Duration{}) return nullptr;
    return std::stod(fixed(static_cast<double>(n) / to_seconds(over), 3));
  };
  return {{"overall", rate(c.sent, end.time_since_epoch())},
          {"while_up", rate(c.sent - c.sent_while_down, up)},
          {"while_down", rate(c.sent_while_down, down)}};
}

void RunRecorder::write_summary(const std::filesystem::path& file, const RunTotals& totals, Instant end,
                                const std::vector<OutageFigures>& outages) const {
  Json paths = Json::array();
  for (PathId i = 0; i < scenario_.paths.size(); ++i) {
    const PathSpec& p = scenario_.paths[i];
    std::vector<double> rtts = probe_rtts_[i];
    std::sort(rtts.begin(), rtts.end());
    const auto quantile = [&rtts](double q) -> Json {
      if (rtts.empty()) return nullptr;
      return seconds_json(rtts[static_cast<std::size_t>(q * static_cast<double>(rtts.size() - 1) + 0.5)]);
    };
    paths.push_back({{"name", p.name},
                     {"rate_bps", p.rate},
                     {"delay_s", seconds_json(to_seconds(p.delay))},
                     {"loss", p.loss},
                     {"round_trip_s",
                      {{"scenario", seconds_json(2 * to_seconds(p.delay + scenario_.server.delay))},
                       {"measured_min", quantile(0.0)},
                       {"measured_median", quantile(0.5)},
                       {"measured_p95", quantile(0.95)},
                       {"probes", rtts.size()}}},
                     {"probes_per_s", probe_rate(i, end)}});
  }
  Json outage_list = Json::array();
  for (const OutageFigures& o : outages) outage_list.push_back(to_json(o));
  const Json summary{{"scenario", scenario_.name},
                     {"backend", identity_.backend},
                     {"policy", identity_.policy},
                     {"seed", identity_.seed},
                     {"duration_s", seconds_json(to_seconds(end))},
                     {"paths", paths},
                     {"outages", outage_list},
                     {"bytes_sent", totals.bytes_sent},
                     {"bytes_delivered", totals.bytes_delivered},
                     {"integrity_ok", totals.integrity_ok},
                     {"delay_emulated", totals.delay_emulated},
                     {"delay_method", totals.delay_method},
                     {"scheduler", totals.scheduler},
                     {"probe_mode", name_of(scenario_.detector_config().mode)},
                     {"notes", totals.notes}};
  auto out = open_for_writing(file);
  out << summary.dump(2) << '\n';
  close_checked(out, file);
}

void RunRecorder::write_metadata(const std::filesystem::path& file) const {
  const auto now = std::chrono::system_clock::now();
  const Json metadata{{"mprecover_version", kVersion},
                      {"git_revision", kGitRevision},
                      {"compiler", kCompiler},
                      {"build_type", kBuildType},
                      {"written_at_unix_s", std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()},
                      {"command_line", identity_.command_line},
                      {"scenario_file", scenario_.source_file},
                      {"backend", identity_.backend},
                      {"policy", identity_.policy},
                      {"seed", identity_.seed}};
  auto out = open_for_writing(file);
  out << metadata.dump(2) << '\n';
  close_checked(out, file);
}

void RunRecorder::write_scenario(const std::filesystem::path& file) const {
  if (scenario_.source_file.empty()) {
    auto out = open_for_writing(file);
    out << describe(scenario_);
    close_checked(out, file);
    return;
  }
  std::error_code ec;
  std::filesystem::copy_file(scenario_.source_file, file, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) throw std::runtime_error("cannot copy " + scenario_.source_file + " to " + file.string() + ": " + ec.message());
}

}  // namespace mprecover
