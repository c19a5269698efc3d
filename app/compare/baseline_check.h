// `mprecover check`: the figures of a new comparison against a baseline comparison.json, and every
// way in which recovery got worse than the baseline's tolerance allows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "comparison.h"

namespace mprecover {

struct Regression {
  std::string scenario;
  std::string backend;
  std::string policy;
  std::size_t outage = 0;  // 1-based, as the report numbers them
  std::string figure;
  std::optional<double> baseline;
  std::optional<double> now;
  std::optional<double> limit;  // the worst value the tolerance accepts

  // "wan-reset engine on sim, outage 1: rebuild_latency_max_s went from 0.084 to 5.084 (limit 0.085)"
  std::string describe() const;
};

// Compares every run of `now` with the baseline's run of the same scenario, backend and policy.
// Runs the baseline does not have are not judged; runs it has but `now` lacks are not either
// (check runs what it was asked to run).
std::vector<Regression> find_regressions(const Comparison& baseline, const Comparison& now);

}  // namespace mprecover
