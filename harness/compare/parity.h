// Whether the sim and netns backends agree on a scenario run with the same policy, by rules that
// the report prints in its header (parity_rules_markdown).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "run_figures.h"

namespace mprecover {

// What the rules need to know of the scenario and the policy.
struct ParityContext {
  double probe_interval_s = 1;  // the policy's detector interval
  double round_trip_s = 0;      // the scenario's longest path round trip
  // Per outage: whether its figures depend on a delay (a degrade that changes it), which the
  // netns run may have been unable to emulate.
  std::vector<bool> outage_changes_delay;
};

struct ParityDifference {
  std::size_t outage = 0;
  std::string figure;
  std::optional<double> sim;
  std::optional<double> netns;
  double allowed = 0;  // the largest difference the rule accepts
};

struct ParityVerdict {
  bool agree = true;
  std::vector<ParityDifference> differences;
  std::vector<std::string> not_compared;  // figures left out, and why
};

ParityVerdict check_parity(const RunFigures& sim, const RunFigures& netns, const ParityContext& context);

// The rules, as the report states them.
std::string parity_rules_markdown();

}  // namespace mprecover
