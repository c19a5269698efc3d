#include "parity.h"

#include <algorithm>
#include <cmath>

#include "core/driver/driver.h"
#include "figure_text.h"

namespace mprecover {

namespace {

// Counts of the same thing on both backends: equal, with slack for float noise only.
constexpr double kSameCount = 1e-9;

class Comparer {
 public:
  explicit Comparer(ParityVerdict& verdict) : verdict_(verdict) {}

  void figure(std::size_t outage, const std::string& name, std::optional<double> reference,
              std::optional<double> candidate, double allowed) {
    const bool agree =
        (!reference && !candidate) || (reference && candidate && std::fabs(*reference - *candidate) <= allowed);
    if (agree) return;
    verdict_.agree = false;
    verdict_.differences.push_back({outage, name, reference, candidate, allowed});
  }

 private:
  ParityVerdict& verdict_;
};

// The connections open at the restore that were rebuilt. A share, not a count: under load the
// kernel lets a connection whose MP_CAPABLE handshake was lost fall back to plain TCP, and such a
// connection is no MPTCP connection on that backend.
std::optional<double> rebuilt_share(const OutageFigures& o) {
  if (o.connections <= 0) return std::nullopt;
  return o.rebuilt / o.connections;
}

}  // namespace

ParityVerdict check_parity(const RunFigures& reference, const RunFigures& candidate, const ParityContext& context) {
  ParityVerdict verdict;
  verdict.policy = reference.policy;
  verdict.reference = reference.backend;
  verdict.candidate = candidate.backend;
  Comparer compare(verdict);
  if (reference.outages.size() != candidate.outages.size()) {
    compare.figure(0, "outages", static_cast<double>(reference.outages.size()),
                   static_cast<double>(candidate.outages.size()), kSameCount);
    return verdict;
  }
  // A probe's answer (or its timeout) comes a round trip after the probe: the same probe cycle can
  // end on either side of an instant on the two backends.
  const double detection = context.probe_interval_s + context.round_trip_s;
  const double rebuild = detection;
  for (std::size_t i = 0; i < reference.outages.size(); ++i) {
    const OutageFigures& s = reference.outages[i];
    const OutageFigures& n = candidate.outages[i];
    const bool delay_missing = !(reference.delay_emulated && candidate.delay_emulated) &&
                               i < context.outage_changes_delay.size() && context.outage_changes_delay[i];
    const bool random_loss = i < context.outage_in_random_loss.size() && context.outage_in_random_loss[i];
    if (delay_missing || random_loss) {
      verdict.not_compared.push_back(
          "outage " + std::to_string(i + 1) + " (" + s.kind + " " + s.path + "): detection and rebuild latency, since " +
          (delay_missing ? "they depend on a delay one of the runs could not emulate"
                         : "they depend on which probes a random loss drops, drawn by each backend on its own"));
    } else {
      compare.figure(i, "detected_down_s", s.detected_down_s, n.detected_down_s, detection);
      compare.figure(i, "detected_up_s", s.detected_up_s, n.detected_up_s, detection);
      // Connections that only resumed by themselves, on both backends, came back at a retransmission
      // of TCP's exponential backoff (rule 2's exception, in parity_rules_markdown).
      const bool by_backoff = s.back_by_backoff() && n.back_by_backoff();
      const double latency = by_backoff ? std::max(rebuild, s.length_s()) : rebuild;
      compare.figure(i, "rebuild_latency_median_s", s.latency_median_s, n.latency_median_s, latency);
      compare.figure(i, "rebuild_latency_max_s", s.latency_max_s, n.latency_max_s, latency);
      // Seen at the first byte sample with data on a backup path (rule 5).
      compare.figure(i, "failover_s", s.failover_s, n.failover_s, detection + to_seconds(Driver::kSampleInterval));
    }
    compare.figure(i, "subflows_before", s.subflows_before, n.subflows_before, kSameCount);
    compare.figure(i, "subflows_during", s.subflows_during, n.subflows_during, kSameCount);
    compare.figure(i, "subflows_after", s.subflows_after, n.subflows_after, kSameCount);
    compare.figure(i, "rebuilt_share", rebuilt_share(s), rebuilt_share(n), kSameCount);
  }
  return verdict;
}

std::string differences_text(const ParityVerdict& verdict) {
  const auto text = [](std::optional<double> x) { return milliseconds_text(x, "none"); };
  std::string out;
  for (const ParityDifference& d : verdict.differences) {
    std::string part = d.figure + " (outage " + std::to_string(d.outage + 1) + "): " + verdict.reference + " " +
                       text(d.reference) + ", " + verdict.candidate + " " + text(d.candidate);
    if (d.reference && d.candidate) part += ", off by " + text(std::fabs(*d.reference - *d.candidate));
    out += (out.empty() ? "" : "; ") + part + " (allowed " + formatted("%g", d.allowed) + ")";
  }
  return out;
}

std::string parity_rules_markdown() {
  return R"(For each scenario and policy, the reference backend (the first of the comparison) and each other
backend **agree** when, for every outage:

1. the detection instants (path declared down, path declared up) are within one probe interval of
   the policy's detector plus one round trip of the scenario's slowest path (a probe's answer comes
   a round trip after it), or missing on both;
2. the rebuild latency (median and max over connections) is within one probe interval plus one
   round trip of the scenario's slowest path, or missing on both. Where every connection came
   back by itself on both backends (`resumed`: a subflow that outlived the outage and carried data
   again at its own retransmission), within the outage's length instead: such a subflow resumes
   at the first retransmission of TCP's exponential backoff after the restore, and these come at
   r·(2^k − 1) after the outage began (r the RTO when it began). The backoff interval the restore
   falls in is between half and all of the outage long, and which instant of it ends it moves by
   2^k times any difference in r: a few milliseconds of srtt or rttvar (queueing behind the
   traffic, the kernel's tail loss probe, timer granularity) shift it by seconds, and a step of
   k by the whole interval. Two correct TCPs therefore agree on this figure only to within the
   outage's length;
3. the connections have the same number of subflows (the most common count) at the outage's start,
   at its restore and at the end of its recovery period;
4. the same share of the connections open at the restore is rebuilt (a share, since under load the
   kernel lets a connection whose MP_CAPABLE handshake was lost fall back to plain TCP, and that
   connection is then no MPTCP connection on its backend);
5. with backup paths, the failover (from the outage start to the first 100 ms sample with data on a
   backup path) is within the tolerance of rule 1 plus one sample, or missing on both.

Time to rebalance, goodput dip and bytes lost are shown but not part of the verdict: they depend on
congestion control, which the simulator models and the kernel implements. So is the failback from
a backup path: once the path that failed has a subflow again, the kernel's scheduler gives the
backup subflow no new data, but what it had already queued in that subflow's socket (its send
buffer, autotuned to a few times its window) still drains at the backup's rate; the simulator's
model hands a subflow data only as its congestion window opens. On `wan-backup-failover` the LTE
subflows go on delivering at full rate for about 0.8 s after wan1's subflows are back on the
kernel, against 0.2 s in the simulator. Request latency and failed requests (request/response
traffic) are shown but not judged either, for three mechanisms measured on
`wan-blackhole-requests`: the kernel's default scheduler gives the next 64 KB to the subflow with
the least data queued for its pacing rate, ties to the first in the connection's list, so each
response's first 64 KB go to the connection's oldest subflow and a subflow rebuilt later is listed
last, where the model sends on the lowest round trip with room; the tbf that shapes a netns path
lets a 64 KiB bucket through at once, where the model serialises a response at the path's rate;
and during a blackhole the server's MPTCP send buffer stays charged with what it had queued on the
silent subflow, so a response waits for room a round trip at a time (the model has no send
buffer). Where a backend could
not emulate delay, its round trips are shorter than the scenario's; the tolerance of rule 2 covers
that for rebuild latency, and an outage that changes a path's delay (`degrade` with `delay`) is
compared on rules 3 and 4 only, since whether its probes time out depends on that delay. So is an
outage whose path drops packets at random when it is declared down or up (the path's own `loss`, a
`degrade` with `loss`, or such a degrade starting at its restore): which probes pass is drawn by the
sim's seeded generator on one side and by nftables' `numgen random` on the other, and the detection
instant (with the rebuild that waits for it) moves by whole probe intervals between two draws.
)";
}

}  // namespace mprecover
