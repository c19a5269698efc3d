// Whether two backends agree on a scenario run with the same policy: a reference (the first backend
// of the comparison) and a candidate, by rules that the report prints in its header
// (parity_rules_markdown). Any backend can take either role.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/results/run_figures.h"

namespace mprecover {

// What the rules need to know of the scenario and the policy.
struct ParityContext {
  double probe_interval_s = 1;  // the policy's detector interval
  double round_trip_s = 0;      // the scenario's longest path round trip
  // Per outage: whether its figures depend on a delay (an outage that changes it), which a backend
  // may have been unable to emulate.
  std::vector<bool> outage_changes_delay;
  // Per outage: whether its path drops packets at random where the detector declares it down or
  // up (the path's own loss, a degrade with loss, or one that starts at its restore).
  std::vector<bool> outage_in_random_loss;
};

struct ParityDifference {
  std::size_t outage = 0;
  std::string figure;
  std::optional<double> reference;
  std::optional<double> candidate;
  double allowed = 0;  // the largest difference the rule accepts
};

struct ParityVerdict {
  std::string policy;
  std::string reference;  // backend names
  std::string candidate;
  bool agree = true;
  std::vector<ParityDifference> differences;
  std::vector<std::string> not_compared;  // figures left out, and why
};

ParityVerdict check_parity(const RunFigures& reference, const RunFigures& candidate, const ParityContext& context);

// "figure (outage N): sim 1.000, netns 2.000, off by 1.000 (allowed 0.5)" for each difference,
// joined with "; ".
std::string differences_text(const ParityVerdict& verdict);

// The rules, as the report states them.
std::string parity_rules_markdown();

}  // namespace mprecover
