// `mprecover compare` and `mprecover check`, behind the command line.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "app/compare/compare_runner.h"

namespace mprecover {

// Exit code of `check` when it found a regression (distinct from 1, a run that failed).
constexpr int kRegressionFound = 3;

// Runs the combinations, then writes report.md, comparison.json and the PNGs to request.out.
int compare_command(const CompareRequest& request, bool plot, const std::atomic<bool>& stop);

struct CheckRequest {
  std::filesystem::path baseline;
  std::vector<std::string> files;     // empty: the baseline's scenario files
  std::vector<std::string> backends;  // empty: every backend of the baseline that can run here
  std::filesystem::path out;
  std::string command_line;
};

// Reruns what the baseline holds and exits kRegressionFound naming each figure that got worse.
int check_command(const CheckRequest& request, const std::atomic<bool>& stop);

}  // namespace mprecover
