#include "compare_report.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <span>
#include <sstream>
#include <stdexcept>

#include "figure_text.h"

namespace mprecover {

namespace {

std::string seconds(std::optional<double> s) { return milliseconds_text(s, "–"); }

std::string count(double n) { return formatted("%g", n); }

// An instant of the timeline: a live kernel applies events some microseconds late.
std::string instant(double s) { return formatted("%.4g", s); }

// The runs grouped by policy (in the order they ran), each policy's backends side by side.
std::vector<const RunFigures*> by_policy(const ScenarioComparison& s) {
  std::vector<const RunFigures*> ordered;
  for (const RunFigures& r : s.runs) {
    const auto same_policy = std::find_if(ordered.rbegin(), ordered.rend(),
                                          [&](const RunFigures* o) { return o->policy == r.policy; });
    ordered.insert(same_policy == ordered.rend() ? ordered.end() : same_policy.base(), &r);
  }
  return ordered;
}

std::string latency(const OutageFigures& o) {
  if (!o.end_s) return "still out at the end";
  if (!o.latency_median_s) return "never";
  std::string text = seconds(o.latency_median_s) + " / " + seconds(o.latency_p95_s) + " / ";
  return text + (o.latency_max_s ? seconds(o.latency_max_s) : "never (some)");
}

std::string phases(const OutageFigures& o) {
  const auto n = [](std::optional<double> v) { return v ? count(*v) : std::string("–"); };
  return n(o.subflows_before) + " → " + n(o.subflows_during) + " → " + n(o.subflows_after);
}

// Where each policy ends up on each backend, for the verdict line.
std::string recovery_line(const ScenarioComparison& s) {
  std::string line;
  for (const RunFigures* run : by_policy(s)) {
    const RunFigures& r = *run;
    std::string part = r.policy + " on " + r.backend + ": ";
    bool any = false;
    for (const OutageFigures& o : r.outages) {
      if (!o.end_s) continue;
      part += (any ? ", " : "") + count(o.rebuilt) + "/" + count(o.connections) + " rebuilt";
      if (o.latency_max_s) part += " within " + seconds(o.latency_max_s) + " s";
      any = true;
    }
    if (!any) part += "no restore in the run";
    if (!r.integrity_ok) part += ", INTEGRITY BROKEN";
    line += (line.empty() ? "" : "; ") + part;
  }
  return line;
}

// "sim vs netns": the backends parity compared, for the heading of its line.
std::string parity_pairs(const ScenarioComparison& s) {
  std::vector<std::string> pairs;
  for (const ParityVerdict& v : s.parity) {
    const std::string pair = v.reference + " vs " + v.candidate;
    if (std::find(pairs.begin(), pairs.end(), pair) == pairs.end()) pairs.push_back(pair);
  }
  std::string text;
  for (const std::string& pair : pairs) text += (text.empty() ? "" : ", ") + pair;
  return text;
}

std::string parity_line(const ScenarioComparison& s) {
  if (s.parity.empty()) return "not judged: the scenario did not run on two backends";
  const bool several_pairs = parity_pairs(s).find(',') != std::string::npos;
  std::string line;
  for (const ParityVerdict& verdict : s.parity) {
    std::string part = verdict.policy + (several_pairs ? " (" + verdict.candidate + ")" : "") + " " +
                       (verdict.agree ? "agree" : "DISAGREE");
    if (!verdict.agree) part += " on " + differences_text(verdict);
    line += (line.empty() ? "" : " · ") + part;
  }
  return line;
}

// Figures of some outages, a row per outage they apply to; no table when none does.
struct OutageFigureColumn {
  const char* heading;
  std::optional<double> OutageFigures::*figure;
  std::string (*text)(std::optional<double>);
};

struct OutageFigureTable {
  const char* sentence;  // what the figures are
  bool (*applies)(const OutageFigures&);
  std::span<const OutageFigureColumn> columns;
};

std::string count_text(std::optional<double> n) { return n ? count(*n) : "–"; }

// App-limited traffic: what an outage did to it, as a video player would feel it.
constexpr std::array kRateColumns{OutageFigureColumn{"below its rate (s)", &OutageFigures::below_rate_s, seconds},
                                  OutageFigureColumn{"worst shortfall (s)", &OutageFigures::worst_shortfall_s, seconds}};
constexpr OutageFigureTable kRateTable{
    "App-limited traffic: for how long the connections together delivered less than 90 % of their rate, and how far "
    "behind their applications they fell at worst (seconds of their stream), up to the end of the outage's recovery "
    "period.",
    [](const OutageFigures& o) { return o.below_rate_s.has_value(); }, kRateColumns};

// Request/response traffic: what an outage did to its requests, as their users would feel it.
constexpr std::array kRequestColumns{
    OutageFigureColumn{"p50 / p99 before (s)", &OutageFigures::request_p50_before_s, seconds},
    OutageFigureColumn{"", &OutageFigures::request_p99_before_s, seconds},
    OutageFigureColumn{"p50 / p99 during (s)", &OutageFigures::request_p50_during_s, seconds},
    OutageFigureColumn{"", &OutageFigures::request_p99_during_s, seconds},
    OutageFigureColumn{"p50 / p99 after (s)", &OutageFigures::request_p50_after_s, seconds},
    OutageFigureColumn{"", &OutageFigures::request_p99_after_s, seconds},
    OutageFigureColumn{"requests", &OutageFigures::requests_issued, count_text},
    OutageFigureColumn{"failed", &OutageFigures::requests_failed, count_text}};
constexpr OutageFigureTable kRequestTable{
    "Request/response traffic: request latency (issue to the last byte of the response; median / 99th percentile) of "
    "the requests issued and answered in the 5 s before the outage, of those it caught or that were issued during it, and of "
    "those issued after it up to the end of its recovery period; how many requests were caught or issued from the "
    "outage start to that end, and how many of them were not answered within their timeout. Shown, not judged by "
    "parity (the rules say why).",
    [](const OutageFigures& o) { return o.requests_issued.has_value(); }, kRequestColumns};

// Backup paths: how fast the traffic moved onto them when another path failed, and off them again.
constexpr std::array kBackupColumns{OutageFigureColumn{"failover (s)", &OutageFigures::failover_s, seconds},
                                    OutageFigureColumn{"failback (s)", &OutageFigures::failback_s, seconds}};
constexpr OutageFigureTable kBackupTable{
    "Backup paths: failover, from the outage start until a backup path carries data; failback, from the restore "
    "until the backups carry less than 10 % of the traffic over a rebalance window (– : never, up to the end of the "
    "outage's recovery period).",
    [](const OutageFigures& o) { return o.failover_applies; }, kBackupColumns};

// A column without a heading shares the one before it: its figure follows after " / ".
void outage_figure_table(std::ostream& out, const ScenarioComparison& s, const OutageFigureTable& table) {
  const auto any_applies = [&](const RunFigures& r) { return std::any_of(r.outages.begin(), r.outages.end(), table.applies); };
  if (std::none_of(s.runs.begin(), s.runs.end(), any_applies)) return;
  out << "\n" << table.sentence << "\n\n| policy | backend | outage |";
  std::string rule = "|---|---|---|";
  for (const OutageFigureColumn& column : table.columns) {
    if (*column.heading == '\0') continue;
    out << " " << column.heading << " |";
    rule += "---|";
  }
  out << "\n" << rule << "\n";
  for (const RunFigures* run : by_policy(s))
    for (std::size_t i = 0; i < run->outages.size(); ++i) {
      const OutageFigures& o = run->outages[i];
      if (!table.applies(o)) continue;
      out << "| " << run->policy << " | " << run->backend << " | " << i + 1 << ": " << o.kind << " " << o.path << " |";
      for (std::size_t c = 0; c < table.columns.size(); ++c) {
        const OutageFigureColumn& column = table.columns[c];
        out << (*column.heading == '\0' ? " / " : " ") << column.text(o.*column.figure);
        if (c + 1 == table.columns.size() || *table.columns[c + 1].heading != '\0') out << " |";
      }
      out << "\n";
    }
}

void scenario_section(std::ostream& out, const ScenarioComparison& s, const std::filesystem::path& dir) {
  out << "## " << s.name << "\n\n";
  out << "`" << s.file << "`: ";
  if (s.family == "ipv6") out << "IPv6 (2001:db8::/32); ";
  if (s.family == "dual") out << "dual-stack, connections over IPv6; ";
  out << "longest round trip " << formatted("%.0f", s.round_trip_s * 1000) << " ms; probe interval";
  for (const auto& [policy, interval] : s.probe_interval_s) out << " " << policy << " " << count(interval) << " s";
  out << ".\n\n";
  for (const std::string& reason : s.not_run) out << "Not run on " << reason << ".\n\n";

  out << "| policy | backend | outage | detected down / up (s) | rebuilt | rebuild latency median / p95 / max (s) "
         "| rebalance (s) | goodput dip | bytes lost (MB) | subflows per connection | integrity |\n";
  out << "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const RunFigures* run : by_policy(s)) {
    const RunFigures& r = *run;
    for (std::size_t i = 0; i < r.outages.size(); ++i) {
      const OutageFigures& o = r.outages[i];
      out << "| " << r.policy << " | " << r.backend << (r.seeds.size() > 1 ? " (median of " + std::to_string(r.seeds.size()) + " seeds)" : "")
          << " | " << i + 1 << ": " << o.kind << " " << o.path << " " << instant(o.start_s) << "–"
          << (o.end_s ? instant(*o.end_s) : std::string("end")) << " s | " << seconds(o.detected_down_s) << " / "
          << seconds(o.detected_up_s) << " | " << count(o.rebuilt) << "/" << count(o.connections) << " | " << latency(o)
          << " | " << seconds(o.rebalance_s) << " | "
          << (o.goodput_dip ? formatted("%.0f %%", *o.goodput_dip * 100) : std::string("–")) << " | "
          << (o.bytes_lost ? formatted("%.1f", *o.bytes_lost / 1e6) : std::string("–")) << " | " << phases(o) << " | "
          << (r.integrity_ok ? "ok" : "**broken**") << " |\n";
    }
  }
  outage_figure_table(out, s, kRateTable);
  outage_figure_table(out, s, kRequestTable);
  outage_figure_table(out, s, kBackupTable);
  out << "\n**Recovery:** " << recovery_line(s) << ".\n\n";
  out << "**Parity" << (s.parity.empty() ? "" : " (" + parity_pairs(s) + ")") << ":** " << parity_line(s) << ".\n\n";
  for (const ParityVerdict& verdict : s.parity)
    for (const std::string& left_out : verdict.not_compared)
      out << "- " << verdict.policy << ": not compared: " << left_out << "\n";
  std::vector<std::string> without_delay;
  for (const RunFigures& r : s.runs)
    if (!r.delay_emulated && std::find(without_delay.begin(), without_delay.end(), r.backend) == without_delay.end())
      without_delay.push_back(r.backend);
  for (const std::string& backend : without_delay)
    out << "\nThe " << backend << " runs could not emulate the paths' delay: their round trips are shorter than the "
           "scenario's; the figures that depend on delay are judged as the rules above say.\n";
  out << '\n';
  for (const auto& [suffix, what] : {std::pair{"-rebuild-latency.png", "rebuild latency per policy and backend"},
                                      std::pair{"-throughput.png", "throughput per path, the backends overlaid"}}) {
    const std::string png = s.name + suffix;
    if (std::filesystem::exists(dir / png)) out << "![" << s.name << ": " << what << "](" << png << ")\n";
  }
  out << '\n';
}

}  // namespace

