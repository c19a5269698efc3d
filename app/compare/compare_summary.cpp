#include "compare_summary.h"

#include <algorithm>
#include <vector>

#include "figure_text.h"

namespace mprecover {

namespace {

// To the millisecond below a second ("0.084 s", "0.7 s"), to a tenth above ("25.1 s").
std::string seconds(double s) {
  if (s >= 1) return formatted("%.1f s", s);
  std::string text = formatted("%.3f", s);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text + " s";
}

std::string outage_label(const OutageFigures& o) {
  return o.kind + " " + o.path + " " + formatted("%g", o.start_s) + "–" + (o.end_s ? formatted("%g", *o.end_s) : "end") + " s";
}

using Row = std::vector<std::string>;

// Columns padded to their widest cell (counted in code points: the labels have en dashes).
std::string aligned(const std::vector<Row>& rows) {
  const auto width = [](const std::string& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  };
  std::vector<std::size_t> widths;
  for (const Row& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], width(row[i]));
    }
  std::string text;
  for (const Row& row : rows) {
    std::string line = " ";
    for (std::size_t i = 0; i < row.size(); ++i) line += " " + row[i] + std::string(widths[i] - width(row[i]) + 1, ' ');
    line.erase(line.find_last_not_of(' ') + 1);
    text += line + '\n';
  }
  return text;
}

}  // namespace

std::string compare_summary_text(const Comparison& comparison, const std::filesystem::path& dir) {
  std::string text;
  for (const ScenarioComparison& s : comparison.scenarios) {
    if (s.runs.empty()) continue;
    const std::size_t outages = s.runs.front().outages.size();
    text += "\n" + s.name + (outages == 1 ? ": " + outage_label(s.runs.front().outages.front()) : "") + "\n";
    std::vector<Row> rows{{"policy", "backend"}};
    if (outages > 1) rows[0].push_back("outage");
    rows[0].insert(rows[0].end(), {"connections rebuilt", "rebuild latency (max)", "time to rebalance"});
    for (const RunFigures& r : s.runs) {
      for (std::size_t i = 0; i < r.outages.size(); ++i) {
        const OutageFigures& o = r.outages[i];
        Row row{r.policy, r.backend};
        if (outages > 1) row.push_back(std::to_string(i + 1) + ": " + outage_label(o));
        row.push_back(formatted("%g", o.rebuilt) + " of " + formatted("%g", o.connections));
        if (!o.end_s) {
          row.insert(row.end(), {"still out at the end", "–"});
        } else {
          row.push_back(o.latency_max_s ? seconds(*o.latency_max_s) : o.rebuilt > 0 ? "never (some)" : "never");
          row.push_back(o.rebalance_s ? seconds(*o.rebalance_s) : "never");
        }
        rows.push_back(std::move(row));
      }
    }
    text += aligned(rows);
    for (const char* suffix : {"-rebuild-latency.png", "-throughput.png"}) {
      const std::filesystem::path png = dir / (s.name + suffix);
      if (std::filesystem::exists(png)) text += "  plot: " + png.string() + "\n";
    }
  }
  return text;
}

}  // namespace mprecover
