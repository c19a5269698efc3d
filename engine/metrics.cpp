#include "metrics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace mprecover {

namespace {

double seconds_between(Instant from, Instant to) { return to_seconds(to - from); }

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double fraction) {
  const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

double median(const std::vector<double>& sorted) {
  const std::size_t n = sorted.size();
  return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

}  // namespace

MetricsCollector::MetricsCollector(std::vector<std::string> path_names, MetricsConfig config)
    : path_names_(std::move(path_names)),
      path_count_(path_names_.size()),
      config_(std::move(config)),
      verdicts_(path_count_) {
  for (const PathId p : config_.backup_paths) check_path(p);
}

void MetricsCollector::check_path(PathId path) const {
  if (path >= path_count_)
    throw std::out_of_range("metrics: path " + std::to_string(path) + " of " + std::to_string(path_count_));
}

void MetricsCollector::outage_started(PathId path, std::string_view kind, Instant at) {
  check_path(path);
  outage_ended(path, at);  // a new outage on the path ends the one in progress
  outages_.push_back({path, std::string(kind), at, std::nullopt});
}

void MetricsCollector::outage_ended(PathId path, Instant at) {
  check_path(path);
  for (auto it = outages_.rbegin(); it != outages_.rend(); ++it) {
    if (it->path != path) continue;
    if (!it->end) it->end = at;
    return;
  }
}

void MetricsCollector::notice(const Notice& notice) {
  if (notice.kind != NoticeKind::path_down && notice.kind != NoticeKind::path_up) return;
  check_path(notice.path);
  verdicts_[notice.path].emplace_back(notice.at, notice.kind == NoticeKind::path_up);
}

void MetricsCollector::connection_opened(ConnectionToken token, PathId initial_path, std::uint16_t port, Instant at) {
  lifetimes_[token] = {at, std::nullopt};
  subflow_established(token, initial_path, port, at);
}

void MetricsCollector::connection_closed(ConnectionToken token, Instant at) {
  const auto it = lifetimes_.find(token);
  if (it != lifetimes_.end() && !it->second.closed) it->second.closed = at;
}

void MetricsCollector::subflow_established(ConnectionToken token, PathId path, std::uint16_t port, Instant at) {
  check_path(path);
  auto& ports = ports_[{token, path}];
  ports.push_back(port);
  subflows_[{token, path}].push_back({at, static_cast<unsigned>(ports.size())});
}

// As the engine's connection table counts them: a port it does not know closes nothing, unless
// the backend names no ports at all.
void MetricsCollector::subflow_closed(ConnectionToken token, PathId path, std::uint16_t port, Instant at) {
  check_path(path);
  auto& ports = ports_[{token, path}];
  auto it = std::find(ports.begin(), ports.end(), port);
  if (it == ports.end() && port == 0 && !ports.empty() && ports.front() == 0) it = ports.begin();
  if (it != ports.end()) ports.erase(it);
  subflows_[{token, path}].push_back({at, static_cast<unsigned>(ports.size())});
}

void MetricsCollector::subflow_replaced(ConnectionToken token, PathId path, Instant at) {
  check_path(path);
  replaced_[{token, path}].push_back(at);
}

void MetricsCollector::app_rate(ConnectionToken token, std::uint64_t bits_per_second) {
  app_Bps_[token] = static_cast<double>(bits_per_second) / 8;
}

void MetricsCollector::bytes_sample(ConnectionToken token, PathId path, std::uint64_t cumulative, Instant at) {
  check_path(path);
  auto& bucket = delivered_.try_emplace(at, path_count_, 0).first->second;
  Progress& progress = progress_[{token, path}];
  if (cumulative <= progress.last) return;
  bucket[path] += cumulative - progress.last;
  if (app_Bps_.count(token) != 0) delivered_app_[at] += cumulative - progress.last;
  progress.last = cumulative;
  progress.moved.push_back(at);
}

std::vector<OutageFigures> MetricsCollector::report(Instant end) const {
  std::vector<OutageFigures> reports;
  for (std::size_t i = 0; i < outages_.size(); ++i) {
    const Outage& o = outages_[i];
    // Figures of an outage are looked for until the next outage on the same path (or, for the
    // traffic shares, on any path) starts. An outage that follows at the very instant of the
    // restore (a path that comes back degraded) is part of the recovery, not a new cut.
    Instant same_path_horizon = end;
    Instant any_path_horizon = end;
    for (std::size_t j = i + 1; j < outages_.size(); ++j) {
      if (o.end && outages_[j].start <= *o.end) continue;
      any_path_horizon = std::min(any_path_horizon, outages_[j].start);
      if (outages_[j].path == o.path) {
        same_path_horizon = std::min(same_path_horizon, outages_[j].start);
        break;
      }
    }

    OutageFigures r;
    r.path = path_names_[o.path];
    r.kind = o.kind;
    r.start_s = to_seconds(o.start);
    if (o.end) r.end_s = to_seconds(*o.end);

    std::optional<Instant> down_at;
    for (const auto& [at, up] : verdicts_[o.path]) {
      if (at < o.start || at >= same_path_horizon) continue;
      if (!down_at && !up) {
        down_at = at;
        r.detected_down_s = to_seconds(at);
      } else if (down_at && up) {
        r.detected_up_s = to_seconds(at);
        break;
      }
    }

    if (o.end) {
      const Instant restore = *o.end;
      std::vector<double> latencies;
      for (const auto& [token, life] : lifetimes_) {
        if (life.opened > restore || (life.closed && *life.closed <= restore)) continue;
        ++r.connections;
        const auto back = rebuild(token, o.path, restore, same_path_horizon);
        if (!back) continue;
        latencies.push_back(back->latency_s);
        (back->how == Comeback::recreated ? r.recreated : back->how == Comeback::replaced ? r.replaced : r.resumed) += 1;
      }
      r.rebuilt = static_cast<double>(latencies.size());
      std::sort(latencies.begin(), latencies.end());
      if (!latencies.empty()) {
        r.latency_median_s = median(latencies);
        r.latency_p95_s = percentile(latencies, 0.95);
        if (r.rebuilt == r.connections) r.latency_max_s = latencies.back();
      }
      r.rebalance_s = rebalance(o, any_path_horizon);
    }
    goodput_loss(o, any_path_horizon, r);
    if (!app_Bps_.empty()) app_rate_figures(o, any_path_horizon, r);
    if (!config_.backup_paths.empty()) backup_figures(o, any_path_horizon, r);
    if (!requests_.empty()) request_figures(o, any_path_horizon, end, r);
    r.subflows_before = typical_subflow_count(o.start);
    if (o.end) {
      r.subflows_during = typical_subflow_count(*o.end);
      r.subflows_after = typical_subflow_count(same_path_horizon);
    }
    reports.push_back(std::move(r));
  }
  return reports;
}

std::optional<MetricsCollector::Rebuild> MetricsCollector::rebuild(ConnectionToken token, PathId path, Instant restore,
                                                                   Instant horizon) const {
  const auto events = subflows_.find({token, path});
  if (events == subflows_.end()) return std::nullopt;
  bool up_at_restore = false;
  for (const SubflowEvent& e : events->second) {
    if (e.at > restore) break;
    up_at_restore = e.count > 0;
  }
  if (up_at_restore) {
    // It outlived the outage: it is back when data moves on the path again, carried by the old
    // subflow (resumed) or by the fresh one that replaced it.
    const auto progress = progress_.find({token, path});
    if (progress == progress_.end()) return std::nullopt;
    const auto& moved = progress->second.moved;
    const auto first = std::upper_bound(moved.begin(), moved.end(), restore);
    if (first == moved.end() || *first >= horizon) return std::nullopt;
    bool replaced = false;
    if (const auto r = replaced_.find({token, path}); r != replaced_.end())
      for (const Instant at : r->second) replaced = replaced || (at >= restore && at < horizon);
    return Rebuild{seconds_between(restore, *first), replaced ? Comeback::replaced : Comeback::resumed};
  }
  for (const SubflowEvent& e : events->second)
    if (e.count > 0 && e.at >= restore && e.at < horizon) return Rebuild{seconds_between(restore, e.at), Comeback::recreated};
  return std::nullopt;
}

std::optional<double> MetricsCollector::rebalance(const Outage& outage, Instant horizon) const {
  const Instant baseline_from = outage.start - config_.baseline_window;
  const std::uint64_t total_before = delivered_all(baseline_from, outage.start);
  if (total_before == 0) return std::nullopt;
  const double share_before =
      static_cast<double>(delivered(outage.path, baseline_from, outage.start)) / static_cast<double>(total_before);
  if (share_before <= 0) return std::nullopt;

  const Instant restore = *outage.end;
  for (auto it = delivered_.lower_bound(restore + config_.rebalance_window);
       it != delivered_.end() && it->first < horizon; ++it) {
    const Instant from = it->first - config_.rebalance_window;
    const std::uint64_t total = delivered_all(from, it->first);
    if (total == 0) continue;
    const double share = static_cast<double>(delivered(outage.path, from, it->first)) / static_cast<double>(total);
    if (share >= config_.rebalance_fraction * share_before) return seconds_between(restore, it->first);
  }
  return std::nullopt;
}

void MetricsCollector::goodput_loss(const Outage& outage, Instant horizon, OutageFigures& figures) const {
  const Instant baseline_from = outage.start - config_.baseline_window;
  const auto first_sample = delivered_.upper_bound(baseline_from);
  // Only a full baseline window of traffic says what the normal rate is.
  if (first_sample == delivered_.end() || first_sample->first >= outage.start ||
      first_sample->first - baseline_from > config_.rebalance_window)
    return;
  const std::uint64_t normal_bytes = delivered_all(baseline_from, outage.start);
  if (normal_bytes == 0 || horizon <= outage.start) return;
  const double normal_rate = static_cast<double>(normal_bytes) / to_seconds(config_.baseline_window);

  const double expected = normal_rate * seconds_between(outage.start, horizon);
  const auto got = static_cast<double>(delivered_all(outage.start, horizon));
  figures.bytes_lost = expected > got ? std::round(expected - got) : 0.0;

  double lowest_rate = normal_rate;
  for (auto it = delivered_.lower_bound(outage.start + config_.rebalance_window);
       it != delivered_.end() && it->first <= horizon; ++it) {
    const double rate = static_cast<double>(delivered_all(it->first - config_.rebalance_window, it->first)) /
                        to_seconds(config_.rebalance_window);
    lowest_rate = std::min(lowest_rate, rate);
  }
  figures.goodput_dip = 1.0 - lowest_rate / normal_rate;
}

void MetricsCollector::app_rate_figures(const Outage& outage, Instant horizon, OutageFigures& figures) const {
  double below = 0;
  double worst_backlog_s = 0;
  // Made and delivered since the outage started, summed as the samples go by (not recounted from
  // the start at each sample: a long run has thousands).
  double made_since_start = 0;
  std::uint64_t delivered_since_start = 0;
  Instant previous = outage.start;
  for (auto it = delivered_.upper_bound(outage.start); it != delivered_.end() && it->first <= horizon; ++it) {
    const Instant at = it->first;
    const Instant from = at - config_.rebalance_window;
    const double made = app_bytes(from, at);
    if (made > 0 && static_cast<double>(delivered_app(from, at)) < config_.below_rate_fraction * made)
      below += seconds_between(previous, at);
    made_since_start += app_bytes(previous, at);
    if (const auto got = delivered_app_.find(at); got != delivered_app_.end()) delivered_since_start += got->second;
    if (const double rate = app_rate_Bps(at); rate > 0) {
      const double backlog = made_since_start - static_cast<double>(delivered_since_start);
      worst_backlog_s = std::max(worst_backlog_s, backlog / rate);
    }
    previous = at;
  }
  figures.below_rate_s = below;
  figures.worst_shortfall_s = worst_backlog_s;
}

void MetricsCollector::request(Instant issued, std::optional<Instant> answered, Duration timeout) {
  requests_.push_back(TimedRequest{issued, answered, timeout});
}

void MetricsCollector::request_figures(const Outage& outage, Instant horizon, Instant end,
                                       OutageFigures& figures) const {
  const Instant restore = outage.end.value_or(horizon);
  const Instant baseline_start = outage.start - std::min(config_.baseline_window, outage.start.time_since_epoch());
  std::vector<double> before;
  std::vector<double> during;
  std::vector<double> after;
  double issued = 0;
  double failed = 0;
  for (const TimedRequest& request : requests_) {
    // One issued before the outage but still unanswered when it began is the outage's.
    const bool done_before = request.answered && *request.answered <= outage.start;
    if ((request.issued < baseline_start && done_before) || request.issued >= horizon) continue;
    std::vector<double>& phase = done_before ? before : request.issued < restore ? during : after;
    if (request.answered) phase.push_back(seconds_between(request.issued, *request.answered));
    if (done_before) continue;
    ++issued;
    if (request.failed(end).value_or(false)) ++failed;
  }
  const auto latency = [](std::vector<double>& values, std::optional<double>& p50, std::optional<double>& p99) {
    if (values.empty()) return;
    std::sort(values.begin(), values.end());
    p50 = median(values);
    p99 = percentile(values, 0.99);
  };
  latency(before, figures.request_p50_before_s, figures.request_p99_before_s);
  latency(during, figures.request_p50_during_s, figures.request_p99_during_s);
  latency(after, figures.request_p50_after_s, figures.request_p99_after_s);
  figures.requests_issued = issued;
  figures.requests_failed = failed;
}

void MetricsCollector::backup_figures(const Outage& outage, Instant horizon, OutageFigures& figures) const {
  const auto& backups = config_.backup_paths;
  if (std::find(backups.begin(), backups.end(), outage.path) != backups.end()) return;
  figures.failover_applies = true;
  std::optional<Instant> failover;
  Instant previous = outage.start;
  for (auto it = delivered_.upper_bound(outage.start); it != delivered_.end() && it->first <= horizon; ++it) {
    if (delivered_on_backups(previous, it->first) > 0) {
      failover = it->first;
      break;
    }
    previous = it->first;
  }
  if (!failover) return;
  figures.failover_s = seconds_between(outage.start, *failover);
  if (!outage.end) return;
  const Instant restore = std::max(*outage.end, *failover);
  for (auto it = delivered_.lower_bound(restore + config_.rebalance_window);
       it != delivered_.end() && it->first <= horizon; ++it) {
    const Instant from = it->first - config_.rebalance_window;
    const std::uint64_t total = delivered_all(from, it->first);
    if (total > 0 && static_cast<double>(delivered_on_backups(from, it->first)) <
                         config_.failed_back_share * static_cast<double>(total)) {
      figures.failback_s = seconds_between(*outage.end, it->first);
      return;
    }
  }
}

std::uint64_t MetricsCollector::delivered_on_backups(Instant from, Instant to) const {
  std::uint64_t sum = 0;
  for (const PathId p : config_.backup_paths) sum += delivered(p, from, to);
  return sum;
}

double MetricsCollector::app_bytes(Instant from, Instant to) const {
  double bytes = 0;
  for (const auto& [token, rate] : app_Bps_) {
    const auto life = lifetimes_.find(token);
    if (life == lifetimes_.end()) continue;
    const Instant begin = std::max(from, life->second.opened);
    const Instant end = life->second.closed ? std::min(to, *life->second.closed) : to;
    if (end > begin) bytes += seconds_between(begin, end) * rate;
  }
  return bytes;
}

double MetricsCollector::app_rate_Bps(Instant at) const {
  double sum = 0;
  for (const auto& [token, rate] : app_Bps_) {
    const auto life = lifetimes_.find(token);
    if (life != lifetimes_.end() && life->second.opened <= at && (!life->second.closed || *life->second.closed > at))
      sum += rate;
  }
  return sum;
}

std::uint64_t MetricsCollector::delivered_app(Instant from, Instant to) const {
  std::uint64_t sum = 0;
  for (auto it = delivered_app_.upper_bound(from); it != delivered_app_.end() && it->first <= to; ++it) sum += it->second;
  return sum;
}

std::optional<double> MetricsCollector::typical_subflow_count(Instant at) const {
  std::map<ConnectionToken, unsigned> counts;
  for (const auto& [token, life] : lifetimes_)
    if (life.opened < at && !(life.closed && *life.closed < at)) counts[token] = 0;
  if (counts.empty()) return std::nullopt;
  for (const auto& [key, events] : subflows_) {
    const auto count = counts.find(key.first);
    if (count == counts.end()) continue;
    unsigned up = 0;
    for (const SubflowEvent& e : events) {
      if (e.at >= at) break;
      up = e.count;
    }
    count->second += up;
  }
  std::map<unsigned, std::size_t> tally;
  for (const auto& [token, n] : counts) ++tally[n];
  // The most common count; on a tie, the larger one.
  const auto most = std::max_element(tally.begin(), tally.end(), [](const auto& a, const auto& b) {
    return std::pair(a.second, a.first) < std::pair(b.second, b.first);
  });
  return static_cast<double>(most->first);
}

std::uint64_t MetricsCollector::delivered(PathId path, Instant from, Instant to) const {
  std::uint64_t sum = 0;
  for (auto it = delivered_.upper_bound(from); it != delivered_.end() && it->first <= to; ++it) sum += it->second[path];
  return sum;
}

std::uint64_t MetricsCollector::delivered_all(Instant from, Instant to) const {
  std::uint64_t sum = 0;
  for (PathId p = 0; p < path_count_; ++p) sum += delivered(p, from, to);
  return sum;
}

}  // namespace mprecover
