// The few lines `compare` ends with on the terminal: per scenario, each policy on each backend with
// the connections rebuilt, the rebuild latency and the time to rebalance (the bug and its fix at a
// glance), and where the plots are. report.md has every figure.
#pragma once

#include <filesystem>
#include <string>

#include "comparison.h"

namespace mprecover {

// `dir` is the comparison's folder: the plots of plot_compare.py that exist there are named.
std::string compare_summary_text(const Comparison& comparison, const std::filesystem::path& dir);

}  // namespace mprecover
