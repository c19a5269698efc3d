#include "baseline_check.h"

#include <algorithm>

#include "figure_text.h"

namespace mprecover {

namespace {

// Seconds to the millisecond, counts as they are.
std::string shown(std::optional<double> value, const std::string& figure) {
  const bool seconds = figure.size() > 2 && figure.compare(figure.size() - 2, 2, "_s") == 0;
  if (seconds || !value) return milliseconds_text(value, "none");
  return formatted("%g", *value);
}

class Judge {
 public:
  Judge(const RunFigures& run, const Tolerance& tolerance, std::vector<Regression>& found)
      : run_(run), tolerance_(tolerance), found_(found) {}

  // A time that must not grow: a baseline value that is now missing (never happened) or longer
  // than the tolerance allows (or than `spread_s`, how far the figure moves by itself) is a
  // regression; a missing baseline value cannot regress.
  void time(std::size_t outage, const char* figure, std::optional<double> baseline, std::optional<double> now,
            double spread_s) {
    time(outage, figure, baseline, now, spread_s, tolerance_.absolute_s, tolerance_.relative);
  }
  void rebalance(std::size_t outage, std::optional<double> baseline, std::optional<double> now, double spread_s) {
    time(outage, "rebalance_s", baseline, now, spread_s, tolerance_.rebalance_absolute_s,
         tolerance_.rebalance_relative);
  }

  void rebuilt(std::size_t outage, const OutageFigures& baseline, const OutageFigures& now) {
    const double slack = tolerance_.rebuilt_fraction * baseline.connections;
    if (now.rebuilt + slack >= baseline.rebuilt) return;
    found_.push_back({run_.scenario, run_.backend, run_.policy, outage + 1, "rebuilt", baseline.rebuilt, now.rebuilt,
                      baseline.rebuilt - slack});
  }

  void integrity(bool baseline_ok) {
    if (!baseline_ok || run_.integrity_ok) return;
    found_.push_back({run_.scenario, run_.backend, run_.policy, 0, "integrity_ok", 1, 0, 1});
  }

 private:
  void time(std::size_t outage, const char* figure, std::optional<double> baseline, std::optional<double> now,
            double spread_s, double absolute_s, double relative) {
    if (!baseline) return;
    const double limit = *baseline + std::max(absolute_s + relative * *baseline, spread_s);
    if (now && *now <= limit) return;
    found_.push_back({run_.scenario, run_.backend, run_.policy, outage + 1, figure, baseline, now, limit});
  }

  const RunFigures& run_;
  const Tolerance& tolerance_;
  std::vector<Regression>& found_;
};

}  // namespace

std::string Regression::describe() const {
  std::string where = scenario + " " + policy + " on " + backend;
  if (outage > 0) where += ", outage " + std::to_string(outage);
  if (figure == "integrity_ok") return where + ": the byte stream no longer arrives intact (it did in the baseline)";
  return where + ": " + figure + " went from " + shown(baseline, figure) + " to " + shown(now, figure) + " (limit " +
         shown(limit, figure) + ")";
}

std::vector<Regression> find_regressions(const Comparison& baseline, const Comparison& now) {
  std::vector<Regression> found;
  for (const ScenarioComparison& scenario : now.scenarios) {
    const ScenarioComparison* base = baseline.find(scenario.name);
    if (!base) continue;
    for (const RunFigures& run : scenario.runs) {
      const RunFigures* base_run = base->find(run.backend, run.policy);
      if (!base_run) continue;
      const auto tolerance_it = baseline.tolerances.find(run.backend);
      const Tolerance tolerance =
          tolerance_it == baseline.tolerances.end() ? default_tolerance(run.backend) : tolerance_it->second;
      Judge judge(run, tolerance, found);
      judge.integrity(base_run->integrity_ok);
      if (base_run->outages.size() != run.outages.size()) {
        found.push_back({run.scenario, run.backend, run.policy, 0, "outages",
                         static_cast<double>(base_run->outages.size()), static_cast<double>(run.outages.size()),
                         static_cast<double>(base_run->outages.size())});
        continue;
      }
      for (std::size_t i = 0; i < run.outages.size(); ++i) {
        const OutageFigures& b = base_run->outages[i];
        const OutageFigures& n = run.outages[i];
        judge.rebuilt(i, b, n);
        // Connections that came back by themselves both times did so at a retransmission of TCP's
        // backoff (parity_rules_markdown, rule 2): retransmissions at e + r(2^k - 1) after the
        // outage's start put the first one after the restore at most the outage's length plus the
        // base timeout r after it; the absolute tolerance covers r.
        const double spread =
            b.back_by_backoff() && n.back_by_backoff() ? b.length_s() + tolerance.absolute_s : 0.0;
        judge.time(i, "rebuild_latency_median_s", b.latency_median_s, n.latency_median_s, spread);
        judge.time(i, "rebuild_latency_p95_s", b.latency_p95_s, n.latency_p95_s, spread);
        judge.time(i, "rebuild_latency_max_s", b.latency_max_s, n.latency_max_s, spread);
        judge.rebalance(i, b.rebalance_s, n.rebalance_s, spread);
      }
    }
  }
  return found;
}

}  // namespace mprecover
