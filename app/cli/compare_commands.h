// `mprecover compare` and `mprecover check`, behind the command line.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/compare/compare_runner.h"

namespace mprecover {

// Exit code of `check` when it found a regression (distinct from 1, a run that failed).
constexpr int kRegressionFound = 3;

// Runs the combinations, then writes report.md, comparison.json and the PNGs to request.out.
// `update`: the scenarios of the files replace theirs in the comparison already in request.out
// (the others are kept as they are, their verdicts judged again), and report.md and the plots are
// written for all of them.
int compare_command(const CompareRequest& request, bool plot, bool update, const std::atomic<bool>& stop);

struct CheckRequest {
  std::filesystem::path baseline;
  std::vector<std::string> files;     // empty: the baseline's scenario files
  std::vector<std::string> backends;  // empty: every backend of the baseline that can run here
  std::vector<std::string> policies;  // empty: every policy of the baseline
  std::optional<std::string> parity_with;  // a backend of the baseline the new runs must agree with
  std::optional<std::filesystem::path> junit;  // where to write the JUnit XML report
  std::filesystem::path out;
  std::string command_line;
};

// Reruns what the baseline holds and exits kRegressionFound naming each figure that got worse
// (and, with parity_with, each disagreement with that backend's baseline figures).
int check_command(const CheckRequest& request, const std::atomic<bool>& stop);

}  // namespace mprecover