std::string machine_description() {
  utsname u{};
  std::string text = uname(&u) == 0 ? std::string(u.sysname) + " " + u.release + " " + u.machine : "unknown system";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    text += ", " + line.substr(line.find(':') + 2);
    break;
  }
  return text + " (" + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " CPUs)";
}

std::string compare_report_markdown(const Comparison& comparison, const std::filesystem::path& dir) {
  std::ostringstream out;
  out << "# Recovery after WAN outages: policies and backends side by side\n\n";
  out << "Written by " << comparison.written_by << " on " << machine_description() << ".\n";
  out << "Command: `" << comparison.command_line << "`. The same numbers are in `comparison.json`; each run's "
         "folder is under `runs/`.\n";
  for (const std::string& update : comparison.updates) {
    const std::size_t colon = update.find(": ");
    out << "Updated by " << update.substr(0, colon) << ": `" << update.substr(colon + 2)
        << "` (the scenarios it names were run again, the others kept).\n";
  }
  out << "\n";
  out << "Columns: detection instants are seconds from the start of the run; rebuild latency runs from the restore "
         "to the subflow working again on that path, per connection; rebalance from the restore to the path "
         "carrying 90 % of its share from before the outage; goodput dip is the deepest drop of the total goodput "
         "over 500 ms and bytes lost what is missing against the rate before the outage, both up to the end of the "
         "outage's recovery period; subflows per connection at the outage's start → restore → end of recovery.\n\n";
  out << "## Parity rules\n\n" << parity_rules_markdown() << '\n';
  for (const ScenarioComparison& s : comparison.scenarios) scenario_section(out, s, dir);
  return out.str();
}

void write_compare_report(const Comparison& comparison, const std::filesystem::path& dir) {
  const auto file = dir / "report.md";
  std::ofstream out(file, std::ios::trunc);
  out << compare_report_markdown(comparison, dir);
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
}

}  // namespace mprecover
